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
	],
}

# Select options of the custom fields above, marked for the POT (Frappe translates option labels when shown).
OPTION_LABELS = (N_("Manual"), N_("Automatic"))


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
