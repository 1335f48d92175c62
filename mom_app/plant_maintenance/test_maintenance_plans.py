"""Preventive maintenance plans end to end in a real site: each trigger (calendar fixed and floating, lead time,
meter fed by an IoT counter through a rollover, meter by projection, whichever first, a category plan with a
service before the plan, a due ERPNext Asset Maintenance Log) opens exactly one Maintenance Work Order that
says when and why; scanning again - or twice at once - opens nothing more; completing the order moves the
plan to its next occurrence; who may change plans."""

import json
import threading
import uuid

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_months, formatdate, getdate, now_datetime, nowdate

from mom_app.iot.storage import store_readings, to_unix
from mom_app.plant_maintenance import api, testing
from mom_app.plant_maintenance.plans.erpnext_tasks import open_due_logs
from mom_app.plant_maintenance.plans.scan import lock_name, preview, run, scan
from mom_app.tests.utils import make_iot_device

ORDER = "Maintenance Work Order"
PLAN = "Maintenance Plan"
test_ignore = [
	"Asset",
	"Asset Category",
	"Asset Maintenance Log",
	"Company",
	"Cost Center",
	"IoT Device",
	"Item",
	"Maintenance Checklist",
	"UOM",
	"Warehouse",
	"Workstation",
]


def cid() -> str:
	return str(uuid.uuid4())


def make_plan(**values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": PLAN,
			"plan_name": values.pop("plan_name", f"Plan {frappe.generate_hash(length=6)}"),
			"applies_to": "Asset",
			"order_type": "Preventive",
			"priority": "Medium",
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def orders_of(plan: str) -> list[frappe._dict]:
	return frappe.get_all(
		ORDER,
		filters={"trigger_doctype": PLAN, "trigger_name": plan},
		fields=["*"],
		order_by="creation",
	)


def make_meter(machine, meter_name="Cycles", meter_type="Cycles", **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Asset Meter",
			"asset": machine.asset,
			"meter_name": meter_name,
			"meter_type": meter_type,
			"unit": values.pop("unit", "cycles"),
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


class PlanCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.people = testing.people()
		testing.settings(pm_scan_enabled=1, approve_system_orders=1)

	def tearDown(self):
		frappe.set_user("Administrator")

	def finish(self, order: str, **kwargs):
		"""The technician works the order through the maintenance API: start, finish."""
		frappe.set_user(self.people.technician)
		api.start(cid(), order)
		api.finish(cid(), order, **kwargs)
		frappe.set_user("Administrator")


class TestCalendarPlans(PlanCase):
	def test_fixed_plan_opens_one_order_that_says_when_and_why(self):
		machine = testing.machine("PLAN-FIX")
		checklist = testing.checklist(
			"MOM-PM Plan Lubrication",
			[{"instruction": "Grease the slides", "kind": "Pass/Fail", "mandatory": 0}],
		)
		start = getdate(add_days(nowdate(), -3))
		plan = make_plan(
			plan_name="Monthly lubrication",
			asset=machine.asset,
			trigger_type="Calendar",
			every=1,
			every_unit="Month",
			schedule="Fixed",
			start_date=start,
			checklist=checklist,
			estimated_hours=1.5,
			required_skill="Lubrication",
			assign_to=self.people.technician,
			priority="High",
		)
		counts = scan(plans=[plan])
		self.assertEqual(counts["opened"], 1, counts)
		[order] = orders_of(plan)
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.asset),
			("Calendar PM", "Preventive", "High", machine.asset),
		)
		self.assertEqual(order.workflow_state, "Approved")
		self.assertEqual(getdate(order.due_date), start)
		self.assertEqual((order.estimated_hours, order.required_skill), (1.5, "Lubrication"))
		# why: the reason sentence and the code with its figures
		self.assertIn("Monthly lubrication", order.reason)
		self.assertIn(formatdate(start), order.reason)
		self.assertIn("3 days ago", order.reason)
		data = json.loads(order.due_reason)
		self.assertEqual((data["code"], data["calendar_due"]), ("due_by_calendar", start.isoformat()))
		self.assertEqual(data["details"]["days_left"], -3)
		doc = frappe.get_doc(ORDER, order.name)
		self.assertEqual([s.instruction for s in doc.checklist], ["Grease the slides"])
		self.assertIn(self.people.technician, json.loads(doc._assign or "[]"))

		# scanning again opens nothing and adds nothing to the order
		self.assertEqual(scan(plans=[plan])["opened"], 0)
		self.assertEqual(scan(plans=[plan])["order_open"], 1)
		self.assertEqual(len(orders_of(plan)), 1)
		self.assertEqual(frappe.db.get_value(ORDER, order.name, "occurrences"), 1)

		# done three days late: the fixed schedule's next date is a month after the first, not after the work
		self.finish(order.name)
		self.assertEqual(scan(plans=[plan])["opened"], 0)
		self.assertEqual(len(orders_of(plan)), 1)
		[row] = preview(plan)
		self.assertEqual(getdate(row["due_date"]), getdate(add_months(start, 1)))
		# a month later that occurrence opens (one more order, not two)
		later = add_months(start, 1)
		self.assertEqual(scan(plans=[plan], today=later)["opened"], 1)
		self.assertEqual(scan(plans=[plan], today=later)["opened"], 0)
		self.assertEqual(len(orders_of(plan)), 2)

	def test_floating_plan_counts_from_the_completion(self):
		machine = testing.machine("PLAN-FLOAT")
		plan = make_plan(
			asset=machine.asset,
			trigger_type="Calendar",
			every=10,
			every_unit="Day",
			schedule="Floating",
			start_date=add_days(nowdate(), -1),
		)
		self.assertEqual(scan(plans=[plan])["opened"], 1)
		[order] = orders_of(plan)
		self.finish(order.name)
		self.assertEqual(scan(plans=[plan])["opened"], 0)
		[row] = preview(plan)
		self.assertEqual(getdate(row["due_date"]), getdate(add_days(nowdate(), 10)))
		self.assertFalse(row["open_now"])
		self.assertEqual(scan(plans=[plan], today=add_days(nowdate(), 10))["opened"], 1)

	def test_lead_time_opens_the_order_before_it_is_due(self):
		machine = testing.machine("PLAN-LEAD")
		soon = make_plan(
			asset=machine.asset,
			trigger_type="Calendar",
			every=3,
			every_unit="Month",
			start_date=add_days(nowdate(), 5),
			lead_days=7,
		)
		later = make_plan(
			asset=machine.asset,
			trigger_type="Calendar",
			every=3,
			every_unit="Month",
			start_date=add_days(nowdate(), 10),
			lead_days=7,
		)
		counts = scan(plans=[soon, later])
		self.assertEqual((counts["opened"], counts["not_due"]), (1, 1), counts)
		[order] = orders_of(soon)
		self.assertEqual(getdate(order.due_date), getdate(add_days(nowdate(), 5)))
		self.assertEqual(json.loads(order.due_reason)["code"], "lead_by_calendar")
		self.assertIn("in 5 days", order.reason)
		self.assertFalse(orders_of(later))
		# a full scan stores each plan's next due date
		scan()
		self.assertEqual(
			getdate(frappe.db.get_value(PLAN, later, "next_due_date")), getdate(add_days(nowdate(), 10))
		)

	def test_category_plan_covers_assets_in_service_and_the_service_before_the_plan(self):
		category = testing.asset_category("MOM-PM Plan Category")
		machines = [testing.machine(f"PLAN-CAT-{i}") for i in range(3)]
		for m in machines:
			frappe.db.set_value("Asset", m.asset, "asset_category", category)
		frappe.db.set_value("Asset", machines[2].asset, "status", "Scrapped")
		plan = make_plan(
			applies_to="Asset Category",
			asset_category=category,
			trigger_type="Calendar",
			every=1,
			every_unit="Month",
			start_date=add_days(nowdate(), -1),
			service_before=[{"asset": machines[1].asset, "last_done": add_days(nowdate(), -5)}],
		)
		self.assertEqual(scan(plans=[plan])["opened"], 1)
		self.assertEqual([o.asset for o in orders_of(plan)], [machines[0].asset])
		due = {row["asset"]: getdate(row["due_date"]) for row in preview(plan)}
		self.assertEqual(set(due), {machines[0].asset, machines[1].asset})  # not the scrapped one
		self.assertEqual(due[machines[1].asset], getdate(add_months(add_days(nowdate(), -5), 1)))


class TestMeterPlans(PlanCase):
	def counter_device(self, machine, name):
		return make_iot_device(
			name,
			tags=[
				{"tag_key": "cycles", "signal_role": "Meter", "meter_name": "Cycles", "data_type": "uint16"}
			],
			workstation=machine.workstation,
		).name

	def test_meter_from_an_iot_counter_through_a_rollover(self):
		machine = testing.machine("PLAN-MTR")
		device = self.counter_device(machine, "MOM-T-PLAN-CTR")
		meter = make_meter(machine, source="IoT Tag", iot_device=device, tag_key="cycles")
		plan = make_plan(
			asset=machine.asset, trigger_type="Meter", meter_type="Cycles", meter_every=1000, lead_units=0
		)
		t0 = to_unix(now_datetime()) - 600
		# 65000 (baseline), 65300 (+300), 200 (a uint16 wrap: +436), 500 (+300): 1,036 cycles
		values = [65000, 65300, 200, 500]
		rows = [
			{"uid": f"plan-ctr-{i}", "device": device, "tag": "cycles", "ts": t0 + 120 * i, "value": v}
			for i, v in enumerate(values)
		]
		store_readings(rows)
		self.assertEqual(frappe.db.get_value("Asset Meter", meter, "current_total"), 1036)
		kinds = frappe.get_all(
			"Asset Meter Reading",
			filters={"asset_meter": meter, "source": "IoT"},
			pluck="kind",
			order_by="reading_time",
		)
		self.assertEqual(kinds, ["Baseline", "Counted", "Rollover", "Counted"])
		# the same counter values again (new uids, same times): already counted, nothing changes
		store_readings([{**r, "uid": r["uid"] + "-again"} for r in rows])
		self.assertEqual(frappe.db.get_value("Asset Meter", meter, "current_total"), 1036)
		self.assertEqual(frappe.db.count("Asset Meter Reading", {"asset_meter": meter, "source": "IoT"}), 4)

		self.assertEqual(scan(plans=[plan])["opened"], 1)
		self.assertEqual(scan(plans=[plan])["opened"], 0)
		[order] = orders_of(plan)
		self.assertEqual((order.source, order.due_value), ("Meter PM", 1000))
		data = json.loads(order.due_reason)
		self.assertEqual((data["code"], data["meter"]), ("due_by_meter", meter))
		self.assertIn("1,000 cycles", order.reason)
		self.assertIn("1,036 cycles", order.reason)
		# completed: the meter at completion is kept and the next occurrence counts from it
		self.finish(order.name)
		self.assertEqual(frappe.db.get_value(ORDER, order.name, "meter_at_completion"), 1036)
		self.assertEqual(scan(plans=[plan])["opened"], 0)
		[row] = preview(plan)
		self.assertEqual(row["due_value"], 2036)

	def test_one_row_a_minute_for_a_counter_read_every_second(self):
		machine = testing.machine("PLAN-SEC")
		device = self.counter_device(machine, "MOM-T-PLAN-SEC")
		meter = make_meter(machine, source="IoT Tag", iot_device=device, tag_key="cycles")
		start = to_unix(now_datetime()) - 3600
		start -= start % 60
		# two batches within one minute, then one in the next minute
		for batch, (first, count) in enumerate(((0, 20), (20, 20), (60, 10))):
			store_readings(
				[
					{
						"uid": f"plan-sec-{batch}-{i}",
						"device": device,
						"tag": "cycles",
						"ts": start + first + i,
						"value": first + i,
					}
					for i in range(count)
				]
			)
		rows = frappe.get_all(
			"Asset Meter Reading",
			filters={"asset_meter": meter, "source": "IoT"},
			fields=["kind", "samples", "increase"],
			order_by="reading_time",
		)
		self.assertEqual(
			[(r.kind, r.samples, r.increase) for r in rows],
			[("Baseline", 1, 0), ("Counted", 39, 39), ("Counted", 10, 30)],
		)
		self.assertEqual(frappe.db.get_value("Asset Meter", meter, "current_total"), 69)

	def test_meter_due_date_projected_at_the_average_use(self):
		machine = testing.machine("PLAN-RATE")
		device = self.counter_device(machine, "MOM-T-PLAN-RATE")
		meter = make_meter(machine, source="IoT Tag", iot_device=device, tag_key="cycles")
		now = to_unix(now_datetime())
		# 100 cycles a day over the last 10 days: 1,000 now; due at 1,500 in about 5 days; a week's lead
		rows = [
			{
				"uid": f"plan-rate-{d}",
				"device": device,
				"tag": "cycles",
				"ts": now - 86400 * (10 - d),
				"value": 100 * d,
			}
			for d in range(11)
		]
		store_readings(rows)
		plan = make_plan(
			asset=machine.asset, trigger_type="Meter", meter_type="Cycles", meter_every=1500, lead_days=7
		)
		far = make_plan(
			asset=machine.asset, trigger_type="Meter", meter_type="Cycles", meter_every=2500, lead_days=7
		)
		self.assertEqual(scan(plans=[plan, far])["opened"], 1)
		self.assertAlmostEqual(frappe.db.get_value("Asset Meter", meter, "usage_rate"), 100, places=3)
		[order] = orders_of(plan)
		self.assertEqual(order.source, "Meter PM")
		self.assertEqual(json.loads(order.due_reason)["code"], "lead_by_projection")
		self.assertEqual(getdate(order.due_date), getdate(add_days(nowdate(), 5)))
		self.assertFalse(orders_of(far))

	def test_lead_in_meter_units(self):
		machine = testing.machine("PLAN-UNITS")
		meter = make_meter(machine, "Spindle Hours", "Run Hours", unit="h", initial_total=950)
		plan = make_plan(
			asset=machine.asset,
			trigger_type="Meter",
			meter_type="Run Hours",
			meter_every=1000,
			lead_units=50,
		)
		self.assertEqual(scan(plans=[plan])["opened"], 1)
		[order] = orders_of(plan)
		self.assertEqual(json.loads(order.due_reason)["code"], "lead_by_meter")
		self.assertIn("50 h to go", order.reason)
		self.assertTrue(meter)

	def test_whichever_comes_first(self):
		machine = testing.machine("PLAN-EITHER")
		make_meter(machine, "Spindle Hours", "Run Hours", unit="h", initial_total=100)
		by_meter = make_plan(
			asset=machine.asset,
			trigger_type="Calendar or Meter",
			every=6,
			every_unit="Month",
			start_date=add_days(nowdate(), 60),
			meter_type="Run Hours",
			meter_every=90,
		)
		by_calendar = make_plan(
			asset=machine.asset,
			trigger_type="Calendar or Meter",
			every=6,
			every_unit="Month",
			start_date=add_days(nowdate(), -1),
			meter_type="Run Hours",
			meter_every=5000,
		)
		self.assertEqual(scan(plans=[by_meter, by_calendar])["opened"], 2)
		self.assertEqual(scan(plans=[by_meter, by_calendar])["opened"], 0)
		[meter_order] = orders_of(by_meter)
		[calendar_order] = orders_of(by_calendar)
		self.assertEqual((meter_order.source, meter_order.due_value), ("Meter PM", 90))
		self.assertEqual(calendar_order.source, "Calendar PM")
		self.assertEqual(getdate(calendar_order.due_date), getdate(add_days(nowdate(), -1)))


class TestERPNextMaintenanceLogs(PlanCase):
	def test_a_due_asset_maintenance_log_opens_one_order(self):
		machine = testing.machine("PLAN-AML")
		log = testing.asset_maintenance_log(machine, self.people.technician, task="Check the coolant")
		self.assertTrue(log)
		testing.settings(erpnext_task_orders=1, erpnext_task_lead_days=0, erpnext_task_priority="Low")
		open_due_logs()  # any other log due in this site: the counts below are this log's
		# ERPNext's form sets the task's next due date (its script): the log is due in ten days, then today
		frappe.db.set_value("Asset Maintenance Log", log, "due_date", add_days(nowdate(), 10))
		self.assertEqual(open_due_logs(), 0)
		testing.settings(erpnext_task_lead_days=10)
		self.assertEqual(open_due_logs(), 1)  # within the lead time
		self.assertEqual(open_due_logs(), 0)
		frappe.db.set_value("Asset Maintenance Log", log, "due_date", nowdate())
		testing.settings(erpnext_task_lead_days=0)
		self.assertEqual(open_due_logs(), 0)
		[order] = frappe.get_all(ORDER, filters={"asset_maintenance_log": log}, fields=["*"])
		self.assertEqual(
			(order.source, order.order_type, order.priority, order.asset),
			("Calendar PM", "Preventive", "Low", machine.asset),
		)
		self.assertIn("Check the coolant", order.reason)
		self.assertIn(self.people.technician, json.loads(order._assign or "[]"))
		# completing the order completes ERPNext's log; ERPNext plans the next one, not due yet
		self.finish(order.name, work_done="Coolant topped up")
		self.assertEqual(frappe.db.get_value("Asset Maintenance Log", log, "maintenance_status"), "Completed")
		self.assertEqual(open_due_logs(), 0)
		self.assertEqual(
			frappe.db.count(ORDER, {"asset_maintenance_log": ("is", "set"), "asset": machine.asset}), 1
		)


class TestPlanPermissions(PlanCase):
	def test_operator_cannot_change_plans_technician_reads_supervisor_plans(self):
		machine = testing.machine("PLAN-PERM")
		fields = {
			"doctype": PLAN,
			"plan_name": "Perm plan",
			"applies_to": "Asset",
			"asset": machine.asset,
			"order_type": "Inspection",
			"priority": "Low",
			"trigger_type": "Calendar",
			"every": 1,
			"every_unit": "Week",
			"start_date": nowdate(),
		}
		for kind in ("operator", "technician", "norole"):
			frappe.set_user(self.people[kind])
			with self.assertRaises(frappe.PermissionError, msg=kind):
				frappe.get_doc(fields).insert()
		frappe.set_user(self.people.supervisor)
		name = frappe.get_doc(fields).insert().name
		for kind, read, write in (
			("operator", False, False),
			("norole", False, False),
			("technician", True, False),
			("supervisor", True, True),
			("manager", True, True),
		):
			frappe.set_user(self.people[kind])
			self.assertEqual(bool(frappe.has_permission(PLAN, "read", doc=name)), read, kind)
			self.assertEqual(bool(frappe.has_permission(PLAN, "write", doc=name)), write, kind)

	def test_bad_plans_are_refused_with_a_reason(self):
		machine = testing.machine("PLAN-BAD")
		base = {"asset": machine.asset, "trigger_type": "Calendar", "every": 1, "every_unit": "Week"}
		with self.assertRaisesRegex(frappe.ValidationError, "first due date"):
			make_plan(**base)
		with self.assertRaisesRegex(frappe.ValidationError, "shorter than the interval"):
			make_plan(**base, start_date=nowdate(), lead_days=7)
		with self.assertRaisesRegex(frappe.ValidationError, "greater than 0"):
			make_plan(asset=machine.asset, trigger_type="Meter", meter_type="Cycles", meter_every=0)
		frappe.db.set_value("Asset", machine.asset, "status", "Scrapped")
		with self.assertRaisesRegex(frappe.ValidationError, "not in service"):
			make_plan(**base, start_date=nowdate())


class TestScansAtOnce(FrappeTestCase):
	"""Two scheduler runs at the same time (two connections): one order, nothing added to it."""

	def test_two_runs_one_order(self):
		frappe.set_user("Administrator")
		machine = testing.machine("PLAN-RACE")
		plan = make_plan(
			asset=machine.asset,
			trigger_type="Calendar",
			every=1,
			every_unit="Month",
			start_date=add_days(nowdate(), -1),
		)
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(2)
		results, errors = [], []

		def go():
			try:
				frappe.init(site=site, sites_path=sites_path)
				frappe.connect()
				frappe.set_user("Administrator")
				barrier.wait(timeout=30)
				results.append(run(wait_seconds=60, plans=[plan]))
			except Exception as e:  # reported below
				errors.append(repr(e))
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=go) for _ in range(2)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=120)
		try:
			self.assertFalse(errors, errors)
			self.assertEqual(sorted(r["opened"] for r in results), [0, 1], results)
			[order] = orders_of(plan)
			self.assertEqual(order.occurrences, 1)
			self.assertFalse(
				frappe.get_all(
					"Comment",
					filters={
						"reference_name": order.name,
						"comment_type": "Info",
						"content": ("like", "%fired again%"),
					},
				)
			)
		finally:
			for order in orders_of(plan):
				frappe.delete_doc(ORDER, order.name, ignore_permissions=True, force=True)
			frappe.delete_doc(PLAN, plan, ignore_permissions=True, force=True)
			frappe.db.commit()


class TestScanLock(FrappeTestCase):
	"""The scan's lock is the site's: MariaDB's named locks are the server's, and another site's scan on the same
	server must not make this site's scan skip (the scheduler enqueues every site's hourly jobs at the same tick)."""

	def hold(self, name: str):
		"""Hold the named lock from another connection until the returned event is set."""
		site, sites_path = frappe.local.site, frappe.local.sites_path
		held, release, errors = threading.Event(), threading.Event(), []

		def go():
			try:
				frappe.init(site=site, sites_path=sites_path)
				frappe.connect()
				if frappe.db.sql("select get_lock(%s, 10)", name)[0][0] != 1:
					errors.append(f"could not take {name}")
				held.set()
				release.wait(60)
				frappe.db.sql("select release_lock(%s)", name)
			except Exception as e:  # reported below
				errors.append(repr(e))
				held.set()
			finally:
				frappe.destroy()

		thread = threading.Thread(target=go)
		thread.start()
		held.wait(30)
		self.assertFalse(errors, errors)
		return release, thread

	def test_another_sites_scan_does_not_block_this_one(self):
		other = lock_name("_another_site_db")
		self.assertNotEqual(other, lock_name())
		release, thread = self.hold(other)
		try:
			self.assertNotIn("skipped", run(plans=[]))
		finally:
			release.set()
			thread.join(30)

	def test_a_scan_of_this_site_makes_the_next_one_skip(self):
		release, thread = self.hold(lock_name())
		try:
			self.assertEqual(run(plans=[]), {"skipped": True})
		finally:
			release.set()
			thread.join(30)
		self.assertNotIn("skipped", run(plans=[]))
