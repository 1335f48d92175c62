"""Work Order (ERPNext) extended with an order type (mom_order_type, a Production Order Type), checks at save
for what approval will need, and a status that follows its job cards.

The type lists Work Order fields that must be filled; one generic check here enforces them for every
type, so a new type needs no code. The approval path of a type is data in the Work Order workflow
(mom_app/production/data/work_order_workflow.json, editable in the Workflow builder).

Under a workflow the order is submitted at its last approval, not by whoever saved it: what ERPNext checks
only at submission (the warehouses, each operation's workstation) is checked when the draft is saved, so the
last approver is not the first to learn that a field is missing.

A job started on a job card (a time log, from the terminal or from ERPNext's Job Card form) puts a submitted
work order that says "Not Started" In Process, with its actual start date: ERPNext 15 moves the status only
on stock entries, so with "Skip Material Transfer" an order whose jobs run said "Not Started" until its
finished goods were received (later ERPNext versions call an order In Process once an operation has begun)."""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import get_datetime


def validate(doc, method=None):
	if doc.docstatus != 0:
		return  # submitted orders are updated by ERPNext itself
	if doc.get("mom_order_type"):  # a missing type is Frappe's mandatory check
		check_required_fields(doc)
	if get_workflow_name("Work Order"):
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


def start_from_job_card(job_card, method=None):
	"""Job Card on_update: the first time log of a job puts its work order In Process (see the module)."""
	if job_card.docstatus != 0 or not job_card.work_order:
		return
	starts = [get_datetime(log.from_time) for log in job_card.get("time_logs") or [] if log.from_time]
	if not starts:
		return
	order = frappe.db.get_value(
		"Work Order", job_card.work_order, ["docstatus", "status", "actual_start_date"], as_dict=True
	)
	if not order or order.docstatus != 1 or order.status != "Not Started":
		return
	values = {"status": "In Process"}
	if not order.actual_start_date:
		values["actual_start_date"] = min(starts)
	# as ERPNext's own update_status writes the status (db_set), telling open forms and lists
	frappe.get_doc("Work Order", job_card.work_order).db_set(values, notify=True)
