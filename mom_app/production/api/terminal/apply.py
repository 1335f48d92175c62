"""Applying a terminal action (start, pause, resume, complete, downtime) to ERPNext's own Job Card.

Actions follow the pure rules of mom_app.engine.job_actions; the Plan they return is applied to the Job Card:
time logs opened and closed (completed_qty on the closed log, so total_completed_qty is ERPNext's own sum),
scrap into process_loss_qty (through mom_scrap_qty, see overrides/job_card.py), rework into mom_rework_qty;
a downtime report is an ERPNext Downtime Entry (see downtime.py). When nothing is left to make, the job card
is submitted if the user may submit it.

Exactly once. Every action carries a client-made id (a uuid). The first request that applies it stores its
result in a Terminal Action named by that id, in the same transaction; a retry gets the stored result back.

Concurrency. Before reading the job card, the request ends its (read-only) transaction, begins one at READ
COMMITTED and locks the Workstation row, then the Job Card row (SELECT ... FOR UPDATE). The card is read
after the locks are held, so a second operator acting on the same card waits and then sees the first one's
time logs and quantities; actions on other cards take no locks on the gaps between their rows.

Bad input (unknown scan, wrong workstation, quality hold, over-completion, negative quantities, completing
a job not started, ...) raises a translated TerminalError before anything is written.
"""

import json
import random
import time

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from mom_app.engine.job_actions import ACTIONS, ActionError, plan_action
from mom_app.production.api.terminal.downtime import close_downtime, record_downtime
from mom_app.production.api.terminal.identity import (
	check_acting,
	check_role,
	check_workstation,
	employee_of_badge,
	fail,
	show,
)
from mom_app.production.api.terminal.messages import action_message
from mom_app.production.api.terminal.views import job_card_name, job_card_state, snapshot

REALTIME_EVENT = "mom_terminal_update"
MAX_CLIENT_ID = 140
DEADLOCK_RETRIES = 6


def stored_result(client_id: str) -> dict | None:
	result = frappe.db.get_value("Terminal Action", client_id, "result")
	if result is None:
		return None
	data = json.loads(result or "{}")
	data["replayed"] = True
	return data


def check_client_id(client_id: str) -> str:
	client_id = (client_id or "").strip()
	if not client_id or len(client_id) > MAX_CLIENT_ID:
		fail(_("The request has no valid id; reload the terminal."))
	return client_id


def start_request(client_id: str) -> tuple[str, dict | None]:
	"""Role check, the request's id, and the stored result if that id was applied already."""
	check_role()
	client_id = check_client_id(client_id)
	return client_id, stored_result(client_id)


def answer_of_concurrent_twin(client_id: str) -> dict:
	"""After a DuplicateEntryError on the Terminal Action: the same id was applied by a request that ran
	alongside this one. Undo this one and answer with that one's result."""
	frappe.db.rollback()
	replay = stored_result(client_id)
	if not replay:
		raise
	return replay


def locked_job_card(name: str, workstation: str | None):
	"""End the read-only transaction, then lock the job card's workstation row and load the job card with
	its row locked (SELECT ... FOR UPDATE); the card and its child rows are read after the locks are held,
	so they are the latest.

	Lock order. ERPNext's job card save writes the Workstation row (its status) and Frappe's save reads the
	card's rows FOR UPDATE. Two saves on one workstation that took those locks in opposite order deadlocked
	under load; taking the workstation first (which the save would lock anyway) gives every terminal action
	one order."""
	begin_read_committed()
	if workstation:
		frappe.db.sql("select name from `tabWorkstation` where name = %s for update", workstation)
	try:
		return frappe.get_doc("Job Card", name, for_update=True)
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		fail(_("Unknown job card: {0}").format(show(name)))


def begin_read_committed():
	"""End the request's read-only transaction and begin the action's at READ COMMITTED.

	At InnoDB's default REPEATABLE READ, Frappe's `SELECT ... FOR UPDATE` of a job card's child rows takes
	next-key locks, which also lock the index gap in front of the next job card's rows: inserting a time
	log at the end of one card's rows then waited for, or deadlocked with, an action on the neighbouring
	card, at whatever workstation that was. READ COMMITTED takes record locks only. No phantom can appear
	in the card's own rows: every writer of a job card locks its row first (this module, and Frappe's save
	in check_if_latest). `SET TRANSACTION` without SESSION applies to the next transaction only, and only
	when none is open, so the empty one Frappe's commit begins is ended first."""
	frappe.db.commit()  # runs the commit callbacks, then begins a new (still empty) transaction
	frappe.db.sql("commit")
	frappe.db.sql("set transaction isolation level read committed")
	frappe.db.begin()


@frappe.whitelist(methods=["POST"])
def act(
	client_id: str,
	action: str,
	badge: str,
	job_card: str,
	workstation: str | None = None,
	good_qty: float | None = None,
	scrap_qty: float | None = None,
	rework_qty: float | None = None,
	reason: str | None = None,
) -> dict:
	"""Apply one terminal action (start, pause, resume, complete, downtime) to a job card, exactly once."""
	client_id, replay = start_request(client_id)
	if replay:
		return replay
	action = (action or "").strip().lower()
	if action not in ACTIONS:
		fail(_("Unknown action {0}.").format(show(action)))
	employee = employee_of_badge(badge)
	workstation = check_workstation(workstation)
	name, card_workstation = job_card_name(job_card, with_workstation=True)
	reason = (reason or "").strip()[:140] or None
	if reason and action == "downtime" and not frappe.db.exists("Downtime Reason", reason):
		fail(_("Unknown downtime reason: {0}").format(show(reason)))

	values = {"good_qty": good_qty, "scrap_qty": scrap_qty, "rework_qty": rework_qty, "reason": reason}
	# InnoDB may still pick this transaction as a deadlock victim (a desk save at REPEATABLE READ takes gap
	# locks next to this card's rows): nothing is kept, so run it again
	for attempt in range(DEADLOCK_RETRIES):
		try:
			return apply_action(client_id, action, employee, workstation, name, card_workstation, values)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == DEADLOCK_RETRIES - 1:
				raise
			time.sleep(0.02 * (attempt + 1) + random.random() * 0.03)
		except frappe.DuplicateEntryError:
			return answer_of_concurrent_twin(client_id)


def apply_action(
	client_id: str, action: str, employee, workstation, name: str, card_workstation: str | None, values: dict
) -> dict:
	doc = locked_job_card(name, card_workstation)
	replay = stored_result(client_id)  # a retry that waited for the lock
	if replay:
		return replay
	check_acting(employee, doc.workstation or workstation)
	if not doc.has_permission("write"):
		raise frappe.PermissionError(_("You may not change job card {0}.").format(show(name)))
	now = now_datetime()
	request = {"action": action, "employee": employee.name, "workstation": workstation, **values}
	try:
		plan = plan_action(snapshot(doc), request, now, allowed_overproduction_pct=overproduction_pct())
	except ActionError as e:
		fail(action_message(e, employee))

	result = apply_plan(doc, plan, employee, now)
	store(client_id, action, doc, employee.name, result, values)
	publish(doc, action, employee)
	# where the card stands now, so the terminal shows it without scanning again (a replay has none: it
	# scans); what the card is did not change and the page has it from the scan
	return {**result, "card": job_card_state(doc, employee.name)}


def overproduction_pct() -> float:
	return flt(
		frappe.db.get_single_value("Manufacturing Settings", "overproduction_percentage_for_work_order")
	)


def apply_plan(doc, plan, employee: frappe._dict, now) -> dict:
	from erpnext.manufacturing.doctype.job_card.job_card import OverlapError

	for close in plan.close_logs:
		row = doc.time_logs[close["index"]]
		row.to_time = close["to_time"]
		row.completed_qty = flt(row.completed_qty) + flt(close["completed_qty"])
	for log in plan.open_logs:
		doc.append(
			"time_logs", {"employee": log["employee"], "from_time": log["from_time"], "completed_qty": 0}
		)
		if not any(e.employee == log["employee"] for e in doc.employee):
			doc.append("employee", {"employee": log["employee"]})
	if plan.is_paused is True:
		doc.mom_pause_reason = plan.reason
	elif plan.is_paused is False:
		doc.mom_pause_reason = None
	if plan.status:
		doc.status = plan.status
	if plan.completed_qty or plan.process_loss_qty or plan.rework_qty or plan.action == "complete":
		doc.mom_terminal_qty = 1
		doc.mom_scrap_qty = flt(doc.get("mom_scrap_qty")) + plan.process_loss_qty
		doc.mom_rework_qty = flt(doc.get("mom_rework_qty")) + plan.rework_qty
	running = any(not log.to_time for log in doc.time_logs)
	doc.job_started = int(running)
	doc.started_time = now if plan.open_logs else (doc.started_time if running else None)
	# Links: the card was read from the database and only the badge's employee (looked up above) and a
	# downtime reason (checked to exist) are added, so re-reading every linked record's meta and row on each
	# tap is skipped. ERPNext's own validation (time log overlaps, sequence, quantities) runs as always.
	doc.flags.ignore_links = True
	try:
		# no Version per tap: the Terminal Action stored with it is the record of who did what, and the job
		# card's timeline shows those (production/doctype/terminal_action: job_card_timeline)
		doc.save(ignore_version=True)
	except OverlapError:
		fail(
			_("{0} still has an open time log on another job card; complete or pause it first.").format(
				show(employee.employee_name)
			)
		)

	downtime_entry = None
	if plan.downtime:
		downtime_entry = record_downtime(doc, plan, employee, now)
	if plan.action in ("start", "resume"):
		close_downtime(doc.name, now)

	submitted, submit_error = False, None
	if plan.fully_completed:
		submitted, submit_error = try_submit(doc)
	return {
		"ok": True,
		"replayed": False,
		"action": plan.action,
		"job_card": doc.name,
		"status": doc.status,
		"total_completed_qty": flt(doc.total_completed_qty),
		"scrap_qty": flt(doc.get("mom_scrap_qty")),
		"rework_qty": flt(doc.get("mom_rework_qty")),
		"remaining_qty": plan.remaining_qty,
		"fully_completed": plan.fully_completed,
		"submitted": submitted,
		"submit_error": submit_error,
		"downtime_entry": downtime_entry,
	}


def try_submit(doc) -> tuple[bool, str | None]:
	"""Submit the finished job card if the user may; ERPNext or quality may refuse (then it stays a draft)."""
	if not doc.has_permission("submit"):
		return False, _("All quantity is reported; a supervisor submits the job card.")
	frappe.db.savepoint("mom_terminal_submit")
	try:
		doc.submit()
		return True, None
	except frappe.ValidationError as e:
		frappe.db.rollback(save_point="mom_terminal_submit")
		frappe.clear_last_message()
		frappe.local.message_log = []
		return False, str(e) or _("The job card could not be submitted.")


def store(client_id: str, action: str, doc, employee: str, result: dict, values: dict):
	frappe.get_doc(
		{
			"doctype": "Terminal Action",
			"client_id": client_id,
			"action": action,
			"job_card": doc.name,
			"employee": employee,
			"workstation": doc.workstation,
			"user": frappe.session.user,
			"good_qty": flt(values.get("good_qty")),
			"scrap_qty": flt(values.get("scrap_qty")),
			"rework_qty": flt(values.get("rework_qty")),
			"reason": values.get("reason"),
			"result": json.dumps(result, default=str),
		}
	).insert(ignore_permissions=True, ignore_links=True)  # all of them were just read or checked


def publish(doc, action: str, employee: frappe._dict):
	if not doc.workstation:
		return
	frappe.publish_realtime(
		REALTIME_EVENT,
		{
			"workstation": doc.workstation,
			"job_card": doc.name,
			"action": action,
			"status": doc.status,
			"employee_name": employee.employee_name,
			"total_completed_qty": flt(doc.total_completed_qty),
			"for_quantity": flt(doc.for_quantity),
		},
		doctype="Workstation",
		docname=doc.workstation,
		after_commit=True,
	)
