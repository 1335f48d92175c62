"""Dashboard chart source "Work Orders by Status": the work orders the user may read (not cancelled), counted
by status, most first, each status in the reader's language.

Frappe's "Group By" chart shows the stored values as they are ("Not Started", "Completed"), so a Chinese
reader got an English legend; this source groups the same way (frappe.get_list, the user's permissions) and
translates each status as ERPNext does in its list (the status words of the Work Order). Frappe calls a
chart source with the chart's name, filters and dates; those it does not take are dropped (frappe.call)."""

import frappe
from frappe import _


@frappe.whitelist()
def get(chart_name: str | None = None, filters: str | dict | None = None) -> dict:
	frappe.has_permission("Work Order", "read", throw=True)
	rows = frappe.get_list(
		"Work Order",
		filters={"docstatus": ("<", 2)},
		fields=["status", "count(*) as count"],
		group_by="status",
		order_by="count desc, status asc",
	)
	rows = [row for row in rows if row.count]
	return {
		"labels": [_(row.status) if row.status else _("Not Specified") for row in rows],
		"datasets": [{"name": _("Work Orders"), "values": [row.count for row in rows]}],
	}
