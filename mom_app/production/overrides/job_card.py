"""Job Card (ERPNext) extended for the operator terminal.

ERPNext derives a draft job card's process loss as "quantity not yet completed". Once quantities are
reported at the terminal (mom_terminal_qty), the process loss is what operators scrapped (mom_scrap_qty),
so a half-finished job does not show its open quantity as loss. Submitting a job card recomputes the OEE
of its workstation for the days it ran.

A job started on a job card (a time log, from the terminal or from ERPNext's Job Card form) puts a submitted
work order that says "Not Started" In Process, with its actual start date: ERPNext 15 moves the status only
on stock entries, so with "Skip Material Transfer" an order whose jobs run said "Not Started" until its
finished goods were received (later ERPNext versions call an order In Process once an operation has begun)."""

import frappe
from frappe.utils import flt, get_datetime, getdate


def before_save(doc, method=None):
	if doc.docstatus == 0 and doc.get("mom_terminal_qty"):
		doc.process_loss_qty = flt(doc.get("mom_scrap_qty"), doc.precision("process_loss_qty"))


def on_submit(doc, method=None):
	if not doc.workstation or not doc.time_logs:
		return
	days = sorted({getdate(log.from_time) for log in doc.time_logs if log.from_time})
	if not days:
		return
	frappe.enqueue(
		"mom_app.production.oee.recompute",
		queue="short",
		enqueue_after_commit=True,
		workstations=[doc.workstation],
		date_from=str(days[0]),
		date_to=str(days[-1]),
		now=frappe.flags.in_test,
	)


def start_work_order(job_card, method=None):
	"""on_update: the first time log of a job puts its work order In Process (see the module)."""
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
