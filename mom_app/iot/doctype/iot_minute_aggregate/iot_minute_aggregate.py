import frappe
from frappe.model.document import Document


class IoTMinuteAggregate(Document):
	"""Count, min, max, total and last value of one tag in one minute, recomputed by mom_app.iot.storage."""


def on_doctype_update():
	frappe.db.add_unique("IoT Minute Aggregate", ["device", "tag", "minute"], "unique_device_tag_minute")
