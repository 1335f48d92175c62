"""Plant maintenance records created on install (and by the setup patch), removed on uninstall.

- Maintenance Settings with their defaults (the priority targets from the engine's DEFAULT_TARGETS);
- the failure coding trees (Failure Mode, Failure Mechanism, Failure Cause, Detection Method, Remedy
  Action) from mom_app/plant_maintenance/data/failure_codes.py: English names, shown translated;
- the Maintenance Work Order workflow from mom_app/plant_maintenance/data/maintenance_work_order_workflow.json
  (a Frappe Workflow: admins change it in the Workflow builder; install never overwrites it).

Each part is idempotent: what exists (edited by admins) is left alone. Uninstall removes the workflow (with
the states and actions no other workflow uses) and the assignments and workflow to-dos of the pillar's
documents; the doctypes go with the app, the custom fields with mom_app.setup.custom_fields.
"""

import json
from pathlib import Path

import frappe

from mom_app.plant_maintenance.data.failure_codes import CODES
from mom_app.setup.labels import N_
from mom_app.setup.workflows import ensure_workflow, remove_workflow

WORKFLOW_FILE = Path(__file__).parent / "data" / "maintenance_work_order_workflow.json"
DOCTYPES_WITH_TODOS = ("Maintenance Work Order",)
# the workflow's states and actions, marked for the POT (Frappe translates them when shown)
WORKFLOW_LABELS = (
	N_("Requested"),
	N_("Approved"),
	N_("Scheduled"),
	N_("In Progress"),
	N_("Waiting for Parts"),
	N_("Completed"),
	N_("Verified"),
	N_("Cancelled"),
	N_("Rejected"),
	N_("Approve"),
	N_("Reject"),
	N_("Schedule"),
	N_("Start"),
	N_("Wait for Parts"),
	N_("Resume"),
	N_("Complete"),
	N_("Verify"),
	N_("Reopen"),
	N_("Cancel"),
)


def install():
	from mom_app.plant_maintenance.doctype.maintenance_settings.maintenance_settings import ensure_settings

	ensure_settings()
	ensure_failure_codes()
	ensure_workflow(workflow_data())


def uninstall():
	remove_workflow(workflow_data())
	for doctype in DOCTYPES_WITH_TODOS:
		frappe.db.delete("ToDo", {"reference_type": doctype})


def workflow_data() -> dict:
	return json.loads(WORKFLOW_FILE.read_text())


def tree_fields(doctype: str) -> tuple[str, str]:
	key = frappe.scrub(doctype)
	return f"{key}_name", f"parent_{key}"


def ensure_failure_codes():
	for doctype, (root, rows) in CODES.items():
		name_field, parent_field = tree_fields(doctype)
		if not frappe.db.exists(doctype, root):
			frappe.get_doc({"doctype": doctype, name_field: root, "is_group": 1}).insert(
				ignore_permissions=True
			)
		for name, parent, is_group, code in rows:
			if frappe.db.exists(doctype, name):
				continue
			frappe.get_doc(
				{
					"doctype": doctype,
					name_field: name,
					parent_field: parent,
					"is_group": is_group,
					"code": code,
				}
			).insert(ignore_permissions=True)
