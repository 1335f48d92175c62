import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.iot.doctype.iot_settings.iot_settings import DEFAULTS, get_settings


class TestIoTSettings(FrappeTestCase):
	def test_defaults_stored_on_install(self):
		stored = frappe.db.get_singles_dict("IoT Settings")
		for fieldname, value in DEFAULTS.items():
			self.assertEqual(int(stored[fieldname]), value, fieldname)

	def test_get_settings(self):
		settings = get_settings()
		self.assertEqual(set(settings), set(DEFAULTS))
		self.assertGreater(settings.max_payload_bytes, 0)

	def test_values_checked(self):
		settings = frappe.get_doc("IoT Settings")
		settings.reading_retention_days = 0
		self.assertRaisesRegex(frappe.ValidationError, "at least 1", settings.save)
		settings.reload()
		settings.reading_retention_days = DEFAULTS["reading_retention_days"]
		settings.micro_stop_seconds = 600
		settings.downtime_minutes = 5
		self.assertRaisesRegex(frappe.ValidationError, "shorter than downtime", settings.save)

	def test_change_is_seen_at_once(self):
		settings = frappe.get_doc("IoT Settings")
		settings.max_readings_per_batch = 1234
		settings.save()
		try:
			self.assertEqual(get_settings().max_readings_per_batch, 1234)
		finally:
			settings.max_readings_per_batch = DEFAULTS["max_readings_per_batch"]
			settings.save()
