"""Tier 2: the demo plant on a real site (ERPNext set up for "Wind Power LLC" by the before_tests hook).

bench --site <test site> run-tests --module mom_app.setup.demo.test_demo
"""

import contextlib
import io

import frappe
from erpnext.accounts.utils import get_fiscal_year
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate
from frappe.utils.password import check_password

from mom_app.engine.badge import normalize_badge
from mom_app.engine.rbac import ROLES
from mom_app.setup.demo import DEMO_PASSWORD, STEPS, build, data, demo_users, maintenance_history

SUB_ASSEMBLIES = ("SA-SHAFT", "SA-HOUSING")
FINISHED = "FG-GM-075"
SETTINGS = ("company", "quarantine_warehouse", "line_side_warehouse_type", "badge_sign_in")
MAINTENANCE_SETTINGS = ("maintenance_store",)
MWO = "Maintenance Work Order"


class TestDemoPlant(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# The builder commits after every step, so the plant stays on the test site (as a demo should).
		# MOM Settings are put back afterwards: other test modules configure them for the test company.
		cls.settings_before = {field: frappe.db.get_single_value("MOM Settings", field) for field in SETTINGS}
		cls.maintenance_before = {
			field: frappe.db.get_single_value("Maintenance Settings", field) for field in MAINTENANCE_SETTINGS
		}
		cls.first = build(verbose=False)
		cls.second = build(verbose=False)
		cls.company = data.COMPANY["company_name"]
		cls.abbr = frappe.db.get_value("Company", cls.company, "abbr")

	@classmethod
	def tearDownClass(cls):
		for field, value in cls.settings_before.items():
			frappe.db.set_single_value("MOM Settings", field, value)
		for field, value in cls.maintenance_before.items():
			frappe.db.set_single_value("Maintenance Settings", field, value)
		frappe.db.commit()
		super().tearDownClass()

	def test_company_and_fiscal_year(self):
		company = frappe.db.get_value(
			"Company", self.company, ["default_currency", "country", "abbr"], as_dict=True
		)
		self.assertIsNotNone(company, "demo company missing")
		self.assertEqual(company.default_currency, "CNY")
		self.assertEqual(company.country, "China")
		# raises if no fiscal year covering today applies to the company
		fiscal_year = get_fiscal_year(getdate(), company=self.company)
		self.assertTrue(fiscal_year[0])
		self.assertTrue(frappe.db.exists("Company", "Wind Power LLC"), "the test site's own company is gone")

	def test_warehouses_are_typed(self):
		expected_types = {name for name, _description in data.WAREHOUSE_TYPES.values()}
		self.assertEqual(len(expected_types), 4)
		self.assertEqual(
			set(
				frappe.get_all("Warehouse Type", filters={"name": ("in", list(expected_types))}, pluck="name")
			),
			expected_types,
		)
		for warehouse_name, type_key in data.WAREHOUSES.values():
			row = frappe.db.get_value(
				"Warehouse",
				{"warehouse_name": warehouse_name, "company": self.company},
				["warehouse_type", "is_group", "disabled"],
				as_dict=True,
			)
			self.assertIsNotNone(row, warehouse_name)
			self.assertEqual(row.warehouse_type, data.WAREHOUSE_TYPES[type_key][0], warehouse_name)
			self.assertFalse(row.is_group)
			self.assertFalse(row.disabled)
		line_side = frappe.get_all(
			"Warehouse", filters={"company": self.company, "warehouse_type": "线边仓"}, pluck="name"
		)
		self.assertEqual(
			len(line_side), len(data.PLANT_FLOORS), "one line-side warehouse per production line"
		)

	def test_mom_settings_point_at_the_plant(self):
		settings = frappe.get_single("MOM Settings")
		self.assertEqual(settings.company, self.company)
		self.assertEqual(settings.quarantine_warehouse, f"隔离仓 - {self.abbr}")
		self.assertEqual(settings.line_side_warehouse_type, "线边仓")
		self.assertTrue(settings.badge_sign_in)

	def test_items_are_batch_tracked(self):
		for code, (_name, group, _unit, _rate, default_warehouse, _description) in data.ITEMS.items():
			item = frappe.get_doc("Item", code)
			self.assertTrue(item.is_stock_item, code)
			self.assertTrue(item.has_batch_no, code)
			self.assertTrue(item.create_new_batch, code)
			self.assertTrue(item.batch_number_series.startswith(code), code)
			self.assertTrue(frappe.db.exists("UOM", item.stock_uom), code)
			self.assertEqual(item.item_group, data.ITEM_GROUPS[group])
			defaults = {d.company: d.default_warehouse for d in item.item_defaults}
			self.assertEqual(
				defaults.get(self.company), f"{data.WAREHOUSES[default_warehouse][0]} - {self.abbr}", code
			)

	def test_a_batch_gets_the_item_series(self):
		batch = frappe.get_doc({"doctype": "Batch", "item": "RM-BAR-45"}).insert()
		self.assertTrue(batch.name.startswith("RM-BAR-45-"), batch.name)
		batch.delete()

	def test_default_boms_are_submitted_with_operations(self):
		workstations = set(data.WORKSTATIONS)
		for item in (*SUB_ASSEMBLIES, FINISHED):
			bom_name = frappe.db.get_value("Item", item, "default_bom")
			self.assertTrue(bom_name, f"{item} has no default BOM")
			bom = frappe.get_doc("BOM", bom_name)
			self.assertEqual(bom.docstatus, 1)
			self.assertTrue(bom.is_active and bom.is_default and bom.with_operations)
			self.assertEqual(bom.company, self.company)
			expected_ops = [op for op, _minutes in data.ROUTINGS[data.BOMS[item][0]]]
			self.assertEqual([op.operation for op in bom.operations], expected_ops)
			self.assertTrue(
				all(op.workstation in workstations and op.time_in_mins > 0 for op in bom.operations)
			)
			self.assertGreater(bom.operating_cost, 0)
			self.assertGreater(bom.raw_material_cost, 0)
		finished = frappe.get_doc("BOM", frappe.db.get_value("Item", FINISHED, "default_bom"))
		sub_boms = {row.item_code: row.bom_no for row in finished.items if row.item_code in SUB_ASSEMBLIES}
		self.assertEqual(set(sub_boms), set(SUB_ASSEMBLIES))
		for code, bom_no in sub_boms.items():
			self.assertEqual(bom_no, frappe.db.get_value("Item", code, "default_bom"))

	def test_six_workstations_on_line_side_warehouses(self):
		rows = frappe.get_all(
			"Workstation",
			filters={"name": ("in", list(data.WORKSTATIONS))},
			fields=[
				"name",
				"workstation_type",
				"warehouse",
				"plant_floor",
				"total_working_hours",
				"hour_rate",
			],
		)
		self.assertEqual(len(rows), 6)
		cnc = [r for r in rows if r.name.startswith("CNC-")]
		self.assertEqual(len(cnc), 4)
		for row in rows:
			self.assertTrue(row.workstation_type, row.name)
			self.assertGreater(row.total_working_hours, 0, row.name)
			self.assertGreater(row.hour_rate, 0, row.name)
			if row.name == "QC-LAB":
				continue
			warehouse = frappe.db.get_value(
				"Warehouse", row.warehouse, ["warehouse_type", "company"], as_dict=True
			)
			self.assertIsNotNone(warehouse, f"{row.name} has no line-side warehouse")
			self.assertEqual(warehouse.warehouse_type, "线边仓", row.name)
			self.assertEqual(warehouse.company, self.company, row.name)
			self.assertEqual(frappe.db.get_value("Plant Floor", row.plant_floor, "company"), self.company)

	def test_employees_have_badges(self):
		for badge, (name, *_rest) in data.EMPLOYEES.items():
			employee = frappe.db.get_value(
				"Employee", {"mom_badge_barcode": badge}, ["employee_name", "company", "status"], as_dict=True
			)
			self.assertIsNotNone(employee, badge)
			self.assertEqual(employee.employee_name, name)
			self.assertEqual(employee.company, self.company)
			self.assertEqual(employee.status, "Active")
			self.assertEqual(normalize_badge(badge), badge, "demo badges are stored in canonical form")

	def test_one_user_per_role(self):
		from mom_app.setup.demo.data import user_email
		from mom_app.setup.demo.shop_history import APPROVERS

		users = demo_users()
		approvers = [(user_email(login), name, role) for login, (name, role) in APPROVERS.items()]
		self.assertEqual(sorted(role for _email, _name, role in users + approvers), sorted(ROLES))
		for email, _name, role in approvers:  # work-order approvers: desk users without an employee
			self.assertIn(role, frappe.get_roles(email), email)
			check_password(email, DEMO_PASSWORD)
		for email, _name, role in users:
			user = frappe.get_doc("User", email)
			self.assertTrue(user.enabled)
			self.assertEqual(user.language, "zh")
			self.assertIn(role, frappe.get_roles(email), email)
			self.assertEqual(
				frappe.db.get_value("Employee", {"user_id": email}, "company"), self.company, email
			)
			self.assertFalse(
				frappe.db.exists("User Permission", {"user": email}), "demo users must see the whole plant"
			)
			check_password(email, DEMO_PASSWORD)  # raises AuthenticationError if it does not match

	def test_second_run_creates_nothing(self):
		self.assertTrue(self.second, "build() reports the doctypes it looks after")
		for doctype in (
			"Company",
			"Warehouse",
			"Item",
			"BOM",
			"Workstation",
			"Employee",
			"User",
			"Asset",
			"Maintenance Checklist",
			"Asset Meter",
			"Maintenance Plan",
			"Condition Rule",
			MWO,
		):
			self.assertIn(doctype, self.second)
		self.assertEqual({doctype: n for doctype, n in self.second.items() if n}, {})

	def test_a_run_with_nothing_to_do_says_so(self):
		out = io.StringIO()
		with contextlib.redirect_stdout(out):
			counts = build(verbose=True)
		self.assertFalse(any(counts.values()))
		lines = out.getvalue().strip().splitlines()
		self.assertEqual(len(lines), len(STEPS))
		already = frappe._("[{0}/{1}] {2}: already in place")
		self.assertTrue(all(line.endswith(already.split("{2}")[1]) for line in lines), lines)


class TestDemoMaintenance(FrappeTestCase):
	"""The step "maintenance_history" on the demo plant (built by TestDemoPlant, or here when run alone)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.maintenance_before = frappe.db.get_single_value("Maintenance Settings", "maintenance_store")
		cls.settings_before = {field: frappe.db.get_single_value("MOM Settings", field) for field in SETTINGS}
		build(verbose=False)
		cls.company = data.COMPANY["company_name"]
		cls.abbr = frappe.db.get_value("Company", cls.company, "abbr")
		cls.first_day, cls.last_day = maintenance_history.month()
		cls.assets = {ws: frappe.db.get_value("Workstation", ws, "mom_asset") for ws in data.WORKSTATIONS}

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("Maintenance Settings", "maintenance_store", cls.maintenance_before)
		for field, value in cls.settings_before.items():
			frappe.db.set_single_value("MOM Settings", field, value)
		frappe.db.commit()
		super().tearDownClass()

	def test_every_workstation_is_a_submitted_asset(self):
		self.assertEqual(len(self.assets), 6)
		for workstation, asset in self.assets.items():
			self.assertTrue(asset, f"{workstation} has no Machine Asset")
			row = frappe.db.get_value(
				"Asset",
				asset,
				[
					"asset_name",
					"docstatus",
					"company",
					"asset_category",
					"is_existing_asset",
					"calculate_depreciation",
					"location",
				],
				as_dict=True,
			)
			category_key = data.MACHINE_ASSETS[workstation][0]
			self.assertEqual(row.asset_name, data.WORKSTATIONS[workstation][4])
			self.assertEqual((row.docstatus, row.company), (1, self.company), workstation)
			self.assertEqual((row.is_existing_asset, row.calculate_depreciation), (1, 0), workstation)
			self.assertEqual(row.asset_category, data.ASSET_CATEGORIES[category_key][0])
			self.assertTrue(row.location)
			accounts = frappe.get_all(
				"Asset Category Account",
				filters={"parent": row.asset_category, "company_name": self.company},
				fields=["fixed_asset_account"],
			)
			self.assertEqual(len(accounts), 1, row.asset_category)
			self.assertEqual(
				frappe.db.get_value("Account", accounts[0].fixed_asset_account, "company"), self.company
			)
		self.assertEqual(len(set(self.assets.values())), 6, "one asset per workstation")

	def test_store_and_checklists(self):
		store = frappe.db.get_single_value("Maintenance Settings", "maintenance_store")
		self.assertEqual(store, f"{data.MAINTENANCE_STORE} - {self.abbr}")
		self.assertEqual(frappe.db.get_value("Warehouse", store, "company"), self.company)
		for name, (_category, _minutes, _description, steps) in data.CHECKLISTS.items():
			doc = frappe.get_doc("Maintenance Checklist", name)
			self.assertEqual([row.instruction for row in doc.steps], [step[0] for step in steps])
		monthly = frappe.get_doc("Maintenance Checklist", "数控机床月度保养")
		kinds = {row.kind for row in monthly.steps}
		self.assertEqual(kinds, {"Number", "Pass/Fail", "Text"})
		for row in monthly.steps:
			if row.kind == "Number":
				self.assertLess(float(row.low_limit), float(row.high_limit), row.instruction)
				self.assertTrue(row.unit)

	def test_meters_count_the_machine_history(self):
		from mom_app.iot.simulator import device_name

		for workstation, (meter_name, meter_type, _unit, tag, total) in data.METERS.items():
			meter = frappe.get_doc(
				"Asset Meter", {"asset": self.assets[workstation], "meter_name": meter_name}
			)
			self.assertEqual((meter.meter_type, meter.source), (meter_type, "IoT Tag"))
			self.assertEqual((meter.iot_device, meter.tag_key), (device_name(workstation), tag))
			readings = frappe.get_all(
				"Asset Meter Reading",
				filters={"asset_meter": meter.name},
				fields=["kind", "increase", "total", "reading_time"],
				order_by="reading_time, name",
			)
			self.assertGreaterEqual(len(readings), 5, workstation)
			counted = [r for r in readings if r.kind == "Counted"]
			self.assertTrue(counted, workstation)
			# the total: the total at setup plus what the tag counted over the week
			self.assertAlmostEqual(meter.current_total, total + sum(r.increase for r in readings), places=3)
			self.assertGreater(meter.current_total, total)
			self.assertAlmostEqual(readings[-1].total, meter.current_total, places=3)
			first_day = frappe.utils.getdate(readings[0].reading_time)
			self.assertGreaterEqual(first_day, self.first_day, "readings of the machine-history week")

	def test_three_plans_one_of_each_trigger(self):
		from mom_app.plant_maintenance.plans.scan import preview

		plans = frappe.get_all(
			"Maintenance Plan",
			filters={"plan_name": ("in", list(data.PLANS))},
			fields=["name", "plan_name", "trigger_type", "enabled", "checklist", "asset", "asset_category"],
		)
		self.assertEqual(len(plans), 3)
		self.assertEqual({p.trigger_type for p in plans}, {"Calendar", "Meter", "Calendar or Meter"})
		for p in plans:
			self.assertTrue(p.enabled and p.checklist, p.plan_name)
			rows = preview(p.name)
			self.assertEqual(len(rows), 4 if p.asset_category else 1, p.plan_name)
			for row in rows:
				# when it falls due next: a date by the calendar, a meter value by the meter
				key = "due_value" if p.trigger_type == "Meter" else "due_date"
				self.assertTrue(row.get(key), (p.plan_name, row))
		meter_plan = next(p for p in plans if p.trigger_type == "Meter")
		self.assertEqual(meter_plan.asset, self.assets["CNC-01"])
		technician = data.user_email("technician")
		for p in plans:
			self.assertEqual(frappe.db.get_value("Maintenance Plan", p.name, "assign_to"), technician)

	def test_condition_rule_fires_on_the_simulators_spindle_temperature(self):
		from mom_app.engine.maintenance.condition_rules import FIRED, step
		from mom_app.iot.simulator import build_machines
		from mom_app.plant_maintenance.condition_rules.definitions import engine_rule

		(name,) = list(data.CONDITION_RULES)
		rule = frappe.get_doc("Condition Rule", name)
		self.assertTrue(rule.enabled)
		self.assertEqual((rule.device, rule.tag, rule.unit), ("CNC-02-PLC", "process", "°C"))
		self.assertEqual((rule.condition, rule.asset), ("Above", self.assets["CNC-02"]))
		self.assertGreater(rule.on_delay_seconds, 0)
		self.assertGreater(rule.deadband, 0)
		self.assertTrue(frappe.db.get_single_value("Maintenance Settings", "condition_rules_enabled"))
		# the machine as mom-simulate runs it (at its speed 1 and 60), polled every second by the collector
		for speed, minutes in ((1, 8 * 60), (60, 30)):
			now = 1_765_000_000.0
			machine = build_machines(["CNC-02"], speed=speed, now=now, continue_counters=False)["CNC-02"]
			samples = [(now + s, machine.snapshot(now + s)["process"]) for s in range(minutes * 60)]
			_state, events = step(engine_rule(rule), None, samples)
			self.assertTrue([e for e in events if e.kind == FIRED], f"speed {speed}")

	def history_orders(self):
		return frappe.get_all(
			MWO,
			filters={"company": self.company, "workflow_state": ("in", ["Completed", "Verified"])},
			fields=[
				"name",
				"order_type",
				"source",
				"is_failure",
				"asset",
				"workstation",
				"dedup_key",
				"failure_time",
				"reported_at",
				"acknowledged_at",
				"repair_start",
				"back_in_service",
				"completed_at",
				"labour_hours",
				"due_date",
				"trigger_name",
				"machine_state_log",
				"failure_mode",
			],
		)

	def test_a_month_of_repairs_and_pm(self):
		from mom_app.engine.maintenance.orders import is_breakdown
		from mom_app.plant_maintenance.breakdowns import threshold_seconds

		orders = self.history_orders()
		for o in orders:
			self.assertTrue(o.asset and o.workstation, o.name)
			self.assertLessEqual(o.reported_at, o.acknowledged_at, o.name)
			self.assertLess(o.repair_start, o.back_in_service, o.name)
			self.assertLessEqual(o.back_in_service, o.completed_at, o.name)
			hours = (o.back_in_service - o.repair_start).total_seconds() / 3600
			self.assertAlmostEqual(o.labour_hours, hours, places=3, msg=o.name)
		# every breakdown of the machine-history week: its Down interval, repaired until the machine ran again
		breakdowns = {o.machine_state_log: o for o in orders if o.source == "Machine breakdown"}
		logs = frappe.get_all(
			"Machine State Log",
			filters={
				"workstation": ("in", list(data.WORKSTATIONS)),
				"state": "Down",
				"source": "IoT",
				"end": ("is", "set"),
				"start": ("between", [self.first_day, maintenance_history.history_end()]),
			},
			fields=["name", "workstation", "start", "end", "duration"],
		)
		thresholds = {ws: threshold_seconds(ws) for ws in data.WORKSTATIONS}
		long_enough = [
			log
			for log in logs
			if thresholds[log.workstation] > 0
			and is_breakdown("Down", log.start, log.end, thresholds[log.workstation])
		]
		self.assertTrue(long_enough, "the machine-history week has breakdowns")
		self.assertEqual(set(breakdowns), {str(log.name) for log in long_enough})
		for log in long_enough:
			order = breakdowns[str(log.name)]
			self.assertEqual((order.order_type, order.is_failure), ("Corrective", 1))
			self.assertEqual((order.failure_time, order.back_in_service), (log.start, log.end))
			self.assertTrue(order.failure_mode)
		# the repairs called in earlier in the month
		repairs = {o.dedup_key: o for o in orders if o.dedup_key in data.REPAIRS}
		self.assertEqual(set(repairs), set(data.REPAIRS))
		for key, order in repairs.items():
			self.assertEqual(order.source, data.REPAIRS[key][3])
			self.assertLess(
				frappe.utils.getdate(order.failure_time), min(log.start for log in long_enough).date()
			)
		# the monthly plan's occurrence on the four CNC machines, one of them done late
		plan = frappe.db.get_value("Maintenance Plan", {"plan_name": "数控机床月度保养"})
		pm = [o for o in orders if o.trigger_name == plan]
		self.assertEqual(len(pm), 4)
		self.assertEqual({o.workstation for o in pm}, {"CNC-01", "CNC-02", "CNC-03", "CNC-04"})
		self.assertEqual(sum(1 for o in pm if o.completed_at.date() <= o.due_date), 3)
		for o in pm:
			self.assertEqual((o.order_type, o.source, o.is_failure), ("Preventive", "Calendar PM", 0))
			steps = frappe.get_all(MWO + " Step", filters={"parent": o.name}, fields=["done"])
			self.assertEqual(len(steps), len(data.CHECKLISTS["数控机床月度保养"][3]))
			self.assertTrue(all(s.done for s in steps), o.name)
		for o in orders:
			day = frappe.utils.getdate(o.failure_time or o.reported_at)
			self.assertTrue(self.first_day <= day <= self.last_day, o.name)

	def test_kpis_of_the_demo_month(self):
		from mom_app.plant_maintenance.report.maintenance_kpis import maintenance_kpis

		_columns, rows, _message, _chart, _summary = maintenance_kpis.execute(
			frappe._dict(
				from_date=self.first_day,
				to_date=self.last_day,
				company=self.company,
				group_by="Plant",
				period="",
			)
		)
		self.assertEqual(len(rows), 1)
		plant = rows[0]
		# MTTR from the stored times: failures reported in the month and back in service, active repair time
		failures = frappe.get_all(
			MWO,
			filters={
				"company": self.company,
				"is_failure": 1,
				"workflow_state": ("not in", ["Cancelled", "Rejected"]),
			},
			fields=["failure_time", "reported_at", "repair_start", "acknowledged_at", "back_in_service"],
		)
		in_month = [
			f
			for f in failures
			if self.first_day <= frappe.utils.getdate(f.failure_time or f.reported_at) <= self.last_day
		]
		repaired = [f for f in in_month if f.back_in_service]
		self.assertGreaterEqual(len(repaired), len(data.REPAIRS) + 1)
		hours = [
			(
				f.back_in_service - (f.repair_start or f.acknowledged_at or f.failure_time or f.reported_at)
			).total_seconds()
			/ 3600
			for f in repaired
		]
		self.assertEqual(plant["failures"], len(in_month))
		self.assertGreater(plant["failures"], 0)
		self.assertEqual(plant["repairs"], len(repaired))
		self.assertAlmostEqual(plant["mttr_hours"], sum(hours) / len(hours), places=6)
		self.assertGreater(plant["operating_hours"], 0)
		self.assertAlmostEqual(plant["pm_compliance"], 75.0, places=6)
