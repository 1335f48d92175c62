import frappe
from frappe.tests.utils import FrappeTestCase


class TestIoTMinuteAggregate(FrappeTestCase):
	def test_one_row_per_device_tag_and_minute(self):
		unique = [
			row.Column_name
			for row in frappe.db.sql("show index from `tabIoT Minute Aggregate`", as_dict=True)
			if row.Key_name == "unique_device_tag_minute"
		]
		self.assertEqual(unique, ["device", "tag", "minute"])
		self.assertTrue(frappe.get_meta("IoT Minute Aggregate").in_create)
