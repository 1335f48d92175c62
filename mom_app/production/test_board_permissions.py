"""The shop-floor board reads Machine State Log, Job Card and Downtime Entry with its own queries: only for a
user who may read those doctypes. Others get the tiles and the detail without those parts, and told which."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import today

from mom_app.production.api import board
from mom_app.tests.utils import make_user, make_workstation

WORKSTATION = "MOM-BOARD-PERM-WS"


class TestBoardPermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.workstation = make_workstation(WORKSTATION)
		cls.inspector = make_user("Quality Inspector", "board-inspector@mom-test.example")
		cls.supervisor = make_user("Production Supervisor", "board-supervisor@mom-test.example")
		start, end = f"{today()} 01:00:00", f"{today()} 01:30:00"  # inside today, whenever the test runs
		frappe.get_doc(
			{
				"doctype": "Machine State Log",
				"workstation": cls.workstation,
				"state": "Down",
				"start": start,
				"end": end,
			}
		).insert(ignore_permissions=True)
		entry = frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": cls.workstation,
				"from_time": start,
				"to_time": end,
				"stop_reason": "Machine malfunction",
				"mom_source": "Automatic",
			}
		)
		entry.flags.mom_automatic = True
		entry.insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def tile(self) -> dict:
		return next(t for t in board.get_board() if t["name"] == self.workstation)

	def test_reader_of_machine_states_and_downtime_sees_them(self):
		frappe.set_user(self.supervisor)
		tile = self.tile()
		self.assertEqual(tile["state"], "Down")
		self.assertEqual(tile["hidden"], [])
		detail = board.get_workstation_detail(self.workstation)
		self.assertEqual(detail["source"], "machine")
		self.assertEqual([t["state"] for t in detail["timeline"]], ["Down"])
		self.assertTrue(detail["reasons"])
		self.assertEqual(detail["hidden"], [])

	def test_others_get_the_board_without_what_they_may_not_read(self):
		frappe.set_user(self.inspector)
		self.assertFalse(frappe.has_permission("Machine State Log", "read"))
		self.assertFalse(frappe.has_permission("Downtime Entry", "read"))
		tile = self.tile()
		self.assertIsNone(tile["state"])
		self.assertEqual(tile["hidden"], ["Machine State Log"])
		detail = board.get_workstation_detail(self.workstation)
		self.assertEqual(detail["timeline"], [])  # no state log, no downtime; no job card ran here
		self.assertEqual(detail["reasons"], [])
		self.assertEqual(detail["hidden"], ["Machine State Log", "Downtime Entry"])
