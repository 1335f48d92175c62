"""Traceability against hostile input and curious users: the scanned lot is escaped in the refusal, and the
process statistics (the machines' recorded signals) are left out for a user who may not read them."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date

from mom_app.stock_ext import api
from mom_app.stock_ext.testing import make_history
from mom_app.stock_ext.trace import iot_available
from mom_app.tests.utils import make_iot_device, make_user

PAYLOAD = '<img src=x onerror="window.momXss=1">'


class TestTraceSecurity(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.h = make_history()
		if iot_available():
			device = make_iot_device(
				f"MOM-TRS-DEV-{cls.h.prefix}",
				tags=[{"tag_key": "spindle_temp", "signal_role": "Process Parameter", "unit": "degC"}],
				workstation=cls.h.workstation,
			)
			start = frappe.db.get_value("Job Card Time Log", {"parent": cls.h.job_card}, "from_time")
			frappe.get_doc(
				{
					"doctype": "IoT Minute Aggregate",
					"device": device.name,
					"tag": "spindle_temp",
					"minute": add_to_date(start, minutes=1),
					"sample_count": 4,
					"minimum": 40,
					"maximum": 42,
					"total": 164,
				}
			).insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.clear_messages()

	def test_unknown_lot_and_direction_are_escaped(self):
		frappe.clear_messages()
		with self.assertRaises(frappe.DoesNotExistError):
			api.trace(PAYLOAD)
		with self.assertRaises(frappe.ValidationError):
			api.trace(self.h.fg1, PAYLOAD)
		for message in [
			m["message"] if isinstance(m, dict) else json.loads(m)["message"]
			for m in frappe.local.message_log
		]:
			with self.subTest(message=message):
				self.assertIn("&lt;img src=x onerror=", message)
				self.assertNotIn("<img", message)

	def test_process_statistics_only_for_readers_of_the_recorded_signals(self):
		if not iot_available():
			self.skipTest("mom_app IoT tables are not installed")
		supervisor = make_user("Production Supervisor", "trace-sec-supervisor@mom-test.example")
		inspector = make_user("Quality Inspector", "trace-sec-inspector@mom-test.example")

		frappe.set_user(supervisor)
		self.assertTrue(frappe.has_permission("IoT Minute Aggregate", "read"))
		data = api.trace(self.h.fg1, "backward")
		self.assertEqual([r["tag"] for r in data["process_parameters"]], ["spindle_temp"])
		self.assertEqual(data["hidden"], [])

		frappe.set_user(inspector)
		self.assertFalse(frappe.has_permission("IoT Minute Aggregate", "read"))
		data = api.trace(self.h.fg1, "backward")
		self.assertTrue(data["machines"])  # the rest of the trace is there
		self.assertEqual(data["process_parameters"], [])
		self.assertEqual(data["hidden"], ["process_parameters"])
		self.assertNotIn("spindle_temp", frappe.as_json(data))
