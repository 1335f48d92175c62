"""What both boards share: who may read what, the OEE Record fields and losses, and the words for states.

The boards need read on Workstation and OEE Record. What they read besides with their own queries comes only
with read on that doctype too: machine states (Machine State Log), jobs and their time logs (Job Card),
downtime (Downtime Entry), andon calls (Andon Call). Without it a board shows the rest, and `hidden` names
what was left out, so the page can say so.

State and status words are said with a context: the machine state Setup is 换型调机 on a shop floor, not
设置 (Settings), and a job card's Open is 待开工, not 打开."""

import frappe
from frappe import _

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
MACHINE_STATES = ("Running", "Idle", "Setup", "Down", "Off")

__all__ = ["LOSSES", "LOSS_LABELS", "RECORD_FIELDS", "rollup"]


def check_read():
	if not frappe.has_permission("Workstation", "read") or not frappe.has_permission("OEE Record", "read"):
		raise frappe.PermissionError(_("You may not read workstations and their OEE."))


def readable(doctype: str) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


def machine_state_label(state: str | None) -> str | None:
	"""A machine state (Machine State Log) in the shop floor's words."""
	if not state:
		return None
	labels = {
		"Running": _("Running", context="Machine State Log"),
		"Idle": _("Idle", context="Machine State Log"),
		"Down": _("Down", context="Machine State Log"),
		"Setup": _("Setup", context="Machine State Log"),
		# no production planned (off shift): 关机, as the Workstation status Off says; not 停机 (Down)
		"Off": _("Off", context="Machine State Log"),
	}
	return labels.get(state) or _(state)


def workstation_status_label(status: str | None) -> str | None:
	"""ERPNext's Workstation status in the shop floor's words."""
	if not status:
		return None
	labels = {
		"Production": _("Production", context="Workstation"),
		"Off": _("Off", context="Workstation"),
		"Idle": _("Idle", context="Workstation"),
		"Problem": _("Problem", context="Workstation"),
		"Maintenance": _("Maintenance", context="Workstation"),
		"Setup": _("Setup", context="Workstation"),
	}
	return labels.get(status) or _(status)


def job_card_status_label(status: str | None) -> str | None:
	"""ERPNext's Job Card status in the operator's words (as the terminal says them)."""
	if not status:
		return None
	labels = {
		"Open": _("Open", context="Job Card status"),
		"Work In Progress": _("Work In Progress", context="Job Card status"),
		"Material Transferred": _("Material Transferred", context="Job Card status"),
		"On Hold": _("On Hold", context="Job Card status"),
		"Submitted": _("Submitted", context="Job Card status"),
		"Completed": _("Completed", context="Job Card status"),
		"Cancelled": _("Cancelled", context="Job Card status"),
	}
	return labels.get(status) or _(status)


def andon_kind_label(kind: str | None) -> str | None:
	labels = {
		"Material": _("Material", context="Andon Call"),
		"Quality": _("Quality", context="Andon Call"),
		"Maintenance": _("Maintenance", context="Andon Call"),
	}
	return labels.get(kind) or (_(kind) if kind else None)


def andon_status_label(status: str | None) -> str | None:
	labels = {
		"Open": _("Open", context="Andon Call"),
		"Acknowledged": _("Acknowledged", context="Andon Call"),
		"Closed": _("Closed", context="Andon Call"),
	}
	return labels.get(status) or (_(status) if status else None)


def legend() -> list[dict]:
	"""The machine states of a timeline, in the reader's words."""
	return [{"state": s, "label": machine_state_label(s)} for s in MACHINE_STATES]


def latest_states(workstations: list[str]) -> dict[str, frappe._dict]:
	"""Workstation -> its latest Machine State Log (state, start)."""
	if not workstations:
		return {}
	return {
		r.workstation: r
		for r in frappe.db.sql(
			"""select l.workstation, l.state, l.start from `tabMachine State Log` l
			join (select workstation, max(start) as start from `tabMachine State Log`
				where workstation in %(ws)s group by workstation) m
				on m.workstation = l.workstation and m.start = l.start""",
			{"ws": tuple(workstations)},
			as_dict=True,
		)
	}


def running_jobs(workstations: list[str]) -> dict[str, frappe._dict]:
	"""Workstation -> its job card in progress (or on hold), the one changed last."""
	if not workstations:
		return {}
	filters = {
		"docstatus": 0,
		"status": ("in", ["Work In Progress", "On Hold"]),
		"workstation": ("in", workstations),
	}
	jobs: dict[str, frappe._dict] = {}
	for j in frappe.get_all(
		"Job Card",
		filters=filters,
		fields=[
			"name",
			"workstation",
			"operation",
			"work_order",
			"production_item",
			"item_name",
			"for_quantity",
			"total_completed_qty",
			"status",
		],
		order_by="modified desc",
	):
		j.status_label = job_card_status_label(j.status)
		jobs.setdefault(j.workstation, j)
	return jobs
