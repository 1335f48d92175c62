"""open_order: one order per dedup key (also under concurrency), the machine filled from either side, system
orders approved, requests waiting, the caller's permission checked."""

import threading
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.maintenance.orders import breakdown_order_key, rule_order_key
from mom_app.plant_maintenance import testing
from mom_app.plant_maintenance.orders import open_order

DOCTYPE = "Maintenance Work Order"


class TestOpenOrder(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("OPEN")
		cls.people = testing.people()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_opens_with_machine_filled_and_timing(self):
		name, created = open_order(
			"Corrective",
			"Request",
			workstation=self.machine.workstation,
			priority="High",
			ignore_permissions=True,
		)
		self.assertTrue(created)
		doc = frappe.get_doc(DOCTYPE, name)
		self.assertEqual(doc.asset, self.machine.asset)
		self.assertEqual(doc.company, self.machine.company)
		self.assertTrue(doc.cost_center)
		self.assertEqual(doc.workflow_state, "Requested")  # a request waits for approval
		self.assertTrue(doc.is_failure)
		self.assertTrue(name.startswith("MWO-"))
		# High: response 60 minutes, back in service 480 minutes after the report (engine DEFAULT_TARGETS)
		reported = frappe.utils.get_datetime(doc.reported_at)
		self.assertEqual(frappe.utils.get_datetime(doc.response_due), reported + timedelta(minutes=60))
		self.assertEqual(frappe.utils.get_datetime(doc.repair_due), reported + timedelta(minutes=480))

		by_asset, _ = open_order(
			"Preventive", "Calendar PM", asset=self.machine.asset, ignore_permissions=True
		)
		doc = frappe.get_doc(DOCTYPE, by_asset)
		self.assertEqual(doc.workstation, self.machine.workstation)
		self.assertEqual(doc.workflow_state, "Approved")  # a system order starts approved (settings default)
		self.assertFalse(doc.is_failure)

	def test_dedup_key_adds_an_occurrence(self):
		key = rule_order_key("RULE-DEDUP", self.machine.asset)
		first, created = open_order(
			"Condition-based",
			"Condition rule",
			asset=self.machine.asset,
			dedup_key=key,
			reason="x > 80",
			ignore_permissions=True,
		)
		again, created_again = open_order(
			"Condition-based",
			"Condition rule",
			asset=self.machine.asset,
			dedup_key=key,
			reason="x > 85",
			ignore_permissions=True,
		)
		self.assertTrue(created)
		self.assertFalse(created_again)
		self.assertEqual(first, again)
		self.assertEqual(frappe.db.get_value(DOCTYPE, first, "occurrences"), 2)
		self.assertEqual(frappe.db.count(DOCTYPE, {"dedup_key": key}), 1)
		comments = frappe.get_all(
			"Comment", filters={"reference_name": first, "comment_type": "Info"}, pluck="content"
		)
		self.assertTrue(any("x &gt; 85" in c for c in comments), comments)

	def test_closed_rule_order_gives_its_key_up_a_breakdown_keeps_it(self):
		from mom_app.plant_maintenance.orders import system_transition

		rule_key = rule_order_key("RULE-CLOSE", self.machine.asset)
		first, _ = open_order(
			"Condition-based",
			"Condition rule",
			asset=self.machine.asset,
			dedup_key=rule_key,
			ignore_permissions=True,
		)
		system_transition(frappe.get_doc(DOCTYPE, first), "Cancelled")
		self.assertEqual(frappe.db.get_value(DOCTYPE, first, "released_dedup_key"), rule_key)
		second, created = open_order(
			"Condition-based",
			"Condition rule",
			asset=self.machine.asset,
			dedup_key=rule_key,
			ignore_permissions=True,
		)
		self.assertTrue(created)
		self.assertNotEqual(first, second)

		down_key = breakdown_order_key(self.machine.workstation, 1_700_000_000)
		broke, _ = open_order(
			"Corrective",
			"Machine breakdown",
			asset=self.machine.asset,
			dedup_key=down_key,
			ignore_permissions=True,
		)
		system_transition(frappe.get_doc(DOCTYPE, broke), "Cancelled")
		again, created = open_order(
			"Corrective",
			"Machine breakdown",
			asset=self.machine.asset,
			dedup_key=down_key,
			ignore_permissions=True,
		)
		self.assertFalse(created)
		self.assertEqual(again, broke)

	def test_permission_of_the_caller(self):
		frappe.set_user(self.people.norole)
		with self.assertRaises(frappe.PermissionError):
			open_order("Corrective", "Request", asset=self.machine.asset)
		frappe.set_user(self.people.operator)
		name, created = open_order("Corrective", "Request", workstation=self.machine.workstation)
		self.assertTrue(created)
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "requested_by"), self.people.operator)

	def test_bad_input_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			open_order("Repair", "Request", asset=self.machine.asset, ignore_permissions=True)
		with self.assertRaises(frappe.ValidationError):
			open_order("Corrective", "Request", ignore_permissions=True)
		with self.assertRaises(frappe.ValidationError):
			open_order(
				"Corrective", "Request", asset=self.machine.asset, priority="Urgent", ignore_permissions=True
			)


class TestOpenOrderConcurrently(FrappeTestCase):
	"""Two connections open an order with one key at the same time: one order, one of them created it."""

	def test_two_connections_one_order(self):
		frappe.set_user("Administrator")
		machine = testing.machine("RACE")
		frappe.db.commit()
		key = rule_order_key(f"RULE-RACE-{frappe.generate_hash(length=6)}", machine.asset)
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(2)
		results, errors = [], []

		def run():
			try:
				frappe.init(site=site, sites_path=sites_path)
				frappe.connect()
				frappe.set_user("Administrator")
				barrier.wait(timeout=30)
				results.append(
					open_order(
						"Condition-based",
						"Condition rule",
						asset=machine.asset,
						dedup_key=key,
						ignore_permissions=True,
					)
				)
				frappe.db.commit()
			except Exception as e:  # reported below
				errors.append(repr(e))
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=run) for _ in range(2)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=60)
		self.assertFalse(errors, errors)
		self.assertEqual(len(results), 2)
		self.assertEqual(len({name for name, _created in results}), 1, results)
		self.assertEqual(sorted(created for _name, created in results), [False, True])
		try:
			self.assertEqual(frappe.db.count(DOCTYPE, {"dedup_key": key}), 1)
			self.assertEqual(frappe.db.get_value(DOCTYPE, results[0][0], "occurrences"), 2)
		finally:
			for name in frappe.get_all(DOCTYPE, filters={"dedup_key": key}, pluck="name"):
				frappe.delete_doc(DOCTYPE, name, ignore_permissions=True, force=True)
			frappe.db.commit()
