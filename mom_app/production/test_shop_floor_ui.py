"""The operator terminal and the shop-floor board in headless Chromium (Chinese UI, no console errors).

Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS), never into the repository."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.testing import PASSWORD, operator, released_job_card, routed_workstation
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


class TestTerminalInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("UI")
		frappe.db.sql(
			"update `tabJob Card` set docstatus = 2, status = 'Cancelled' where docstatus = 0 and workstation = %s",
			cls.route.workstation,
		)
		cls.op = operator("ui-op", "SF-UI-0001")
		frappe.db.set_value("User", cls.op.user, "language", "zh")
		cls.job_card = released_job_card(cls.route, 5)
		cls.supervisor = make_user(
			"Production Supervisor", "sf-ui-supervisor@mom-test.example", language="zh", password=PASSWORD
		)
		cls.storekeeper = make_user(
			"Storekeeper", "sf-ui-keeper@mom-test.example", language="zh", password=PASSWORD
		)
		frappe.db.commit()  # the web server reads what is committed

	def test_badge_scan_start_complete(self):
		with served_site() as base_url, browser() as b:
			s = Session(b, base_url, self.op.user, PASSWORD)
			try:
				s.open("/terminal", "#t-input")
				scan = s.page.locator("#t-input")
				self.assertTrue(scan.evaluate("el => el === document.activeElement"))
				scan.fill(self.op.badge.lower())  # what a scanner in lower case types, then Enter
				scan.press("Enter")
				s.page.wait_for_selector(f"[data-ws='{self.route.workstation}']")
				scan.fill(self.route.workstation)
				scan.press("Enter")
				s.page.wait_for_selector(".t-queue")
				scan.fill(self.job_card)
				scan.press("Enter")
				s.page.wait_for_selector("[data-act='start']")
				s.page.click("[data-act='start']")
				s.page.wait_for_selector("[data-form='complete']")
				s.page.click("[data-form='complete']")
				s.page.fill("[name='good_qty']", "4")
				s.page.fill("[name='scrap_qty']", "1")
				s.page.click("[data-review='complete']")  # the quantities are confirmed before they are sent
				s.page.click(".t-confirm [data-confirm='ok']")
				s.page.wait_for_selector(".t-msg.ok")
				s.page.wait_for_function("() => document.querySelector('.t-good').innerText.trim() === '4'")
				# the job card's status, translated by the page (ERPNext's word, in the operator's language)
				in_progress = frappe._("Work In Progress", lang="zh", context="Job Card status")
				self.assertEqual(s.page.inner_text(".t-status").strip(), in_progress)
				# the action's answer carries where the card stands; what it is stays from the scan
				card_text = s.page.inner_text(f"[data-card='{self.job_card}']")
				self.assertIn(self.route.operation, card_text)
				self.assertIn("Turn it", card_text)  # the operation's instructions
				s.screenshot("terminal-complete")
				# bad input: an unknown job card gets a clear message
				scan.fill("NO-SUCH-CARD")
				scan.press("Enter")
				s.page.wait_for_selector(".t-msg.error")
				self.assertIn("NO-SUCH-CARD", s.page.inner_text(".t-msg.error"))
				s.errors = [
					e for e in s.errors if "417" not in e
				]  # the refused scan (http 417 + its console line)
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
		frappe.db.rollback()
		card = frappe.get_doc("Job Card", self.job_card)
		self.assertEqual(card.total_completed_qty, 4)
		self.assertEqual(card.process_loss_qty, 1)
		self.assertEqual(card.time_logs[0].employee, self.op.employee)

	def test_terminal_refuses_other_roles_and_guests(self):
		with served_site() as base_url, browser() as b:
			s = Session(b, base_url, self.storekeeper, PASSWORD)
			try:
				response = s.page.goto(f"{base_url}/terminal")
				self.assertEqual(response.status, 403)
			finally:
				s.close()
			context = b.new_context()
			page = context.new_page()
			page.goto(f"{base_url}/terminal")
			self.assertIn("/login", page.url)
			context.close()

	def test_board_loads(self):
		with served_site() as base_url, browser() as b:
			s = Session(b, base_url, self.supervisor, PASSWORD)
			try:
				s.open("/app/shop-floor-board", ".mom-tile")
				# 车间实时看板 once zh.po has it
				title = frappe._("Shop Floor Board", lang="zh")
				self.assertIn(title, s.page.inner_text(".page-head .title-text"))
				s.page.wait_for_selector(".mom-tile .mom-ring")
				s.page.click(f".mom-tile[data-ws='{self.route.workstation}']")
				s.page.wait_for_selector(".modal .mom-timeline")
				s.page.wait_for_selector(".modal .mom-bar-loss")
				s.screenshot("shop-floor-board")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
