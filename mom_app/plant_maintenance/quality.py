"""A Quality Hold whose cause is the machine (Machine Cause, with the workstation) opens a corrective
Maintenance Work Order (source Quality) for that workstation: once per hold
(engine.maintenance.orders.quality_order_key), when the hold is saved open with the machine named and
Maintenance Settings' Orders for Machine Quality Holds is on. The order links the hold, and the hold the
order.

    on_update(doc, method=None)     doc_events: Quality Hold
"""

import frappe
from frappe import _
from frappe.utils import cint

from mom_app.engine.maintenance.orders import quality_order_key

DOCTYPE = "Maintenance Work Order"
SOURCE = "Quality"


def on_update(doc, method=None):
	if not cint(doc.get("machine_cause")) or not doc.get("workstation") or doc.status != "Open":
		return
	config = frappe.db.get_singles_dict("Maintenance Settings")
	if config.get("quality_hold_orders") is not None and not cint(config.get("quality_hold_orders")):
		return
	key = quality_order_key(doc.name)
	order = frappe.db.get_value(DOCTYPE, {"dedup_key": key})
	if not order:
		from mom_app.plant_maintenance.orders import open_order

		order, _created = open_order(
			"Corrective",
			SOURCE,
			workstation=doc.workstation,
			priority=config.get("quality_priority") or "High",
			dedup_key=key,
			reason=_("Quality hold {0}: {1}").format(doc.name, doc.reason or ""),
			references={
				"quality_hold": doc.name,
				"trigger_doctype": "Quality Hold",
				"trigger_name": doc.name,
			},
			ignore_permissions=True,
		)
	if doc.get("maintenance_work_order") != order:
		doc.db_set("maintenance_work_order", order, update_modified=False)
