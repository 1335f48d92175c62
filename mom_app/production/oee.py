"""OEE Records: the adapter between the site's data and mom_app.engine.oee.

For each workstation and each shift window of a day (mom_app.engine.shifts expands the workstation's Shift
Patterns, or its ERPNext working hours when it has none, skipping the days of its Holiday List), it loads

- the machine's state intervals (Machine State Log); without any in the range, the manual data: Downtime
  Entries (planned or unplanned by their Downtime Reason; setup reasons count as setup) and the job cards'
  time logs;
- planned Downtime Entries (a stop classified with a planned reason) as planned downtime, in both cases;
- the job cards' time logs overlapping the window with their cards' quantities, and each card's ideal cycle
  time from its Work Order operation or its own required time; mom_app.engine.oee_production turns them into
  the window's good, scrap and rework quantities and its produced-weighted ideal cycle time (which scrap
  counts, and in which window, is decided there);
- when no job card reports anything in a window, the machine's own part counters (IoT tags with the signal
  roles Good Count / Reject Count, from their minute aggregates) with the ideal cycle time of the fastest BOM
  operation planned on the workstation (the engine handles counters that restart),

calls the engine and upserts one OEE Record per window (named day-workstation-shift: unique).
"""

from datetime import date, datetime

import frappe
from frappe.utils import add_days, flt, get_datetime, getdate, now_datetime, today

from mom_app.engine import oee as engine
from mom_app.engine import oee_production as production_rules
from mom_app.engine.shifts import ShiftError, expand, until, working_hours_pattern
from mom_app.production.doctype.oee_record.oee_record import record_name
from mom_app.production.doctype.shift_pattern.shift_pattern import as_pattern

WORKING_HOURS_SHIFT = "Working Hours"
SETUP = "Setup"

# OEERecord attribute -> OEE Record field (times in minutes, ratios in percent)
TIME_FIELDS = (
	"calendar_time",
	"shift_time",
	"break_time",
	"planned_downtime",
	"pot",
	"pbt",
	"running_time",
	"apt",
	"asut",
	"adot",
	"adet",
	"unaccounted_time",
	"loss_breakdowns",
	"loss_setup",
	"loss_small_stops",
	"loss_reduced_speed",
	"loss_startup_rejects",
	"loss_production_rejects",
)
RATIO_FIELDS = ("oee", "availability", "performance", "quality", "teep", "nee", "loading", "first_pass_yield")
QTY_FIELDS = ("produced", "good", "scrap", "rework", "ideal_cycle_time")


# ------------------------------------------------------------------------------------------------ shifts
def workstation_patterns(workstation: str) -> list[dict]:
	"""The shift patterns of a workstation: its Shift Patterns, else one shift made of its working hours
	(the gaps between the rows are breaks)."""
	names = frappe.get_all(
		"Workstation Shift",
		filters={"parent": workstation, "parenttype": "Workstation"},
		pluck="shift_pattern",
		order_by="idx",
	)
	if names:
		return [as_pattern(frappe.get_cached_doc("Shift Pattern", name), workstation) for name in names]
	rows = frappe.get_all(
		"Workstation Working Hour",
		filters={"parent": workstation, "parenttype": "Workstation", "enabled": 1},
		fields=["start_time", "end_time"],
		order_by="start_time",
	)
	pattern = working_hours_pattern(rows, WORKING_HOURS_SHIFT, workstation)
	return [pattern] if pattern else []


def holidays(workstation: str, date_from: date, date_to: date) -> list[date]:
	holiday_list = frappe.db.get_value("Workstation", workstation, "holiday_list")
	if not holiday_list:
		return []
	return frappe.get_all(
		"Holiday",
		filters={"parent": holiday_list, "holiday_date": ("between", (date_from, date_to))},
		pluck="holiday_date",
	)


def windows(workstation: str, date_from, date_to) -> list:
	date_from, date_to = getdate(date_from), getdate(date_to)
	patterns = workstation_patterns(workstation)
	if not patterns:
		return []
	try:
		return expand(patterns, date_from, date_to, holidays(workstation, date_from, date_to))
	except ShiftError as e:
		frappe.log_error(f"OEE: shifts of {workstation}", str(e))
		return []


# ------------------------------------------------------------------------------------------------ loading
def machine_intervals(workstation: str, parts: list[dict], now: datetime) -> list[list[tuple] | None]:
	"""The Machine State Log intervals of each window (`parts`: the workstation's windows, each cut at now),
	or None for a window without machine data: one query for all of them, the intervals paired with the
	windows they overlap by the engine's assign(). An interval still open runs to the window's end."""
	if not parts:
		return []
	rows = frappe.db.sql(
		"""select start, `end`, state, micro_stop from `tabMachine State Log`
		where workstation = %(ws)s and start < %(end)s and (`end` is null or `end` > %(start)s)
		order by start""",
		{"ws": workstation, "start": min(p["start"] for p in parts), "end": max(p["end"] for p in parts)},
		as_dict=True,
	)
	out: list[list[tuple] | None] = [None] * len(parts)
	if not rows:
		return out
	# (a Machine State Log never ends before it starts: its validation refuses that)
	iv_index, w_index = engine.assign(
		[engine.to_seconds(p["start"]) for p in parts],
		[engine.to_seconds(p["end"]) for p in parts],
		[0] * len(parts),
		[engine.to_seconds(r.start) for r in rows],
		[engine.to_seconds(r.end or now) for r in rows],
		[0] * len(rows),
	)
	for i, j in zip(iv_index.tolist(), w_index.tolist(), strict=True):
		r, window_end = rows[i], parts[j]["end"]
		out[j] = out[j] or []
		out[j].append((r.start, r.end or min(now, window_end), r.state, bool(r.micro_stop)))
	return out


def downtime_entries(workstation: str, start: datetime, end: datetime) -> list[tuple]:
	"""(start, end, planned, category) of the Downtime Entries overlapping [start, end)."""
	rows = frappe.db.sql(
		"""select d.from_time, d.to_time, r.kind, r.is_setup
		from `tabDowntime Entry` d left join `tabDowntime Reason` r on r.name = d.mom_downtime_reason
		where d.workstation = %(ws)s and d.docstatus < 2 and d.from_time < %(end)s and d.to_time > %(start)s""",
		{"ws": workstation, "start": start, "end": end},
		as_dict=True,
	)
	return [
		(r.from_time, r.to_time, r.kind == "Planned", SETUP if r.is_setup else "")
		for r in rows
		if r.to_time and r.to_time > r.from_time
	]


def job_card_logs(workstation: str, start: datetime, end: datetime, now: datetime) -> list[dict]:
	"""Time logs (with their job card's quantities) of the workstation's job cards overlapping [start, end).

	Job Card's `employee` field keeps its rows in the same child table (parentfield "employee"): skipped."""
	rows = frappe.db.sql(
		"""select jc.name as job_card, jc.docstatus, jc.for_quantity, jc.process_loss_qty, jc.mom_scrap_qty,
			jc.mom_rework_qty, jc.mom_terminal_qty, jc.time_required, jc.work_order, jc.operation_id,
			tl.from_time, ifnull(tl.to_time, %(now)s) as to_time, tl.to_time is null as open_log,
			tl.completed_qty,
			(select max(ifnull(t2.to_time, %(now)s)) from `tabJob Card Time Log` t2
				where t2.parent = jc.name and t2.parenttype = 'Job Card' and t2.parentfield = 'time_logs') as last_end
		from `tabJob Card` jc join `tabJob Card Time Log` tl
			on tl.parent = jc.name and tl.parenttype = 'Job Card' and tl.parentfield = 'time_logs'
		where jc.workstation = %(ws)s and jc.docstatus < 2 and tl.from_time < %(end)s
			and ifnull(tl.to_time, %(now)s) > %(start)s""",
		{"ws": workstation, "start": start, "end": end, "now": now},
		as_dict=True,
	)
	for r in rows:  # ifnull(datetime, parameter) comes back as text
		r.to_time = get_datetime(r.to_time)
		r.last_end = get_datetime(r.last_end) if r.last_end else None
	return rows


def ideal_cycle_times(rows: list[dict]) -> dict[str, float | None]:
	"""Seconds per unit of each job card (mom_app.engine.oee_production.card_ideal_cycle_time)."""
	out = {}
	for r in rows:
		if r.job_card in out:
			continue
		op_minutes = wo_qty = None
		if r.operation_id and r.work_order:
			op_minutes = frappe.db.get_value("Work Order Operation", r.operation_id, "time_in_mins")
			wo_qty = frappe.db.get_value("Work Order", r.work_order, "qty")
		out[r.job_card] = production_rules.card_ideal_cycle_time(
			op_minutes, wo_qty, r.time_required, r.for_quantity
		)
	return out


def production(window: dict, rows: list[dict], pru: dict) -> dict:
	"""Quantities of a window and its produced-weighted ideal cycle time (the engine's from_job_cards)."""
	logs = [
		{
			"job_card": r.job_card,
			"log_end": None if r.open_log else r.to_time,
			"completed_qty": r.completed_qty,
			"last_end": r.last_end,
			"process_loss_qty": r.process_loss_qty,
			"rework_qty": r.mom_rework_qty,
			"submitted": r.docstatus == 1,
			"terminal_qty": bool(r.mom_terminal_qty),
		}
		for r in rows
	]
	return production_rules.from_job_cards(window["start"], window["end"], logs, pru)


def counter_tags(workstation: str) -> dict[str, list[tuple[str, str]]]:
	"""{"good"/"reject": [(device, tag)]} of the workstation's machines (IoT Device.workstation)."""
	roles = {"Good Count": "good", "Reject Count": "reject"}
	out: dict[str, list[tuple[str, str]]] = {"good": [], "reject": []}
	for device in frappe.get_all("IoT Device", filters={"workstation": workstation}, pluck="name"):
		for tag in frappe.get_all(
			"IoT Tag",
			filters={"parent": device, "parenttype": "IoT Device", "signal_role": ("in", list(roles))},
			fields=["tag_key", "signal_role"],
		):
			out[roles[tag.signal_role]].append((device, tag.tag_key))
	return out


def counter_increase(device: str, tag: str, start: datetime, end: datetime) -> float:
	"""How much a machine's part counter rose from `start` to `end`, from its minute aggregates (the engine's
	counter_increase: a counter that restarts from zero counts its new value)."""
	before = frappe.db.sql(
		"""select last_value from `tabIoT Minute Aggregate`
		where device = %s and tag = %s and minute < %s order by minute desc limit 1""",
		(device, tag, start),
	)
	values = frappe.db.sql(
		"""select last_value from `tabIoT Minute Aggregate`
		where device = %s and tag = %s and minute >= %s and minute < %s order by minute""",
		(device, tag, start, end),
		pluck=True,
	)
	return production_rules.counter_increase(values, flt(before[0][0]) if before else None)


def workstation_ideal_cycle_time(workstation: str) -> float | None:
	"""Seconds per unit of the fastest BOM operation planned on the workstation (submitted, active BOMs)."""
	rows = frappe.db.sql(
		"""select bo.time_in_mins, b.quantity from `tabBOM Operation` bo join `tabBOM` b on b.name = bo.parent
		where bo.workstation = %s and b.docstatus = 1 and b.is_active = 1 and bo.time_in_mins > 0""",
		(workstation,),
	)
	return production_rules.fastest_ideal_cycle_time(rows)


def machine_production(workstation: str, window: dict, counters: dict) -> dict | None:
	"""Quantities from the machine's good / reject counters (None when it has no counter tag)."""
	if not (counters["good"] or counters["reject"]):
		return None
	return production_rules.from_counters(
		[counter_increase(d, t, window["start"], window["end"]) for d, t in counters["good"]],
		[counter_increase(d, t, window["start"], window["end"]) for d, t in counters["reject"]],
		workstation_ideal_cycle_time(workstation),
	)


# ------------------------------------------------------------------------------------------------ compute
def compute(workstation: str, date_from, date_to, now: datetime | None = None) -> list:
	"""Engine records (mom_app.engine.oee.OEERecord) of the workstation's windows from date_from to date_to,
	computed together by engine.compute_windows."""
	now = now or now_datetime()
	counters = counter_tags(workstation)
	has_counters = bool(counters["good"] or counters["reject"])
	parts = [w for w in (until(window, now) for window in windows(workstation, date_from, date_to)) if w]
	items = []
	for w, intervals in zip(parts, machine_intervals(workstation, parts, now), strict=True):
		start, end = w["start"], w["end"]
		rows = job_card_logs(workstation, start, end, now)
		prod = production(w, rows, ideal_cycle_times(rows))
		if production_rules.use_counters(prod, has_counters):
			prod = machine_production(workstation, w, counters)
		items.append(
			{
				"window": w,
				"intervals": intervals,
				"downtime_entries": downtime_entries(workstation, start, end),
				"time_logs": [(r.from_time, r.to_time) for r in rows],
				**prod,
			}
		)
	return engine.compute_windows(items, setup_categories=(SETUP,))


def upsert(record) -> str:
	name = record_name(record.workstation, record.day, record.shift)
	values = {
		"workstation": record.workstation,
		"shift": record.shift,
		"day": record.day,
		"start": record.start,
		"end": record.end,
		"machine_data": int(bool(record.machine_data)),
		"computed_on": now_datetime(),
		"flag_messages": "\n".join(record.messages),
	}
	for f in TIME_FIELDS:
		value = getattr(record, f)
		values[f] = None if value is None else round(value / 60.0, 3)
	for f in RATIO_FIELDS:
		value = getattr(record, f)
		values[f] = None if value is None else round(value * 100.0, 2)
	for f in QTY_FIELDS:
		values[f] = getattr(record, f)
	if frappe.db.exists("OEE Record", name):
		doc = frappe.get_doc("OEE Record", name)
		doc.update(values)
	else:
		doc = frappe.get_doc({"doctype": "OEE Record", **values})
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.name


def oee_workstations() -> list[str]:
	"""Workstations with shifts or working hours."""
	with_shifts = set(
		frappe.get_all("Workstation Shift", filters={"parenttype": "Workstation"}, pluck="parent")
	)
	with_hours = set(
		frappe.get_all(
			"Workstation Working Hour", filters={"parenttype": "Workstation", "enabled": 1}, pluck="parent"
		)
	)
	return sorted(with_shifts | with_hours)


def recompute(workstations: list[str] | None = None, date_from=None, date_to=None, now=None) -> list[str]:
	"""Compute and store the OEE Records of the workstations (all with shifts when None) for the days."""
	date_from = getdate(date_from or today())
	date_to = getdate(date_to or date_from)
	names = []
	for workstation in workstations or oee_workstations():
		for record in compute(workstation, date_from, date_to, now=get_datetime(now) if now else None):
			names.append(upsert(record))
	return names


def recompute_recent():
	"""Scheduler (hourly): today's and yesterday's OEE Records."""
	recompute(date_from=add_days(today(), -1), date_to=today())
	frappe.db.commit()
