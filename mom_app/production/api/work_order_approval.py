"""What the Work Order form shows about its approval: the workflow state, who acts next (the roles of the
transitions out of that state whose condition the order meets, with the users who hold each role) and what
the reader may do; and the fields an order type requires, so the form marks them before saving.

Frappe's form lists only the reader's own actions (frappe.model.workflow.get_transitions); a supervisor
looking at a draft rework order saw no action and no hint that quality approves it first."""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow, get_workflow_name, is_transition_condition_satisfied

from mom_app.production.overrides.work_order import required_fields

USERS_SHOWN = 3


@frappe.whitelist()
def approval(work_order: str) -> dict:
	"""{workflow, state, steps: [{role, users, more_users, actions, mine}], mine: [actions]} of a draft order;
	{} when no workflow decides (ERPNext's own submit) or the order is no longer a draft."""
	doc = frappe.get_doc("Work Order", work_order)
	doc.check_permission("read")
	if doc.docstatus != 0 or not get_workflow_name("Work Order"):
		return {}
	workflow = get_workflow("Work Order")
	state = doc.get(workflow.workflow_state_field) or workflow.states[0].state
	roles = set(frappe.get_roles())
	by_role: dict[str, list] = {}
	for transition in workflow.transitions:
		if transition.state == state and is_transition_condition_satisfied(transition, doc):
			by_role.setdefault(transition.allowed, []).append(transition)
	steps = []
	for role, transitions in by_role.items():
		users = holders(role)
		steps.append(
			{
				"role": _(role),
				"users": users[:USERS_SHOWN],
				"more_users": max(len(users) - USERS_SHOWN, 0),
				"actions": [_(t.action) for t in transitions],
				"mine": role in roles,
			}
		)
	return {
		"workflow": workflow.name,
		"state": _(state),
		"steps": steps,
		"mine": [action for step in steps if step["mine"] for action in step["actions"]],
	}


def holders(role: str) -> list[str]:
	"""Full names of the enabled desk users who hold `role` (not Administrator)."""
	users = frappe.get_all(
		"Has Role", filters={"role": role, "parenttype": "User"}, pluck="parent", distinct=True
	)
	if not users:
		return []
	return [
		row.full_name or row.name
		for row in frappe.get_all(
			"User",
			filters={"name": ("in", users), "enabled": 1, "user_type": "System User"},
			fields=["name", "full_name"],
			order_by="full_name asc",
		)
		if row.name != "Administrator"
	]


@frappe.whitelist()
def order_type_fields(order_type: str) -> list[str]:
	"""The Work Order fields the order type requires (the form marks them mandatory)."""
	frappe.has_permission("Work Order", "read", throw=True)
	if not order_type or not frappe.db.exists("Production Order Type", order_type):
		return []
	return [row.fieldname for row in required_fields(order_type)]
