import frappe
from frappe.model.document import Document


class IoTMinuteAggregate(Document):
	"""Count, min, max, total and last value of one tag in one minute: merged batch by batch as readings are
	stored, rebuilt exactly from the raw readings on request (mom_app.iot.minute_aggregates)."""


def on_doctype_update():
	frappe.db.add_unique("IoT Minute Aggregate", ["device", "tag", "minute"], "unique_device_tag_minute")
