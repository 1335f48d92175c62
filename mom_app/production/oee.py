"""OEE Records: the adapter between the site's data and mom_app.engine.oee.

For each workstation and each shift window of a day (mom_app.engine.shifts expands the workstation's Shift
Patterns, or its ERPNext working hours when it has none, skipping the days of its Holiday List), it loads

- the machine's state intervals (Machine State Log); without any in the range, the manual data: Downtime
  Entries (planned or unplanned by their Downtime Reason; setup reasons count as setup) and the job cards'
  time logs;
- planned Downtime Entries (a stop classified with a planned reason) as planned downtime, in both cases;
- quantities from the job cards of the workstation: good = the completed quantity of the time logs that end
  in the window (their sum is the job card's total_completed_qty); scrap = the job card's process_loss_qty
  and rework = its mom_rework_qty, counted in the window of its last time log (scrap only when it is real:
  a submitted card, or one whose quantities come from the terminal - ERPNext calls a draft's open quantity
  "process loss");
- the ideal cycle time per unit: the Work Order operation's time / the order quantity, else the job card's
  required time / its quantity; weighted by the units of each job card;
- when no job card reports anything in a window, the machine's own part counters (IoT tags with the signal
  roles Good Count / Reject Count, from their minute aggregates) with the ideal cycle time of the fastest BOM
  operation planned on the workstation,

calls the engine and upserts one OEE Record per window (named day-workstation-shift: unique).
"""

from datetime import date, datetime
from itertools import pairwise

import frappe
from frappe.utils import add_days, flt, get_datetime, getdate, now_datetime, today

from mom_app.engine import oee as engine
from mom_app.engine.shifts import ShiftError, expand
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
	rows = [
		r for r in rows if r.start_time is not None and r.end_time is not None and r.end_time > r.start_time
	]
	if not rows:
		return []
	breaks = [
		{"start": a.end_time, "end": b.start_time} for a, b in pairwise(rows) if b.start_time > a.end_time
	]
	return [
		{
			"name": WORKING_HOURS_SHIFT,
			"start": rows[0].start_time,
			"end": max(r.end_time for r in rows),
			"breaks": breaks,
			"workstation": workstation,
		}
	]


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


def clip(window, now: datetime) -> dict | None:
	"""The part of a window up to `now` (a shift in progress counts until now); None if it has not begun."""
	if window.start >= now:
		return None
	end = min(window.end, now)
	return {
		"workstation": window.workstation,
		"shift": window.shift,
		"day": window.day,
		"start": window.start,
		"end": end,
		"breaks": [(s, min(e, end)) for s, e in window.breaks if s < end],
		"planned_downtime": [(s, min(e, end), r) for s, e, r in window.planned_downtime if s < end],
	}


# ------------------------------------------------------------------------------------------------ loading
def machine_intervals(workstation: str, start: datetime, end: datetime, now: datetime) -> list[tuple] | None:
	"""Machine State Log intervals overlapping [start, end), or None when the workstation has no machine
	data in that range."""
	rows = frappe.db.sql(
		"""select start, `end`, state, micro_stop from `tabMachine State Log`
		where workstation = %(ws)s and start < %(end)s and (`end` is null or `end` > %(start)s)
		order by start""",
		{"ws": workstation, "start": start, "end": end},
		as_dict=True,
	)
	if not rows:
		return None
	return [(r.start, r.end or min(now, end), r.state, bool(r.micro_stop)) for r in rows]


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
	"""Seconds per unit of each job card: Work Order operation time / order quantity, else required time /
	job card quantity."""
	out = {}
	for r in rows:
		if r.job_card in out:
			continue
		pru = None
		if r.operation_id and r.work_order:
			op_minutes = frappe.db.get_value("Work Order Operation", r.operation_id, "time_in_mins")
			wo_qty = frappe.db.get_value("Work Order", r.work_order, "qty")
			if flt(op_minutes) > 0 and flt(wo_qty) > 0:
				pru = flt(op_minutes) * 60 / flt(wo_qty)
		if pru is None and flt(r.time_required) > 0 and flt(r.for_quantity) > 0:
			pru = flt(r.time_required) * 60 / flt(r.for_quantity)
		out[r.job_card] = pru
	return out


def production(window: dict, rows: list[dict], pru: dict) -> dict:
	"""Quantities of a window and its produced-weighted ideal cycle time."""
	start, end = window["start"], window["end"]
	good = scrap = rework = 0.0
	ideal_time, known_units, units = 0.0, 0.0, 0.0
	counted_cards = set()
	per_card: dict[str, float] = {}
	for r in rows:
		if not r.open_log and start <= r.to_time < end:
			good += flt(r.completed_qty)
			per_card[r.job_card] = per_card.get(r.job_card, 0.0) + flt(r.completed_qty)
		if r.job_card in counted_cards:
			continue
		if r.last_end and start <= r.last_end < end:
			counted_cards.add(r.job_card)
			real_scrap = r.docstatus == 1 or r.mom_terminal_qty
			card_scrap = flt(r.process_loss_qty) if real_scrap else 0.0
			scrap += card_scrap
			rework += flt(r.mom_rework_qty)
			per_card[r.job_card] = per_card.get(r.job_card, 0.0) + card_scrap + flt(r.mom_rework_qty)
	for card, n in per_card.items():
		units += n
		if pru.get(card):
			ideal_time += pru[card] * n
			known_units += n
	ideal_cycle_time = ideal_time / known_units if known_units else None
	return {
		"good": good,
		"scrap": scrap,
		"rework": rework,
		"produced": good + scrap + rework,
		"ideal_cycle_time": ideal_cycle_time,
	}


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
	"""How much a machine's part counter rose from `start` to `end`, from its minute aggregates (a counter
	that restarts from zero counts its new value)."""
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
	previous = flt(before[0][0]) if before else (flt(values[0]) if values else 0.0)
	total = 0.0
	for value in values:
		value = flt(value)
		total += value - previous if value >= previous else value
		previous = value
	return total


def workstation_ideal_cycle_time(workstation: str) -> float | None:
	"""Seconds per unit of the fastest BOM operation planned on the workstation (submitted BOMs)."""
	rows = frappe.db.sql(
		"""select bo.time_in_mins, b.quantity from `tabBOM Operation` bo join `tabBOM` b on b.name = bo.parent
		where bo.workstation = %s and b.docstatus = 1 and b.is_active = 1 and bo.time_in_mins > 0""",
		(workstation,),
	)
	times = [flt(minutes) * 60 / (flt(qty) or 1) for minutes, qty in rows]
	return min(times) if times else None


def machine_production(workstation: str, window: dict, counters: dict) -> dict | None:
	"""Quantities from the machine's good / reject counters when the job cards report none in the window."""
	if not (counters["good"] or counters["reject"]):
		return None
	good = sum(counter_increase(d, t, window["start"], window["end"]) for d, t in counters["good"])
	reject = sum(counter_increase(d, t, window["start"], window["end"]) for d, t in counters["reject"])
	return {
		"good": good,
		"scrap": reject,
		"rework": 0.0,
		"produced": good + reject,
		"ideal_cycle_time": workstation_ideal_cycle_time(workstation),
	}


# ------------------------------------------------------------------------------------------------ compute
def compute(workstation: str, date_from, date_to, now: datetime | None = None) -> list:
	"""Engine records (mom_app.engine.oee.OEERecord) of the workstation's windows from date_from to date_to."""
	now = now or now_datetime()
	records = []
	counters = counter_tags(workstation)
	for window in windows(workstation, date_from, date_to):
		w = clip(window, now)
		if not w:
			continue
		start, end = w["start"], w["end"]
		intervals = machine_intervals(workstation, start, end, now)
		entries = downtime_entries(workstation, start, end)
		rows = job_card_logs(workstation, start, end, now)
		logs = [(r.from_time, r.to_time) for r in rows]
		prod = production(w, rows, ideal_cycle_times(rows))
		if not prod["produced"]:
			prod = machine_production(workstation, w, counters) or prod
		record = engine.compute_window(
			w,
			intervals,
			downtime_entries=entries,
			time_logs=logs,
			setup_categories=(SETUP,),
			**prod,
		)
		records.append(record)
	return records


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
