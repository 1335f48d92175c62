"""Custom fields mom_app adds to ERPNext doctypes. Defined here, applied on install and by a patch.

Every fieldname starts with `mom_` so uninstall can find exactly what we added.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

PREFIX = "mom_"


def N_(text: str) -> str:
	"""Mark a string for the POT without translating it now (gettext's N_ idiom): labels are stored in
	English and translated by Frappe when shown, in each user's language."""
	return text


CUSTOM_FIELDS = {
	"Employee": [
		{
			"fieldname": "mom_section",
			"label": N_("Shop Floor"),
			"fieldtype": "Section Break",
			"insert_after": "attendance_device_id",
			"collapsible": 1,
		},
		{
			"fieldname": "mom_badge_barcode",
			"label": N_("Badge Barcode"),
			"fieldtype": "Data",
			"insert_after": "mom_section",
			"unique": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": N_(
				"Scanned at the operator terminal to sign in. Letters are stored in upper case."
			),
		},
	],
	"Workstation": [
		{
			"fieldname": "mom_asset",
			"label": N_("Machine Asset"),
			"fieldtype": "Link",
			"options": "Asset",
			"insert_after": "plant_floor",
			"description": N_(
				"The fixed asset this workstation is; maintenance and meters are kept against it."
			),
		},
	],
	"Downtime Entry": [
		{
			"fieldname": "mom_source",
			"label": N_("Source"),
			"fieldtype": "Select",
			"options": "Manual\nAutomatic",
			"default": "Manual",
			"insert_after": "operator",
			"read_only": 1,
			"no_copy": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
			"description": N_(
				"Automatic: detected from the machine signal; set the stop reason to classify it."
			),
		},
		{
			"fieldname": "mom_machine_state_log",
			"label": N_("Machine State Log"),
			"fieldtype": "Link",
			"options": "Machine State Log",
			"insert_after": "mom_source",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.mom_source=='Automatic'",
		},
	],
	"Quality Inspection": [
		{
			"fieldname": "mom_section",
			"label": N_("Inspection Plan"),
			"fieldtype": "Section Break",
			"insert_after": "remarks",
			"collapsible": 0,
		},
		{
			"fieldname": "mom_inspection_plan",
			"label": N_("Inspection Plan"),
			"fieldtype": "Link",
			"options": "Inspection Plan",
			"insert_after": "mom_section",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "mom_stage",
			"label": N_("Stage"),
			"fieldtype": "Select",
			"options": "\nIQC\nIPQC\nFQC\nOQC",
			"insert_after": "mom_inspection_plan",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "mom_work_order",
			"label": N_("Work Order"),
			"fieldtype": "Link",
			"options": "Work Order",
			"insert_after": "mom_stage",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "mom_check",
			"label": N_("Check"),
			"fieldtype": "Data",
			"insert_after": "mom_work_order",
			"read_only": 1,
			"no_copy": 1,
			"description": N_(
				"IPQC: which frequency check this inspection is (first article, every N pieces, ...)."
			),
		},
		{
			"fieldname": "mom_column_break",
			"fieldtype": "Column Break",
			"insert_after": "mom_check",
		},
		{
			"fieldname": "mom_sampling",
			"label": N_("Sampling Plan"),
			"fieldtype": "Small Text",
			"insert_after": "mom_column_break",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_sampling_json",
			"label": N_("Sampling Plan (data)"),
			"fieldtype": "Code",
			"insert_after": "mom_sampling",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_critical",
			"label": N_("Critical Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_sampling_json",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_major",
			"label": N_("Major Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_defects_critical",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_minor",
			"label": N_("Minor Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_defects_major",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "mom_defects_minor",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_client_id",
			"label": N_("Client Request ID"),
			"fieldtype": "Data",
			"insert_after": "mom_quality_hold",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"unique": 1,
		},
	],
	"Job Card": [
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "status",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": N_(
				"While this quality hold is open the job card is paused and cannot be started."
			),
		},
	],
	"Batch": [
		{
			"fieldname": "mom_supplier_batch_no",
			"label": N_("Supplier Batch No"),
			"fieldtype": "Data",
			"insert_after": "supplier",
			"search_index": 1,
			"no_copy": 1,
			"description": N_(
				"The supplier's own lot number, as on the delivery. Kept in the lot genealogy of the receipt."
			),
		},
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "mom_supplier_batch_no",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": N_(
				"While this quality hold is open the batch is frozen: it can only be moved to the quarantine warehouse."
			),
		},
	],
	# --- shop floor ---------------------------------------------------------------------------
	# (merged into the doctypes above by SHOP_FLOOR_FIELDS below)
}

SHOP_FLOOR_FIELDS = {
	"Work Order": [
		{
			"fieldname": "mom_order_type",
			"label": N_("Order Type"),
			"fieldtype": "Link",
			"options": "Production Order Type",
			"insert_after": "naming_series",
			"reqd": 1,
			"default": "Mass Production",
			"in_standard_filter": 1,
			"in_list_view": 1,
			"search_index": 1,
			"description": N_(
				"Trial, mass production or rework: decides the approval path and the fields required."
			),
		},
		{
			"fieldname": "mom_workflow_state",
			"label": N_("Approval State"),
			"fieldtype": "Link",
			"options": "Workflow State",
			"insert_after": "status",
			"read_only": 1,
			"hidden": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
	],
	"Job Card": [
		{
			"fieldname": "mom_pause_reason",
			"label": N_("Pause Reason"),
			"fieldtype": "Data",
			"insert_after": "mom_quality_hold",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.status=='On Hold'",
		},
		{
			"fieldname": "mom_scrap_qty",
			"label": N_("Scrap Qty (Terminal)"),
			"fieldtype": "Float",
			"insert_after": "process_loss_qty",
			"read_only": 1,
			"no_copy": 1,
			"description": N_("Scrap reported at the operator terminal; it is the job card's process loss."),
		},
		{
			"fieldname": "mom_rework_qty",
			"label": N_("Rework Qty (Terminal)"),
			"fieldtype": "Float",
			"insert_after": "mom_scrap_qty",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_terminal_qty",
			"label": N_("Quantities from the Terminal"),
			"fieldtype": "Check",
			"insert_after": "mom_rework_qty",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
		},
	],
	"Downtime Entry": [
		{
			"fieldname": "mom_downtime_reason",
			"label": N_("Downtime Reason"),
			"fieldtype": "Link",
			"options": "Downtime Reason",
			"insert_after": "stop_reason",
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
			"description": N_("The reason from the downtime reason tree; it also sets the stop reason."),
		},
		{
			"fieldname": "mom_job_card",
			"label": N_("Job Card"),
			"fieldtype": "Link",
			"options": "Job Card",
			"insert_after": "mom_downtime_reason",
			"search_index": 1,
			"no_copy": 1,
		},
	],
	"Workstation": [
		{
			"fieldname": "mom_terminal_user",
			"label": N_("Shared Terminal User"),
			"fieldtype": "Link",
			"options": "User",
			"insert_after": "mom_asset",
			"description": N_(
				"A terminal account shared at this workstation: signed in as it, any operator may act here by "
				"scanning their badge."
			),
		},
		{
			"fieldname": "mom_shifts",
			"label": N_("Shift Patterns"),
			"fieldtype": "Table",
			"options": "Workstation Shift",
			"insert_after": "holiday_list",
			"description": N_(
				"The shifts this workstation works (for OEE). Without them, its working hours are used."
			),
		},
	],
}
for _doctype, _fields in SHOP_FLOOR_FIELDS.items():
	CUSTOM_FIELDS.setdefault(_doctype, []).extend(_fields)
# --- end shop floor ----------------------------------------------------------------------------


# Select options of the custom fields above, marked for the POT (Frappe translates option labels when shown).
OPTION_LABELS = (N_("Manual"), N_("Automatic"), N_("IQC"), N_("IPQC"), N_("FQC"), N_("OQC"))


def apply_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True, update=True)


def remove_custom_fields():
	"""Delete every custom field mom_app added (those in CUSTOM_FIELDS and any other mom_ field)."""
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
