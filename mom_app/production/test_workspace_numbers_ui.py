"""The MOM workspace's numbers in headless Chromium at 1440x900, in Chinese: the OEE cards say "—" without data and
"36.7%" with, the Devices Offline card counts a device never heard from, the Work Orders by Status legend is
Chinese and the page logs no colour warning. Each user sees one workstation (a User Permission), so the
plant-wide cards are about this test's records only.

Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS), never into the repository."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime, today

from mom_app.production.test_workspace_numbers import oee_record
from mom_app.production.testing import PASSWORD, routed_workstation, work_order
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import drop_iot_device, make_iot_device, make_user, make_workstation

test_ignore = ["Workstation", "Work Order", "BOM", "IoT Device"]

EMPTY_WS, DATA_WS = "MOM-NCUI-WS-EMPTY", "MOM-NCUI-WS-DATA"
DEVICES = {  # name: (health, last seen)
	"MOM-NCUI-ONLINE": ("Online", True),
	"MOM-NCUI-NEVER": ("Unknown", False),  # configured, never heard from
	"MOM-NCUI-OFFLINE": ("Offline", True),
}


def restricted_manager(email: str, workstation: str) -> str:
	user = make_user("MOM Manager", email, language="zh", password=PASSWORD)
	frappe.db.delete("User Permission", {"user": user})
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Workstation", "for_value": workstation}
	).insert(ignore_permissions=True)
	return user


class TestWorkspaceNumbersInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		for workstation in (EMPTY_WS, DATA_WS):
			make_workstation(workstation)
			frappe.db.delete("OEE Record", {"workstation": workstation})
		oee_record(DATA_WS, today(), "MOM-NCUI-A", 100, 36.66)
		for name, (health, seen) in DEVICES.items():
			make_iot_device(name, workstation=DATA_WS)
			frappe.db.set_value(
				"IoT Device", name, {"health": health, "last_seen": now_datetime() if seen else None}
			)
		# a draft and a released order, so the status chart has more than one status
		route = routed_workstation("NCUI")
		work_order(route, 1).insert()
		released = work_order(route, 1)
		released.insert()
		released.submit()
		cls.no_data = restricted_manager("ncui-empty@mom-test.example", EMPTY_WS)
		cls.with_data = restricted_manager("ncui-data@mom-test.example", DATA_WS)
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in DEVICES:
			drop_iot_device(name)
		for workstation in (EMPTY_WS, DATA_WS):
			frappe.db.delete("OEE Record", {"workstation": workstation})
		frappe.db.delete("User Permission", {"user": ("in", [cls.no_data, cls.with_data])})
		frappe.db.commit()
		super().tearDownClass()

	def open_workspace(self, b, base_url, user):
		s = Session(b, base_url, user, PASSWORD)
		s.context.set_default_timeout(30_000)
		s.page.set_viewport_size({"width": 1440, "height": 900})
		s.warnings = []
		s.page.on("console", lambda m: m.type == "warning" and s.warnings.append(m.text))
		s.open("/app/mom", ".layout-main-section .ce-block")
		s.page.wait_for_function(
			"""() => { const n = [...document.querySelectorAll('.number-widget-box')];
			return n.length && n.every(b => b.querySelector('.number')); }"""
		)
		s.page.wait_for_selector(".dashboard-widget-box .frappe-chart, .dashboard-widget-box .chart-legend")
		return s

	def cards(self, s) -> dict:
		return s.page.evaluate(
			"""() => Object.fromEntries([...document.querySelectorAll('.number-widget-box')].map(b =>
				[b.querySelector('.widget-title').innerText.trim(), b.querySelector('.number').innerText.trim()]))"""
		)

	def test_oee_cards_without_data_say_dash(self):
		with served_site() as base_url, browser() as b:
			s = self.open_workspace(b, base_url, self.no_data)
			try:
				cards = self.cards(s)
				self.assertEqual(cards["今日 OEE"], "—", cards)
				self.assertEqual(cards["近 7 天 OEE"], "—", cards)
				s.screenshot("workspace-numbers-no-data")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_numbers_with_data_devices_and_chart(self):
		with served_site() as base_url, browser() as b:
			s = self.open_workspace(b, base_url, self.with_data)
			try:
				cards = self.cards(s)
				self.assertEqual(cards["今日 OEE"], "36.7%", cards)
				self.assertEqual(cards["近 7 天 OEE"], "36.7%", cards)
				# every enabled device this user sees that is not Online, the one never heard from included
				frappe.set_user(self.with_data)
				try:
					not_online = frappe.get_list(
						"IoT Device", filters={"enabled": 1, "health": ("!=", "Online")}, pluck="name"
					)
				finally:
					frappe.set_user("Administrator")
				self.assertIn("MOM-NCUI-NEVER", not_online)
				self.assertEqual(cards["离线设备"], str(len(not_online)), cards)
				# the status chart's legend in Chinese
				chart = s.page.locator(".dashboard-widget-box", has_text="工单状态分布")
				chart.locator(".chart-legend, .frappe-chart").first.wait_for()
				legend = chart.inner_text()
				for english in ("Not Started", "Draft", "Completed", "In Process"):
					self.assertNotIn(english, legend)
				self.assertIn("草稿", legend)
				self.assertIn("未开始", legend)
				self.assertEqual([w for w in s.warnings if "is not a valid color" in w], [], s.warnings)
				s.screenshot("workspace-numbers-data")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_oee_record_percentages_with_one_decimal(self):
		name = frappe.db.get_value("OEE Record", {"workstation": DATA_WS}, "name")
		with served_site() as base_url, browser() as b:
			s = Session(b, base_url, self.with_data, PASSWORD)
			try:
				s.page.set_viewport_size({"width": 1440, "height": 900})
				s.open(f"/app/oee-record/{name}", '[data-fieldname="oee"] .control-value')
				shown = s.page.locator('[data-fieldname="oee"] .control-value').first.inner_text().strip()
				self.assertEqual(shown, "36.7%")
				s.open("/app/oee-record?workstation=" + DATA_WS, ".list-row")
				row = s.page.locator(".list-row", has_text=DATA_WS).first.inner_text()
				self.assertIn("36.7%", row)
				self.assertNotIn("36.660", row)
				s.screenshot("oee-record-one-decimal")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
		# the stored figure keeps its precision (roll-ups weight it by time)
		self.assertAlmostEqual(frappe.db.get_value("OEE Record", name, "oee"), 36.66)

	def test_device_list_says_not_connected(self):
		with served_site() as base_url, browser() as b:
			s = Session(b, base_url, self.with_data, PASSWORD)
			try:
				s.page.set_viewport_size({"width": 1440, "height": 900})
				s.open("/app/iot-device?workstation=" + DATA_WS, ".list-row")
				row = s.page.locator(".list-row", has_text="MOM-NCUI-NEVER")
				row.wait_for()
				self.assertIn("未连接", row.inner_text())
				self.assertNotIn("未知", row.inner_text())
				s.screenshot("iot-device-list-not-connected")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
