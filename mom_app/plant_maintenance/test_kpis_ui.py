"""The MOM workspace's Maintenance section and the Maintenance KPIs report in headless Chromium at 1440x900, in
Chinese: the cards say 0 / 0 / "—" without data and count with data, the shortcuts are there, the MTTR card
opens the report, the report's columns are Chinese and a row's orders open in the list; no console error.
Each user sees one workstation (a User Permission), so the plant-wide cards are about this test's orders only.

Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS), never into the repository."""

from urllib.parse import quote

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from mom_app.plant_maintenance import testing
from mom_app.plant_maintenance.test_kpis import historic_order
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

DOCTYPE = "Maintenance Work Order"
CARDS = {"breakdowns": "未关闭故障", "overdue": "逾期保养", "mttr": "近 30 天 MTTR（小时）"}
SHORTCUTS = ("维修工单", "设备维护 KPI", "维修工作台")


def restricted_manager(email: str, workstation: str) -> str:
	user = make_user("MOM Manager", email, language="zh", password=testing.PASSWORD)
	frappe.db.delete("User Permission", {"user": user})
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Workstation", "for_value": workstation}
	).insert(ignore_permissions=True)
	return user


class TestMaintenanceWorkspaceInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.empty = testing.machine("KPIUI-E")
		cls.data = testing.machine("KPIUI-D")
		for machine in (cls.empty, cls.data):
			frappe.db.delete(DOCTYPE, {"asset": machine.asset})
		now = now_datetime().replace(microsecond=0)
		# an open breakdown, a failure repaired in 1.5 h two days ago, a PM overdue since yesterday
		cls.orders = [
			historic_order(cls.data, "Corrective", "In Progress", reported_at=add_to_date(now, hours=-2)),
			historic_order(
				cls.data,
				"Corrective",
				"Verified",
				reported_at=add_to_date(now, days=-2),
				acknowledged_at=add_to_date(now, days=-2, minutes=10),
				repair_start=add_to_date(now, days=-2, minutes=30),
				back_in_service=add_to_date(now, days=-2, hours=2),
				completed_at=add_to_date(now, days=-2, hours=2),
				labour_hours=1.5,
				cost=260,
			),
			historic_order(
				cls.data,
				"Preventive",
				"Approved",
				reported_at=add_to_date(now, days=-5),
				due_date=add_days(getdate(), -1),
				estimated_hours=2,
			),
		]
		cls.no_data = restricted_manager("kpiui-empty@mom-test.example", cls.empty.workstation)
		cls.with_data = restricted_manager("kpiui-data@mom-test.example", cls.data.workstation)
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for machine in (cls.empty, cls.data):
			frappe.db.delete(DOCTYPE, {"asset": machine.asset})
		frappe.db.delete("User Permission", {"user": ("in", [cls.no_data, cls.with_data])})
		frappe.db.commit()
		super().tearDownClass()

	def session(self, b, base_url, user) -> Session:
		s = Session(b, base_url, user, testing.PASSWORD)
		s.context.set_default_timeout(30_000)
		s.page.set_viewport_size({"width": 1440, "height": 900})
		return s

	def open_workspace(self, s):
		s.open("/app/mom", ".layout-main-section .ce-block")
		s.page.wait_for_function(
			"""() => { const n = [...document.querySelectorAll('.number-widget-box')];
			return n.length && n.every(b => b.querySelector('.number')); }"""
		)

	def cards(self, s) -> dict:
		return s.page.evaluate(
			"""() => Object.fromEntries([...document.querySelectorAll('.number-widget-box')].map(b =>
				[b.querySelector('.widget-title').innerText.trim(), b.querySelector('.number').innerText.trim()]))"""
		)

	def assertSection(self, s):
		headers = s.page.locator(".ce-header").all_inner_texts()
		self.assertIn("设备维护", [h.strip() for h in headers])
		shortcuts = [
			t.strip() for t in s.page.locator(".shortcut-widget-box .widget-title").all_inner_texts()
		]
		for label in SHORTCUTS:
			self.assertIn(label, shortcuts)
		# the maintenance cards sit under the Maintenance header, in one row: measured in one go, relative to
		# the page (charts above them still draw and move them while the page is read)
		tops = s.page.evaluate(
			"""(titles) => {
				const top = (el) => el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
				const card = (t) => [...document.querySelectorAll('.number-widget-box')].find(b => b.innerText.includes(t));
				const header = [...document.querySelectorAll('.ce-header')].find(h => h.innerText.includes('设备维护'));
				return {cards: titles.map(t => top(card(t))), header: top(header)};
			}""",
			list(CARDS.values()),
		)
		self.assertEqual(len(set(tops["cards"])), 1, tops)
		self.assertGreater(tops["cards"][0], tops["header"], tops)

	def test_without_data_zero_and_a_dash(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.no_data)
			try:
				self.open_workspace(s)
				cards = self.cards(s)
				self.assertEqual(cards[CARDS["breakdowns"]], "0", cards)
				self.assertEqual(cards[CARDS["overdue"]], "0", cards)
				self.assertEqual(cards[CARDS["mttr"]], "—", cards)
				self.assertSection(s)
				s.screenshot("maintenance-workspace-no-data")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_with_data_counts_and_the_mttr_card_opens_the_report(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.with_data)
			try:
				self.open_workspace(s)
				cards = self.cards(s)
				self.assertEqual(cards[CARDS["breakdowns"]], "1", cards)
				self.assertEqual(cards[CARDS["overdue"]], "1", cards)
				self.assertEqual(cards[CARDS["mttr"]], "1.5", cards)
				s.page.locator(".ce-header", has_text="设备维护").scroll_into_view_if_needed()
				s.screenshot("maintenance-workspace-data")
				self.assertSection(s)
				s.page.wait_for_load_state("networkidle")
				s.page.locator(".number-widget-box", has_text=CARDS["mttr"]).locator(".number").click()
				s.page.wait_for_url("**/query-report/Maintenance%20KPIs**")
				s.page.wait_for_selector(".dt-scrollable .dt-row")
				self.assertIn("MTTR（小时）", s.page.inner_text(".dt-header"))
				s.page.wait_for_load_state("networkidle")
				s.screenshot("maintenance-kpis-from-card")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_report_in_chinese_and_its_orders_open(self):
		today = getdate()
		path = (
			"/app/query-report/"
			+ quote("Maintenance KPIs")
			+ (f"?from_date={add_days(today, -29)}&to_date={today}&group_by=Asset")
		)
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.with_data)
			try:
				s.open(path, ".dt-scrollable .dt-row")
				# the whole range in one row (the period filter's default is Month)
				s.page.evaluate("() => frappe.query_report.set_filter_value('period', '')")
				s.page.wait_for_load_state("networkidle")
				s.page.wait_for_function(
					"() => document.querySelectorAll('.dt-scrollable .dt-row').length === 1"
				)
				header = s.page.inner_text(".dt-header")
				for label in (
					"资产",
					"故障次数",
					"MTBF（小时）",
					"MTTR（小时）",
					"固有可用度",
					"保养按时完成率",
					"工单数",
				):
					self.assertIn(label, header)
				rows = s.page.locator(".dt-scrollable .dt-row")
				self.assertEqual(rows.count(), 1)  # the user's one machine
				summary = s.page.inner_text(".report-summary")
				self.assertIn("MTTR（小时）", summary)
				s.screenshot("maintenance-kpis-report")
				link = s.page.locator("a.mom-kpi-orders").first
				self.assertEqual(link.inner_text().strip(), "3")
				link.click()
				s.page.wait_for_url("**/app/maintenance-work-order**")
				s.page.wait_for_selector(".list-row-container .list-row")
				s.page.wait_for_load_state("networkidle")
				try:  # the list renders its filtered rows after a first, stale refresh
					s.page.wait_for_function(
						"() => document.querySelectorAll('.list-row-container').length === 3", timeout=10_000
					)
				except Exception:
					pass  # the assertion below says how many
				listed = s.page.locator(".list-row-container").count()
				self.assertEqual(listed, 3)
				for name in self.orders:
					self.assertIn(name, s.page.inner_text(".frappe-list"))
				s.screenshot("maintenance-kpis-drill-down")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
