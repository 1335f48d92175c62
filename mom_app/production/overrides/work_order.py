"""Work Order (ERPNext) extended with an order type (mom_order_type, a Production Order Type).

The type lists Work Order fields that must be filled; one generic check here enforces them for every
type, so a new type needs no code. The approval path of a type is data in the Work Order workflow
(mom_app/production/data/work_order_workflow.json, editable in the Workflow builder)."""

import frappe
from frappe import _


def validate(doc, method=None):
	if doc.docstatus != 0 or not doc.get("mom_order_type"):
		return  # submitted orders are updated by ERPNext itself; a missing type is Frappe's mandatory check
	check_required_fields(doc)


def check_required_fields(doc):
	rows = frappe.get_all(
		"Production Order Type Field",
		filters={"parent": doc.mom_order_type, "parenttype": "Production Order Type"},
		fields=["fieldname", "label"],
		order_by="idx",
	)
	missing = [
		_(row.label or doc.meta.get_label(row.fieldname))
		for row in rows
		if doc.meta.get_field(row.fieldname) and not doc.get(row.fieldname)
	]
	if missing:
		frappe.throw(
			_("A {0} work order needs: {1}.").format(_(doc.mom_order_type), ", ".join(missing)),
			frappe.MandatoryError,
			title=_("Missing Values"),
		)
