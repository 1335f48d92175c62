"""Scanned text never runs as script (headless Chromium): a crafted barcode scanned at /qc, on the Traceability
page and at /terminal is shown as the text it is, and its onerror / onload never fires (it would set a window
flag). Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS)."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.testing import PASSWORD, operator, routed_workstation
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

IMG = '<img src=x onerror="window.momXss=1">'
SVG = '"><svg onload="window.momXss=2">'

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


class TestScannedTextStaysText(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.inspector = make_user(
			"Quality Inspector", "xss-inspector@mom-test.example", language="zh", password=PASSWORD
		)
		cls.manager = make_user(
			"MOM Manager", "xss-manager@mom-test.example", language="zh", password=PASSWORD
		)
		cls.route = routed_workstation("XSS")
		cls.op = operator("xss-op", "SF-XSS-0001")
		frappe.db.commit()  # the web server reads what is committed

	def assert_inert(self, session: Session, selector: str, payload: str):
		page = session.page
		page.wait_for_timeout(1000)  # an injected image has failed to load by now, an svg has loaded
		self.assertTrue(page.evaluate("() => window.momXss === undefined"), "the scanned text ran as script")
		self.assertIn(payload, page.inner_text(selector))
		self.assertEqual(page.locator(f"{selector} img, {selector} svg").count(), 0)

	def test_qc_page(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.inspector, PASSWORD)
			try:
				session.open("/qc", "#mom-qc-code")
				for payload in (IMG, SVG):
					with self.subTest(payload=payload):
						session.page.fill("#mom-qc-code", payload)
						session.page.press("#mom-qc-code", "Enter")  # what a scanner sends after the code
						session.page.wait_for_selector("#mom-qc-message .alert-danger", timeout=20_000)
						self.assert_inert(session, "#mom-qc-message", payload)
				self.assertEqual(session.page.locator(".modal.show").count(), 0)  # shown in the page
				session.screenshot("xss-qc")
			finally:
				session.close()

	def test_traceability_page(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.manager, PASSWORD)
			try:
				lot_input = ".frappe-control[data-fieldname='lot'] input"
				session.open("/app/traceability", lot_input)
				session.page.fill(lot_input, IMG)
				session.page.press(lot_input, "Enter")
				session.page.wait_for_selector(".msgprint", state="visible", timeout=20_000)
				self.assert_inert(session, ".msgprint", IMG)
				session.screenshot("xss-traceability")
			finally:
				session.close()

	def test_terminal(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.op.user, PASSWORD)
			try:
				page = session.page
				session.open("/terminal", "#t-input")
				scan = page.locator("#t-input")
				scan.fill(IMG)  # as a badge
				scan.press("Enter")
				page.wait_for_selector(".t-msg.error")
				self.assert_inert(session, "#t-msg", IMG)
				scan.fill(self.op.badge)
				scan.press("Enter")
				page.wait_for_selector(f"[data-ws='{self.route.workstation}']")
				scan.fill(self.route.workstation)
				scan.press("Enter")
				page.wait_for_selector(".t-queue")
				scan.fill(SVG)  # as a job card
				scan.press("Enter")
				page.wait_for_function(
					"() => document.querySelector('#t-msg').innerText.includes('svg onload')"
				)
				self.assert_inert(session, "#t-msg", SVG)
				session.screenshot("xss-terminal")
			finally:
				session.close()
