"""Opening a Maintenance Work Order from any trigger: idempotent by its dedup key, safe under concurrency.

    open_order(order_type, source, *, asset=None, workstation=None, priority=None, dedup_key=None,
               reason=None, description=None, subject=None, references=None, values=None, checklist=None,
               planned_parts=None, assign_to=None, approve=None, ignore_permissions=False) -> (name, created)

- `order_type`, `source`, `priority`: the engine's vocabulary (mom_app.engine.maintenance.orders); priority
  None: the settings' request priority.
- Either `asset` or `workstation` (or both): the other is filled from Workstation.mom_asset.
- `dedup_key`: one order per key (engine.maintenance.orders.rule_order_key, breakdown_order_key, a PM
  occurrence's due.Due.key, ...). When an order holds the key, no order is made: the call adds an occurrence
  to it (occurrences + 1, last_occurrence, a comment with `reason`) and returns (its name, False). Condition
  rule keys are given up when their order closes (engine.maintenance.lifecycle.releases_key), the others are
  kept for good. The key is a unique column: of two calls racing with one key, one inserts and the other
  finds that order (the insert runs in a savepoint, so the caller's transaction goes on either way).
- `references`: any of trigger_doctype + trigger_name (the condition rule, maintenance plan, quality hold,
  andon call...), downtime_entry, machine_state_log, quality_hold, asset_maintenance_log, failure_time,
  due_date, due_value, estimated_hours, required_skill, reported_at; `values`: further fields of the order.
- `checklist`: a Maintenance Checklist whose steps are copied; `planned_parts`: [{"item_code", "qty",
  "warehouse"}]; `assign_to`: users assigned (Frappe assignments: ToDo and notifications).
- `approve`: start the order Approved (None: the settings' "Approve System Orders" for sources other than
  Request and Terminal andon; a request always waits for approval unless approve=True).
- Permissions: the session user must be allowed to create Maintenance Work Orders, unless the caller passes
  ignore_permissions=True (the scheduler, the IoT writer, a device webhook after its signature check).
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from mom_app.engine.maintenance.lifecycle import APPROVED
from mom_app.engine.maintenance.orders import ORDER_TYPES, PRIORITIES, SOURCES

DOCTYPE = "Maintenance Work Order"
REQUEST_SOURCES = ("Request", "Terminal andon")
REFERENCE_FIELDS = (
	"trigger_doctype",
	"trigger_name",
	"downtime_entry",
	"machine_state_log",
	"quality_hold",
	"asset_maintenance_log",
	"failure_time",
	"reported_at",
	"due_date",
	"due_value",
	"estimated_hours",
	"required_skill",
)
SAVEPOINT = "mom_open_maintenance_order"


class OpenOrderError(frappe.ValidationError):
	pass


def open_order(
	order_type: str,
	source: str,
	*,
	asset: str | None = None,
	workstation: str | None = None,
	priority: str | None = None,
	dedup_key: str | None = None,
	reason: str | None = None,
	description: str | None = None,
	subject: str | None = None,
	references: dict | None = None,
	values: dict | None = None,
	checklist: str | None = None,
	planned_parts: list | None = None,
	assign_to: list | str | None = None,
	approve: bool | None = None,
	ignore_permissions: bool = False,
) -> tuple[str, bool]:
	"""Open an order, or add an occurrence to the open one holding `dedup_key` (see the module docstring)."""
	from mom_app.plant_maintenance.doctype.maintenance_settings.maintenance_settings import settings

	if not ignore_permissions and not frappe.has_permission(DOCTYPE, "create"):
		raise frappe.PermissionError(_("You may not open maintenance work orders."))
	if order_type not in ORDER_TYPES:
		frappe.throw(
			_("Unknown maintenance order type {0}.").format(frappe.utils.escape_html(str(order_type))),
			OpenOrderError,
		)
	if source not in SOURCES:
		frappe.throw(
			_("Unknown maintenance order source {0}.").format(frappe.utils.escape_html(str(source))),
			OpenOrderError,
		)
	priority = priority or settings().request_priority or "Medium"
	if priority not in PRIORITIES:
		frappe.throw(
			_("Unknown priority {0}.").format(frappe.utils.escape_html(str(priority))), OpenOrderError
		)
	if not asset and not workstation:
		frappe.throw(_("A maintenance order needs an asset or a workstation."), OpenOrderError)
	dedup_key = (dedup_key or "").strip() or None
	references = dict(references or {})
	unknown = set(references) - set(REFERENCE_FIELDS)
	if unknown:
		raise ValueError(f"unknown references: {sorted(unknown)}")

	if dedup_key:
		existing = frappe.db.get_value(DOCTYPE, {"dedup_key": dedup_key})
		if existing:
			return add_occurrence(existing, reason), False

	doc = frappe.new_doc(DOCTYPE)
	doc.update(
		{
			"order_type": order_type,
			"source": source,
			"priority": priority,
			"asset": asset,
			"workstation": workstation,
			"dedup_key": dedup_key,
			"reason": reason,
			"description": description or reason,
			"subject": subject,
			"last_occurrence": now_datetime(),
			**references,
			**(values or {}),
		}
	)
	if checklist:
		doc.checklist_template = checklist
	for part in planned_parts or ():
		doc.append("planned_parts", part)
	doc.flags.ignore_permissions = ignore_permissions

	frappe.db.savepoint(SAVEPOINT)
	try:
		doc.insert()
	except frappe.UniqueValidationError:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.clear_last_message()
		if not dedup_key:
			raise
		# an order with this key was committed since the check above: lock it and add to it
		name = frappe.db.sql(
			"select name from `tabMaintenance Work Order` where dedup_key = %s for update", dedup_key
		)
		if not name:
			raise
		return add_occurrence(name[0][0], reason), False

	if approve is None:
		approve = source not in REQUEST_SOURCES and bool(settings().approve_system_orders)
	if approve:
		from mom_app.plant_maintenance.orders.transitions import system_transition

		system_transition(doc, APPROVED, _("Approved automatically: opened by {0}.").format(_(source)))
	if assign_to:
		assign(doc.name, assign_to)
	return doc.name, True


def add_occurrence(name: str, reason: str | None) -> str:
	"""The trigger fired again while its order holds the key: count it, and say why in a comment."""
	now = now_datetime()
	frappe.db.sql(
		"""update `tabMaintenance Work Order` set occurrences = ifnull(occurrences, 0) + 1, last_occurrence = %s
		where name = %s""",
		(now, name),
	)
	text = (
		_("The trigger fired again: {0}").format(frappe.utils.escape_html(reason))
		if reason
		else _("The trigger fired again.")
	)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": DOCTYPE,
			"reference_name": name,
			"content": text,
		}
	).insert(ignore_permissions=True)
	return name


def assign(name: str, users: list | str, *, ignore_permissions: bool = True) -> None:
	"""Assign technicians (Frappe assignments: a ToDo each, the assignment notification, the form's sidebar).
	Users already assigned are left as they are."""
	from frappe.desk.form.assign_to import add

	users = [users] if isinstance(users, str) else list(users)
	current = set(frappe.parse_json(frappe.db.get_value(DOCTYPE, name, "_assign") or "[]"))
	users = [u for u in users if u and u not in current]
	if not users:
		return
	add(
		{
			"assign_to": users,
			"doctype": DOCTYPE,
			"name": name,
			"description": frappe.db.get_value(DOCTYPE, name, "subject") or name,
		},
		ignore_permissions=ignore_permissions,
	)
