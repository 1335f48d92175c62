import frappe
from frappe.model.document import Document


class IoTReading(Document):
	"""One raw reading. Written in bulk by mom_app.iot.storage, never through this controller."""


def on_doctype_update():
	frappe.db.add_index("IoT Reading", ["device", "tag", "ts"])
