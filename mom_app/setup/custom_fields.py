"""The custom fields mom_app adds to ERPNext doctypes: each pillar defines its own
(`mom_app/<pillar>/custom_fields.py`, a CUSTOM_FIELDS dict); this is the one place that merges them and
applies them (on install and by the setup patch) or removes them (on uninstall).

Every fieldname starts with `mom_` so uninstall can find exactly what we added.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from mom_app.iot.custom_fields import CUSTOM_FIELDS as IOT_FIELDS
from mom_app.plant_maintenance.custom_fields import CUSTOM_FIELDS as PLANT_MAINTENANCE_FIELDS
from mom_app.production.custom_fields import CUSTOM_FIELDS as PRODUCTION_FIELDS
from mom_app.quality.custom_fields import CUSTOM_FIELDS as QUALITY_FIELDS
from mom_app.setup.labels import N_
from mom_app.stock_ext.custom_fields import CUSTOM_FIELDS as STOCK_EXT_FIELDS

PREFIX = "mom_"

# In this order a pillar's field placed after another pillar's (insert_after) is created after it:
# Workstation's terminal user after the machine asset, Job Card's pause reason after the quality hold,
# Batch's quality hold after the supplier batch number, the manual downtime fields after the IoT ones.
PILLARS = (
	PLANT_MAINTENANCE_FIELDS,
	IOT_FIELDS,
	STOCK_EXT_FIELDS,
	QUALITY_FIELDS,
	PRODUCTION_FIELDS,
)


def merge(pillars) -> dict[str, list[dict]]:
	"""{doctype: [field, ...]} of every pillar, in pillar order."""
	merged: dict[str, list[dict]] = {}
	for fields in pillars:
		for doctype, rows in fields.items():
			merged.setdefault(doctype, []).extend(rows)
	return merged


CUSTOM_FIELDS = merge(PILLARS)


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
