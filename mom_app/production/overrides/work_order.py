"""Work Order (ERPNext) extended with an order type (mom_order_type, a Production Order Type), checks at save
for what approval will need, and a status that follows its job cards.

The type lists Work Order fields that must be filled; one generic check here enforces them for every
type, so a new type needs no code. The approval path of a type is data in the Work Order workflow
(mom_app/production/data/work_order_workflow.json, editable in the Workflow builder).

Under a workflow the order is submitted at its last approval, not by whoever saved it: what ERPNext checks
only at submission (the warehouses, each operation's workstation) is checked when the draft is saved, so the
last approver is not the first to learn that a field is missing.

A job started on one of its job cards puts the order In Process (production.overrides.job_card)."""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name


def validate(doc, method=None):
	if doc.docstatus != 0:
		return  # submitted orders are updated by ERPNext itself
	if doc.get("mom_order_type"):  # a missing type is Frappe's mandatory check
		check_required_fields(doc)
	# a draft made for someone to complete (a quality hold's rework order) is checked when they save it
	if get_workflow_name("Work Order") and not doc.flags.ignore_mandatory:
		check_needed_for_submission(doc)


def required_fields(order_type: str) -> list:
	"""The Work Order fields an order type requires, as (fieldname, label) rows."""
	return frappe.get_all(
		"Production Order Type Field",
		filters={"parent": order_type, "parenttype": "Production Order Type"},
		fields=["fieldname", "label"],
		order_by="idx",
	)


def check_required_fields(doc):
	missing = [
		_(row.label or doc.meta.get_label(row.fieldname))
		for row in required_fields(doc.mom_order_type)
		if doc.meta.get_field(row.fieldname) and not doc.get(row.fieldname)
	]
	if missing:
		frappe.throw(
			_("A {0} work order needs: {1}.").format(_(doc.mom_order_type), ", ".join(missing)),
			frappe.MandatoryError,
			title=_("Missing Values"),
		)


def check_needed_for_submission(doc):
	"""What ERPNext's Work Order requires only on submit (on_submit, validate_workstation_type)."""
	missing = []
	if not doc.wip_warehouse and not doc.skip_transfer:
		missing.append(_(doc.meta.get_label("wip_warehouse")))
	if not doc.fg_warehouse:
		missing.append(_(doc.meta.get_label("fg_warehouse")))
	for row in doc.get("operations") or []:
		if not row.workstation and not row.workstation_type:
			missing.append(
				_("Row {0}: Workstation or Workstation Type for the operation {1}").format(
					row.idx, frappe.bold(frappe.utils.escape_html(row.operation or ""))
				)
			)
	if missing:
		frappe.throw(
			_("Approval will submit this work order; it still needs: {0}.").format(", ".join(missing)),
			frappe.MandatoryError,
			title=_("Missing Values"),
		)
