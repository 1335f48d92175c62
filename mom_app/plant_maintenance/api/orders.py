"""The maintenance technician's actions on a Maintenance Work Order (the /maintenance page calls these).

    acknowledge(client_id, order)                          take the order: acknowledged, assigned to me
    start(client_id, order)                                Start / Resume the order and my time log
    pause(client_id, order, waiting_for_parts=False, note=None)
                                                           stop my time log; waiting for parts: everyone's,
                                                           and the order Waits for Parts
    finish(client_id, order, work_done=None)               stop every time log and Complete the order
    add_labour(client_id, order, from_time, to_time, technician=None, note=None)
                                                           a time log typed in afterwards
    record_step(client_id, order, step, value=None, photo=None)
                                                           a checklist step's result (step: its row number)
    issue_part(client_id, order, scan, qty=1, warehouse=None, batch_no=None, serial_no=None)
                                                           a spare part by its barcode, item code, batch or
                                                           serial number, issued from stock at once
    verify(client_id, order, note=None, signature=None)    the verifier's sign-off (Verify)

Each answers the order's state ({"order", "state", "actions", "labour_hours", "running", "flagged_steps",
"message", ...}).

Who. Working an order needs the right to change it (Maintenance Work Order write permission and
engine.maintenance.lifecycle.may_edit) and a role that works orders (Maintenance Technician, Production
Supervisor, MOM Manager); a requester (MOM Operator) may not. State changes go through the workflow, which
allows each action only to the roles its transitions name (verify: supervisors and managers).

Exactly once. Every action carries a client-made id (a uuid); the first request that applies it stores its
answer in a Maintenance Action named by that id, in the same transaction; a retry gets that answer back
(with "replayed": true), also one that ran alongside it (the id is taken as soon as the order is locked, so
a twin that waited for the lock meets the taken id, not a second application).

Nothing half done. The order's row is locked first; an action runs in a savepoint and a refusal (a bad
value, a mandatory checklist step not done, too little stock, an action the workflow does not allow now)
undoes everything it wrote and raises a translated message.
"""

import json

import frappe
from frappe import _
from frappe.utils import escape_html, flt, get_datetime, now_datetime

from mom_app.engine.maintenance import labour
from mom_app.engine.maintenance.lifecycle import IN_PROGRESS, WAITING_FOR_PARTS, may_edit
from mom_app.engine.rbac import MANAGER, SUPERVISOR, TECHNICIAN
from mom_app.plant_maintenance.orders import assign, available_actions
from mom_app.plant_maintenance.orders.transitions import apply_action

DOCTYPE = "Maintenance Work Order"
MAX_CLIENT_ID = 140
WORK_ROLES = {TECHNICIAN, SUPERVISOR, MANAGER, "System Manager"}
LEAD_ROLES = {SUPERVISOR, MANAGER, "System Manager"}
SAVEPOINT = "mom_maintenance_action"


class MaintenanceError(frappe.ValidationError):
	pass


def fail(message: str):
	frappe.throw(message, MaintenanceError, title=_("Maintenance"))


def show(value) -> str:
	return escape_html(str(value if value is not None else ""))


# -- exactly once ---------------------------------------------------------------------------------------------


def stored_result(client_id: str) -> dict | None:
	result = frappe.db.get_value("Maintenance Action", client_id, "result")
	if result is None:
		return None
	data = json.loads(result or "{}")
	data["replayed"] = True
	return data


def check_client_id(client_id: str) -> str:
	client_id = (client_id or "").strip()
	if not client_id or len(client_id) > MAX_CLIENT_ID:
		fail(_("The request has no valid id; reload the page."))
	return client_id


def once(client_id: str, action: str, order: str, apply) -> dict:
	"""Run `apply(doc)` on the locked order once per client id; store and return its answer.

	The Maintenance Action is inserted as soon as the order's row is locked, before anything is applied: a
	twin request that waited for the lock finds the id taken by the unique key (which sees committed rows,
	unlike the transaction's snapshot) and answers with the stored result instead of applying it again."""
	client_id = check_client_id(client_id)
	replay = stored_result(client_id)
	if replay:
		return replay
	name = (order or "").strip()
	if not name or not frappe.db.exists(DOCTYPE, name):
		fail(_("Unknown maintenance order {0}.").format(show(name)))
	frappe.db.savepoint(SAVEPOINT)
	try:
		doc = frappe.get_doc(DOCTYPE, name, for_update=True)
		try:
			frappe.get_doc(
				{
					"doctype": "Maintenance Action",
					"client_id": client_id,
					"action": action,
					"maintenance_work_order": name,
					"user": frappe.session.user,
					"result": "{}",
				}
			).insert(ignore_permissions=True)
		except frappe.DuplicateEntryError:
			frappe.db.rollback(save_point=SAVEPOINT)
			frappe.clear_last_message()
			return replay_committed(client_id)
		check_worker(doc)
		message = apply(doc)
		doc = frappe.get_doc(DOCTYPE, name)
		result = {**order_state(doc), "message": message or ""}
		frappe.db.set_value(
			"Maintenance Action", client_id, "result", json.dumps(result, default=str), update_modified=False
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		raise
	return result


def replay_committed(client_id: str) -> dict:
	"""The stored answer of an id another request applied (a locking read: the latest committed row)."""
	row = frappe.db.sql("select result from `tabMaintenance Action` where name = %s for update", client_id)
	if not row:
		fail(_("The request has no valid id; reload the page."))
	return {**json.loads(row[0][0] or "{}"), "replayed": True}


def check_worker(doc, lead: bool = False) -> None:
	roles = set(frappe.get_roles())
	needed = LEAD_ROLES if lead else WORK_ROLES
	if (
		not roles & needed
		or not doc.has_permission("write")
		or not may_edit(roles, doc.workflow_state, doc.owner == frappe.session.user)
	):
		raise frappe.PermissionError(_("You may not work maintenance order {0}.").format(doc.name))


def order_state(doc) -> dict:
	me = frappe.session.user
	return {
		"order": doc.name,
		"state": doc.workflow_state,
		"actions": available_actions(doc),
		"labour_hours": flt(doc.labour_hours, 3),
		"running": labour.open_index(logs_of(doc), me) is not None,
		"flagged_steps": doc.flagged_steps,
		"acknowledged_at": doc.acknowledged_at,
		"assigned": json.loads(doc.get("_assign") or "[]"),
	}


def logs_of(doc) -> list[dict]:
	return [
		{
			"technician": row.technician,
			"start": get_datetime(row.from_time),
			"end": get_datetime(row.to_time) if row.to_time else None,
		}
		for row in doc.time_logs
	]


def run_action(doc, action: str):
	"""A workflow action; the order is reloaded after it (the workflow saves its own copy)."""
	apply_action(doc, action)
	return frappe.get_doc(DOCTYPE, doc.name)


def labour_message(error: labour.LabourError) -> str:
	return {
		labour.ALREADY_RUNNING: _("Your time on this order is running already."),
		labour.NOT_RUNNING: _("Your time on this order is not running."),
		labour.END_BEFORE_START: _("The end is before the start."),
		labour.OVERLAP: _("This time overlaps another time log of the same technician."),
		labour.NO_TECHNICIAN: _("Name the technician."),
	}.get(error.code, error.code)


# -- actions --------------------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def acknowledge(client_id: str, order: str) -> dict:
	"""Take the order: acknowledged (the response time ends here) and assigned to me."""

	def apply(doc):
		if not doc.acknowledged_at:
			doc.acknowledged_at, doc.acknowledged_by = now_datetime(), frappe.session.user
			doc.save()
		assign(doc.name, [frappe.session.user])
		return _("Order {0} is yours.").format(doc.name)

	return once(client_id, "acknowledge", order, apply)


@frappe.whitelist(methods=["POST"])
def start(client_id: str, order: str) -> dict:
	"""Start (or resume) the order and my time on it."""

	def apply(doc):
		if doc.workflow_state != IN_PROGRESS:
			actions = available_actions(doc)
			action = "Resume" if doc.workflow_state == WAITING_FOR_PARTS and "Resume" in actions else "Start"
			doc = run_action(doc, action)
		now = now_datetime()
		try:
			doc.append("time_logs", {**to_row(labour.start(logs_of(doc), frappe.session.user, now))})
		except labour.LabourError as e:
			fail(labour_message(e))
		doc.save()
		assign(doc.name, [frappe.session.user])
		return _("Started.")

	return once(client_id, "start", order, apply)


@frappe.whitelist(methods=["POST"])
def pause(client_id: str, order: str, waiting_for_parts: bool = False, note: str | None = None) -> dict:
	"""Stop my time; waiting for parts: everyone's time, and the order waits for parts."""
	waiting_for_parts = frappe.utils.sbool(waiting_for_parts)

	def apply(doc):
		now = now_datetime()
		logs = logs_of(doc)
		try:
			indexes = (
				labour.stop_all(logs, now)
				if waiting_for_parts
				else [labour.stop(logs, frappe.session.user, now)]
			)
		except labour.LabourError as e:
			fail(labour_message(e))
		for index in indexes:
			doc.time_logs[index].to_time = now
			if note:
				doc.time_logs[index].note = (note or "").strip()[:140]
		doc.save()
		if waiting_for_parts:
			run_action(doc, "Wait for Parts")
			return _("Waiting for parts.")
		return _("Paused.")

	return once(client_id, "pause", order, apply)


@frappe.whitelist(methods=["POST"])
def finish(client_id: str, order: str, work_done: str | None = None) -> dict:
	"""Stop every time log and complete the order (its mandatory checklist steps done)."""

	def apply(doc):
		now = now_datetime()
		try:
			indexes = labour.stop_all(logs_of(doc), now)
		except labour.LabourError as e:
			fail(labour_message(e))
		for index in indexes:
			doc.time_logs[index].to_time = now
		if work_done and work_done.strip():
			doc.work_done = work_done.strip()
		doc.save()
		run_action(doc, "Complete")
		return _("Completed.")

	return once(client_id, "finish", order, apply)


@frappe.whitelist(methods=["POST"])
def add_labour(
	client_id: str,
	order: str,
	from_time: str,
	to_time: str,
	technician: str | None = None,
	note: str | None = None,
) -> dict:
	"""A time log typed in afterwards: mine, or (supervisors, managers) another technician's."""

	def apply(doc):
		who = (technician or "").strip() or frappe.session.user
		if who != frappe.session.user:
			if not set(frappe.get_roles()) & LEAD_ROLES:
				raise frappe.PermissionError(_("Only a supervisor may log time for another technician."))
			if not frappe.db.exists("User", who):
				fail(_("Unknown technician {0}.").format(show(who)))
		try:
			start_at, end_at = get_datetime(from_time), get_datetime(to_time)
		except Exception:
			fail(_("Enter the start and end as date and time."))
		if not start_at or not end_at:
			fail(_("Enter the start and end as date and time."))
		if end_at > now_datetime():
			fail(_("The end is in the future."))
		try:
			labour.check_log(logs_of(doc), who, start_at, end_at)
		except labour.LabourError as e:
			fail(labour_message(e))
		doc.append(
			"time_logs",
			{"technician": who, "from_time": start_at, "to_time": end_at, "note": (note or "").strip()[:140]},
		)
		doc.save()
		return _("Time logged.")

	return once(client_id, "add_labour", order, apply)


@frappe.whitelist(methods=["POST"])
def record_step(
	client_id: str, order: str, step: int, value: str | None = None, photo: str | None = None
) -> dict:
	"""A checklist step's result: a number, Pass or Fail, a text, or a photo's file URL."""

	def apply(doc):
		rows = [row for row in doc.checklist if row.idx == frappe.utils.cint(step)]
		if not rows:
			fail(_("The order has no checklist step {0}.").format(show(step)))
		row = rows[0]
		if photo is not None:
			url = (photo or "").strip()
			if url and not frappe.db.exists("File", {"file_url": url}):
				fail(_("Upload the photo first."))
			row.photo = url or None
		if value is not None:
			row.value = (value or "").strip()[:140] or None
		doc.save()
		row = next(r for r in doc.checklist if r.idx == frappe.utils.cint(step))
		if row.flagged:
			return _("Step {0} recorded: outside its limits, flagged.").format(row.idx)
		return _("Step {0} recorded.").format(row.idx)

	return once(client_id, "record_step", order, apply)


@frappe.whitelist(methods=["POST"])
def issue_part(
	client_id: str,
	order: str,
	scan: str,
	qty: float = 1,
	warehouse: str | None = None,
	batch_no: str | None = None,
	serial_no: str | None = None,
) -> dict:
	"""A spare part by scan (item barcode, item code, batch or serial number), issued from stock at once."""

	def apply(doc):
		from mom_app.plant_maintenance.orders.parts import store

		part = resolve_scan(scan)
		amount = flt(qty)
		if amount <= 0:
			fail(_("Enter a quantity above 0."))
		batch = (batch_no or "").strip() or part.batch_no
		serials = (serial_no or "").strip() or part.serial_no
		source = (warehouse or "").strip() or store()
		if not source:
			fail(_("Set the Maintenance Store in Maintenance Settings, or choose a warehouse."))
		if not frappe.db.exists("Warehouse", source):
			fail(_("Unknown warehouse {0}.").format(show(source)))
		if batch and frappe.db.get_value("Batch", batch, "item") != part.item_code:
			fail(_("Batch {0} is not of {1}.").format(show(batch), show(part.item_code)))
		if serials:
			count = len([s for s in serials.replace(",", "\n").split() if s.strip()])
			if count != amount:
				fail(_("{0} serial numbers for a quantity of {1}.").format(count, amount))
		available = stock_of(part.item_code, source, batch)
		if amount > available:
			fail(
				_("Only {0} of {1} in {2}{3}.").format(
					flt(available, 3),
					show(part.item_code),
					show(source),
					_(", batch {0}").format(show(batch)) if batch else "",
				)
			)
		doc.append(
			"used_parts",
			{
				"item_code": part.item_code,
				"qty": amount,
				"warehouse": source,
				"batch_no": batch or None,
				"serial_no": serials or None,
			},
		)
		doc.save()
		row = frappe.get_doc(DOCTYPE, doc.name).used_parts[-1]
		return _("{0} x {1} issued ({2}).").format(flt(amount, 3), show(part.item_code), row.stock_entry)

	return once(client_id, "issue_part", order, apply)


@frappe.whitelist(methods=["POST"])
def verify(client_id: str, order: str, note: str | None = None, signature: str | None = None) -> dict:
	"""The verifier's sign-off: the completed order is Verified."""

	def apply(doc):
		if note or signature:
			if note:
				doc.verification_note = note.strip()[:1000]
			if signature:
				doc.verifier_signature = signature
			doc.save()
		run_action(doc, "Verify")
		return _("Verified.")

	return once(client_id, "verify", order, apply)


# -- helpers --------------------------------------------------------------------------------------------------


def to_row(log: dict) -> dict:
	return {"technician": log["technician"], "from_time": log["start"], "to_time": log["end"]}


def resolve_scan(scan: str) -> frappe._dict:
	"""The item (and batch or serial number) a scanned or typed code names."""
	code = (scan or "").strip()
	if not code:
		fail(_("Scan or type a part."))
	item = frappe.db.get_value("Item Barcode", {"barcode": code}, "parent")
	if item:
		return frappe._dict(item_code=item, batch_no=None, serial_no=None)
	item = frappe.db.get_value("Batch", code, "item")
	if item:
		return frappe._dict(item_code=item, batch_no=code, serial_no=None)
	item = frappe.db.get_value("Serial No", code, "item_code")
	if item:
		return frappe._dict(item_code=item, batch_no=None, serial_no=code)
	if frappe.db.exists("Item", code):
		return frappe._dict(item_code=code, batch_no=None, serial_no=None)
	fail(_("Unknown part {0}: not an item, barcode, batch or serial number.").format(show(code)))


def stock_of(item_code: str, warehouse: str, batch_no: str | None) -> float:
	if batch_no:
		from erpnext.stock.doctype.batch.batch import get_batch_qty

		return flt(get_batch_qty(batch_no=batch_no, warehouse=warehouse, item_code=item_code))
	return flt(frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "actual_qty"))
