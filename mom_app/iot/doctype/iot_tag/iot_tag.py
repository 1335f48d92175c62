from frappe.model.document import Document


class IoTTag(Document):
	"""One signal of an IoT Device. Validated with its device (see iot_device.tag_problems)."""
