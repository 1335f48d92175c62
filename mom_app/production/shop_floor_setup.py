"""Shop floor records created on install (and by patch shop_floor_005), removed on uninstall.

- the Work Order types Trial Production / Mass Production / Rework (Production Order Type);
- the Work Order approval workflow, from the data file mom_app/production/data/work_order_workflow.json (a
  Frappe Workflow: admins change it in the Workflow builder afterwards; install never overwrites it);
- the downtime reason tree (Downtime Reason): Planned / Unplanned -> category -> reason.

Names are English and translated when shown (the doctypes are "translated doctypes").
"""

import json
from pathlib import Path

import frappe

from mom_app.setup.custom_fields import N_
from mom_app.setup.workflows import ensure_workflow as ensure_shipped_workflow
from mom_app.setup.workflows import remove_workflow

WORKFLOW_FILE = Path(__file__).parent / "data" / "work_order_workflow.json"
WORKFLOW_NAME = "Work Order Approval"

TRIAL, MASS, REWORK = "Trial Production", "Mass Production", "Rework"

# name: (description, [(Work Order fieldname, label)])
ORDER_TYPES = {
	TRIAL: (
		N_("Trial run of a new or changed product: approved by R&D, process engineering and production."),
		[("project", N_("Project"))],
	),
	MASS: (N_("Series production: approved by the workshop director."), []),
	REWORK: (
		N_("Rework of nonconforming product: approved by quality (QA)."),
		[("description", N_("Description"))],
	),
}

ROOT_REASON = "All Downtime Reasons"
ERPNEXT_OTHER = "Other"
# (name, parent, is_group, kind, is_setup, ERPNext stop reason)
DOWNTIME_REASONS = (
	("Planned Stops", ROOT_REASON, 1, "Planned", 0, ERPNEXT_OTHER),
	("Unplanned Stops", ROOT_REASON, 1, "Unplanned", 0, ERPNEXT_OTHER),
	("Planned Maintenance", "Planned Stops", 1, "Planned", 0, ERPNEXT_OTHER),
	("Preventive Maintenance", "Planned Maintenance", 0, "Planned", 0, ERPNEXT_OTHER),
	("Cleaning", "Planned Maintenance", 0, "Planned", 0, ERPNEXT_OTHER),
	("Organisation", "Planned Stops", 1, "Planned", 0, ERPNEXT_OTHER),
	("Meeting and Training", "Organisation", 0, "Planned", 0, ERPNEXT_OTHER),
	("No Orders", "Organisation", 0, "Planned", 0, ERPNEXT_OTHER),
	("Equipment", "Unplanned Stops", 1, "Unplanned", 0, ERPNEXT_OTHER),
	("Machine Breakdown", "Equipment", 0, "Unplanned", 0, "Machine malfunction"),
	("Tooling Failure", "Equipment", 0, "Unplanned", 0, "Machine malfunction"),
	("Power Outage", "Equipment", 0, "Unplanned", 0, "Electricity down"),
	("Setup and Adjustment", "Unplanned Stops", 1, "Unplanned", 1, "Excessive machine set up time"),
	("Changeover", "Setup and Adjustment", 0, "Unplanned", 1, "Excessive machine set up time"),
	("Adjustment", "Setup and Adjustment", 0, "Unplanned", 1, "On-machine press checks"),
	("Material", "Unplanned Stops", 1, "Unplanned", 0, ERPNEXT_OTHER),
	("Waiting for Material", "Material", 0, "Unplanned", 0, ERPNEXT_OTHER),
	("Wrong Material", "Material", 0, "Unplanned", 0, ERPNEXT_OTHER),
	("Quality", "Unplanned Stops", 1, "Unplanned", 0, ERPNEXT_OTHER),
	("Waiting for Inspection", "Quality", 0, "Unplanned", 0, "On-machine press checks"),
	("Quality Problem", "Quality", 0, "Unplanned", 0, ERPNEXT_OTHER),
	("People", "Unplanned Stops", 1, "Unplanned", 0, ERPNEXT_OTHER),
	("Operator Absent", "People", 0, "Unplanned", 0, "Machine operator errors"),
)
# the reason names, marked for the POT (the records are translated when shown)
REASON_LABELS = (
	N_("All Downtime Reasons"),
	N_("Planned Stops"),
	N_("Unplanned Stops"),
	N_("Planned Maintenance"),
	N_("Preventive Maintenance"),
	N_("Cleaning"),
	N_("Organisation"),
	N_("Meeting and Training"),
	N_("No Orders"),
	N_("Equipment"),
	N_("Machine Breakdown"),
	N_("Tooling Failure"),
	N_("Power Outage"),
	N_("Setup and Adjustment"),
	N_("Changeover"),
	N_("Adjustment"),
	N_("Material"),
	N_("Waiting for Material"),
	N_("Wrong Material"),
	N_("Quality"),
	N_("Waiting for Inspection"),
	N_("Quality Problem"),
	N_("People"),
	N_("Operator Absent"),
	N_("Trial Production"),
	N_("Mass Production"),
	N_("Rework"),
	# workflow states and actions (Frappe translates them when shown)
	N_("Draft"),
	N_("R&D Approved"),
	N_("Process Approved"),
	N_("Production Approved"),
	N_("Director Approved"),
	N_("QA Approved"),
	N_("Release"),
)


def install():
	"""Create what is missing (idempotent); existing records, edited by admins, are left alone."""
	ensure_order_types()
	backfill_order_type()
	ensure_downtime_reasons()
	ensure_workflow()


def ensure_order_types():
	for name, (description, fields) in ORDER_TYPES.items():
		if frappe.db.exists("Production Order Type", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Production Order Type",
				"type_name": name,
				"description": description,
				"required_fields": [{"fieldname": f, "label": label} for f, label in fields],
			}
		).insert(ignore_permissions=True)


def backfill_order_type():
	"""Work orders made before the app (or before this field) are mass production (the field is mandatory)."""
	if frappe.db.has_column("Work Order", "mom_order_type"):
		frappe.db.sql(
			"update `tabWork Order` set mom_order_type = %s where ifnull(mom_order_type, '') = ''", MASS
		)


def ensure_downtime_reasons():
	if not frappe.db.exists("Downtime Reason", ROOT_REASON):
		frappe.get_doc(
			{
				"doctype": "Downtime Reason",
				"downtime_reason_name": ROOT_REASON,
				"is_group": 1,
				"kind": "Unplanned",
			}
		).insert(ignore_permissions=True)
	for name, parent, is_group, kind, is_setup, stop_reason in DOWNTIME_REASONS:
		if frappe.db.exists("Downtime Reason", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Downtime Reason",
				"downtime_reason_name": name,
				"parent_downtime_reason": parent,
				"is_group": is_group,
				"kind": kind,
				"is_setup": is_setup,
				"stop_reason": stop_reason,
			}
		).insert(ignore_permissions=True)


def workflow_data() -> dict:
	return json.loads(WORKFLOW_FILE.read_text())


def ensure_workflow():
	"""The Work Order workflow with its states and actions, unless a workflow of that name exists."""
	ensure_shipped_workflow(workflow_data())


def uninstall():
	"""Remove the workflow, the states and actions it brought (when no other workflow uses them), the
	Workflow Actions (to-dos) it created, and the workflow's cache. Order types and reasons go with their
	doctypes."""
	remove_workflow(workflow_data())
