"""The quality pages in a real browser (headless Chromium, Chinese UI): the /qc mobile inspection page from
scan to verdict, the SPC chart page and the Process Capability report."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.quality import testing
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"


class TestQualityPages(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.previous_quarantine = frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")
		cls.w = testing.world()
		testing.plan("IQC", cls.w.rm, cls.w.template, readings_per_parameter=3)
		cls.lot = f"QC-UI-{cls.w.prefix}"
		cls.pr = testing.received(cls.w, cls.lot, qty=500)
		cls.qi = frappe.get_all("Quality Inspection", filters={"reference_name": cls.pr.name}, pluck="name")[
			0
		]
		cls.inspector = make_user(
			"Quality Inspector", "ui-qc-inspector@mom-test.example", language="zh", password=PASSWORD
		)
		cls.operator = make_user(
			"MOM Operator", "ui-qc-operator@mom-test.example", language="zh", password=PASSWORD
		)
		cls.char = frappe.get_doc(
			{
				"doctype": "Quality Characteristic",
				"item_code": cls.w.rm,
				"parameter": f"Diameter {cls.w.prefix}",
				"chart_type": "I-MR",
				"spec_type": "Two-sided",
				"lsl": 9.9,
				"usl": 10.1,
				"rules": [{"rule": "N1"}, {"rule": "N2"}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		testing.restore_quarantine(cls.previous_quarantine)
		super().tearDownClass()

	def test_scan_enter_readings_and_submit(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.inspector, PASSWORD)
			try:
				page = session.page
				session.open("/qc", "#mom-qc-code")
				self.assertIn("移动检验", page.inner_text("h3.mom-qc-title"))
				page.fill("#mom-qc-code", self.pr.name)
				page.press("#mom-qc-code", "Enter")  # what a scanner sends after the code
				page.wait_for_selector(".mom-qc-param[data-numeric='1'] input.reading", timeout=20_000)
				readings = page.locator(".mom-qc-param[data-numeric='1'] input.reading")
				self.assertEqual(readings.count(), 3)
				self.assertIn("50", page.inner_text("#mom-qc-form"))  # sample size of lot 500, level II

				# too few readings: refused in the page, nothing sent
				readings.nth(0).fill("10.01")
				page.locator(".mom-qc-param[data-numeric='0'] input[value='1']").check()
				page.click("#mom-qc-submit")
				field_error = ".mom-qc-param[data-numeric='1'] .mom-qc-field-error"
				page.wait_for_selector(field_error, state="visible", timeout=10_000)
				self.assertIn("3", page.inner_text(field_error))
				readings.nth(1).fill("abc")
				self.assertEqual(page.locator("input.reading.bad").count(), 1)

				readings.nth(1).fill("9.99")
				readings.nth(2).fill("10.00")
				page.fill("input.defect[data-class='major']", "2")
				page.click("#mom-qc-submit")
				page.wait_for_selector(".mom-qc-verdict", timeout=30_000)
				verdict = page.inner_text(".mom-qc-verdict")
				self.assertIn(self.qi, page.inner_text("#mom-qc-form .mom-qc-head"))
				self.assertIn(frappe._("Rejected", lang="zh", context="Inspection verdict"), verdict)
				self.assertEqual(page.locator("#mom-qc-form .alert-danger").count(), 1)  # the hold
				session.screenshot("qc-mobile-inspection")
				self.assertEqual(session.errors, [])
			finally:
				session.close()
		frappe.db.rollback()
		qi = frappe.get_doc("Quality Inspection", self.qi)
		self.assertEqual((qi.docstatus, qi.status, qi.mom_defects_major), (1, "Rejected", 2))
		numeric = next(r for r in qi.readings if r.numeric)
		self.assertEqual(
			[numeric.reading_1, numeric.reading_2, numeric.reading_3], ["10.01", "9.99", "10.00"]
		)
		self.assertTrue(qi.mom_quality_hold)
		self.assertEqual(frappe.db.get_value("Batch", self.lot, "mom_quality_hold"), qi.mom_quality_hold)

	def test_operator_is_turned_away(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.operator, PASSWORD)
			try:
				session.open("/qc", ".mom-qc-denied")
				self.assertEqual(session.page.locator("#mom-qc-code").count(), 0)
			finally:
				session.close()

	def test_spc_chart_and_capability_report(self):
		frappe.set_user("Administrator")
		for i, values in enumerate((["10.00", "10.01", "9.99"], ["10.02", "10.00", "9.98"])):
			lot = f"QC-UI-{self.w.prefix}-C{i}"
			pr = testing.received(self.w, lot, qty=100)
			name = frappe.get_all("Quality Inspection", filters={"reference_name": pr.name}, pluck="name")[0]
			qi = frappe.get_doc("Quality Inspection", name)
			for row in qi.readings:
				if row.numeric:
					row.reading_1, row.reading_2, row.reading_3 = values
				else:
					row.reading_value = row.value
			qi.mom_defects_major = 0
			qi.save()
			qi.submit()
		frappe.db.commit()
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.inspector, PASSWORD)
			try:
				page = session.page
				session.open(f"/app/spc-chart/{self.char.name}", ".mom-spc-chart svg circle", timeout=40_000)
				points = page.locator(".mom-spc-chart[data-chart='primary'] svg circle")
				self.assertGreaterEqual(points.count(), 6)
				self.assertEqual(page.locator(".mom-spc-chart[data-chart='secondary'] svg").count(), 1)
				self.assertIn("UCL", page.inner_text(".mom-spc-chart[data-chart='primary']"))
				cpk = page.inner_text(".mom-spc-cap .cell[data-index='Cpk'] .v")
				self.assertNotEqual(cpk.strip(), "—")
				session.screenshot("spc-chart")
				session.open(
					"/app/query-report/Process Capability",
					".dt-scrollable .dt-row",
					timeout=40_000,
				)
				self.assertIn(self.char.name, page.inner_text(".dt-scrollable"))
				self.assertEqual(session.errors, [])
			finally:
				session.close()
