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
from mom_app.setup.demo import DEMO_PASSWORD, STEPS, build, data, demo_users

SUB_ASSEMBLIES = ("SA-SHAFT", "SA-HOUSING")
FINISHED = "FG-GM-075"
SETTINGS = ("company", "quarantine_warehouse", "line_side_warehouse_type", "badge_sign_in")


class TestDemoPlant(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# The builder commits after every step, so the plant stays on the test site (as a demo should).
		# MOM Settings are put back afterwards: other test modules configure them for the test company.
		cls.settings_before = {field: frappe.db.get_single_value("MOM Settings", field) for field in SETTINGS}
		cls.first = build(verbose=False)
		cls.second = build(verbose=False)
		cls.company = data.COMPANY["company_name"]
		cls.abbr = frappe.db.get_value("Company", cls.company, "abbr")

	@classmethod
	def tearDownClass(cls):
		for field, value in cls.settings_before.items():
			frappe.db.set_single_value("MOM Settings", field, value)
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
		for doctype in ("Company", "Warehouse", "Item", "BOM", "Workstation", "Employee", "User"):
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
