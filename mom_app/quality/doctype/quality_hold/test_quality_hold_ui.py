"""The Quality Hold form and list in Chinese in a real browser (desk 1440x900, phone 390x844): the status of
an open hold reads 未解除 (not the verb 打开), and the held batches say where they are now and where their
stock went."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.quality import testing
from mom_app.quality.hold import raise_hold
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"


class TestQualityHoldFormInChinese(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.inspector = make_user(
			"Quality Inspector", "qh-ui-inspector@mom-test.example", language="zh", password=PASSWORD
		)
		cls.previous_quarantine = frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")
		cls.w = testing.world()
		cls.lot = f"QH-UI-{cls.w.prefix}"
		testing.received(cls.w, cls.lot, qty=100)
		testing.transfer(cls.w, cls.lot, 40, cls.w.line)
		cls.hold = raise_hold(
			"burrs on the flange", "Quality Inspection", item_code=cls.w.rm, batches=[cls.lot]
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		hold = frappe.get_doc("Quality Hold", cls.hold.name)
		if hold.status == "Open":
			hold.release("Use As Is", "test over")
		frappe.db.commit()
		testing.restore_quarantine(cls.previous_quarantine)
		super().tearDownClass()

	def test_open_hold_and_its_batches_in_chinese(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.inspector, PASSWORD)
			page = session.page
			try:
				for width, height in ((1440, 900), (390, 844)):
					page.set_viewport_size({"width": width, "height": height})
					session.open(f"/app/quality-hold/{self.hold.name}", ".mom-hold-now .mom-hold-batch")
					# the title's indicator and the read-only field say what an open hold is
					self.assertEqual(page.inner_text(".page-head .indicator-pill").strip(), "未解除")
					status = page.inner_text(".frappe-control[data-fieldname='status'] .control-value")
					self.assertEqual(status.strip(), "未解除")
					now = page.inner_text(f".mom-hold-batch[data-batch='{self.lot}']")
					self.assertIn(f"{self.w.store}: 60", now)
					self.assertIn(f"{self.w.line}: 40", now)
					self.assertIn("采购收货", now)  # the receipt that brought it in
					self.assertIn("+100", now)
					self.assertIn("-40", now)
					self.assertNotIn("打开", page.inner_text(".layout-main-section"))
					# the batch rows keep what the hold recorded when it was raised
					self.assertIn("冻结时数量", page.inner_text(".frappe-control[data-fieldname='batches']"))
					# nothing wider than the screen; the place and its quantity stay on one line
					overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
					self.assertLessEqual(overflow, 0)
					heights = page.eval_on_selector_all(
						".mom-hold-place", "(els) => els.map((e) => e.getBoundingClientRect().height)"
					)
					self.assertTrue(heights and max(heights) < 30, heights)
					session.screenshot(f"quality-hold-{width}")
				page.set_viewport_size({"width": 1440, "height": 900})
				session.open("/app/quality-hold", ".frappe-list .list-row")
				row = page.locator(f".list-row:has(a[data-name='{self.hold.name}'])")
				self.assertIn("未解除", row.inner_text())
				session.screenshot("quality-hold-list")
				self.assertEqual(session.errors, [])
			finally:
				session.close()
