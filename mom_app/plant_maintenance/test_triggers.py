"""The plant maintenance triggers end to end on a real site: a machine breakdown from the IoT writer and the
scheduler, the terminal's maintenance andon, the emergency lockout at the terminal, a quality hold whose cause
is the machine, and what an operator may do with an order."""

import time
import uuid
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, now_datetime

from mom_app.iot.storage import store_readings, to_local
from mom_app.plant_maintenance import api, breakdowns, testing
from mom_app.plant_maintenance.orders import MaintenanceActionError, apply_action, open_order
from mom_app.production.api import terminal
from mom_app.production.testing import operator, released_job_card, routed_workstation
from mom_app.tests.utils import STATE_MAP, make_iot_device, make_user

DOCTYPE = "Maintenance Work Order"
SETTINGS = "Maintenance Settings"
RUNNING, DOWN = 1, 3
FIELDS = [
	"name",
	"source",
	"order_type",
	"priority",
	"workflow_state",
	"workstation",
	"asset",
	"occurrences",
	"machine_state_log",
	"downtime_entry",
	"trigger_doctype",
	"trigger_name",
	"failure_time",
	"reported_at",
	"quality_hold",
	"requested_by",
	"reason",
]
# the tests make their own records; Frappe's generated test records of ERPNext's linked doctypes would reach
# doctypes of apps this site does not have (Payment Gateway)
test_ignore = [
	"Asset",
	"Asset Category",
	"BOM",
	"Downtime Entry",
	"Employee",
	"Item",
	"Job Card",
	"Machine State Log",
	"Quality Hold",
	"Work Order",
	"Workstation",
]


def cid() -> str:
	return str(uuid.uuid4())


def orders_at(workstation: str, **filters) -> list[frappe._dict]:
	return frappe.get_all(
		DOCTYPE, filters={"workstation": workstation, **filters}, fields=FIELDS, order_by="creation, name"
	)


def delete_orders_at(workstation: str) -> None:
	"""Orders (and what hangs on them) a test left at its workstation."""
	names = frappe.get_all(DOCTYPE, filters={"workstation": workstation}, pluck="name")
	if not names:
		return
	for child in (
		"Maintenance Work Order Step",
		"Maintenance Time Log",
		"Maintenance Planned Part",
		"Maintenance Used Part",
	):
		if frappe.db.table_exists(child):
			frappe.db.delete(child, {"parent": ("in", names), "parenttype": DOCTYPE})
	frappe.db.delete("Maintenance Action", {"maintenance_work_order": ("in", names)})
	frappe.db.delete("Comment", {"reference_doctype": DOCTYPE, "reference_name": ("in", names)})
	frappe.db.delete("ToDo", {"reference_type": DOCTYPE, "reference_name": ("in", names)})
	frappe.db.delete(DOCTYPE, {"name": ("in", names)})


class SettingsCase(FrappeTestCase):
	"""Maintenance Settings changed by a test are put back in tearDown."""

	def setUp(self):
		frappe.set_user("Administrator")
		self.saved_settings = {}

	def tearDown(self):
		frappe.set_user("Administrator")
		for key, value in self.saved_settings.items():
			frappe.db.set_single_value(SETTINGS, key, value)

	def settings(self, **values):
		stored = frappe.db.get_singles_dict(SETTINGS)
		for key, value in values.items():
			self.saved_settings.setdefault(key, stored.get(key))
			frappe.db.set_single_value(SETTINGS, key, value)


# -- machine breakdowns -----------------------------------------------------------------------------------


class TestBreakdowns(SettingsCase):
	DEVICE = "MOM-T-PM-BD"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("TRG-BD")
		cls.ws = cls.machine.workstation
		cls.device = make_iot_device(
			cls.DEVICE,
			tags=[{"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP}],
			workstation=cls.ws,
		).name

	def setUp(self):
		super().setUp()
		# every test starts with a machine without history or orders
		for doctype in ("IoT Reading", "IoT Minute Aggregate"):
			frappe.db.delete(doctype, {"device": self.device})
		frappe.db.delete("Downtime Entry", {"workstation": self.ws})
		frappe.db.delete("Machine State Log", {"workstation": self.ws})
		delete_orders_at(self.ws)
		frappe.db.set_value("Workstation", self.ws, "mom_breakdown_minutes", 0)
		self.settings(
			breakdown_minutes=10,
			breakdown_mode="Open an Order",
			breakdown_priority="Medium",
			approve_system_orders=1,
			emergency_lockout=0,
		)
		ts = time.time() - 6 * 3600
		self.t0 = ts - ts % 60

	def store(self, *points):
		"""Store state samples (seconds after t0, state code) through the IoT writer."""
		rows = []
		for offset, value in points:
			rows.append(
				{
					# a reading is known by its id: the same sample sent again has the same one
					"uid": f"{self.device}:{self._testMethodName}:{offset}",
					"device": self.device,
					"tag": "state",
					"ts": self.t0 + offset,
					"value": value,
				}
			)
		return store_readings(rows)

	def down_logs(self) -> list[frappe._dict]:
		"""The Down intervals, named as the order's links name them (the log is numbered: its name as text)."""
		logs = frappe.get_all(
			"Machine State Log",
			filters={"workstation": self.ws, "state": "Down"},
			fields=["name", "start", "end", "downtime_entry"],
			order_by="start",
		)
		for log in logs:
			log.name = str(log.name)
		return logs

	def test_closed_breakdown_opens_one_order_with_its_log_and_downtime(self):
		self.store((0, RUNNING), (60, DOWN), (60 + 15 * 60, RUNNING), (60 + 16 * 60, RUNNING))
		(log,) = self.down_logs()
		self.assertTrue(log.end)
		self.assertTrue(log.downtime_entry)
		orders = orders_at(self.ws)
		self.assertEqual(len(orders), 1)
		order = orders[0]
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.workflow_state, order.asset),
			("Machine breakdown", "Corrective", "Medium", "Approved", self.machine.asset),
		)
		self.assertEqual(
			(order.trigger_doctype, order.trigger_name, order.machine_state_log, order.downtime_entry),
			("Machine State Log", log.name, log.name, log.downtime_entry),
		)
		self.assertEqual(get_datetime(order.failure_time), to_local(self.t0 + 60))
		self.assertEqual(get_datetime(order.reported_at), to_local(self.t0 + 60))
		self.assertEqual(order.occurrences, 1)
		self.assertIn(self.ws, order.reason)

		# the same readings again, the writer's hook and the scheduler again: still the one order
		again = self.store((0, RUNNING), (60, DOWN), (60 + 15 * 60, RUNNING), (60 + 16 * 60, RUNNING))
		self.assertEqual(again["inserted"], 0)
		doc = frappe.get_doc("Machine State Log", log.name)
		self.assertEqual(
			breakdowns.after_advance(self.ws, [doc], None, to_local(self.t0 + 60 + 16 * 60)), [order.name]
		)
		self.assertNotIn(order.name, breakdowns.check_open())
		orders = orders_at(self.ws)
		self.assertEqual([(o.name, o.occurrences) for o in orders], [(order.name, 1)])

	def test_webhook_fallback_as_guest_opens_the_order(self):
		# without Redis the webhook stores its readings itself, in the device's request (as Guest)
		frappe.set_user("Guest")
		try:
			self.store((0, RUNNING), (60, DOWN), (60 + 12 * 60, RUNNING))
		finally:
			frappe.set_user("Administrator")
		(log,) = self.down_logs()
		self.assertEqual(
			[(o.source, o.workflow_state, o.machine_state_log, o.downtime_entry) for o in orders_at(self.ws)],
			[("Machine breakdown", "Approved", log.name, log.downtime_entry)],
		)
		self.assertEqual(frappe.db.count("Error Log", {"method": ("like", f"%{self.ws}%")}), 0)

	def test_open_breakdown_opens_while_down_and_gets_the_downtime_when_it_closes(self):
		down = 60.4567891  # a collector's time, to the sub-microsecond: the order is still the interval's one
		self.store((0, RUNNING), (down, DOWN), (down + 5 * 60, DOWN))
		self.assertEqual(orders_at(self.ws), [])  # down 5 minutes so far: not yet a breakdown
		self.store((down + 11 * 60, DOWN))
		(log,) = self.down_logs()
		self.assertIsNone(log.end)
		orders = orders_at(self.ws)
		self.assertEqual(len(orders), 1)
		order = orders[0]
		self.assertEqual((order.source, order.machine_state_log), ("Machine breakdown", log.name))
		self.assertIsNone(order.downtime_entry)
		self.assertEqual(get_datetime(order.failure_time), get_datetime(log.start))
		self.assertEqual(get_datetime(order.failure_time), to_local(self.t0 + down))
		# still down: the same order, from the writer and from the scheduler
		self.store((down + 13 * 60, DOWN))
		frappe.db.set_value("IoT Device", self.device, "health", "Online", update_modified=False)
		breakdowns.check_open(now_datetime())
		self.assertEqual([(o.name, o.occurrences) for o in orders_at(self.ws)], [(order.name, 1)])
		# back running: the interval closes with its downtime entry, which the order gets
		self.store((down + 20 * 60 + 0.25, RUNNING))
		(log,) = self.down_logs()
		self.assertTrue(log.end)
		self.assertTrue(log.downtime_entry)
		orders = orders_at(self.ws)
		self.assertEqual(
			[(o.name, o.occurrences, o.machine_state_log, o.downtime_entry) for o in orders],
			[(order.name, 1, log.name, log.downtime_entry)],
		)

	def test_scheduler_opens_an_order_for_a_machine_still_down(self):
		now_ts = time.time()
		self.t0 = now_ts - now_ts % 60 - 30 * 60
		self.store((0, RUNNING), (60, DOWN))  # the collector reports only changes: nothing after going down
		self.assertEqual(orders_at(self.ws), [])
		(log,) = self.down_logs()
		down_since = get_datetime(log.start)
		now = now_datetime()
		# the device was lost 5 minutes after it went down: down until then only, not a breakdown
		frappe.db.set_value(
			"IoT Device",
			self.device,
			{"health": "Offline", "last_seen": down_since + timedelta(minutes=5)},
			update_modified=False,
		)
		breakdowns.check_open(now)
		self.assertEqual(orders_at(self.ws), [])
		# online: down until now (29 minutes)
		frappe.db.set_value("IoT Device", self.device, "health", "Online", update_modified=False)
		opened = breakdowns.check_open(now)
		orders = orders_at(self.ws)
		self.assertEqual(len(orders), 1)
		self.assertIn(orders[0].name, opened)
		self.assertEqual(
			(orders[0].source, orders[0].machine_state_log, orders[0].workflow_state),
			("Machine breakdown", log.name, "Approved"),
		)
		self.assertEqual(get_datetime(orders[0].failure_time), down_since)
		self.assertIsNone(orders[0].downtime_entry)
		# every minute again: the same order
		breakdowns.check_open(now + timedelta(minutes=1))
		self.assertEqual([(o.name, o.occurrences) for o in orders_at(self.ws)], [(orders[0].name, 1)])
		# the machine runs again: the writer closes the interval, and the scheduler's order gets its downtime
		self.store((60 + 29 * 60, RUNNING))
		(log,) = self.down_logs()
		self.assertTrue(log.downtime_entry)
		self.assertEqual(
			[(o.name, o.occurrences, o.downtime_entry) for o in orders_at(self.ws)],
			[(orders[0].name, 1, log.downtime_entry)],
		)

	def test_workstation_threshold_over_the_settings_and_zero_opens_nothing(self):
		frappe.db.set_value("Workstation", self.ws, "mom_breakdown_minutes", 30)
		self.store((0, RUNNING), (60, DOWN), (60 + 15 * 60, RUNNING))  # 15 min: not 30
		self.assertEqual(orders_at(self.ws), [])
		base = 60 + 20 * 60
		self.store((base, DOWN), (base + 35 * 60, RUNNING))  # 35 min
		self.assertEqual(len(orders_at(self.ws)), 1)
		# the workstation's time below the settings' one counts too
		frappe.db.set_value("Workstation", self.ws, "mom_breakdown_minutes", 3)
		base += 40 * 60
		self.store((base, DOWN), (base + 4 * 60, RUNNING))  # 4 min: a breakdown at 3, not at the 10
		self.assertEqual(len(orders_at(self.ws)), 2)
		# 0 on the workstation and in the settings: no orders, however long the machine is down
		frappe.db.set_value("Workstation", self.ws, "mom_breakdown_minutes", 0)
		self.settings(breakdown_minutes=0)
		base += 10 * 60
		self.store((base, DOWN), (base + 60 * 60, RUNNING))
		base += 70 * 60
		self.store((base, DOWN), (base + 45 * 60, DOWN))  # open for 45 minutes
		self.assertEqual(len(orders_at(self.ws)), 2)
		frappe.db.set_value("IoT Device", self.device, "health", "Online", update_modified=False)
		breakdowns.check_open(now_datetime())
		self.assertEqual(len(orders_at(self.ws)), 2)

	def test_propose_only_leaves_the_order_requested(self):
		self.settings(breakdown_mode="Propose Only")
		self.store((0, RUNNING), (60, DOWN), (60 + 12 * 60, RUNNING))
		orders = orders_at(self.ws)
		self.assertEqual([(o.source, o.workflow_state) for o in orders], [("Machine breakdown", "Requested")])
		# a supervisor decides: not a breakdown worth an order
		frappe.set_user(testing.person("supervisor"))
		apply_action(frappe.get_doc(DOCTYPE, orders[0].name), "Reject")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(DOCTYPE, orders[0].name, "workflow_state"), "Rejected")
		# the same breakdown seen again opens nothing: its order was decided
		(log,) = self.down_logs()
		doc = frappe.get_doc("Machine State Log", log.name)
		self.assertEqual(breakdowns.after_advance(self.ws, [doc], None, doc.end), [orders[0].name])
		self.assertEqual([o.name for o in orders_at(self.ws)], [orders[0].name])
		# the next one is proposed again
		self.store((60 + 20 * 60, DOWN), (60 + 40 * 60, RUNNING))
		self.assertEqual([o.workflow_state for o in orders_at(self.ws)], ["Rejected", "Requested"])


# -- the terminal's maintenance andon ---------------------------------------------------------------------


class TestAndon(SettingsCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("TRG-AN")
		cls.ws = cls.machine.workstation
		cls.op = operator("pm-trg-andon", "PM-TRG-0001")
		cls.supervisor = testing.person("supervisor")
		cls.technician = testing.person("technician")

	def setUp(self):
		super().setUp()
		delete_orders_at(self.ws)
		frappe.db.delete("Andon Call", {"workstation": self.ws})
		frappe.cache.delete_keys("mom:andon:")  # no repeat window open from an earlier run
		self.settings(andon_priority="High")

	def call(self, note=None) -> dict:
		frappe.set_user(self.op.user)
		try:
			return terminal.andon(cid(), self.op.badge, self.ws, "maintenance", note=note)
		finally:
			frappe.set_user("Administrator")

	def act(self, user, name, action):
		frappe.set_user(user)
		try:
			apply_action(frappe.get_doc(DOCTYPE, name), action)
		finally:
			frappe.set_user("Administrator")

	def test_a_call_opens_a_request_and_repeats_add_to_it(self):
		first = self.call(note="Hydraulic leak")
		orders = orders_at(self.ws)
		self.assertEqual(len(orders), 1)
		order = orders[0]
		self.assertEqual(first["maintenance_order"], order.name)
		call = frappe.get_all("Andon Call", filters={"workstation": self.ws}, pluck="name")
		self.assertEqual(len(call), 1)
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.workflow_state, order.asset),
			("Terminal andon", "Corrective", "High", "Requested", self.machine.asset),
		)
		self.assertEqual((order.trigger_doctype, order.trigger_name), ("Andon Call", call[0]))
		self.assertEqual(order.requested_by, self.op.user)
		self.assertIn(self.op.employee_name, order.reason)
		self.assertIn("Hydraulic leak", order.reason)

		# called again while it is open (within the repeat window too): the same order counts it
		second = self.call()
		self.assertEqual(second["maintenance_order"], order.name)
		self.assertTrue(second.get("throttled"))
		self.assertEqual([(o.name, o.occurrences) for o in orders_at(self.ws)], [(order.name, 2)])
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": DOCTYPE, "reference_name": order.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(len([c for c in comments if "fired again" in c]), 1)

	def test_a_closed_request_lets_the_next_call_open_a_new_one(self):
		# rejected
		rejected = self.call()["maintenance_order"]
		self.act(self.supervisor, rejected, "Reject")
		cancelled = self.call()["maintenance_order"]
		self.assertNotEqual(cancelled, rejected)
		self.assertEqual(len(orders_at(self.ws)), 2)
		# approved, then cancelled
		self.act(self.supervisor, cancelled, "Approve")
		self.assertEqual(self.call()["maintenance_order"], cancelled)  # approved is still open
		# a material call is no maintenance request
		frappe.set_user(self.op.user)
		material = terminal.andon(cid(), self.op.badge, self.ws, "material")
		frappe.set_user("Administrator")
		self.assertNotIn("maintenance_order", material)
		self.assertEqual(len(orders_at(self.ws)), 2)
		self.act(self.supervisor, cancelled, "Cancel")
		completed = self.call()["maintenance_order"]
		self.assertNotIn(completed, (rejected, cancelled))
		# approved, worked and completed
		self.act(self.supervisor, completed, "Approve")
		frappe.set_user(self.technician)
		api.start(cid(), completed)
		api.finish(cid(), completed, work_done="Replaced the hose")
		frappe.set_user("Administrator")
		latest = self.call()["maintenance_order"]
		self.assertNotIn(latest, (rejected, cancelled, completed))
		orders = orders_at(self.ws)
		self.assertEqual(
			[(o.name, o.workflow_state, o.occurrences) for o in orders],
			[
				(rejected, "Rejected", 1),
				(cancelled, "Cancelled", 2),
				(completed, "Completed", 1),
				(latest, "Requested", 1),
			],
		)
		# one open request: the only one holding the workstation's andon key
		self.assertEqual(
			frappe.get_all(DOCTYPE, filters={"dedup_key": f"andon|{self.ws}"}, pluck="name"), [latest]
		)


# -- emergency lockout at the terminal --------------------------------------------------------------------


class TestLockout(SettingsCase):
	"""The terminal commits its actions: what a test made at its workstation is removed in tearDown."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("PMLOCK")
		frappe.db.set_value("Workstation", cls.route.workstation, "mom_terminal_user", None)
		cls.op = operator("pm-lock-op-1", "PM-L-0001")
		cls.op2 = operator("pm-lock-op-2", "PM-L-0002")
		cls.technician = testing.person("technician")
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		self.ws = self.route.workstation
		self.cleanup()

	def tearDown(self):
		super().tearDown()
		self.cleanup()

	def cleanup(self):
		frappe.set_user("Administrator")
		delete_orders_at(self.ws)
		# the stop a completed order recorded for its work (plant_maintenance.downtime)
		frappe.db.delete(
			"Downtime Entry",
			{"workstation": self.ws, "mom_source": "Automatic", "remarks": ("like", "Maintenance order %")},
		)
		# ERPNext refuses an employee a job card while an unfinished one of theirs is scheduled now here
		frappe.db.sql(
			"""update `tabJob Card` set docstatus = 2, status = 'Cancelled'
			where docstatus = 0 and workstation = %s""",
			self.ws,
		)
		frappe.db.commit()

	def emergency(self, priority="Emergency") -> str:
		name, _created = open_order(
			"Corrective",
			"Request",
			workstation=self.ws,
			priority=priority,
			reason="Guard broken",
			approve=True,
			ignore_permissions=True,
		)
		return name

	def act(self, action, jc, who, **kw):
		frappe.set_user(who.user)
		try:
			return terminal.act(
				client_id=cid(), action=action, badge=who.badge, job_card=jc, workstation=self.ws, **kw
			)
		finally:
			frappe.set_user("Administrator")

	def refused(self, action, jc, who, order):
		logs = len(frappe.get_doc("Job Card", jc).time_logs)
		with self.assertRaises(terminal.TerminalError) as caught:
			self.act(action, jc, who)
		self.assertIn(order, str(caught.exception))
		self.assertIn(self.ws, str(caught.exception))
		self.assertEqual(len(frappe.get_doc("Job Card", jc).time_logs), logs)

	def open_logs(self, jc) -> list:
		return [log for log in frappe.get_doc("Job Card", jc).time_logs if not log.to_time]

	def test_open_emergency_order_refuses_start_and_resume_until_completed(self):
		self.settings(emergency_lockout=1)
		paused = released_job_card(self.route, 10)
		self.act("start", paused, self.op)
		self.act("pause", paused, self.op, reason="Meeting and Training")
		running = released_job_card(self.route, 10)
		self.act("start", running, self.op2)
		fresh = released_job_card(self.route, 10)

		order = self.emergency()
		self.refused("resume", paused, self.op, order)
		self.refused("start", fresh, self.op, order)
		# the terminal says why before anybody tries
		frappe.set_user(self.op.user)
		view = terminal.scan_job_card(self.op.badge, fresh, self.ws)
		frappe.set_user("Administrator")
		self.assertEqual(view["lockout"], {"order": order, "workstation": self.ws})
		self.assertIn(order, view["actions"]["start"])
		# what was made before the lockout is reported; the work stops (no new time log)
		done = self.act("complete", running, self.op2, good_qty=3)
		self.assertEqual(done["card"]["total_completed_qty"], 3)
		card = frappe.get_doc("Job Card", running)
		self.assertEqual([(log.completed_qty, bool(log.to_time)) for log in card.time_logs], [(3, True)])
		self.refused("start", running, self.op2, order)

		# the technician completes the order: jobs start and resume again
		frappe.set_user(self.technician)
		api.start(cid(), order)
		api.finish(cid(), order, work_done="Guard replaced")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(DOCTYPE, order, "workflow_state"), "Completed")
		self.assertEqual(self.act("resume", paused, self.op)["status"], "Work In Progress")
		self.act("start", running, self.op2)
		self.assertEqual(len(self.open_logs(running)), 1)

	def test_setting_off_or_a_lower_priority_locks_nothing(self):
		self.settings(emergency_lockout=0)
		order = self.emergency()
		jc = released_job_card(self.route, 10)
		self.act("start", jc, self.op)
		self.assertEqual(len(self.open_logs(jc)), 1)
		# switched on: the order already open locks the workstation at once
		self.settings(emergency_lockout=1)
		other = released_job_card(self.route, 10)
		self.refused("start", other, self.op2, order)
		# a High order does not lock
		frappe.db.set_value(DOCTYPE, order, "priority", "High")
		self.act("start", other, self.op2)
		self.assertEqual(len(self.open_logs(other)), 1)


# -- quality holds whose cause is the machine -------------------------------------------------------------


class TestQualityHold(SettingsCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("TRG-QH")
		cls.ws = cls.machine.workstation

	def setUp(self):
		super().setUp()
		delete_orders_at(self.ws)
		self.settings(quality_hold_orders=1, quality_priority="Medium", approve_system_orders=1)

	def hold(self, machine_cause=1, workstation=None, reason="Bore out of tolerance: worn spindle"):
		doc = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"status": "Open",
				"source": "Manual",
				"reason": reason,
				"machine_cause": machine_cause,
				"workstation": workstation or self.ws,
			}
		)
		doc.insert(ignore_permissions=True)
		return doc

	def test_machine_cause_opens_one_order_linked_both_ways(self):
		hold = self.hold()
		orders = orders_at(self.ws)
		self.assertEqual(len(orders), 1)
		order = orders[0]
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.workflow_state, order.asset),
			("Quality", "Corrective", "Medium", "Approved", self.machine.asset),
		)
		self.assertEqual(
			(order.quality_hold, order.trigger_doctype, order.trigger_name),
			(hold.name, "Quality Hold", hold.name),
		)
		self.assertIn(hold.name, order.reason)
		self.assertEqual(frappe.db.get_value("Quality Hold", hold.name, "maintenance_work_order"), order.name)
		# saved again: no second order, the link kept
		hold.reload()
		hold.reason = "Bore out of tolerance: spindle bearing"
		hold.save(ignore_permissions=True)
		self.assertEqual([(o.name, o.occurrences) for o in orders_at(self.ws)], [(order.name, 1)])
		self.assertEqual(frappe.db.get_value("Quality Hold", hold.name, "maintenance_work_order"), order.name)

	def test_an_inspectors_hold_opens_the_order(self):
		inspector = make_user("Quality Inspector", "pm-trg-inspector@mom-test.example")
		frappe.set_user(inspector)
		hold = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"status": "Open",
				"source": "Manual",
				"reason": "Chatter marks: loose spindle",
				"machine_cause": 1,
				"workstation": self.ws,
			}
		).insert()
		frappe.set_user("Administrator")
		orders = orders_at(self.ws)
		self.assertEqual(
			[(o.source, o.quality_hold, o.workflow_state) for o in orders],
			[("Quality", hold.name, "Approved")],
		)
		self.assertEqual(
			frappe.db.get_value("Quality Hold", hold.name, "maintenance_work_order"), orders[0].name
		)

	def test_no_order_without_the_machine_or_with_the_setting_off(self):
		plain = self.hold(machine_cause=0)
		self.assertEqual(orders_at(self.ws), [])
		self.assertFalse(frappe.db.get_value("Quality Hold", plain.name, "maintenance_work_order"))
		self.settings(quality_hold_orders=0)
		off = self.hold()
		self.assertEqual(orders_at(self.ws), [])
		self.assertFalse(frappe.db.get_value("Quality Hold", off.name, "maintenance_work_order"))
		# the machine named later, the setting on: the hold's save opens it then
		self.settings(quality_hold_orders=1)
		plain.reload()
		plain.machine_cause = 1
		plain.workstation = self.ws
		plain.save(ignore_permissions=True)
		orders = orders_at(self.ws)
		self.assertEqual([o.quality_hold for o in orders], [plain.name])


# -- what an operator may do with an order ----------------------------------------------------------------


class TestOperatorRights(SettingsCase):
	"""A requester may not complete an order (test_maintenance_work_order covers requesting, and the user
	without a MOM role who reads nothing)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("TRG-OP")
		cls.people = testing.people()

	def test_operator_requests_but_does_not_complete(self):
		frappe.set_user(self.people.operator)
		name, created = open_order(
			"Corrective", "Request", workstation=self.machine.workstation, reason="Chuck slips"
		)
		self.assertTrue(created)
		frappe.set_user(self.people.supervisor)
		apply_action(frappe.get_doc(DOCTYPE, name), "Approve")
		frappe.set_user(self.people.technician)
		api.start(cid(), name)

		frappe.set_user(self.people.operator)
		self.assertTrue(frappe.has_permission(DOCTYPE, "read", name))
		with self.assertRaises(MaintenanceActionError):
			apply_action(frappe.get_doc(DOCTYPE, name), "Complete")
		with self.assertRaises(frappe.PermissionError):
			api.finish(cid(), name)
		doc = frappe.get_doc(DOCTYPE, name)
		doc.workflow_state = "Completed"
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "workflow_state"), "In Progress")
		self.assertEqual(frappe.db.count("Maintenance Action", {"maintenance_work_order": name}), 1)
