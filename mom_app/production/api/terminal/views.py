"""What the operator terminal shows: a workstation's queue, a scanned job card, where a card stands."""

import frappe
from frappe import _
from frappe.utils import flt

from mom_app.engine.job_actions import action_options, remaining_qty
from mom_app.plant_maintenance.lockout import lockout
from mom_app.production.api.terminal.identity import (
	check_acting,
	check_role,
	check_workstation,
	employee_of_badge,
	fail,
	show,
)
from mom_app.production.api.terminal.messages import action_message


def job_card_name(scan: str, with_workstation: bool = False):
	"""The job card a scan names (and its workstation, if asked); an unknown one is refused."""
	text = (scan or "").strip()
	if not text:
		fail(_("Scan a job card."))
	row = frappe.db.get_value("Job Card", text, ["name", "workstation"])
	if not row:
		fail(_("Unknown job card: {0}").format(show(text[:140])))
	return tuple(row) if with_workstation else row[0]


def hold_reason(job_card: frappe._dict | object) -> str | None:
	hold = job_card.get("mom_quality_hold")
	if not hold:
		return None
	row = frappe.db.get_value("Quality Hold", hold, ["status", "reason"], as_dict=True)
	if not row or row.status != "Open":
		return None
	return row.reason or hold


def snapshot(doc) -> dict:
	"""The job card as the engine's rules read it (mom_app.engine.job_actions)."""
	return {
		"status": doc.status,
		"docstatus": doc.docstatus,
		"for_quantity": flt(doc.for_quantity),
		"total_completed_qty": flt(doc.total_completed_qty),
		# a draft's process loss is ERPNext's "not yet completed": the scrap reported here is the real one
		"process_loss_qty": flt(doc.get("mom_scrap_qty")),
		"workstation": doc.workstation,
		"is_paused": doc.status == "On Hold",
		"hold_reason": hold_reason(doc),
		"lockout": lockout(doc.workstation),
		"time_logs": [
			{
				"employee": log.employee,
				"from_time": log.from_time,
				"to_time": log.to_time,
				"completed_qty": flt(log.completed_qty),
				"name": log.name,
			}
			for log in doc.time_logs
		],
	}


@frappe.whitelist()
def queue(workstation: str) -> list[dict]:
	"""The open job cards of a workstation, in planned order."""
	check_role()
	workstation = check_workstation(workstation)
	if not frappe.has_permission("Job Card", "read"):
		raise frappe.PermissionError(_("You may not read job cards."))
	return frappe.db.sql(
		"""select name, work_order, operation, production_item, item_name, for_quantity, total_completed_qty,
			process_loss_qty, mom_scrap_qty, status, expected_start_date, mom_quality_hold
		from `tabJob Card`
		where workstation = %(ws)s and docstatus = 0 and status != 'Completed'
		order by ifnull(expected_start_date, creation), creation
		limit 50""",
		{"ws": workstation},
		as_dict=True,
	)


@frappe.whitelist(methods=["POST"])
def scan_job_card(badge: str, job_card: str, workstation: str | None = None) -> dict:
	"""What the operator sees after scanning a job card; refuses one of another workstation."""
	check_role()
	employee = employee_of_badge(badge)
	workstation = check_workstation(workstation)
	name = job_card_name(job_card)
	doc = frappe.get_doc("Job Card", name)
	if not doc.has_permission("read"):
		raise frappe.PermissionError(_("You may not read job card {0}.").format(show(name)))
	if workstation and doc.workstation and doc.workstation != workstation:
		fail(
			_("Job card {0} is for workstation {1}, not {2}.").format(
				show(name), show(doc.workstation), show(workstation)
			)
		)
	check_acting(employee, doc.workstation or workstation)
	return job_card_view(doc, employee.name)


def job_card_view(doc, employee: str | None = None) -> dict:
	"""Everything the terminal shows of a job card: what it is (operation, order, instructions, attachments,
	materials) and where it stands (job_card_state)."""
	operation = frappe.db.get_value("Operation", doc.operation, ["description"], as_dict=True) or {}
	work_order = (
		frappe.db.get_value(
			"Work Order",
			doc.work_order,
			["description", "qty", "mom_order_type", "produced_qty"],
			as_dict=True,
		)
		if doc.work_order
		else None
	) or {}
	attachments = frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": ("in", ["Job Card", "Work Order", "Operation", "BOM"]),
			"attached_to_name": (
				"in",
				[doc.name, doc.work_order or "", doc.operation or "", doc.bom_no or ""],
			),
			"is_private": 0,
		},
		fields=["file_name", "file_url"],
		limit=20,
	)
	return {
		**job_card_state(doc, employee),
		"work_order": doc.work_order,
		"order_type": work_order.get("mom_order_type"),
		"operation": doc.operation,
		"workstation": doc.workstation,
		"production_item": doc.production_item,
		"item_name": doc.item_name,
		"instructions": "\n".join(
			x for x in (operation.get("description"), work_order.get("description"), doc.remarks) if x
		),
		"attachments": attachments,
		"materials": [
			{
				"item_code": i.item_code,
				"item_name": i.item_name,
				"required_qty": flt(i.required_qty),
				"transferred_qty": flt(i.transferred_qty),
				"uom": i.uom or i.stock_uom,
			}
			for i in doc.items
		],
	}


def job_card_state(doc, employee: str | None = None) -> dict:
	"""Where a job card stands: quantities, status, pause, quality hold and maintenance lockout, who is working
	on it, and for `employee` the actions allowed now (engine.job_actions.action_options: {action: None when
	allowed, else why not, as HTML}). An action changes only these, so its answer carries only these (the page keeps the rest from the
	scan)."""
	open_logs = [log for log in doc.time_logs if not log.to_time]
	acting = (
		frappe._dict(name=employee, employee_name=frappe.db.get_value("Employee", employee, "employee_name"))
		if employee
		else None
	)
	state = snapshot(doc)
	options = action_options(state, employee)
	return {
		"name": doc.name,
		"for_quantity": flt(doc.for_quantity),
		"total_completed_qty": flt(doc.total_completed_qty),
		"scrap_qty": flt(doc.get("mom_scrap_qty")),
		"rework_qty": flt(doc.get("mom_rework_qty")),
		"remaining_qty": remaining_qty(
			flt(doc.for_quantity), flt(doc.total_completed_qty), flt(doc.get("mom_scrap_qty"))
		),
		"status": doc.status,
		"docstatus": doc.docstatus,
		"pause_reason": doc.get("mom_pause_reason"),
		"hold_reason": state["hold_reason"],
		"lockout": state["lockout"],
		"running": [log.employee for log in open_logs],
		"running_mine": bool(employee and any(log.employee == employee for log in open_logs)),
		"actions": {
			action: action_message(refusal, acting) if refusal else None
			for action, refusal in options.items()
		},
	}
