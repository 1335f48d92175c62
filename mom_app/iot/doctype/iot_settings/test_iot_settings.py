import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.signing import REPLAY_TTL_SECONDS
from mom_app.iot.doctype.iot_settings.iot_settings import DEFAULTS, ensure_settings, get_settings


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

	def test_clock_window_below_the_replay_key_lifetime(self):
		"""A request signed a window ahead of the clock is accepted then and replayable until a window after
		its timestamp: twice the window must fit in the time its message id is remembered."""
		for window in (REPLAY_TTL_SECONDS, REPLAY_TTL_SECONDS // 2 + 1):
			settings = frappe.get_doc("IoT Settings")
			settings.replay_window_seconds = window
			self.assertRaisesRegex(frappe.ValidationError, "at most 43200 seconds", settings.save)
		settings = frappe.get_doc("IoT Settings")
		settings.replay_window_seconds = REPLAY_TTL_SECONDS // 2
		settings.save()
		try:
			self.assertEqual(get_settings().replay_window_seconds, REPLAY_TTL_SECONDS // 2)
			# a value stored past the cap (before this check existed) reads as the default
			frappe.db.set_single_value("IoT Settings", "replay_window_seconds", REPLAY_TTL_SECONDS)
			frappe.clear_document_cache("IoT Settings", "IoT Settings")
			self.assertEqual(get_settings().replay_window_seconds, DEFAULTS["replay_window_seconds"])
		finally:
			frappe.db.set_single_value(
				"IoT Settings", "replay_window_seconds", DEFAULTS["replay_window_seconds"]
			)
			frappe.clear_document_cache("IoT Settings", "IoT Settings")

	def test_settings_never_saved_get_their_default(self):
		"""A field added after the site stored its settings is missing, or reads as 0 after a migrate."""
		frappe.db.set_single_value("IoT Settings", "max_readings_per_batch", 4321)
		try:
			for stored_before in (None, 0):
				with self.subTest(stored_before=stored_before):
					frappe.db.delete(
						"Singles", {"doctype": "IoT Settings", "field": "failed_requests_per_minute"}
					)
					if stored_before is not None:
						frappe.db.set_single_value(
							"IoT Settings", "failed_requests_per_minute", stored_before
						)
					frappe.clear_document_cache("IoT Settings", "IoT Settings")
					ensure_settings()
					stored = frappe.db.get_singles_dict("IoT Settings")
					self.assertEqual(
						int(stored.failed_requests_per_minute), DEFAULTS["failed_requests_per_minute"]
					)
					self.assertEqual(int(stored.max_readings_per_batch), 4321)  # a saved value is kept
		finally:
			frappe.db.set_single_value(
				"IoT Settings", "max_readings_per_batch", DEFAULTS["max_readings_per_batch"]
			)
			frappe.clear_document_cache("IoT Settings", "IoT Settings")

	def test_change_is_seen_at_once(self):
		settings = frappe.get_doc("IoT Settings")
		settings.max_readings_per_batch = 1234
		settings.save()
		try:
			self.assertEqual(get_settings().max_readings_per_batch, 1234)
		finally:
			settings.max_readings_per_batch = DEFAULTS["max_readings_per_batch"]
			settings.save()
