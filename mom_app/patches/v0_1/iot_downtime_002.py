from mom_app.setup.custom_fields import apply_custom_fields
from mom_app.setup.install import ensure_iot_settings
from mom_app.setup.property_setters import apply_property_setters


def execute():
	"""IoT: Downtime Entry source fields, optional operator/stop reason for automatic entries, and the
	IoT Settings defaults, on sites that had mom_app before the IoT module."""
	apply_custom_fields()
	apply_property_setters()
	ensure_iot_settings()
