"""/qc on a phone (390 x 844, headless Chromium), as a Chinese-speaking inspector uses it: what is wrong is
said next to the field and scrolled into view, a reading outside its limits is flagged as it is typed, a
rejected inspection says which reading and defect class failed, an unknown code's message goes with the next
scan and takes the previous result with it, the header is in the reader's words (no "First Article@0", no
"Job Card"), and the page has no website footer. Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS)."""

import contextlib
import re

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.quality import testing
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"
PHONE = {"width": 390, "height": 844}

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def in_chinese(message: str, context: str | None = None) -> str:
	"""`message` in Chinese (passed as a variable, so the POT extraction does not take "zh" for a context)."""
	return frappe._(message, lang="zh", context=context)


class TestQcOnAPhone(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.previous_quarantine = frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")
		cls.w = testing.world()
		testing.plan("IQC", cls.w.rm, cls.w.template, aql_major="1.0", readings_per_parameter=3)
		testing.plan(
			"IPQC",
			cls.w.fg,
			cls.w.template,
			sampling_method="Fixed Sample",
			fixed_sample_size=3,
			frequencies=[{"kind": "First Article"}],
		)
		cls.receipts = [testing.received(cls.w, f"QC-PH-{cls.w.prefix}-{i}", qty=500) for i in range(3)]
		cls.job = testing.work_order(cls.w, qty=10)
		testing.start_job(cls.job.job_card)  # its first-article inspection falls due
		cls.inspector = make_user(
			"Quality Inspector", "ui-qc-phone@mom-test.example", language="zh", password=PASSWORD
		)
		frappe.db.commit()  # the web server reads what is committed
		cls.stack = contextlib.ExitStack()
		cls.base_url = cls.stack.enter_context(served_site())
		cls.browser = cls.stack.enter_context(browser())

	@classmethod
	def tearDownClass(cls):
		cls.stack.close()
		testing.restore_quarantine(cls.previous_quarantine)
		super().tearDownClass()

	def setUp(self):
		self.session = Session(self.browser, self.base_url, self.inspector, PASSWORD)
		self.page = self.session.page
		self.page.set_viewport_size(PHONE)
		self.session.open("/qc", "#mom-qc-code")

	def tearDown(self):
		self.session.close()

	def scan(self, code: str):
		self.page.fill("#mom-qc-code", code)
		self.page.press("#mom-qc-code", "Enter")  # what a scanner sends after the code

	def open_receipt(self, i: int):
		self.scan(self.receipts[i].name)
		self.page.wait_for_selector("#mom-qc-submit", timeout=20_000)

	def in_view(self, selector: str) -> bool:
		box = self.page.locator(selector).first.bounding_box()
		return bool(box) and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]

	def assert_fits_the_phone(self):
		width = self.page.evaluate("() => document.documentElement.scrollWidth")
		self.assertLessEqual(width, PHONE["width"])

	def test_messages_next_to_the_field_scrolled_into_view(self):
		page = self.page
		self.open_receipt(0)
		page.locator(".mom-qc-param[data-numeric='1'] input.reading").first.fill("10.01")
		page.locator("#mom-qc-submit").scroll_into_view_if_needed()
		page.click("#mom-qc-submit")
		numeric_error = ".mom-qc-param[data-numeric='1'] .mom-qc-field-error"
		page.wait_for_selector(numeric_error, state="visible", timeout=10_000)
		self.assertIn("3", page.inner_text(numeric_error))  # 1 reading entered, the plan needs 3
		self.assertTrue(page.inner_text(".mom-qc-param[data-numeric='0'] .mom-qc-field-error").strip())
		page.wait_for_function(
			"""() => { const r = document.querySelector(".mom-qc-param.has-error").getBoundingClientRect();
				return r.top >= 0 && r.bottom <= window.innerHeight; }"""
		)
		self.assertTrue(self.in_view(numeric_error))
		# nothing at the top of the page, off-screen
		self.assertEqual(page.locator("#mom-qc-message .alert").count(), 0)
		# the first empty reading has the focus
		self.assertEqual(page.evaluate("() => document.activeElement.dataset.i"), "1")
		self.session.screenshot("qc-phone-field-errors")
		# the message goes once the field is right
		page.locator(".mom-qc-param[data-numeric='0'] input[value='1']").check()
		self.assertEqual(page.locator(".mom-qc-param[data-numeric='0'].has-error").count(), 0)
		self.assert_fits_the_phone()
		self.assertEqual(self.session.errors, [])

	def test_reading_outside_the_limits_is_flagged_as_typed(self):
		page = self.page
		self.open_receipt(1)
		reading = page.locator(".mom-qc-param[data-numeric='1'] input.reading").nth(1)
		reading.type("10.3")
		self.assertIn("out", reading.get_attribute("class"))
		note = page.inner_text(".mom-qc-param[data-numeric='1'] .mom-qc-note")
		self.assertIn("10.3", note)
		self.assertIn("9.9", note)
		self.session.screenshot("qc-phone-out-of-tolerance")
		reading.fill("10.1")  # the upper limit is inside
		self.assertNotIn("out", reading.get_attribute("class"))
		self.assertEqual(page.inner_text(".mom-qc-param[data-numeric='1'] .mom-qc-note").strip(), "")
		self.assertEqual(self.session.errors, [])

	def test_reject_says_which_reading_and_class_failed(self):
		page = self.page
		self.open_receipt(2)
		readings = page.locator(".mom-qc-param[data-numeric='1'] input.reading")
		for i, value in enumerate(("10.0", "10.3", "10.0")):
			readings.nth(i).fill(value)
		page.locator(".mom-qc-param[data-numeric='0'] input[value='1']").check()
		page.fill("input.defect[data-class='major']", "2")  # n = 50, Re 2
		page.click("#mom-qc-submit")
		page.wait_for_selector(".mom-qc-failures", timeout=30_000)
		failures = page.inner_text(".mom-qc-failures")
		self.assertIn(f"Diameter {self.w.prefix}", failures)
		self.assertIn("10.3", failures)
		self.assertIn(in_chinese("Major"), failures)
		self.assertEqual(page.locator(".mom-qc-failures li").count(), 2)
		self.assertIn("不合格", page.inner_text(".mom-qc-verdict"))
		self.assertTrue(self.in_view(".mom-qc-verdict"))
		self.session.screenshot("qc-phone-rejected")
		self.assert_fits_the_phone()
		self.assertEqual(self.session.errors, [])

	def test_unknown_code_goes_with_the_next_scan_and_takes_the_old_result(self):
		page = self.page
		self.scan(self.job.job_card)
		page.wait_for_selector(".mom-qc-card", timeout=20_000)
		self.scan("NO-SUCH-CODE-42")
		page.wait_for_selector("#mom-qc-message .alert-danger", timeout=20_000)
		self.assertIn("NO-SUCH-CODE-42", page.inner_text("#mom-qc-message"))
		# the previous result is not left under the message
		self.assertEqual(page.locator(".mom-qc-card, #mom-qc-form .mom-qc-param").count(), 0)
		self.assertEqual(page.input_value("#mom-qc-code"), "")  # ready for the next scan
		self.assertEqual(page.locator(".modal.show").count(), 0)
		self.session.screenshot("qc-phone-unknown-code")
		self.scan(self.job.job_card)
		page.wait_for_selector(".mom-qc-card", timeout=20_000)
		self.assertEqual(page.locator("#mom-qc-message .alert").count(), 0)
		self.session.errors = [e for e in self.session.errors if "417" not in e]  # the refused scan
		self.assertEqual(self.session.errors, [])

	def test_header_in_the_readers_words_and_no_website_footer(self):
		page = self.page
		self.scan(self.job.job_card)
		page.wait_for_selector("#mom-qc-form .mom-qc-head", timeout=20_000)
		head = page.inner_text("#mom-qc-form .mom-qc-head") + page.inner_text("#mom-qc-list")
		self.assertIn("制程检验 · 首件检验", head)
		self.assertIn(in_chinese("Job Card"), head)
		for internal in ("@", "First Article", "IPQC", "Job Card", "Inspection"):
			self.assertNotIn(internal, head)
		# what is left of the header once the codes are taken out is Chinese
		codes = [self.job.job_card, self.job.work_order, self.w.fg]
		words = re.sub("|".join(map(re.escape, codes)), "", head)
		words = re.sub(r"MAT-QA-\d{4}-\d+", "", words)
		self.assertEqual(re.findall(r"[A-Za-z]{2,}", words), [])
		# a shop-floor page: no newsletter box, no "Powered by ERPNext"
		self.assertEqual(page.locator("footer, .web-footer, input[type='email']").count(), 0)
		body = page.inner_text("body")
		self.assertNotIn("ERPNext", body)
		self.assertNotIn("由ERPNext驱动", body)
		self.session.screenshot("qc-phone-ipqc-header")
		self.assert_fits_the_phone()
		self.assertEqual(self.session.errors, [])
