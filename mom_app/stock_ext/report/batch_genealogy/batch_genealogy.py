"""Batch Genealogy: the edges of a batch's trace, one row each, with their depth (the trace of the
Traceability page, as a report; what the user may not read is redacted the same way)."""

import frappe
from frappe import _

from mom_app.stock_ext.trace import run_trace, serialize

DIRECTIONS = {"Both": "both", "Backward": "backward", "Forward": "forward"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("batch"):
		frappe.throw(_("Select a batch."))
	direction = DIRECTIONS.get(filters.get("direction") or "Both", "both")
	data = serialize(run_trace(filters.batch, direction, filters.get("max_depth") or 20), enrich=False)
	return columns(), rows(data)


def columns() -> list[dict]:
	return [
		{"fieldname": "direction", "label": _("Direction"), "fieldtype": "Data", "width": 90},
		{"fieldname": "depth", "label": _("Depth"), "fieldtype": "Int", "width": 70},
		{"fieldname": "source_type", "label": _("Source Type"), "fieldtype": "Link", "options": "DocType", "width": 120},
		{"fieldname": "source", "label": _("Source"), "fieldtype": "Dynamic Link", "options": "source_type", "width": 170},
		{"fieldname": "source_item", "label": _("Source Item"), "fieldtype": "Link", "options": "Item", "width": 130},
		{"fieldname": "target_type", "label": _("Target Type"), "fieldtype": "Link", "options": "DocType", "width": 120},
		{"fieldname": "target", "label": _("Target"), "fieldtype": "Dynamic Link", "options": "target_type", "width": 170},
		{"fieldname": "target_item", "label": _("Target Item"), "fieldtype": "Link", "options": "Item", "width": 130},
		{"fieldname": "qty", "label": _("Qty"), "fieldtype": "Float", "width": 90},
		{"fieldname": "voucher_type", "label": _("Voucher Type"), "fieldtype": "Link", "options": "DocType", "width": 120},
		{"fieldname": "voucher_no", "label": _("Voucher No"), "fieldtype": "Dynamic Link", "options": "voucher_type", "width": 170},
		{"fieldname": "work_order", "label": _("Work Order"), "fieldtype": "Link", "options": "Work Order", "width": 150},
		{"fieldname": "posting_datetime", "label": _("Posting Datetime"), "fieldtype": "Datetime", "width": 160},
	]  # fmt: skip


def rows(data: dict) -> list[dict]:
	sides = {
		"backward": _("Backward", context="Trace direction"),
		"forward": _("Forward", context="Trace direction"),
	}
	nodes = {n["id"]: n for n in data["nodes"]}
	out = []
	for edge in sorted(data["edges"], key=lambda e: (e["side"] != "backward", abs(e["depth"]))):
		source, target = nodes[edge["source"]], nodes[edge["target"]]
		out.append(
			{
				"direction": sides.get(edge["side"], edge["side"]),
				"depth": edge["depth"],
				"source_type": source["doctype"],
				"source": source["name"],
				"source_item": source["item_code"],
				"target_type": target["doctype"],
				"target": target["name"],
				"target_item": target["item_code"],
				"qty": edge["qty"],
				"voucher_type": edge["voucher_type"],
				"voucher_no": edge["voucher_no"],
				"work_order": edge["work_order"],
				"posting_datetime": edge["posting_datetime"],
			}
		)
	return out
