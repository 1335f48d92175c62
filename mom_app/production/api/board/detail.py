"""The drill-down of one workstation for the board's period: the same OEE figure as its tile, the state
timeline of the period, its six losses, its stops (each linked) by reason, and the job cards worked in it."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, flt, get_datetime

from mom_app.production.api.board.common import (
	LOSS_LABELS,
	LOSSES,
	check_read,
	job_card_status_label,
	legend,
	machine_state_label,
	readable,
	running_jobs,
)
from mom_app.production.api.board.period import figures, public
from mom_app.production.api.board.tiles import calls_view
from mom_app.production.doctype.andon_call.andon_call import open_calls

MAX_STOPS = 50


def detail(workstation: str, period: str, now: datetime) -> dict:
	check_read()
	if not frappe.db.exists("Workstation", workstation):
		frappe.throw(_("Unknown workstation: {0}").format(frappe.bold(escape_html(workstation))))
	frappe.has_permission("Workstation", "read", doc=workstation, throw=True)
	hidden = [d for d in ("Machine State Log", "Job Card", "Downtime Entry", "Andon Call") if not readable(d)]
	p, oee = figures(workstation, period, now)
	span = {"ws": workstation, "start": p["start"], "end": p["end"], "now": now}
	timeline, source = state_timeline(span, hidden)
	stops = downtime_stops(span) if "Downtime Entry" not in hidden else []
	return {
		"workstation": workstation,
		"as_of": str(now),
		"period": public(p),
		"oee": {k: oee[k] for k in ("oee", "availability", "performance", "quality")},
		"source": source,
		"legend": legend(),
		"timeline": timeline,
		"losses": sorted(
			(
				{"loss": key, "label": _(LOSS_LABELS[key]), "minutes": oee["losses"].get(key) or 0.0}
				for key in LOSSES
			),
			key=lambda x: -x["minutes"],
		),
		"stops": stops[:MAX_STOPS],
		"stop_count": len(stops),
		"reasons": by_reason(stops),
		"jobs": jobs_in(span) if "Job Card" not in hidden else [],
		"job": running_jobs([workstation]).get(workstation) if "Job Card" not in hidden else None,
		"andon": calls_view(open_calls([workstation]).get(workstation, []), now)
		if "Andon Call" not in hidden
		else [],
		"hidden": hidden,
	}


def state_timeline(span: dict, hidden: list[str]) -> tuple[list[dict], str]:
	"""The machine's states in the span, or without machine data its time logs (Running) and downtime
	entries (Down); each cut at now."""
	rows = []
	if "Machine State Log" not in hidden:
		rows = frappe.db.sql(
			"""select state, start, ifnull(`end`, %(now)s) as end from `tabMachine State Log`
			where workstation = %(ws)s and start < %(end)s and ifnull(`end`, %(now)s) > %(start)s order by start""",
			span,
			as_dict=True,
		)
	source = "machine"
	if not rows:
		source = "manual"
		if "Job Card" not in hidden:
			rows += frappe.db.sql(
				"""select 'Running' as state, tl.from_time as start, ifnull(tl.to_time, %(now)s) as end
				from `tabJob Card Time Log` tl join `tabJob Card` jc on jc.name = tl.parent
				where tl.parenttype = 'Job Card' and tl.parentfield = 'time_logs' and jc.workstation = %(ws)s
					and jc.docstatus < 2 and tl.from_time < %(end)s and ifnull(tl.to_time, %(now)s) > %(start)s""",
				span,
				as_dict=True,
			)
		if "Downtime Entry" not in hidden:
			rows += frappe.db.sql(
				"""select 'Down' as state, from_time as start, to_time as end
				from `tabDowntime Entry`
				where workstation = %(ws)s and docstatus < 2 and from_time < %(end)s and to_time > %(start)s""",
				span,
				as_dict=True,
			)
		rows.sort(key=lambda t: get_datetime(t.start))
	return [
		{
			"state": r.state,
			"label": machine_state_label(r.state),
			"start": str(get_datetime(r.start)),
			"end": str(min(get_datetime(r.end), span["now"])),
		}
		for r in rows
	], source


def downtime_stops(span: dict) -> list[dict]:
	"""The Downtime Entries overlapping the span, newest first, with their reason in the reader's words (an
	entry without one is Unclassified)."""
	rows = frappe.db.sql(
		"""select name, from_time, to_time, downtime, nullif(mom_downtime_reason, '') as reason,
			nullif(stop_reason, '') as stop_reason, mom_source
		from `tabDowntime Entry`
		where workstation = %(ws)s and docstatus < 2 and from_time < %(end)s
			and ifnull(to_time, %(now)s) > %(start)s
		order by from_time desc""",
		span,
		as_dict=True,
	)
	out = []
	for r in rows:
		reason = r.reason or r.stop_reason
		out.append(
			{
				"name": r.name,
				"from_time": str(r.from_time),
				"to_time": str(r.to_time) if r.to_time else None,
				"minutes": round(flt(r.downtime), 1),
				"reason": r.reason,  # the Downtime Reason (the filter of its list); None when unclassified
				"label": _(reason) if reason else _("Unclassified"),
			}
		)
	return out


def by_reason(stops: list[dict]) -> list[dict]:
	"""Minutes and count of stops per reason, most minutes first (at most 10)."""
	groups: dict[str, dict] = {}
	for s in stops:
		g = groups.setdefault(
			s["label"], {"label": s["label"], "reason": s["reason"], "minutes": 0.0, "stops": 0}
		)
		g["minutes"] = round(g["minutes"] + s["minutes"], 1)
		g["stops"] += 1
	return sorted(groups.values(), key=lambda g: (-g["minutes"], g["label"]))[:10]


def jobs_in(span: dict) -> list[dict]:
	"""The job cards with time on the workstation in the span, and what they completed in it."""
	rows = frappe.db.sql(
		"""select jc.name, jc.operation, jc.item_name, jc.status, jc.for_quantity, jc.total_completed_qty,
			min(tl.from_time) as first_start,
			sum(case when tl.to_time >= %(start)s and tl.to_time < %(end)s then tl.completed_qty else 0 end)
				as completed_in_period
		from `tabJob Card` jc join `tabJob Card Time Log` tl
			on tl.parent = jc.name and tl.parenttype = 'Job Card' and tl.parentfield = 'time_logs'
		where jc.workstation = %(ws)s and jc.docstatus < 2 and tl.from_time < %(end)s
			and ifnull(tl.to_time, %(now)s) > %(start)s
		group by jc.name order by first_start""",
		span,
		as_dict=True,
	)
	return [
		{
			"name": r.name,
			"operation": r.operation,
			"item_name": r.item_name,
			"status": r.status,
			"status_label": job_card_status_label(r.status),
			"for_quantity": flt(r.for_quantity),
			"total_completed_qty": flt(r.total_completed_qty),
			"completed_in_period": flt(r.completed_in_period),
		}
		for r in rows
	]
