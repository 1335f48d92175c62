import html

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.overrides.employee import DuplicateBadgeError
from mom_app.tests.utils import make_employee


class TestEmployeeBadge(FrappeTestCase):
	def test_badge_is_normalised(self):
		emp = make_employee("Badge Norm", "  jg-op-9001\r\n").insert()
		self.assertEqual(emp.mom_badge_barcode, "JG-OP-9001")
		self.assertEqual(frappe.db.get_value("Employee", emp.name, "mom_badge_barcode"), "JG-OP-9001")

	def test_duplicate_badge_gets_a_clear_message(self):
		first = make_employee("Badge One", "JG-OP-9002").insert()
		with self.assertRaises(DuplicateBadgeError) as info:
			make_employee("Badge Two", "jg-op-9002").insert()
		self.assertIn(first.name, str(info.exception))

	def test_bad_characters_rejected(self):
		with self.assertRaises(frappe.ValidationError) as info:
			make_employee("Badge Space", "JG OP 1").insert()
		# the message is HTML (msgprint): the typed character is escaped there and shows as ' '
		self.assertIn("' '", html.unescape(str(info.exception)))

	def test_many_employees_without_badge(self):
		a = make_employee("No Badge A", "").insert()
		b = make_employee("No Badge B", None).insert()
		self.assertIsNone(frappe.db.get_value("Employee", a.name, "mom_badge_barcode"))
		self.assertIsNone(frappe.db.get_value("Employee", b.name, "mom_badge_barcode"))
