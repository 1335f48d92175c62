import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.utils import make_user


class TestIoTReading(FrappeTestCase):
	def test_indexes(self):
		indexes = {
			(row.Key_name, row.Seq_in_index): row.Column_name
			for row in frappe.db.sql("show index from `tabIoT Reading`", as_dict=True)
		}
		self.assertEqual([indexes[("device_tag_ts_index", i)] for i in (1, 2, 3)], ["device", "tag", "ts"])
		self.assertEqual(indexes[("uid", 1)], "uid")

	def test_lean_and_read_only(self):
		meta = frappe.get_meta("IoT Reading")
		self.assertEqual(meta.autoname, "autoincrement")
		self.assertFalse(meta.track_changes)
		self.assertTrue(meta.get_field("uid").unique)
		frappe.set_user(make_user("MOM Manager"))
		try:
			self.assertTrue(frappe.has_permission("IoT Reading", "read"))
			self.assertFalse(frappe.has_permission("IoT Reading", "create"))
			self.assertFalse(frappe.has_permission("IoT Reading", "write"))
		finally:
			frappe.set_user("Administrator")
