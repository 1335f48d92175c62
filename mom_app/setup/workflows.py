"""Frappe Workflows shipped as data (a JSON file per workflow): created on install when missing, never
overwritten (admins change them in the Workflow builder), removed on uninstall.

    ensure_workflow(data)     the Workflow State and Workflow Action Master records it needs, and the
                              workflow itself unless one of its name exists
    remove_workflow(data)     the workflow, its Workflow Actions (to-dos), and the states and actions it
                              brought that no other workflow uses (Frappe's own ones are kept)
"""

import frappe

# Workflow State / Workflow Action Master records Frappe itself installs: never removed
FRAPPE_STATES = ("Pending", "Approved", "Rejected")
FRAPPE_ACTIONS = ("Approve", "Reject", "Review")


def ensure_workflow(data: dict) -> None:
	for state in data["states"]:
		if not frappe.db.exists("Workflow State", state["state"]):
			frappe.get_doc(
				{
					"doctype": "Workflow State",
					"workflow_state_name": state["state"],
					"style": state.get("style"),
				}
			).insert(ignore_permissions=True)
	for transition in data["transitions"]:
		if not frappe.db.exists("Workflow Action Master", transition["action"]):
			frappe.get_doc(
				{"doctype": "Workflow Action Master", "workflow_action_name": transition["action"]}
			).insert(ignore_permissions=True)
	if frappe.db.exists("Workflow", data["workflow_name"]):
		return
	frappe.get_doc(
		{
			**{k: v for k, v in data.items() if k not in ("states", "transitions")},
			"states": [{k: v for k, v in s.items() if k != "style"} for s in data["states"]],
			"transitions": data["transitions"],
		}
	).insert(ignore_permissions=True)


def remove_workflow(data: dict) -> None:
	name = data["workflow_name"]
	if frappe.db.exists("Workflow", name):
		frappe.delete_doc("Workflow", name, ignore_permissions=True, force=True)
	frappe.db.delete("Workflow Action", {"reference_doctype": data["document_type"]})
	others = set(
		frappe.get_all("Workflow Document State", filters={"parent": ("!=", name)}, pluck="state")
	) | set(frappe.get_all("Workflow Transition", filters={"parent": ("!=", name)}, pluck="next_state"))
	for state in {s["state"] for s in data["states"]} - set(FRAPPE_STATES) - others:
		if frappe.db.exists("Workflow State", state):
			frappe.delete_doc("Workflow State", state, ignore_permissions=True, force=True)
	used_actions = set(
		frappe.get_all("Workflow Transition", filters={"parent": ("!=", name)}, pluck="action")
	)
	for action in {t["action"] for t in data["transitions"]} - set(FRAPPE_ACTIONS) - used_actions:
		if frappe.db.exists("Workflow Action Master", action):
			frappe.delete_doc("Workflow Action Master", action, ignore_permissions=True, force=True)
	frappe.cache.hdel("workflow", data["document_type"])
	frappe.clear_cache(doctype=data["document_type"])
