"""Maintenance KPIs on a real site: a small hand-made history of two machines in March 2026, and the figures the
report gives for it, written out from the formulas (not from the code).

Machine A has a state log (its OEE Records come from machine data: Running Time counts), machine B has none
(Planned Busy Time counts). The orders are opened by open_order as any trigger opens them; their historic
times, labour hours and final states are then written in place (the workflow stamps the present time).
"""

from datetime import date, datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.plant_maintenance import testing
from mom_app.plant_maintenance.api import number_cards
from mom_app.plant_maintenance.orders import open_order
from mom_app.plant_maintenance.report.maintenance_kpis import maintenance_kpis
from mom_app.tests.utils import make_user

DOCTYPE = "Maintenance Work Order"
CATEGORY = "MOM-KPI Machines"
MARCH = {"from_date": "2026-03-01", "to_date": "2026-03-31"}


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
	return datetime(2026, month, day, hour, minute)


def category() -> str:
	if not frappe.db.exists("Asset Category", CATEGORY):
		accounts = frappe.get_doc("Asset Category", testing.asset_category()).accounts
		frappe.get_doc(
			{
				"doctype": "Asset Category",
				"asset_category_name": CATEGORY,
				"accounts": [
					{
						"company_name": row.company_name,
						"fixed_asset_account": row.fixed_asset_account,
						"accumulated_depreciation_account": row.accumulated_depreciation_account,
						"depreciation_expense_account": row.depreciation_expense_account,
					}
					for row in accounts
				],
			}
		).insert(ignore_permissions=True)
	return CATEGORY


def kpi_machine(prefix: str) -> frappe._dict:
	"""A machine (asset and its workstation) of this test's own asset category, without other orders or OEE."""
	machine = testing.machine(prefix)
	frappe.db.set_value("Asset", machine.asset, "asset_category", category())
	frappe.db.delete(DOCTYPE, {"asset": machine.asset})
	frappe.db.delete("OEE Record", {"workstation": machine.workstation})
	return machine


def oee(workstation: str, day: str, shift: str, running: float, pbt: float, machine_data: bool):
	"""An OEE Record with the times in minutes (as mom_app.production.oee writes them)."""
	frappe.get_doc(
		{
			"doctype": "OEE Record",
			"workstation": workstation,
			"day": day,
			"shift": shift,
			"start": f"{day} 08:00:00",
			"machine_data": int(machine_data),
			"running_time": running,
			"pbt": pbt,
		}
	).insert(ignore_permissions=True, ignore_links=True)


def historic_order(machine, order_type: str, state: str, **values) -> str:
	"""An order opened by open_order (approved, as a system trigger opens it), then given its historic times,
	labour hours and final state."""
	references = {
		key: values.pop(key)
		for key in ("failure_time", "reported_at", "due_date", "estimated_hours")
		if key in values
	}
	failure = values.pop("is_failure", None)
	name, _created = open_order(
		order_type,
		"Request",
		asset=machine.asset,
		references=references,
		values={"other_cost": values.pop("cost", 0)},
		approve=True,
		ignore_permissions=True,
	)
	values["workflow_state"] = state
	if failure is not None:
		values["is_failure"] = int(failure)
	frappe.db.set_value(DOCTYPE, name, values, update_modified=False)
	return name


def history(a, b) -> dict:
	"""The hand-made history; returns the orders by their label."""
	oee(a.workstation, "2026-02-27", "KPI-1", 999, 999, True)  # before the range
	oee(a.workstation, "2026-03-02", "KPI-1", 600, 900, True)
	oee(a.workstation, "2026-03-03", "KPI-1", 540, 900, True)
	oee(b.workstation, "2026-03-02", "KPI-1", 0, 480, False)
	oee(b.workstation, "2026-03-10", "KPI-1", 0, 480, False)
	o = {}
	o["A0"] = historic_order(  # February: outside March
		a,
		"Corrective",
		"Verified",
		reported_at=at(20, 8, month=2),
		acknowledged_at=at(20, 9, month=2),
		repair_start=at(20, 9, month=2),
		back_in_service=at(20, 10, month=2),
		completed_at=at(20, 10, month=2),
		estimated_hours=1,
		labour_hours=1,
		cost=70,
	)
	o["A1"] = historic_order(  # failed 08:00, reported 08:10: MTTA and downtime count from the failure
		a,
		"Corrective",
		"Verified",
		failure_time=at(5, 8),
		reported_at=at(5, 8, 10),
		acknowledged_at=at(5, 8, 30),
		repair_start=at(5, 9),
		back_in_service=at(5, 11),
		completed_at=at(5, 11, 15),
		estimated_hours=3,
		labour_hours=2.5,
		cost=300,
	)
	o["A2"] = historic_order(
		a,
		"Corrective",
		"Completed",
		reported_at=at(20, 14),
		acknowledged_at=at(20, 14, 12),
		repair_start=at(20, 14, 30),
		back_in_service=at(20, 15, 30),
		completed_at=at(20, 15, 40),
		estimated_hours=1,
		labour_hours=1,
		cost=100,
	)
	o["A3"] = historic_order(  # PM done the day before it was due
		a,
		"Preventive",
		"Verified",
		reported_at=at(8, 7),
		due_date="2026-03-10",
		repair_start=at(9, 8),
		back_in_service=at(9, 10),
		completed_at=at(9, 10),
		estimated_hours=2,
		labour_hours=2,
		cost=50,
	)
	o["A4"] = historic_order(  # PM done three days late
		a,
		"Preventive",
		"Completed",
		reported_at=at(25, 7),
		due_date="2026-03-27",
		repair_start=at(30, 8),
		back_in_service=at(30, 9),
		completed_at=at(30, 9),
		estimated_hours=1,
		labour_hours=1,
	)
	o["A5"] = historic_order(  # a failure still open at the end of March
		a,
		"Corrective",
		"Approved",
		reported_at=at(30, 10),
		estimated_hours=4,
	)
	o["A6"] = historic_order(  # cancelled: left out of everything
		a,
		"Corrective",
		"Cancelled",
		reported_at=at(15, 9),
		acknowledged_at=at(15, 9, 5),
		repair_start=at(15, 9, 5),
		back_in_service=at(15, 12),
		estimated_hours=8,
		labour_hours=3,
		cost=999,
	)
	o["B1"] = historic_order(
		b,
		"Corrective",
		"Verified",
		reported_at=at(12, 9),
		acknowledged_at=at(12, 10),
		repair_start=at(12, 10),
		back_in_service=at(12, 14),
		completed_at=at(12, 14),
		estimated_hours=4,
		labour_hours=4,
		cost=800,
	)
	o["B2"] = historic_order(  # a corrective adjustment that restores no failure
		b,
		"Corrective",
		"Completed",
		is_failure=False,
		reported_at=at(15, 9),
		acknowledged_at=at(15, 9, 30),
		repair_start=at(15, 9, 30),
		back_in_service=at(15, 10),
		completed_at=at(15, 10),
		estimated_hours=0.5,
		labour_hours=0.5,
	)
	return o


def run(**filters) -> tuple[list, list, list]:
	columns, data, _message, _chart, summary = maintenance_kpis.execute(frappe._dict(filters))
	return columns, data, summary


class TestMaintenanceKPIs(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.a = kpi_machine("KPI-A")
		cls.b = kpi_machine("KPI-B")
		cls.orders = history(cls.a, cls.b)

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def assertFigures(self, row: dict, expected: dict):
		for key, value in expected.items():
			if isinstance(value, float):
				self.assertAlmostEqual(row[key], value, places=6, msg=key)
			else:
				self.assertEqual(row[key], value, key)

	def test_per_asset_in_march_matches_the_hand_computed_figures(self):
		_columns, data, _summary = run(**MARCH, asset_category=CATEGORY, group_by="Asset", period="")
		rows = {row["asset"]: row for row in data}
		self.assertEqual(set(rows), {self.a.asset, self.b.asset})
		# A: Running Time of its two March records (600 + 540 min) = 19 h; the February record is outside.
		# Failures A1, A2, A5 (A6 is cancelled): MTBF 19 / 3. Repairs A1 (09:00-11:00, 2 h) and A2 (14:30-15:30,
		# 1 h): MTTR 3 / 2 = 1.5 h; downtime from the failure A1 08:00-11:00 (3 h), A2 14:00-15:30 (1.5 h): mean
		# 2.25 h. Acknowledged A1 30 min after the failure, A2 12 min after the report: MTTA (0.5 + 0.2) / 2.
		# Ai = (19/3) / (19/3 + 1.5). PM A3 due on the 10th done on the 9th, A4 due on the 27th done on the 30th:
		# 1 of 2 on time. Open at the end of March: A5 (4 estimated hours). Labour planned A3 2 + A4 1 = 3 h,
		# unplanned A1 2.5 + A2 1 = 3.5 h; planned downtime A3 2 h + A4 1 h, unplanned 3 + 1.5 h.
		# Cost 300 + 100 + 50 = 450 on one asset.
		mtbf = 19 / 3
		self.assertFigures(
			rows[self.a.asset],
			{
				"operating_hours": 19.0,
				"failures": 3,
				"mtbf_hours": mtbf,
				"repairs": 2,
				"mttr_hours": 1.5,
				"mdt_hours": 2.25,
				"acknowledged": 2,
				"mtta_hours": 0.35,
				"inherent_availability": mtbf / (mtbf + 1.5) * 100,
				"pm_due": 2,
				"pm_on_time": 1,
				"pm_compliance": 50.0,
				"backlog_hours": 4.0,
				"planned_hours": 3.0,
				"unplanned_hours": 3.5,
				"planned_share": 3 / 6.5 * 100,
				"planned_downtime_hours": 3.0,
				"unplanned_downtime_hours": 4.5,
				"cost": 450.0,
				"assets": 1,
				"cost_per_asset": 450.0,
				"orders": 5,
				"workstation": self.a.workstation,
				"category": CATEGORY,
			},
		)
		self.assertEqual(
			sorted(rows[self.a.asset]["order_names"]),
			sorted(self.orders[k] for k in ("A1", "A2", "A3", "A4", "A5")),
		)
		# B: Planned Busy Time (no state log): 480 + 480 min = 16 h. One failure B1 (10:00-14:00 repair,
		# 09:00-14:00 down): MTBF 16, MTTR 4, Ai 16 / 20. B2 restores no failure: no MTBF/MTTR, but its
		# acknowledgement (30 min) counts for MTTA with B1's (60 min), its 30 minutes down are unplanned downtime.
		self.assertFigures(
			rows[self.b.asset],
			{
				"operating_hours": 16.0,
				"failures": 1,
				"mtbf_hours": 16.0,
				"repairs": 1,
				"mttr_hours": 4.0,
				"mdt_hours": 5.0,
				"mtta_hours": 0.75,
				"inherent_availability": 80.0,
				"pm_due": 0,
				"pm_compliance": None,
				"backlog_hours": 0.0,
				"planned_share": 0.0,
				"unplanned_hours": 4.5,
				"unplanned_downtime_hours": 5.5,
				"cost": 800.0,
				"cost_per_asset": 800.0,
				"orders": 2,
			},
		)

	def test_whole_plant_sums_before_dividing(self):
		_columns, data, summary = run(**MARCH, asset_category=CATEGORY, group_by="Plant", period="")
		self.assertEqual(len(data), 1)
		# 35 operating hours / 4 failures; repairs 2 + 1 + 4 hours over 3; MTTA (0.5 + 0.2 + 1 + 0.5) / 4;
		# planned labour 3 of 3 + 3.5 + 4.5 hours; cost 1,250 over two assets
		mtbf, mttr = 35 / 4, 7 / 3
		self.assertFigures(
			data[0],
			{
				"operating_hours": 35.0,
				"failures": 4,
				"mtbf_hours": mtbf,
				"repairs": 3,
				"mttr_hours": mttr,
				"mtta_hours": 0.55,
				"inherent_availability": mtbf / (mtbf + mttr) * 100,
				"pm_compliance": 50.0,
				"backlog_hours": 4.0,
				"planned_share": 3 / 11 * 100,
				"cost": 1250.0,
				"assets": 2,
				"cost_per_asset": 625.0,
				"orders": 7,
			},
		)
		cards = {card["label"]: card for card in summary}
		self.assertAlmostEqual(cards["MTBF (h)"]["figure"], mtbf)
		self.assertEqual(cards["MTBF (h)"]["value"], "8.8")  # one decimal
		self.assertAlmostEqual(cards["MTTR (h)"]["figure"], mttr)
		self.assertEqual(cards["MTTR (h)"]["value"], "2.3")
		self.assertAlmostEqual(cards["Inherent Availability"]["figure"], mtbf / (mtbf + mttr) * 100)
		self.assertEqual(cards["Inherent Availability"]["value"], "78.9%")
		self.assertEqual(
			(cards["Cost per Asset"]["value"], cards["Cost per Asset"]["datatype"]), (625.0, "Currency")
		)

	def test_by_month_february_apart(self):
		_columns, data, _summary = run(
			from_date="2026-02-01", to_date="2026-03-31", asset=self.a.asset, group_by="Asset", period="Month"
		)
		self.assertEqual([row["period_label"] for row in data], ["2026-02", "2026-03"])
		february, march = data
		# February: the 27th's 999 running minutes, one failure repaired in an hour
		self.assertFigures(
			february,
			{
				"operating_hours": 999 / 60,
				"failures": 1,
				"mtbf_hours": 999 / 60,
				"mttr_hours": 1.0,
				"cost": 70.0,
				"order_names": [self.orders["A0"]],
			},
		)
		self.assertFigures(
			march, {"operating_hours": 19.0, "failures": 3, "mtbf_hours": 19 / 3, "mttr_hours": 1.5}
		)

	def test_filters_workstation_and_category(self):
		_columns, data, _summary = run(
			**MARCH, workstation=self.b.workstation, group_by="Workstation", period=""
		)
		self.assertEqual([row["workstation"] for row in data], [self.b.workstation])
		self.assertEqual(data[0]["failures"], 1)
		_columns, data, _summary = run(**MARCH, asset_category=CATEGORY, group_by="Asset Category", period="")
		self.assertEqual([row["category"] for row in data], [CATEGORY])
		self.assertEqual(data[0]["failures"], 4)
		_columns, data, _summary = run(**MARCH, asset_category="MOM-KPI Nothing", group_by="Asset", period="")
		self.assertEqual(data, [])

	def test_columns_and_chart(self):
		columns, _data, _summary = run(**MARCH, asset_category=CATEGORY, group_by="Asset", period="")
		fieldnames = [c["fieldname"] for c in columns]
		self.assertEqual(fieldnames[:4], ["asset", "asset_name", "workstation", "category"])
		for key in (
			"mtbf_hours",
			"mttr_hours",
			"mtta_hours",
			"inherent_availability",
			"pm_compliance",
			"orders",
		):
			self.assertIn(key, fieldnames)
		chart = maintenance_kpis.execute(frappe._dict(MARCH, asset_category=CATEGORY, group_by="Asset"))[3]
		self.assertEqual(chart["type"], "bar")
		# the asset with the most unplanned downtime first: B (5.5 h) before A (4.5 h)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [5.5, 4.5])
		trend = maintenance_kpis.execute(
			frappe._dict(
				from_date="2026-02-01", to_date="2026-03-31", asset_category=CATEGORY, period="Month"
			)
		)[3]
		self.assertEqual(trend["data"]["labels"], ["2026-02", "2026-03"])
		self.assertEqual(trend["type"], "line")
		# one period: bars (a one-point line is broken SVG in Frappe Charts)
		single = maintenance_kpis.execute(frappe._dict(MARCH, asset_category=CATEGORY, period="Month"))[3]
		self.assertEqual((single["data"]["labels"], single["type"]), (["2026-03"], "bar"))

	def test_a_user_without_a_mom_role_sees_nothing(self):
		frappe.set_user(make_user(None, "kpi-norole@mom-test.example"))
		with self.assertRaises(frappe.PermissionError):
			run(**MARCH, group_by="Asset")
		with self.assertRaises(frappe.PermissionError):
			frappe.get_attr("frappe.desk.query_report.run")("Maintenance KPIs", filters=MARCH)
		for card in (number_cards.open_breakdowns_card, number_cards.overdue_pm_card, number_cards.mttr_card):
			with self.assertRaises(frappe.PermissionError):
				card()

	def test_a_user_restricted_to_one_workstation_sees_its_machine_only(self):
		user = make_user("MOM Manager", "kpi-restricted@mom-test.example")
		frappe.db.delete("User Permission", {"user": user})
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "Workstation",
				"for_value": self.b.workstation,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		_columns, data, _summary = run(**MARCH, group_by="Asset", period="")
		self.assertEqual([row["asset"] for row in data], [self.b.asset])
		self.assertEqual(data[0]["operating_hours"], 16.0)

	def test_every_mom_role_runs_the_report(self):
		from mom_app.engine.rbac import ROLES

		for role in ROLES:
			frappe.set_user(make_user(role, f"kpi-{frappe.scrub(role)}@mom-test.example"))
			result = frappe.get_attr("frappe.desk.query_report.run")(
				"Maintenance KPIs", filters=dict(MARCH, asset_category=CATEGORY, group_by="Plant")
			)
			self.assertEqual(len(result["result"]), 1, role)
			# by asset: Frappe refuses a report whose link columns name a doctype the user may not read; the
			# names are then text (an operator reads no Asset, no MOM role reads Asset Category)
			result = frappe.get_attr("frappe.desk.query_report.run")(
				"Maintenance KPIs", filters=dict(MARCH, asset_category=CATEGORY, group_by="Asset")
			)
			self.assertEqual(
				sorted(row["asset"] for row in result["result"]), sorted([self.a.asset, self.b.asset]), role
			)
			frappe.set_user("Administrator")


class TestMaintenanceNumberCards(FrappeTestCase):
	"""The workspace cards, each for a user restricted to one workstation (the cards are plant-wide)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = kpi_machine("KPI-C")
		cls.user = make_user("MOM Manager", "kpi-cards@mom-test.example")
		frappe.db.delete("User Permission", {"user": cls.user})
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": cls.user,
				"allow": "Workstation",
				"for_value": cls.machine.workstation,
			}
		).insert(ignore_permissions=True)

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.delete(DOCTYPE, {"asset": self.machine.asset})

	def cards(self) -> tuple:
		frappe.set_user(self.user)
		try:
			return (
				number_cards.open_breakdowns_card(),
				number_cards.overdue_pm_card(),
				number_cards.mttr_card(),
			)
		finally:
			frappe.set_user("Administrator")

	def test_without_data_counts_are_zero_and_mttr_a_dash(self):
		breakdowns, overdue, mttr = self.cards()
		self.assertEqual(breakdowns["value"], 0)
		self.assertEqual(overdue["value"], 0)
		self.assertEqual(mttr, "—")

	def test_with_data(self):
		now = frappe.utils.now_datetime().replace(microsecond=0)
		hours = frappe.utils.add_to_date
		today = frappe.utils.getdate()
		# open failure, one repaired 2.25 h, one 1.5 h (MTTR 1.875 -> 1.9), a failure closed 40 days ago,
		# an overdue PM, a PM due today (not overdue), a done overdue PM, a cancelled failure
		historic_order(self.machine, "Corrective", "In Progress", reported_at=hours(now, hours=-3))
		historic_order(
			self.machine,
			"Corrective",
			"Completed",
			reported_at=hours(now, hours=-30),
			repair_start=hours(now, hours=-29),
			back_in_service=hours(now, hours=-26, minutes=-45),
			completed_at=hours(now, hours=-26),
		)
		historic_order(
			self.machine,
			"Corrective",
			"Verified",
			reported_at=hours(now, days=-10),
			repair_start=hours(now, days=-10, hours=1),
			back_in_service=hours(now, days=-10, hours=2, minutes=30),
			completed_at=hours(now, days=-10, hours=3),
		)
		historic_order(
			self.machine,
			"Corrective",
			"Verified",
			reported_at=hours(now, days=-40),
			repair_start=hours(now, days=-40),
			back_in_service=hours(now, days=-40, hours=9),
			completed_at=hours(now, days=-40, hours=9),
		)
		historic_order(
			self.machine,
			"Preventive",
			"Approved",
			reported_at=hours(now, days=-9),
			due_date=hours(today, days=-2),
		)
		historic_order(
			self.machine, "Calibration", "Scheduled", reported_at=hours(now, days=-3), due_date=today
		)
		historic_order(
			self.machine,
			"Preventive",
			"Completed",
			reported_at=hours(now, days=-9),
			due_date=hours(today, days=-5),
			completed_at=hours(now, days=-4),
		)
		historic_order(self.machine, "Corrective", "Cancelled", reported_at=hours(now, hours=-1))
		breakdowns, overdue, mttr = self.cards()
		self.assertEqual(breakdowns["value"], 1)
		self.assertEqual(breakdowns["route"], ["List", DOCTYPE])
		self.assertEqual(breakdowns["route_options"]["is_failure"], 1)
		self.assertEqual(overdue["value"], 1)
		self.assertEqual((mttr["value"], mttr["fieldtype"], mttr["precision"]), (1.9, "Float", 1))
		self.assertEqual(mttr["route"], ["query-report", "Maintenance KPIs"])

	def test_card_records(self):
		for card, method in (
			("Open Breakdowns", "open_breakdowns_card"),
			("Overdue PM", "overdue_pm_card"),
			("MTTR Last 30 Days (h)", "mttr_card"),
		):
			doc = frappe.get_doc("Number Card", card)
			self.assertEqual(doc.type, "Custom")
			self.assertEqual(doc.document_type, DOCTYPE)
			self.assertEqual(doc.method, f"mom_app.plant_maintenance.api.number_cards.{method}")

	def test_every_mom_role_reads_what_the_cards_count(self):
		from mom_app.engine.rbac import ROLES

		for role in ROLES:
			frappe.set_user(make_user(role, f"kpi-{frappe.scrub(role)}@mom-test.example"))
			try:
				self.assertTrue(frappe.has_permission(DOCTYPE, "read"), role)
				self.assertIsInstance(number_cards.open_breakdowns_card()["value"], int, role)
			finally:
				frappe.set_user("Administrator")
