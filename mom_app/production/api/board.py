"""Data of the shop-floor board (desk page shop-floor-board); the OEE number cards are in api.number_cards.

Ratios of several OEE Records are never averaged: they are computed again from the summed times (OEE x PBT is
the fully productive time of a record, so sum(OEE x PBT) / sum(PBT) is the OEE of the sum).

The board needs read on Workstation and OEE Record. What it reads besides with its own queries comes only
with read on that doctype too: machine states (Machine State Log), running jobs and their time logs (Job
Card), downtime (Downtime Entry). Without it the tile or the detail shows the rest, and `hidden` names what
was left out, so the page can say so."""

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, flt, getdate, now_datetime, today

from mom_app.engine.oee import rollup  # the ratios of several records (pure; re-exported for the report)

LOSSES = (
	"loss_breakdowns",
	"loss_setup",
	"loss_small_stops",
	"loss_reduced_speed",
	"loss_startup_rejects",
	"loss_production_rejects",
)
LOSS_LABELS = {
	"loss_breakdowns": "Breakdowns",
	"loss_setup": "Setup and Adjustment",
	"loss_small_stops": "Small Stops",
	"loss_reduced_speed": "Reduced Speed",
	"loss_startup_rejects": "Start-up Rejects",
	"loss_production_rejects": "Production Rejects",
}


def check_read():
	if not frappe.has_permission("Workstation", "read") or not frappe.has_permission("OEE Record", "read"):
		raise frappe.PermissionError(_("You may not read workstations and their OEE."))


def readable(doctype: str) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


RECORD_FIELDS = [
	"name",
	"workstation",
	"shift",
	"day",
	"oee",
	"availability",
	"performance",
	"quality",
	"teep",
	"pbt",
	"apt",
	"calendar_time",
	"produced",
	"good",
	"scrap",
	"rework",
	"ideal_cycle_time",
	*LOSSES,
]


@frappe.whitelist()
def get_board() -> list[dict]:
	"""One tile per workstation: status, latest machine state, current job and today's OEE."""
	check_read()
	# today's OEE, or the last day that has OEE Records (a plant at rest, a demo week)
	day = frappe.db.sql("select max(day) from `tabOEE Record` where day <= %s", today())[0][0] or today()
	workstations = frappe.get_all(
		"Workstation", fields=["name", "status", "plant_floor", "workstation_type"], order_by="name"
	)
	records = frappe.get_all("OEE Record", filters={"day": day}, fields=RECORD_FIELDS)
	by_ws: dict[str, list] = {}
	for r in records:
		by_ws.setdefault(r.workstation, []).append(r)
	hidden = [doctype for doctype in ("Machine State Log", "Job Card") if not readable(doctype)]
	states = {}
	if "Machine State Log" not in hidden:
		states = {
			r.workstation: r
			for r in frappe.db.sql(
				"""select l.workstation, l.state, l.start from `tabMachine State Log` l
				join (select workstation, max(start) as start from `tabMachine State Log` group by workstation) m
					on m.workstation = l.workstation and m.start = l.start""",
				as_dict=True,
			)
		}
	jobs = {}
	if "Job Card" not in hidden:
		for j in frappe.get_all(
			"Job Card",
			filters={"docstatus": 0, "status": ("in", ["Work In Progress", "On Hold"])},
			fields=[
				"name",
				"workstation",
				"operation",
				"item_name",
				"for_quantity",
				"total_completed_qty",
				"status",
			],
			order_by="modified desc",
		):
			jobs.setdefault(j.workstation, j)
	return [
		{
			"name": ws.name,
			"status": ws.status,
			"status_label": _(ws.status) if ws.status else "",
			"plant_floor": ws.plant_floor,
			"state": states.get(ws.name, {}).get("state"),
			"state_label": _(states[ws.name]["state"]) if states.get(ws.name, {}).get("state") else None,
			"state_since": states.get(ws.name, {}).get("start"),
			"job": jobs.get(ws.name),
			"oee": rollup(by_ws.get(ws.name, [])),
			"oee_day": str(day),
			"hidden": hidden,
		}
		for ws in workstations
	]


@frappe.whitelist()
def get_workstation_detail(workstation: str, day: str | None = None, days: int = 7) -> dict:
	"""The state timeline of a day and the loss Pareto of the last `days` days of one workstation."""
	check_read()
	if not frappe.db.exists("Workstation", workstation):
		frappe.throw(_("Unknown workstation: {0}").format(frappe.bold(escape_html(workstation))))
	frappe.has_permission("Workstation", "read", doc=workstation, throw=True)
	hidden = [d for d in ("Machine State Log", "Job Card", "Downtime Entry") if not readable(d)]
	day = getdate(day or today())
	start = f"{day} 00:00:00"
	end = f"{add_days(day, 1)} 00:00:00"
	window = {"ws": workstation, "start": start, "end": end, "now": now_datetime()}
	timeline = []
	if "Machine State Log" not in hidden:
		timeline = frappe.db.sql(
			"""select state, start, ifnull(`end`, %(now)s) as end, micro_stop from `tabMachine State Log`
			where workstation = %(ws)s and start < %(end)s and ifnull(`end`, %(now)s) > %(start)s order by start""",
			window,
			as_dict=True,
		)
	source = "machine"
	if not timeline:
		source = "manual"
		if "Job Card" not in hidden:
			timeline += frappe.db.sql(
				"""select 'Running' as state, tl.from_time as start, ifnull(tl.to_time, %(now)s) as end,
					0 as micro_stop
				from `tabJob Card Time Log` tl join `tabJob Card` jc on jc.name = tl.parent
				where tl.parenttype = 'Job Card' and tl.parentfield = 'time_logs' and jc.workstation = %(ws)s
					and jc.docstatus < 2 and tl.from_time < %(end)s and ifnull(tl.to_time, %(now)s) > %(start)s""",
				window,
				as_dict=True,
			)
		if "Downtime Entry" not in hidden:
			timeline += frappe.db.sql(
				"""select 'Down' as state, from_time as start, to_time as end, 0 as micro_stop
				from `tabDowntime Entry`
				where workstation = %(ws)s and docstatus < 2 and from_time < %(end)s and to_time > %(start)s""",
				window,
				as_dict=True,
			)
		timeline.sort(key=lambda t: t.start)
	since = add_days(day, -(int(days) - 1))
	records = frappe.get_all(
		"OEE Record",
		filters={"workstation": workstation, "day": ("between", (since, day))},
		fields=RECORD_FIELDS,
	)
	losses = sorted(
		(
			{
				"loss": key,
				"label": _(LOSS_LABELS[key]),
				"minutes": round(sum(flt(r.get(key)) for r in records), 1),
			}
			for key in LOSSES
		),
		key=lambda x: -x["minutes"],
	)
	reasons = []
	if "Downtime Entry" not in hidden:
		reasons = frappe.db.sql(
			"""select coalesce(mom_downtime_reason, stop_reason, %(unclassified)s) as reason,
				sum(downtime) as minutes, count(*) as stops
			from `tabDowntime Entry`
			where workstation = %(ws)s and docstatus < 2 and from_time >= %(since)s and from_time < %(end)s
			group by 1 order by 2 desc limit 10""",
			{"ws": workstation, "since": f"{since} 00:00:00", "end": end, "unclassified": "Unclassified"},
			as_dict=True,
		)
	for r in reasons:
		r.label = _(r.reason)
		r.minutes = round(flt(r.minutes), 1)
	return {
		"workstation": workstation,
		"day": str(day),
		"source": source,
		"timeline": [
			{
				"state": t.state,
				"label": _(t.state),
				"start": str(t.start),
				"end": str(t.end),
				"micro": t.micro_stop,
			}
			for t in timeline
		],
		"losses": losses,
		"reasons": reasons,
		"oee": rollup(records),
		"records": records,
		"hidden": hidden,
	}
