"""The MOM workspace's numbers: OEE number cards ("—" without data, one decimal with), the Devices Offline card
(a device never heard from is not online), the Work Orders by Status chart in the reader's language, and the
formats of OEE Analysis (percentages with one decimal, whole quantities without decimals)."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from mom_app.production.api import number_cards
from mom_app.production.dashboard_chart_source.work_orders_by_status import work_orders_by_status
from mom_app.production.report.oee_analysis import oee_analysis
from mom_app.production.testing import routed_workstation, work_order
from mom_app.tests.utils import drop_iot_device, make_iot_device, make_user, make_workstation

test_ignore = ["Workstation", "Work Order", "BOM", "IoT Device"]


def oee_record(
	workstation: str, day, shift: str, pbt: float, oee: float, produced: float = 0, good: float = 0
):
	return frappe.get_doc(
		{
			"doctype": "OEE Record",
			"workstation": workstation,
			"shift": shift,
			"day": day,
			"start": f"{day} 08:00:00",
			"pbt": pbt,
			"apt": pbt,
			"calendar_time": pbt,
			"oee": oee,
			"produced": produced,
			"good": good,
		}
	).insert(ignore_permissions=True, ignore_links=True)


class TestOEENumberCards(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		# the cards are plant-wide: this test's transaction holds no other OEE Records of the last 7 days
		frappe.db.delete("OEE Record", {"day": ("between", (add_days(today(), -6), today()))})

	def tearDown(self):
		frappe.db.rollback()

	def test_no_data_is_a_dash_not_zero(self):
		self.assertEqual(number_cards.oee_today_card(), "—")
		self.assertEqual(number_cards.oee_week_card(), "—")

	def test_one_decimal_and_weighted_by_planned_busy_time(self):
		workstation = make_workstation("MOM-NC-WS")
		# 100 min at 36.66 % and 50 min at 0 %: today 24.4 % (time-weighted), the week with a 300-minute
		# record at 60 % three days ago: (36.66 + 0 + 180) / 450 = 48.1 %
		oee_record(workstation, today(), "MOM-NC-A", 100, 36.66)
		oee_record(workstation, today(), "MOM-NC-B", 50, 0)
		oee_record(workstation, add_days(today(), -3), "MOM-NC-A", 300, 60)
		card = number_cards.oee_today_card()
		self.assertEqual((card["value"], card["fieldtype"], card["precision"]), (24.4, "Percent", 1))
		self.assertEqual(card["route"], ["query-report", "OEE Analysis"])
		self.assertEqual(card["route_options"], {"from_date": today(), "to_date": today()})
		self.assertEqual(number_cards.oee_week_card()["value"], 48.1)

	def test_cards_need_read_on_oee_records(self):
		frappe.set_user(make_user("Website Manager", "nc-nobody@mom-test.example"))
		with self.assertRaises(frappe.PermissionError):
			number_cards.oee_today_card()

	def test_card_records_point_at_the_module(self):
		for card, method in (
			("OEE Today", "oee_today_card"),
			("OEE Last 7 Days", "oee_week_card"),
		):
			doc = frappe.get_doc("Number Card", card)
			self.assertEqual(doc.method, f"mom_app.production.api.number_cards.{method}")
			self.assertFalse(doc.color, "a fixed colour says good or bad whatever the figure")


class TestDevicesOfflineCard(FrappeTestCase):
	DEVICES = ("MOM-NC-ONLINE", "MOM-NC-NEVER", "MOM-NC-OFFLINE", "MOM-NC-STALE", "MOM-NC-OFF")

	def tearDown(self):
		frappe.set_user("Administrator")
		for name in self.DEVICES:
			drop_iot_device(name)

	def test_devices_never_seen_are_counted_as_not_online(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		frappe.set_user("Administrator")
		workstation = make_workstation("MOM-NC-WS-IOT")
		health = {
			"MOM-NC-ONLINE": ("Online", frappe.utils.now_datetime(), 1),
			"MOM-NC-NEVER": ("Unknown", None, 1),  # configured, never heard from
			"MOM-NC-OFFLINE": ("Offline", frappe.utils.now_datetime(), 1),
			"MOM-NC-STALE": ("Unknown", frappe.utils.now_datetime(), 1),  # the collector stopped
			"MOM-NC-OFF": ("Unknown", None, 0),  # disabled: not expected online
		}
		for name, (state, seen, enabled) in health.items():
			make_iot_device(name, workstation=workstation, enabled=enabled)
			frappe.db.set_value("IoT Device", name, {"health": state, "last_seen": seen})
		card = frappe.get_doc("Number Card", "Devices Offline")
		filters = [*json.loads(card.filters_json), ["IoT Device", "workstation", "=", workstation, False]]
		self.assertEqual(
			get_result(card.as_dict(), filters), 3
		)  # never seen, offline, unknown since the stop


class TestWorkOrdersByStatusChart(FrappeTestCase):
	def tearDown(self):
		frappe.local.lang = "en"
		frappe.set_user("Administrator")

	def test_legend_is_in_the_readers_language(self):
		frappe.set_user("Administrator")
		route = routed_workstation("NC-CHART")
		draft = work_order(route, 1)
		draft.insert()
		submitted = work_order(route, 1)
		submitted.insert()
		submitted.submit()
		frappe.local.lang = "zh"
		data = work_orders_by_status.get(chart_name="Work Orders by Status")
		labels = data["labels"]
		self.assertIn("草稿", labels)
		self.assertIn("未开始", labels)
		self.assertFalse([label for label in labels if label.isascii()], labels)
		counts = dict(zip(labels, data["datasets"][0]["values"], strict=True))
		self.assertEqual(counts["草稿"], frappe.db.count("Work Order", {"status": "Draft", "docstatus": 0}))
		chart = frappe.get_doc("Dashboard Chart", "Work Orders by Status")
		self.assertEqual((chart.chart_type, chart.source), ("Custom", "Work Orders by Status"))

	def test_every_chart_of_the_workspace_has_a_colour_or_none_needed(self):
		"""A line or bar chart without a colour makes Frappe pass "" to the chart library (a console warning)."""
		for row in frappe.get_all("Workspace Chart", filters={"parent": "MOM"}, pluck="chart_name"):
			chart = frappe.get_doc("Dashboard Chart", row)
			if chart.type in ("Line", "Bar") and not chart.y_axis:
				self.assertTrue(chart.color, row)

	def test_oee_by_day_without_records_is_no_data(self):
		"""An empty dataset drew broken SVG paths (console errors); {} makes Frappe say "No Data". One day
		is drawn as a bar (a line of one point drew broken paths too)."""
		from mom_app.production.dashboard_chart_source.oee_by_day import oee_by_day

		frappe.set_user("Administrator")
		workstation = make_workstation("MOM-NC-WS-NODAY")
		frappe.db.delete("OEE Record", {"workstation": workstation})
		data = oee_by_day.get(
			chart_name="OEE by Day", refresh=1, filters=json.dumps({"workstation": workstation})
		)
		self.assertEqual(data, {})
		self.assertEqual(frappe.db.get_value("Dashboard Chart", "OEE by Day", "type"), "Bar")


class TestOEEAnalysisFormats(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def run_report(self, workstation):
		columns, data, *_ = oee_analysis.execute(
			{"from_date": add_days(today(), -1), "to_date": today(), "workstation": workstation}
		)
		return {c["fieldname"]: c for c in columns}, data

	def test_percent_with_one_decimal_and_whole_quantities_without(self):
		frappe.set_user("Administrator")
		workstation = make_workstation("MOM-NC-WS-REPORT")
		frappe.db.delete("OEE Record", {"workstation": workstation})
		oee_record(workstation, today(), "MOM-NC-A", 100, 36.66, produced=93, good=90)
		columns, data = self.run_report(workstation)
		for field in ("availability", "performance", "quality", "oee", "teep"):
			self.assertEqual(
				(columns[field]["fieldtype"], columns[field]["precision"]), ("Percent", 1), field
			)
		for field in ("produced", "good", "scrap", "rework"):
			self.assertEqual(columns[field]["fieldtype"], "Int", field)
		self.assertEqual(columns["pbt"]["precision"], 1)
		self.assertEqual((data[0]["produced"], data[0]["oee"]), (93, 36.7))

	def test_fractional_quantities_keep_their_decimals(self):
		frappe.set_user("Administrator")
		workstation = make_workstation("MOM-NC-WS-REPORT-KG")
		frappe.db.delete("OEE Record", {"workstation": workstation})
		oee_record(workstation, today(), "MOM-NC-A", 100, 50, produced=12.5, good=12.5)
		columns, _data = self.run_report(workstation)
		self.assertEqual(columns["produced"]["fieldtype"], "Float")
