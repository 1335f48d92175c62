"""Downtime at the operator terminal: the reasons to pick from, an ERPNext Downtime Entry (source Manual)
recorded with its reason and job card, closed when the job is resumed or started again."""

import frappe
from frappe import _

from mom_app.production.api.terminal.identity import check_role


@frappe.whitelist()
def reasons() -> list[dict]:
	"""The downtime reasons an operator can pick (leaves of the tree), with their category."""
	check_role()
	rows = frappe.get_all(
		"Downtime Reason",
		filters={"is_group": 0, "enabled": 1},
		fields=["name", "parent_downtime_reason", "kind"],
		order_by="lft",
	)
	return [
		{
			"name": r.name,
			"label": _(r.name),
			"category": _(r.parent_downtime_reason) if r.parent_downtime_reason else "",
			"kind": r.kind,
		}
		for r in rows
	]


def record_downtime(doc, plan, employee: frappe._dict, now) -> str:
	"""An open Downtime Entry (to_time = from_time until the job is resumed)."""
	reason = plan.downtime.get("reason")
	entry = frappe.get_doc(
		{
			"doctype": "Downtime Entry",
			"workstation": plan.downtime.get("workstation") or doc.workstation,
			"operator": employee.name,
			"from_time": now,
			"to_time": now,
			"mom_downtime_reason": reason,
			"mom_job_card": doc.name,
			"remarks": _("Reported at the operator terminal for job card {0}.").format(doc.name),
		}
	)
	entry.insert()
	return entry.name


def close_downtime(job_card: str, now):
	"""Downtime reported on the job card and still open ends when work starts again."""
	for name in frappe.get_all(
		"Downtime Entry",
		filters={"mom_job_card": job_card, "mom_source": "Manual", "docstatus": 0},
		pluck="name",
	):
		entry = frappe.get_doc("Downtime Entry", name)
		if entry.to_time and entry.from_time and entry.to_time == entry.from_time:
			entry.to_time = now
			entry.save()
