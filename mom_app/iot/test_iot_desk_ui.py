"""The IoT Device form and the Downtime Entry list in a real browser: buttons, secret dialog, no errors."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import drop_iot_device, make_iot_device, make_user

PASSWORD = "Mom-Test-Pass-2026!"


class TestIoTDeviceForm(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user("MOM Manager", "iot-ui-manager@mom-test.example", password=PASSWORD)
		cls.technician = make_user(
			"Maintenance Technician", "iot-ui-technician@mom-test.example", password=PASSWORD
		)
		cls.device = make_iot_device(
			"MOM-T-UI-HOOK", tags=[{"tag_key": "temp", "signal_role": "Process Parameter"}]
		)
		cls.secret = cls.device.get_password("webhook_secret")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		drop_iot_device(cls.device.name)
		frappe.db.commit()
		super().tearDownClass()

	def test_manager_sees_the_secret_and_tag_buttons(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.manager, PASSWORD)
			try:
				session.open(f"/app/iot-device/{self.device.name}", ".frappe-control[data-fieldname='tags']")
				page = session.page
				page.locator(".inner-group-button[data-label='Tags'] button").click()
				tags = page.locator(".inner-group-button[data-label='Tags'] .dropdown-item")
				self.assertEqual(sorted(tags.all_inner_texts()), ["Export Tag Map", "Import Tag Map"])
				page.keyboard.press("Escape")
				page.locator(".inner-group-button[data-label='Webhook'] button").click()
				page.locator(
					".inner-group-button[data-label='Webhook'] .dropdown-item", has_text="Show Secret"
				).click()
				page.wait_for_selector(".modal.show pre", timeout=10_000)
				self.assertEqual(page.inner_text(".modal.show pre").strip(), self.secret)
				self.assertEqual(session.errors, [])
			finally:
				session.close()

	def test_technician_sees_no_secret_button(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.technician, PASSWORD)
			try:
				session.open(f"/app/iot-device/{self.device.name}", ".frappe-control[data-fieldname='tags']")
				self.assertEqual(session.page.locator(".inner-group-button[data-label='Webhook']").count(), 0)
				self.assertEqual(session.page.locator(".inner-group-button[data-label='Tags']").count(), 1)
				session.open("/app/downtime-entry", ".frappe-list")
				self.assertGreaterEqual(
					session.page.locator(".standard-filter-section [data-fieldname='mom_source']").count(), 1
				)
				# mom_app's form script: a manual entry still asks for operator and stop reason
				session.open("/app/downtime-entry/new", ".frappe-control[data-fieldname='workstation']")
				reqd = session.page.evaluate(
					"() => ['operator', 'stop_reason'].map((f) => cur_frm.get_docfield(f).reqd)"
				)
				self.assertEqual(reqd, [1, 1])
				self.assertEqual(session.errors, [])
			finally:
				session.close()
