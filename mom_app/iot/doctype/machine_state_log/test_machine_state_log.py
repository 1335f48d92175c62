import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.utils import make_workstation

test_ignore = ["Workstation", "Downtime Entry", "IoT Device"]


class TestMachineStateLog(FrappeTestCase):
	def setUp(self):
		self.workstation = make_workstation("MOM-T-MSL-WS")

	def log(self, **values):
		return frappe.get_doc(
			{
				"doctype": "Machine State Log",
				"workstation": self.workstation,
				"state": "Down",
				"start": "2026-01-05 08:00:00",
				"end": "2026-01-05 08:10:00",
				**values,
			}
		)

	def test_manual_interval(self):
		log = self.log(source="IoT").insert()
		self.assertEqual(log.source, "Manual")  # people cannot claim a machine signal
		self.assertEqual(log.duration, 600)

	def test_manual_needs_an_end_after_start(self):
		self.assertRaisesRegex(frappe.ValidationError, "needs an End", self.log(end=None).insert)
		self.assertRaisesRegex(
			frappe.ValidationError, "not be before", self.log(end="2026-01-05 07:00:00").insert
		)

	def test_iot_interval_cannot_be_edited_by_hand(self):
		log = self.log(source="IoT", end=None)
		log.flags.from_iot = True
		log.insert()
		self.assertEqual(log.source, "IoT")
		log = frappe.get_doc("Machine State Log", log.name)
		log.state = "Running"
		self.assertRaisesRegex(frappe.ValidationError, "cannot be changed by hand", log.save)
