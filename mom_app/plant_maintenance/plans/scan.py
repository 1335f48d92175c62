"""The due-date scan of the maintenance plans (Frappe adapter; the rules are engine.maintenance.due and .plans).

    run(wait_seconds=0, plans=None)        the scheduler's hourly job: scan every plan and ERPNext's due
                                           maintenance logs, commit; one run at a time in the site
    scan(today=None, plans=None, assets=None, now=None) -> dict
                                           evaluate each enabled plan on each of its assets and open the
                                           due occurrences (no commit)
    preview(plan) -> list[dict]            what the plan's form shows: per asset, when and why it falls due

Why hourly: calendar plans fall due by the date, but meters move through the day - a run-hour meter reaches
its due value mid-shift, and a typed reading is scanned at once (meters.manual) - so an hourly scan opens a
meter plan's order within the hour of the reading that makes it due. Cost, measured on 2 cores by
benchmarks/bench_maintenance_site.py: about 0.6 s for 5,000 plans when nothing new falls due, plus 0.1-0.16 s
for each order it opens (an insert and the automatic approval: two document saves with Frappe's workflow
actions).

Per (plan, asset): the engine's Plan from the plan's fields; the asset's meter of the plan's type (and name);
the history from the plan's latest closed order on the asset, else its "Service Before the Plan" row; the
meter's current total, its date and the average use per day (meters.rates, refreshed for the meters the
plans read). plans.decide then says: open, an order is open already (one open order per plan and asset),
the occurrence was handled, or not due. Opening goes through open_order(..., dedup_key=the occurrence key),
so two scans racing - or one scan and a typed reading's scan - still open one order per occurrence; the
scheduler's scans also take a database lock, so the second one waits or skips rather than adding an
occurrence to the first one's order.

The order says when and why it fell due: due date (Due.due_date: the calendar date or the date the meter
reached or is projected to reach its due value), due value, the reason sentence (plans.reasons) and, as
Due Reason (Data), the code and figures it is rendered from. Source Meter PM when a meter made it due, else
Calendar PM; the plan's type, priority, checklist, parts, estimated hours, skill and assignee.

A full scan (no plans or assets given) also stores each plan's next due date, the time of the scan and what
kept it from evaluating an asset (scan notes: no meter of the type, several, a meter without readings).
"""

import json

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime, getdate, now_datetime

from mom_app.engine.maintenance import due
from mom_app.engine.maintenance import plans as rules
from mom_app.plant_maintenance.meters.rates import store_changed, usage_rates
from mom_app.plant_maintenance.plans import loading
from mom_app.plant_maintenance.plans.reasons import reason_data, render

LOCK_NAME = "mom_maintenance_plan_scan"
METER_REASONS = (due.DUE_BY_METER, due.LEAD_BY_METER, due.LEAD_BY_PROJECTION)
SAVEPOINT = "mom_plan_occurrence"


def run(wait_seconds: int = 0, plans: list[str] | None = None) -> dict:
	"""The scheduler's job: the plans' scan (of `plans` only, when given) and ERPNext's due maintenance logs
	(on a full run), committed. One run at a time in the site: a run waits up to `wait_seconds` for the
	site's database lock (lock_name), else it is skipped. The transaction starts after the lock is taken, so
	a run that waited sees the orders the one before it committed."""
	from mom_app.plant_maintenance.doctype.maintenance_settings.maintenance_settings import settings
	from mom_app.plant_maintenance.plans.erpnext_tasks import open_due_logs

	lock = lock_name()
	got = frappe.db.sql("select get_lock(%s, %s)", (lock, wait_seconds))[0][0]
	if not got:
		return {"skipped": True}
	try:
		frappe.db.commit()  # a fresh snapshot from here on
		config = settings()
		result = scan(plans=plans) if config.pm_scan_enabled else {}
		if config.erpnext_task_orders and plans is None:
			result["erpnext_tasks"] = open_due_logs()
		frappe.db.commit()
		return result
	finally:
		frappe.db.sql("select release_lock(%s)", lock)


def lock_name(database: str | None = None) -> str:
	"""The scan's lock in `database` (default: the site's). MariaDB's named locks belong to the server, not
	to a database: the sites of a bench that share a server would otherwise skip each other's scans."""
	return f"{LOCK_NAME}:{database or frappe.conf.db_name}"[:64]


def scan(today=None, plans: list[str] | None = None, assets: list[str] | None = None, now=None) -> dict:
	"""Open the due occurrences of the enabled plans (or of `plans`, or on `assets` only); see the module
	docstring. Returns counts."""
	now = get_datetime(now) if now else now_datetime()
	today = getdate(today) if today else now.date()
	full = plans is None and assets is None
	rows = loading.plans(plans)
	only = set(assets) if assets is not None else None
	covered, _usable = loading.assets_of(rows, only)
	asset_names = sorted({a.name for assets_ in covered.values() for a in assets_})
	meters = loading.meters_of(asset_names)
	names = [p.name for p in rows]
	latest = loading.latest_orders(names)
	before = loading.services_before(names)

	evaluations = []  # (plan row, asset row, meter row, Due)
	notes: dict[str, list] = {}
	picked_meters = {}
	for p in rows:
		fields = {**p, "trigger": p.trigger_type}
		if rules.problems(fields):
			notes.setdefault(p.name, []).append(_("The plan's trigger is not complete."))
			continue
		for a in covered.get(p.name, ()):
			meter = None
			if p.trigger_type != rules.CALENDAR:
				meter, problem = rules.pick_meter(meters.get(a.name, ()), p.meter_type, p.meter_name)
				if problem:
					notes.setdefault(p.name, []).append(meter_problem(problem, a, p))
					if p.trigger_type == rules.METER:
						continue
			if meter:
				picked_meters[meter.name] = meter
			evaluations.append((p, fields, a, meter))

	rates = usage_rates(list(picked_meters.values()), now)
	store_changed(list(picked_meters.values()), rates)

	counts = {"plans": len(rows), "evaluated": 0, "opened": 0, "order_open": 0, "not_due": 0, "errors": 0}
	next_due: dict[str, object] = {}
	to_open = []
	for p, fields, a, meter in evaluations:
		try:
			plan = rules.engine_plan(fields, a.name)
			known = latest.get((p.name, a.name))
			history = rules.history(plan, known["last"] if known else None, before.get((p.name, a.name)))
			evaluation = due.evaluate(
				plan,
				today,
				**history,
				meter=meter.current_total if meter and meter.last_reading_at else None,
				rate_per_day=rates.get(meter.name) if meter else None,
				meter_date=getdate(meter.last_reading_at) if meter and meter.last_reading_at else None,
			)
		except ValueError as e:
			counts["errors"] += 1
			notes.setdefault(p.name, []).append(
				_("Asset {0}: {1}").format(escape_html(a.name), escape_html(str(e)))
			)
			continue
		counts["evaluated"] += 1
		decision = rules.decide(evaluation, known)
		if evaluation.due_date and decision in (rules.OPEN, rules.NOT_DUE):
			current = next_due.get(p.name)
			next_due[p.name] = min(current, evaluation.due_date) if current else evaluation.due_date
		if decision == rules.OPEN:
			to_open.append((p, a, meter, evaluation))
		elif decision == rules.ORDER_OPEN:
			counts["order_open"] += 1
		else:
			counts["not_due"] += 1

	parts = loading.parts_of(sorted({p.name for p, *_rest in to_open}))
	for p, a, meter, evaluation in to_open:
		if open_occurrence(p, a, meter, evaluation, parts.get(p.name, [])):
			counts["opened"] += 1
		else:
			counts["errors"] += 1
	if full:
		store_plan_status(rows, next_due, notes, now)
	return counts


def meter_problem(problem: str, asset, plan) -> str:
	kind = _(plan.meter_type)
	if problem == rules.SEVERAL_METERS:
		return _("Asset {0} has several {1} meters: name the meter in the plan.").format(
			escape_html(asset.name), kind
		)
	return _("Asset {0} has no enabled {1} meter{2}.").format(
		escape_html(asset.name), kind, f" ({escape_html(plan.meter_name)})" if plan.meter_name else ""
	)


def open_occurrence(p, asset, meter, evaluation: due.Due, parts: list) -> bool:
	"""Open the occurrence's order; False (logged) when opening it failed."""
	from mom_app.plant_maintenance.orders import open_order

	data = reason_data(evaluation, p.name, meter.name if meter else None, p.lead_days or 0, p.lead_units or 0)
	text = render(data)
	frappe.db.savepoint(SAVEPOINT)
	try:
		open_order(
			p.order_type,
			"Meter PM" if evaluation.reason in METER_REASONS else "Calendar PM",
			asset=asset.name,
			priority=p.priority,
			dedup_key=evaluation.key,
			reason=text,
			description=p.description or text,
			subject=_("{0}: {1}").format(p.plan_name, asset.asset_name or asset.name)[:140],
			references={
				"trigger_doctype": loading.PLAN,
				"trigger_name": p.name,
				"due_date": evaluation.due_date,
				"due_value": evaluation.due_value,
				"estimated_hours": p.estimated_hours,
				"required_skill": p.required_skill,
			},
			values={"due_reason": json.dumps(data)},
			checklist=p.checklist,
			planned_parts=parts,
			assign_to=p.assign_to,
			ignore_permissions=True,
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=f"Maintenance plan {p.name}: opening the order for {asset.name} failed")
		return False
	return True


STATUS = """update `tabMaintenance Plan` p
	join json_table(%(rows)s, '$[*]' columns(
		name varchar(140) path '$[0]',
		next_due date path '$[1]',
		note text path '$[2]'
	)) as j on p.name = j.name
	set p.next_due_date = j.next_due, p.scan_note = j.note, p.last_scan = %(now)s"""


def store_plan_status(rows, next_due: dict, notes: dict, now) -> None:
	"""Each plan's next due date, scan notes and the scan's time, in one statement."""
	if not rows:
		return
	data = [
		[
			p.name,
			next_due[p.name].isoformat() if next_due.get(p.name) else None,
			"\n".join(dict.fromkeys(notes.get(p.name, [])))[:10000] or None,
		]
		for p in rows
	]
	frappe.db.sql(STATUS, {"rows": json.dumps(data, ensure_ascii=False), "now": now})


def preview(plan: str, today=None) -> list[dict]:
	"""Per asset of the plan: next due date, due value, the reason in the reader's words, its open order."""
	rows = loading.plans([plan])
	if not rows:
		return []
	p = rows[0]
	fields = {**p, "trigger": p.trigger_type}
	if rules.problems(fields):
		return []
	now = now_datetime()
	today = getdate(today) if today else now.date()
	covered, _usable = loading.assets_of(rows)
	assets = covered.get(p.name, [])
	meters = loading.meters_of([a.name for a in assets])
	latest = loading.latest_orders([p.name])
	before = loading.services_before([p.name])
	out = []
	for a in assets:
		meter = problem = None
		if p.trigger_type != rules.CALENDAR:
			meter, problem = rules.pick_meter(meters.get(a.name, ()), p.meter_type, p.meter_name)
		row = {"asset": a.name, "asset_name": a.asset_name, "meter": meter.name if meter else None}
		known = latest.get((p.name, a.name))
		if known and known["open"]:
			row["order"] = known["name"]
		if problem and p.trigger_type == rules.METER:
			row["reason"] = meter_problem(problem, a, p)
			out.append(row)
			continue
		plan = rules.engine_plan(fields, a.name)
		rate = usage_rates([meter], now).get(meter.name) if meter else None
		try:
			evaluation = due.evaluate(
				plan,
				today,
				**rules.history(plan, known["last"] if known else None, before.get((p.name, a.name))),
				meter=meter.current_total if meter and meter.last_reading_at else None,
				rate_per_day=rate,
				meter_date=getdate(meter.last_reading_at) if meter and meter.last_reading_at else None,
			)
		except ValueError as e:
			row["reason"] = escape_html(str(e))
			out.append(row)
			continue
		data = reason_data(evaluation, p.name, row["meter"], p.lead_days or 0, p.lead_units or 0)
		row.update(
			due_date=evaluation.due_date,
			due_value=evaluation.due_value,
			meter_value=meter.current_total if meter else None,
			unit=meter.unit if meter else None,
			open_now=evaluation.open_now,
			overdue=evaluation.overdue,
			reason=render(data),
		)
		out.append(row)
	return out
