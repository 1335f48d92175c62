"""Property Setters mom_app puts on ERPNext doctypes, applied on install (and by a patch), removed on uninstall.

Downtime Entry: machine-detected entries have no operator and no reason yet, so `operator` and `stop_reason`
are not mandatory in the meta; mom_app.production.overrides.downtime_entry requires them for manual entries.
"""

import frappe
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

# (doctype, fieldname, property, value, property type)
PROPERTY_SETTERS = (
	("Downtime Entry", "operator", "reqd", "0", "Check"),
	("Downtime Entry", "stop_reason", "reqd", "0", "Check"),
)


def property_setter_name(doctype: str, fieldname: str, prop: str) -> str:
	return f"{doctype}-{fieldname}-{prop}"


def apply_property_setters():
	for doctype, fieldname, prop, value, property_type in PROPERTY_SETTERS:
		make_property_setter(
			doctype, fieldname, prop, value, property_type, validate_fields_for_doctype=False
		)
		frappe.clear_cache(doctype=doctype)


def remove_property_setters():
	for doctype, fieldname, prop, value, _type in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{"doc_type": doctype, "field_name": fieldname, "property": prop, "value": value},
		)
		frappe.clear_cache(doctype=doctype)
