import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.utils import make_employee, make_user, make_workstation

test_ignore = ["Workstation", "Employee"]


class TestDowntimeEntrySource(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.workstation = make_workstation("MOM-T-DT-WS")
		cls.operator = make_employee("Downtime Operator").insert(ignore_permissions=True).name

	def entry(self, **values):
		return frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": self.workstation,
				"from_time": "2026-01-05 08:00:00",
				"to_time": "2026-01-05 08:30:00",
				**values,
			}
		)

	def automatic(self):
		entry = self.entry(mom_source="Automatic")
		entry.flags.mom_automatic = True
		return entry.insert(ignore_permissions=True)

	def test_erpnext_meta_relaxed_by_property_setters(self):
		meta = frappe.get_meta("Downtime Entry")
		self.assertFalse(meta.get_field("operator").reqd)
		self.assertFalse(meta.get_field("stop_reason").reqd)
		self.assertTrue(meta.get_field("mom_source").in_standard_filter)

	def test_manual_entry_still_needs_operator_and_reason(self):
		with self.assertRaises(frappe.MandatoryError) as info:
			self.entry().insert()
		self.assertIn("Operator", str(info.exception))
		self.assertIn("Stop Reason", str(info.exception))
		entry = self.entry(operator=self.operator, stop_reason="Machine malfunction").insert()
		self.assertEqual(entry.mom_source, "Manual")

	def test_people_cannot_create_automatic_entries(self):
		entry = self.entry(mom_source="Automatic", operator=self.operator, stop_reason="Other").insert()
		self.assertEqual(entry.mom_source, "Manual")

	def test_automatic_entry_without_operator_or_reason(self):
		entry = self.automatic()
		self.assertEqual(entry.mom_source, "Automatic")
		self.assertFalse(entry.operator)
		self.assertEqual(entry.downtime, 30)

	def test_classifying_needs_a_reason_and_keeps_machine_times(self):
		name = self.automatic().name
		entry = frappe.get_doc("Downtime Entry", name)
		entry.remarks = "looked at it"
		self.assertRaises(frappe.MandatoryError, entry.save)
		entry = frappe.get_doc("Downtime Entry", name)
		entry.stop_reason = "Electricity down"
		entry.to_time = "2026-01-05 08:10:00"
		self.assertRaisesRegex(frappe.ValidationError, "come from the machine", entry.save)
		entry = frappe.get_doc("Downtime Entry", name)
		entry.stop_reason = "Electricity down"
		entry.to_time = "2026-01-05 08:30:00"  # as the form sends it back, without microseconds
		entry.save()  # classified: no operator needed
		self.assertEqual(frappe.db.get_value("Downtime Entry", name, "stop_reason"), "Electricity down")
		entry = frappe.get_doc("Downtime Entry", name)
		entry.mom_source = "Manual"
		self.assertRaisesRegex(frappe.ValidationError, "cannot be changed", entry.save)

	def test_operator_classifies_an_automatic_entry(self):
		name = self.automatic().name
		frappe.set_user(make_user("MOM Operator"))
		try:
			entry = frappe.get_doc("Downtime Entry", name)
			entry.stop_reason = "Machine malfunction"
			entry.save()
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Downtime Entry", name, "mom_source"), "Automatic")
