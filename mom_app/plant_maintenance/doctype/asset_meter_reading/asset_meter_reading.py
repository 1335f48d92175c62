# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Asset Meter Reading: what moved an asset meter - counter samples of one minute and kind from the IoT
writer (Baseline, Counted, Rollover, Reset, Rebased, Refused with its reason), or a reading typed in
(Manual, with who and the client's request id). Written by the system only (mom_app.plant_maintenance.meters)."""

import frappe
from frappe.model.document import Document


class AssetMeterReading(Document):
	pass


def on_doctype_update():
	# the usage rate's grouped queries and the meter's history read a meter's readings by time
	frappe.db.add_index("Asset Meter Reading", ["asset_meter", "reading_time"], "mom_meter_time")
