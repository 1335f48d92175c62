"""/terminal on a tablet (1024 x 768) and a phone (390 x 844), headless Chromium, as a Chinese-speaking
operator uses it: nothing wider than the screen, no empty boxes before sign-in, the queue's headers on one
line, the job still running after a partial report, quantities confirmed before they are sent (Cancel sends
nothing), under a quality hold only what is allowed with the hold's reason, and with MOM Settings' Sign In
by Badge Scan off the operator signed in from their login. Screenshots go to /tmp/mom-screenshots."""

import contextlib

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.testing import PASSWORD, operator, released_job_card, routed_workstation
from mom_app.tests.browser import Session, browser, served_site

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def in_chinese(message: str, context: str | None = None) -> str:
	"""`message` in Chinese (passed as a variable, so the POT extraction does not take "zh" for a context)."""
	return frappe._(message, lang="zh", context=context)


# the number of lines each queue header's text takes
HEADER_LINES = """() => [...document.querySelectorAll(".t-queue th")].map((th) => {
	const range = document.createRange();
	range.selectNodeContents(th);
	return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
})"""


class TestTerminalOnTabletAndPhone(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("UI2")
		cls.op = operator("ui2-op", "SF-UI2-0001")
		frappe.db.set_value("User", cls.op.user, "language", "zh")
		frappe.db.set_value("Workstation", cls.route.workstation, "mom_terminal_user", None)
		cls.badge_sign_in = frappe.db.get_single_value("MOM Settings", "badge_sign_in")
		frappe.db.commit()
		cls.stack = contextlib.ExitStack()
		cls.base_url = cls.stack.enter_context(served_site())
		cls.browser = cls.stack.enter_context(browser())

	@classmethod
	def tearDownClass(cls):
		cls.stack.close()
		frappe.db.set_single_value("MOM Settings", "badge_sign_in", cls.badge_sign_in)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		# ERPNext refuses to start an employee on a job card while another of theirs runs at the workstation
		frappe.set_user("Administrator")
		frappe.db.sql(
			"update `tabJob Card` set docstatus = 2, status = 'Cancelled' where docstatus = 0 and workstation = %s",
			self.route.workstation,
		)
		frappe.db.set_single_value("MOM Settings", "badge_sign_in", 1)
		frappe.db.commit()
		self.session = None

	def tearDown(self):
		if self.session:
			self.session.close()
		frappe.set_user("Administrator")

	def open(self, size: dict):
		self.session = Session(self.browser, self.base_url, self.op.user, PASSWORD)
		self.page = self.session.page
		self.page.set_viewport_size(size)
		self.session.open("/terminal", "#t-input")
		return self.page

	def scan(self, text: str):
		self.page.fill("#t-input", text)
		self.page.press("#t-input", "Enter")  # what a barcode scanner sends after the code

	def sign_in_and_open(self, job_card: str):
		self.scan(self.op.badge)
		self.page.wait_for_selector(f"[data-ws='{self.route.workstation}']")
		self.scan(self.route.workstation)
		self.page.wait_for_selector(".t-queue")
		self.scan(job_card)
		self.page.wait_for_selector(f"[data-card='{job_card}']")

	def report(self, good: int, scrap: int = 0):
		page = self.page
		page.click("[data-form='complete']")
		page.fill("[name='good_qty']", str(good))
		page.fill("[name='scrap_qty']", str(scrap))
		page.click("[data-review='complete']")
		page.wait_for_selector(".t-confirm")

	def assert_fits(self, size: dict):
		width = self.page.evaluate("() => document.documentElement.scrollWidth")
		self.assertLessEqual(width, size["width"])

	def test_layout_at_tablet_and_phone_size(self):
		job_card = released_job_card(self.route, 5)
		frappe.db.commit()
		for name, size in (("tablet", TABLET), ("phone", PHONE)):
			with self.subTest(size=name):
				page = self.open(size)
				# before sign-in: no empty boxes at the top right
				page.wait_for_timeout(300)
				for chip in ("#t-employee", "#t-workstation"):
					self.assertFalse(page.locator(chip).is_visible(), chip)
				self.assert_fits(size)
				# the page takes the screen's width, not its content's (the website's body is a flex column)
				width = page.evaluate(
					"() => document.querySelector('#t-stage .t-card').getBoundingClientRect().width"
				)
				self.assertGreater(width, size["width"] * 0.9)
				# a shop-floor page: no website navbar or footer (newsletter box, "Powered by ERPNext")
				self.assertEqual(
					page.locator("footer, .web-footer, nav.navbar, input[type='email']").count(), 0
				)
				self.assertNotIn("ERPNext", page.inner_text("body"))
				self.session.screenshot(f"terminal-{name}-sign-in")
				self.sign_in_and_open(job_card)
				self.assertTrue(page.locator("#t-employee").is_visible())
				# the job card's status in shop-floor words (待开工, not the verb 打开)
				self.assertEqual(
					page.inner_text(".t-status").strip(),
					in_chinese("Open", "Job Card status"),
				)
				self.assertEqual(page.evaluate(HEADER_LINES), [1, 1, 1, 1])
				self.assert_fits(size)
				self.session.screenshot(f"terminal-{name}-card")
				self.assertEqual(self.session.errors, [])
				self.session.close()
				self.session = None

	def test_partial_report_confirmed_keeps_the_job_running(self):
		job_card = released_job_card(self.route, 5)
		frappe.db.commit()
		page = self.open(TABLET)
		self.sign_in_and_open(job_card)
		page.click("[data-act='start']")
		page.wait_for_selector("[data-form='complete']")

		# the quantities are shown before they are sent; Cancel sends nothing
		self.report(2, 1)
		confirm = page.inner_text(".t-confirm")
		self.assertIn("2", page.inner_text(".t-confirm [data-qty='good_qty']"))
		self.assertIn("1", page.inner_text(".t-confirm [data-qty='scrap_qty']"))
		self.assertIn(job_card, confirm)
		self.assertIn("2", page.inner_text(".t-confirm-after"))  # left to make after this report
		self.session.screenshot("terminal-tablet-confirm")
		page.click("[data-confirm='cancel']")
		self.assertEqual(page.locator(".t-confirm").count(), 0)
		page.wait_for_timeout(500)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Terminal Action", {"job_card": job_card, "action": "complete"}), 0)
		self.assertEqual(frappe.db.get_value("Job Card", job_card, "total_completed_qty"), 0)
		self.assertEqual(page.input_value("[name='good_qty']"), "2")  # left to correct

		# confirmed: sent once, and the job keeps running
		page.click("[data-review='complete']")
		page.click(".t-confirm [data-confirm='ok']")
		page.wait_for_selector(".t-msg.ok")
		page.wait_for_function("() => document.querySelector('.t-good').innerText.trim() === '2'")
		self.assertEqual(page.locator("[data-act='start']").count(), 0)
		self.assertTrue(page.locator("[data-form='pause']").is_visible())
		self.assertTrue(page.locator("[data-form='complete']").is_visible())
		self.session.screenshot("terminal-tablet-after-partial-report")
		frappe.db.rollback()
		card = frappe.get_doc("Job Card", job_card)
		self.assertEqual((card.total_completed_qty, card.process_loss_qty), (2, 1))
		self.assertEqual([log.employee for log in card.time_logs if not log.to_time], [self.op.employee])
		self.assertEqual(frappe.db.count("Terminal Action", {"job_card": job_card, "action": "complete"}), 1)
		# the last two: nothing left, the operator's work on the card ends
		self.report(2)
		self.assertEqual(
			page.inner_text(".t-confirm-after").strip(),
			in_chinese("Nothing is left to make: your work on this job card ends."),
		)
		page.click(".t-confirm [data-confirm='ok']")
		page.wait_for_function("() => document.querySelector('.t-good').innerText.trim() === '4'")
		self.assertEqual(page.locator("[data-form='complete']").count(), 0)
		self.assertEqual(self.session.errors, [])

	def test_bad_quantity_is_said_at_the_form_and_nothing_sent(self):
		job_card = released_job_card(self.route, 5)
		frappe.db.commit()
		page = self.open(PHONE)
		self.sign_in_and_open(job_card)
		page.click("[data-act='start']")
		page.wait_for_selector("[data-form='complete']")
		page.click("[data-form='complete']")
		page.fill("[name='good_qty']", "0")
		page.click("[data-review='complete']")
		self.assertEqual(page.locator(".t-confirm").count(), 0)
		self.assertTrue(page.inner_text(".t-form-error").strip())
		self.assert_fits(PHONE)
		self.session.screenshot("terminal-phone-nothing-reported")
		self.assertEqual(self.session.errors, [])

	def test_quality_hold_offers_only_what_is_allowed_with_the_reason(self):
		job_card = released_job_card(self.route, 5)
		hold = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"status": "Open",
				"source": "Manual",
				"item_code": "MOM-SF-FG",
				"reason": "Bore diameter out of tolerance",
			}
		)
		hold.flags.ignore_permissions = True
		hold.flags.ignore_mandatory = True
		hold.insert()
		# what a hold does to a running job card: paused (ERPNext's On Hold), the hold named on it
		frappe.db.set_value("Job Card", job_card, {"status": "On Hold", "mom_quality_hold": hold.name})
		frappe.db.commit()
		page = self.open(TABLET)
		self.sign_in_and_open(job_card)
		card = page.locator(f"[data-card='{job_card}']")
		self.assertIn("Bore diameter out of tolerance", card.locator(".t-hold").inner_text())
		for refused in ("[data-act='resume']", "[data-act='start']", "[data-form='complete']"):
			self.assertEqual(card.locator(refused).count(), 0, refused)
		self.assertTrue(card.locator("[data-form='downtime']").is_visible())
		self.assertTrue(card.locator("[data-form='andon']").is_visible())
		self.session.screenshot("terminal-tablet-quality-hold")
		self.assertEqual(self.session.errors, [])

	def test_sign_in_from_the_login_when_badge_scan_is_off(self):
		frappe.db.set_single_value("MOM Settings", "badge_sign_in", 0)
		frappe.db.commit()
		page = self.open(PHONE)
		# no badge: the operator's own Employee is signed in at once
		page.wait_for_selector(f"[data-ws='{self.route.workstation}']")
		self.assertEqual(page.inner_text("#t-employee").strip(), self.op.employee_name)
		job_card = released_job_card(self.route, 3)
		frappe.db.commit()
		self.scan(self.route.workstation)
		page.wait_for_selector(".t-queue")
		self.scan(job_card)
		page.wait_for_selector("[data-act='start']")
		page.click("[data-act='start']")
		page.wait_for_selector("[data-form='pause']")
		self.session.screenshot("terminal-phone-login-sign-in")
		self.assert_fits(PHONE)
		self.assertEqual(self.session.errors, [])
		frappe.db.rollback()
		card = frappe.get_doc("Job Card", job_card)
		self.assertEqual([log.employee for log in card.time_logs], [self.op.employee])
