"""The shop-floor board's tiles: per workstation its state, current job, open andon calls, condition rules in
alarm (plant maintenance) and the OEE of the period (this shift or today, said on the tile)."""

import frappe
from frappe.utils import now_datetime

from mom_app.plant_maintenance.condition_rules.alarms import active_alarms
from mom_app.production.api.board.common import (
	andon_kind_label,
	andon_status_label,
	check_read,
	latest_states,
	machine_state_label,
	readable,
	running_jobs,
	workstation_status_label,
)
from mom_app.production.api.board.period import figures, public
from mom_app.production.doctype.andon_call.andon_call import open_calls


def hidden_parts() -> list[str]:
	return [d for d in ("Machine State Log", "Job Card", "Andon Call", "Condition Rule") if not readable(d)]


def calls_view(calls: list[dict], now) -> list[dict]:
	return [
		{
			"name": c.name,
			"kind": c.kind,
			"kind_label": andon_kind_label(c.kind),
			"status": c.status,
			"status_label": andon_status_label(c.status),
			"raised_at": str(c.raised_at),
			"minutes": max(int((now - c.raised_at).total_seconds() // 60), 0) if c.raised_at else None,
			"calls": c.calls,
			"employee_name": c.employee_name,
			"job_card": c.job_card,
		}
		for c in calls
	]


def tiles(period: str, workstation: str | None = None) -> list[dict]:
	check_read()
	now = now_datetime()
	filters = {"name": workstation} if workstation else {}
	workstations = frappe.get_list(
		"Workstation",
		filters=filters,
		fields=["name", "workstation_name", "status", "plant_floor"],
		order_by="name",
	)
	names = [ws.name for ws in workstations]
	hidden = hidden_parts()
	states = latest_states(names) if "Machine State Log" not in hidden else {}
	jobs = running_jobs(names) if "Job Card" not in hidden else {}
	calls = open_calls(names) if "Andon Call" not in hidden else {}
	alarms = active_alarms(names) if "Condition Rule" not in hidden else {}
	out = []
	for ws in workstations:
		p, oee = figures(ws.name, period, now)
		state = states.get(ws.name)
		out.append(
			{
				"name": ws.name,
				"status": ws.status,
				"status_label": workstation_status_label(ws.status),
				"plant_floor": ws.plant_floor,
				"state": state.state if state else None,
				"state_label": machine_state_label(state.state) if state else None,
				"state_since": str(state.start) if state else None,
				"job": jobs.get(ws.name),
				"andon": calls_view(calls.get(ws.name, []), now),
				"alarms": alarms.get(ws.name, []),
				"period": public(p),
				"oee": {k: oee[k] for k in ("oee", "availability", "performance", "quality")},
				"as_of": str(now),
				"hidden": hidden,
			}
		)
	return out
