"""The line board (电子看板) of a line (a Plant Floor): per workstation its shift's target vs actual, in total and
hour by hour, its state, current job and open andon calls.

The plan is the engine's (engine.line_board): the shift is this shift of the workstation (the one running,
else the last one, else the next); its hours' available time (breaks and planned downtime taken out) is
filled with the workstation's jobs in the order they run - the job cards worked in the shift first (by when
they started in it), then the open ones in the terminal's queue order - each job taking what it still had to
make at the shift's start (for_quantity less what its time logs completed before) at its ideal cycle time
(ERPNext's routing: the Work Order operation's time per unit, else the card's required time per unit).
Actual is what the time logs completed, in the hour each log closed; when no job card reported anything in
the shift and the machine has Good Count tags, their rise in each hour."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, flt, get_datetime, now_datetime

from mom_app.engine.line_board import hour_slots, period_oee, shift_board
from mom_app.production import oee
from mom_app.production.api.board.common import (
	check_read,
	latest_states,
	machine_state_label,
	readable,
	running_jobs,
	workstation_status_label,
)
from mom_app.production.api.board.period import SHIFT, period_of, period_records, public
from mom_app.production.api.board.tiles import calls_view
from mom_app.production.doctype.andon_call.andon_call import open_calls

MAX_JOBS = 200


def lines() -> list[dict]:
	"""The lines (Plant Floors) with the number of workstations the user may read on each."""
	check_read()
	counts: dict[str, int] = {}
	for ws in frappe.get_list("Workstation", fields=["plant_floor"], limit_page_length=0):
		counts[ws.plant_floor or ""] = counts.get(ws.plant_floor or "", 0) + 1
	floors = frappe.get_all("Plant Floor", fields=["name", "floor_name"], order_by="name")
	out = [
		{"name": f.name, "label": f.floor_name or f.name, "workstations": counts.get(f.name, 0)}
		for f in floors
	]
	if counts.get(""):
		out.append({"name": "", "label": _("Workstations on no line"), "workstations": counts[""]})
	return out


def line_board(line: str | None, workstation: str | None = None) -> dict:
	check_read()
	line = (line or "").strip()
	if line and not frappe.db.exists("Plant Floor", line):
		frappe.throw(_("Unknown line: {0}").format(frappe.bold(escape_html(line))))
	now = now_datetime()
	filters: dict = {"plant_floor": line or ("is", "not set")}
	if workstation:
		filters["name"] = workstation
	workstations = frappe.get_list(
		"Workstation", filters=filters, fields=["name", "status"], order_by="name", limit_page_length=0
	)
	names = [w.name for w in workstations]
	hidden = [d for d in ("Machine State Log", "Job Card", "Andon Call") if not readable(d)]
	states = latest_states(names) if "Machine State Log" not in hidden else {}
	jobs = running_jobs(names) if "Job Card" not in hidden else {}
	calls = open_calls(names) if "Andon Call" not in hidden else {}
	rows = []
	for ws in workstations:
		state = states.get(ws.name)
		p = period_of(ws.name, SHIFT, now)
		rows.append(
			{
				"name": ws.name,
				"status": ws.status,
				"status_label": workstation_status_label(ws.status),
				"state": state.state if state else None,
				"state_label": machine_state_label(state.state) if state else None,
				"state_since": str(state.start) if state else None,
				"job": jobs.get(ws.name),
				"andon": calls_view(calls.get(ws.name, []), now),
				"period": public(p),
				"oee": period_oee(period_records(ws.name, p, now))["oee"],
				**(
					shift_figures(ws.name, p, now)
					if "Job Card" not in hidden
					else {"hours": [], "no_plan": True}
				),
			}
		)
	return {
		"line": line,
		"line_label": (frappe.db.get_value("Plant Floor", line, "floor_name") or line)
		if line
		else _("Workstations on no line"),
		"now": str(now),
		"workstations": rows,
		"hidden": hidden,
	}


def shift_figures(workstation: str, p: dict, now: datetime) -> dict:
	"""Target, target until now, actual and gap of the shift, and its hours."""
	if not p["windows"]:
		return {"hours": [], "target": None, "target_now": None, "actual": None, "gap": None, "no_plan": True}
	window = p["windows"][0]
	slots = hour_slots(window.start, window.end, window.breaks, window.planned_downtime)
	jobs = planned_jobs(workstation, window.start, window.end, now)
	board = shift_board(slots, jobs, actual_reports(workstation, slots, now), now)
	planned = bool(board["jobs"])  # a job the plan could fill the hours with
	return {
		"target": board["target"] if planned else None,
		"target_now": board["target_now"] if planned else None,
		"actual": board["actual"],
		"gap": board["gap"] if planned else None,
		"no_plan": not jobs,
		"unplanned": board["unplanned"],
		"hours": [
			{
				"label": get_datetime(s["start"]).strftime("%H:%M"),
				"start": str(s["start"]),
				"end": str(s["end"]),
				"planned": s["planned"],
				"actual": s["actual"],
				"past": s["past"],
				"current": s["current"],
				"break": s["available"] <= 0,
			}
			for s in board["slots"]
		],
	}


def planned_jobs(workstation: str, start: datetime, end: datetime, now: datetime) -> list[dict]:
	"""The workstation's jobs of the shift in the order they run, each with what it still had to make at
	the shift's start and its ideal cycle time (engine.line_board.plan's input)."""
	rows = frappe.db.sql(
		"""select jc.name as job_card, jc.work_order, jc.operation_id, jc.time_required, jc.for_quantity,
			(select sum(t.completed_qty) from `tabJob Card Time Log` t
				where t.parent = jc.name and t.parenttype = 'Job Card' and t.parentfield = 'time_logs'
					and t.to_time < %(start)s) as done_before,
			(select min(t.from_time) from `tabJob Card Time Log` t
				where t.parent = jc.name and t.parenttype = 'Job Card' and t.parentfield = 'time_logs'
					and t.from_time < %(end)s and ifnull(t.to_time, %(now)s) > %(start)s) as started_in_shift,
			ifnull(jc.expected_start_date, jc.creation) as planned_start, jc.creation
		from `tabJob Card` jc
		where jc.workstation = %(ws)s and jc.docstatus < 2 and jc.for_quantity > 0
			and ((jc.docstatus = 0 and jc.status not in ('Completed', 'Cancelled'))
				or exists (select 1 from `tabJob Card Time Log` t
					where t.parent = jc.name and t.parenttype = 'Job Card' and t.parentfield = 'time_logs'
						and t.from_time < %(end)s and ifnull(t.to_time, %(now)s) > %(start)s))
		order by started_in_shift is null, started_in_shift, planned_start, jc.creation
		limit %(limit)s""",
		{"ws": workstation, "start": start, "end": end, "now": now, "limit": MAX_JOBS},
		as_dict=True,
	)
	cycle = oee.ideal_cycle_times(rows)
	return [
		{
			"job": r.job_card,
			"quantity": max(flt(r.for_quantity) - flt(r.done_before), 0.0),
			"cycle_seconds": cycle.get(r.job_card),
		}
		for r in rows
	]


def actual_reports(workstation: str, slots: list, now: datetime) -> list[tuple]:
	"""(moment, units) reported in the shift: the time logs closed in it with what they completed; without
	any, the rise of the machine's Good Count tags in each hour so far."""
	if not slots:
		return []
	start, end = slots[0].start, slots[-1].end
	logs = frappe.db.sql(
		"""select tl.to_time, tl.completed_qty
		from `tabJob Card Time Log` tl join `tabJob Card` jc on jc.name = tl.parent
		where tl.parenttype = 'Job Card' and tl.parentfield = 'time_logs' and jc.workstation = %(ws)s
			and jc.docstatus < 2 and tl.to_time >= %(start)s and tl.to_time < %(end)s and tl.completed_qty > 0""",
		{"ws": workstation, "start": start, "end": end},
		as_dict=True,
	)
	if logs:
		return [(get_datetime(r.to_time), flt(r.completed_qty)) for r in logs]
	counters = oee.counter_tags(workstation)
	if not counters["good"]:
		return []
	reports = []
	for slot in slots:
		if slot.start >= now:
			break
		until = min(slot.end, now)
		units = sum(oee.counter_increase(d, t, slot.start, until) for d, t in counters["good"])
		if units:
			reports.append((slot.start, units))
	return reports
