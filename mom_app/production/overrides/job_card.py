"""Job Card (ERPNext) extended for the operator terminal.

ERPNext derives a draft job card's process loss as "quantity not yet completed". Once quantities are
reported at the terminal (mom_terminal_qty), the process loss is what operators scrapped (mom_scrap_qty),
so a half-finished job does not show its open quantity as loss. Submitting a job card recomputes the OEE
of its workstation for the days it ran."""

import frappe
from frappe.utils import flt, getdate


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
