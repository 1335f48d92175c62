"""The operator terminal against hostile or careless use: scanned values in its messages are escaped, repeated
andon calls are throttled per workstation and kind, and badge barcodes (a credential) are kept from the
operators who read Employee while the terminal still signs them in."""

import json
import uuid

import frappe

from mom_app.production.api import terminal
from mom_app.production.api.terminal.andon import ANDON_REPEAT_SECONDS
from mom_app.production.api.test_terminal import TerminalCase
from mom_app.tests.utils import make_user

PAYLOAD = '<img src=x onerror="window.momXss=1">'


def cid() -> str:
	return str(uuid.uuid4())


def refusal(call) -> str:
	"""The message (HTML) a refused terminal call sends to the page."""
	frappe.clear_messages()
	try:
		call()
	except (terminal.TerminalError, frappe.PermissionError):
		entry = frappe.local.message_log[-1]
		return (json.loads(entry) if isinstance(entry, str) else entry)["message"]
	raise AssertionError("the call was not refused")


class TestEscapedMessages(TerminalCase):
	def test_scanned_values_are_escaped_in_refusals(self):
		frappe.set_user(self.op.user)
		badge = refusal(lambda: terminal.sign_in(PAYLOAD))
		card = refusal(lambda: terminal.scan_job_card(self.op.badge, PAYLOAD, self.route.workstation))
		workstation = refusal(lambda: terminal.queue(PAYLOAD))
		action = refusal(lambda: terminal.act(cid(), PAYLOAD, self.op.badge, "x", self.route.workstation))
		for message in (badge, card, workstation, action):
			with self.subTest(message=message):
				self.assertIn("&lt;img src=x onerror=", message)
				self.assertNotIn("<img", message)


class TestAndonThrottle(TerminalCase):
	def setUp(self):
		super().setUp()
		self.keeper = make_user("Storekeeper", "sf-andon-keeper@mom-test.example")
		self.inspector = make_user("Quality Inspector", "sf-andon-inspector@mom-test.example")

	def tearDown(self):
		frappe.cache.delete_keys("mom:andon:")
		super().tearDown()

	def call(self, kind="material", workstation=None, client_id=None):
		frappe.set_user(self.op.user)
		return terminal.andon(client_id or cid(), self.op.badge, workstation or self.route.workstation, kind)

	def notifications(self, user) -> int:
		return frappe.db.count("Notification Log", {"for_user": user})

	def test_repeat_within_the_window_notifies_nobody_and_says_when(self):
		before = self.notifications(self.keeper)
		first = self.call()
		self.assertFalse(first.get("throttled"))
		self.assertGreaterEqual(first["notified"], 1)
		self.assertEqual(self.notifications(self.keeper), before + 1)

		key = cid()
		again = self.call(client_id=key)
		self.assertTrue(again["throttled"])
		self.assertEqual(again["notified"], 0)
		self.assertTrue(0 < again["retry_after"] <= ANDON_REPEAT_SECONDS, again)
		self.assertIn(str(again["retry_after"]), again["message"])
		self.assertEqual(self.notifications(self.keeper), before + 1)
		# recorded, and a retry of that request gets the same answer
		replay = self.call(client_id=key)
		self.assertTrue(replay["replayed"])
		self.assertTrue(replay["throttled"])

	def test_window_is_per_workstation_and_kind(self):
		self.call()
		before = self.notifications(self.inspector)
		quality = self.call(kind="quality")
		self.assertFalse(quality.get("throttled"))
		self.assertEqual(self.notifications(self.inspector), before + 1)
		elsewhere = self.call(workstation=self.other.workstation)
		self.assertFalse(elsewhere.get("throttled"))

	def test_window_set_to_zero_notifies_every_call(self):
		frappe.db.set_single_value("MOM Settings", "andon_repeat_seconds", 0)
		try:
			before = self.notifications(self.keeper)
			for _i in range(2):
				self.assertFalse(self.call().get("throttled"))
			self.assertEqual(self.notifications(self.keeper), before + 2)
		finally:
			frappe.db.set_single_value("MOM Settings", "andon_repeat_seconds", ANDON_REPEAT_SECONDS)

	def test_a_call_rolled_back_gives_the_window_up(self):
		self.call()
		frappe.db.rollback()  # nobody was notified after all
		self.assertFalse(self.call().get("throttled"))


class TestBadgeBarcode(TerminalCase):
	def test_operators_cannot_read_badges_managers_can(self):
		from frappe.client import get, get_list, get_value

		manager = make_user("MOM Manager", "sf-badge-manager@mom-test.example")
		frappe.set_user(self.op.user)
		self.assertTrue(frappe.has_permission("Employee", "read", doc=self.op2.employee))
		self.assertIsNone(get("Employee", self.op2.employee).get("mom_badge_barcode"))
		rows = get_list("Employee", fields=["name", "mom_badge_barcode"], filters={"name": self.op2.employee})
		self.assertFalse([r for r in rows if r.get("mom_badge_barcode")], rows)
		value = get_value("Employee", "mom_badge_barcode", {"name": self.op2.employee}) or {}
		self.assertFalse(value.get("mom_badge_barcode"), value)
		# the terminal still signs the operator in by the badge
		self.assertEqual(terminal.sign_in(self.op.badge)["employee"], self.op.employee)

		frappe.set_user(manager)
		self.assertEqual(get("Employee", self.op2.employee)["mom_badge_barcode"], self.op2.badge)

	def test_uninstall_takes_the_level_rows_out(self):
		"""Uninstall removes the level-1 rows of non-MOM roles too, so Employee follows ERPNext's own rights
		again (checked here inside a transaction that is rolled back)."""
		from mom_app.setup.roles import apply_role_permissions, remove_role_permissions

		self.assertTrue(
			frappe.db.exists("Custom DocPerm", {"parent": "Employee", "role": "HR Manager", "permlevel": 1})
		)
		try:
			remove_role_permissions()
			self.assertFalse(frappe.get_all("Custom DocPerm", filters={"parent": "Employee"}))
		finally:
			frappe.db.rollback()
			apply_role_permissions()
			frappe.clear_cache(doctype="Employee")
