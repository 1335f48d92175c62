"""Moving a Maintenance Work Order through its workflow.

- `apply_action(doc, action)`: a user's workflow action (Approve, Start, Wait for Parts, Resume, Complete,
  Verify, ...): Frappe's apply_workflow, which allows only the transitions the user's roles have in the
  workflow; a refusal is a MaintenanceActionError saying which actions the user has now.
- `system_transition(doc, state, note)`: the system moves an order (an order opened by a PM plan, a condition
  rule or a breakdown starts Approved): no user acts, so the workflow's role check is skipped (the caller
  has checked what it needs); the change is saved like any other and commented on the order. A state the
  active workflow does not have (an admin renamed it) is left alone.
"""

import frappe
from frappe import _
from frappe.model.workflow import get_transitions, get_workflow_name

DOCTYPE = "Maintenance Work Order"


class MaintenanceActionError(frappe.ValidationError):
	pass


def workflow_states() -> set[str]:
	name = get_workflow_name(DOCTYPE)
	if not name:
		return set()
	return set(frappe.get_all("Workflow Document State", filters={"parent": name}, pluck="state"))


def available_actions(doc) -> list[str]:
	"""The workflow actions the session user may take on the order now."""
	if not get_workflow_name(DOCTYPE):
		return []
	return [t.action for t in get_transitions(doc)]


def apply_action(doc, action: str):
	from frappe.model.workflow import apply_workflow

	actions = available_actions(doc)
	if action not in actions:
		if actions:
			message = _("You cannot {0} order {1} now (it is {2}). You may: {3}.").format(
				_(action),
				doc.name,
				_(doc.workflow_state) if doc.workflow_state else "-",
				", ".join(_(a) for a in actions),
			)
		else:
			message = _("You cannot {0} order {1} now (it is {2}).").format(
				_(action), doc.name, _(doc.workflow_state) if doc.workflow_state else "-"
			)
		frappe.throw(message, MaintenanceActionError, title=_("Not Allowed"))
	return apply_workflow(doc, action)


def system_transition(doc, state: str, note: str | None = None) -> bool:
	"""Set the order's state without a user's workflow action; False when the workflow has no such state."""
	if state not in workflow_states() or doc.workflow_state == state:
		return False
	doc.workflow_state = state
	doc.flags.system_transition = True
	doc.flags.ignore_permissions = True
	try:
		doc.save()
	finally:
		doc.flags.system_transition = False
	doc.add_comment("Workflow", _(state))
	if note:
		doc.add_comment("Info", note)
	return True
