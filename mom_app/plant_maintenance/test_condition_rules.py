"""Condition rules end to end: readings stored by the writer path fire a rule into exactly one maintenance
order, a rule that fires again adds to it, a closed order lets the rule open a new one; minute aggregates;
a restart in the middle of an on-delay; the heartbeat; two writers at once; the shop floor board's alarm."""

import threading
import time
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.maintenance import condition_rules as engine
from mom_app.iot.storage import store_readings, to_local
from mom_app.plant_maintenance import testing
from mom_app.plant_maintenance.condition_rules import evaluation, firing
from mom_app.plant_maintenance.orders import system_transition
from mom_app.tests.utils import drop_iot_device, make_iot_device

DOCTYPE = "Maintenance Work Order"
DEVICE = "MOM-T-CR"


def orders_of(rule: str) -> list[frappe._dict]:
	return frappe.get_all(
		DOCTYPE,
		filters={"trigger_doctype": "Condition Rule", "trigger_name": rule},
		fields=[
			"name",
			"occurrences",
			"source",
			"order_type",
			"priority",
			"asset",
			"workstation",
			"reported_at",
		],
		order_by="creation",
	)


def make_rule(name: str, device: str = DEVICE, **values) -> str:
	if frappe.db.exists("Condition Rule", name):
		frappe.delete_doc("Condition Rule", name, ignore_permissions=True, force=True)
	doc = frappe.get_doc(
		{
			"doctype": "Condition Rule",
			"rule_name": name,
			"device": device,
			"tag": "temp",
			"condition": "Above",
			"high_limit": 80,
			"deadband": 2,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


class RuleCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("CR")
		cls.device = make_iot_device(
			DEVICE,
			tags=[{"tag_key": "temp", "signal_role": "Process Parameter", "unit": "°C"}],
			workstation=cls.machine.workstation,
		).name
		testing.settings(condition_rules_enabled=1, condition_rule_priority="High", approve_system_orders=1)

	slot = 0

	def setUp(self):
		frappe.set_user("Administrator")
		# the rules of earlier tests on this device's tag stay in the site until the class ends: off, so each
		# test counts its own rule's events; and each test its own minutes (the minute aggregates are per tag)
		frappe.db.sql("update `tabCondition Rule` set enabled = 0 where device = %s", DEVICE)
		evaluation.forget()  # every test starts as a fresh writer process
		RuleCase.slot += 1
		self.t0 = time.time() // 60 * 60 - 4 * 3600 + 600 * RuleCase.slot
		self.seq = 0

	def store(self, *points, device: str | None = None):
		rows = []
		for offset, value in points:
			self.seq += 1
			rows.append(
				{
					"uid": f"cr-{self._testMethodName}-{self.seq}",
					"device": device or self.device,
					"tag": "temp",
					"ts": self.t0 + offset,
					"value": value,
				}
			)
		return store_readings(rows)


class TestConditionRuleFires(RuleCase):
	def test_rule_form_checks_its_signal_and_fills_the_machine(self):
		name = make_rule("MOM-T-CR Form")
		doc = frappe.get_doc("Condition Rule", name)
		self.assertEqual(
			(doc.workstation, doc.asset, doc.unit), (self.machine.workstation, self.machine.asset, "°C")
		)
		with self.assertRaisesRegex(frappe.ValidationError, "no tag"):
			make_rule("MOM-T-CR Bad Tag", tag="pressure")
		with self.assertRaises(frappe.ValidationError):
			make_rule("MOM-T-CR Bad Band", condition="Outside", low_limit=90, high_limit=80)
		with self.assertRaises(frappe.ValidationError):
			make_rule("MOM-T-CR Bad Repeat", repeat_count=3, repeat_window_seconds=0)

	def test_fires_one_order_again_adds_to_it_closed_opens_a_new_one(self):
		rule = make_rule(
			"MOM-T-CR Fire",
			checklist=testing.checklist(
				"MOM-T-CR Checklist",
				[{"instruction": "Check the coolant", "kind": "Pass/Fail", "mandatory": 1}],
			),
		)
		with patch("frappe.publish_realtime") as realtime:
			counts = self.store((0, 70), (10, 85))
		self.assertEqual(counts["rule_events"], 1)
		orders = orders_of(rule)
		self.assertEqual(len(orders), 1)
		order = orders[0]
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.asset, order.workstation),
			("Condition rule", "Condition-based", "High", self.machine.asset, self.machine.workstation),
		)
		self.assertEqual(frappe.utils.get_datetime(order.reported_at), to_local(self.t0 + 10))
		doc = frappe.get_doc(DOCTYPE, order.name)
		self.assertEqual(doc.workflow_state, "Approved")
		self.assertEqual([s.instruction for s in doc.checklist], ["Check the coolant"])
		self.assertIn("85", doc.reason)
		r = frappe.get_doc("Condition Rule", rule)
		self.assertEqual((r.active, r.fired_count, r.current_order, r.last_value), (1, 1, order.name, 85))
		alarms = [c for c in realtime.call_args_list if c.args[0] == firing.REALTIME_EVENT]
		self.assertEqual(len(alarms), 1)
		self.assertEqual(alarms[0].kwargs["docname"], self.machine.workstation)
		self.assertEqual(alarms[0].args[1]["kind"], "fired")

		# still above: nothing new; the same readings again (redelivered): nothing
		self.assertEqual(self.store((20, 86))["rule_events"], 0)
		# back inside by the deadband: cleared; above again: the same open order counts it
		self.assertEqual(self.store((30, 77))["rule_events"], 1)
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "active"), 0)
		self.assertEqual(self.store((40, 90))["rule_events"], 1)
		orders = orders_of(rule)
		self.assertEqual([(o.name, o.occurrences) for o in orders], [(order.name, 2)])
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "fired_count"), 2)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_name": order.name, "content": ("like", "%fired again%")},
			pluck="name",
		)
		self.assertEqual(len(comments), 1)

		# the order is closed: the next firing opens a new one
		system_transition(frappe.get_doc(DOCTYPE, order.name), "Cancelled")
		# cleared and fired again within one batch: the rule ends as it began (active), its events count
		self.assertEqual(self.store((50, 70), (60, 95))["rule_events"], 2)
		orders = orders_of(rule)
		self.assertEqual(len(orders), 2)
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "current_order"), orders[1].name)
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "fired_count"), 3)

	def test_rule_priority_and_order_type_and_disabled_rules(self):
		rule = make_rule("MOM-T-CR Prio", priority="Emergency", order_type="Inspection")
		self.store((0, 99))
		self.assertEqual([(o.priority, o.order_type) for o in orders_of(rule)], [("Emergency", "Inspection")])
		off = make_rule("MOM-T-CR Off", enabled=0)
		self.store((10, 99))
		self.assertEqual(orders_of(off), [])

	def test_settings_switch_stops_evaluation(self):
		rule = make_rule("MOM-T-CR Switch")
		settings = frappe.get_doc("Maintenance Settings")
		settings.condition_rules_enabled = 0
		settings.save()
		try:
			self.assertEqual(self.store((0, 99))["rule_events"], 0)
			self.assertEqual(orders_of(rule), [])
		finally:
			settings.reload()
			settings.condition_rules_enabled = 1
			settings.save()
		self.store((10, 99))
		self.assertEqual(len(orders_of(rule)), 1)

	def test_minute_aggregates(self):
		rule = make_rule("MOM-T-CR Minute", samples="Minute Aggregates", aggregate="Average", high_limit=80)
		# minute 0 averages 82.5 (one reading at 95 would fire a raw rule); it is judged when minute 1 begins
		self.assertEqual(self.store((1, 70), (30, 95))["rule_events"], 0)
		self.assertEqual(self.store((61, 70))["rule_events"], 1)  # minute 0 complete: (70 + 95) / 2 = 82.5
		orders = orders_of(rule)
		self.assertEqual(len(orders), 1)
		self.assertEqual(frappe.utils.get_datetime(orders[0].reported_at), to_local(self.t0 + 60))
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "last_value"), 82.5)

	def test_board_shows_the_workstation_in_alarm(self):
		from mom_app.production.api.board import get_board

		rule = make_rule("MOM-T-CR Board")
		self.store((0, 99))
		tile = get_board("shift", self.machine.workstation)[0]
		self.assertEqual([a["rule"] for a in tile["alarms"]], [rule])
		self.assertEqual(tile["alarms"][0]["order"], orders_of(rule)[0].name)
		self.store((10, 50))
		self.assertEqual(get_board("shift", self.machine.workstation)[0]["alarms"], [])
		self.store((20, 99))
		frappe.set_user(testing.person("operator"))  # operators read the board and the rules in alarm
		self.assertEqual(len(get_board("shift", self.machine.workstation)[0]["alarms"]), 1)


class TestConditionRuleRestart(RuleCase):
	def test_restart_in_the_middle_of_an_on_delay(self):
		rule = make_rule("MOM-T-CR Restart", on_delay_seconds=60)
		samples = [(0, 70), (10, 85), (40, 86), (75, 87), (90, 88)]
		# the uninterrupted run, by the engine alone
		expected = engine.step(
			engine.Rule(rule, "Above", high=80, deadband=2, on_delay=60),
			None,
			[(self.t0 + t, v) for t, v in samples],
		)[1]
		self.assertEqual([(e.kind, e.ts) for e in expected], [("FIRED", self.t0 + 70)])

		self.store(*samples[:2])
		stored = frappe.db.get_value(
			"Condition Rule", rule, ["waiting", "pending_since", "rule_state"], as_dict=True
		)
		self.assertTrue(stored.waiting)
		self.assertEqual(frappe.utils.get_datetime(stored.pending_since), to_local(self.t0 + 10))
		self.assertEqual(orders_of(rule), [])
		evaluation.forget()  # the collector restarts: a new process, nothing in memory
		self.store(samples[2])
		self.assertEqual(orders_of(rule), [])
		evaluation.forget()
		self.store(samples[3])
		orders = orders_of(rule)
		self.assertEqual(len(orders), 1)
		self.assertEqual(frappe.utils.get_datetime(orders[0].reported_at), to_local(self.t0 + 70))
		evaluation.forget()
		self.store(samples[4])
		self.assertEqual([o.occurrences for o in orders_of(rule)], [1])  # not twice
		self.assertEqual(frappe.db.get_value("Condition Rule", rule, "fired_count"), 1)

	def test_heartbeat_completes_an_on_delay_without_new_readings(self):
		rule = make_rule("MOM-T-CR Beat", on_delay_seconds=60)
		self.store((0, 85))
		frappe.db.set_value("IoT Device", self.device, "health", "Offline")
		frappe.db.set_value("IoT Device", self.device, "last_seen", to_local(self.t0 + 30))
		self.assertEqual(evaluation.heartbeat(now=self.t0 + 120), 0)  # lost device: held until last seen
		frappe.db.set_value("IoT Device", self.device, "health", "Online")
		self.assertEqual(evaluation.heartbeat(now=self.t0 + 30), 0)
		self.assertEqual(orders_of(rule), [])
		self.assertEqual(evaluation.heartbeat(now=self.t0 + 61), 1)
		orders = orders_of(rule)
		self.assertEqual(len(orders), 1)
		self.assertEqual(frappe.utils.get_datetime(orders[0].reported_at), to_local(self.t0 + 60))
		self.assertFalse(frappe.db.get_value("Condition Rule", rule, "waiting"))
		self.assertEqual(evaluation.heartbeat(now=self.t0 + 200), 0)


class TestConditionRuleTwoWriters(FrappeTestCase):
	"""Two writers store readings of one tag at the same moment (each its own connection): one order."""

	def test_two_writers_one_order(self):
		frappe.set_user("Administrator")
		machine = testing.machine("CR-RACE")
		device = make_iot_device(
			"MOM-T-CR-RACE",
			tags=[{"tag_key": "temp", "signal_role": "Process Parameter"}],
			workstation=machine.workstation,
		).name
		rule = make_rule("MOM-T-CR Race", device=device)
		testing.settings(condition_rules_enabled=1)
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(2)
		t0 = time.time() - 600
		errors, counts = [], []

		def run(i):
			try:
				frappe.init(site=site, sites_path=sites_path)
				frappe.connect()
				frappe.set_user("Administrator")
				row = {"uid": f"cr-race-{i}", "device": device, "tag": "temp", "ts": t0 + i, "value": 90 + i}
				barrier.wait(timeout=30)
				counts.append(store_readings([row])["rule_events"])
				frappe.db.commit()
			except Exception as e:  # reported below
				errors.append(repr(e))
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=60)
		try:
			self.assertFalse(errors, errors)
			self.assertEqual(sorted(counts), [0, 1])
			orders = orders_of(rule)
			self.assertEqual([o.occurrences for o in orders], [1])
			self.assertEqual(frappe.db.get_value("Condition Rule", rule, "fired_count"), 1)
		finally:
			for name in frappe.get_all(DOCTYPE, filters={"trigger_name": rule}, pluck="name"):
				frappe.delete_doc(DOCTYPE, name, ignore_permissions=True, force=True)
			frappe.delete_doc("Condition Rule", rule, ignore_permissions=True, force=True)
			drop_iot_device(device)
			frappe.db.commit()
