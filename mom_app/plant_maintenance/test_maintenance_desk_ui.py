"""The Maintenance Work Order form in a real browser, in Chinese: the technician's form with its workflow
actions and translated options; the requester's (operator's) form read-only once the order is approved.
Screenshots: maintenance-order-technician-zh, maintenance-order-operator-zh."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.plant_maintenance import testing
from mom_app.tests.browser import Session, browser, served_site

DOCTYPE = "Maintenance Work Order"


class TestMaintenanceOrderForm(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("UI")
		cls.technician = testing.person("technician", language="zh")
		cls.operator = testing.person("operator", language="zh")
		cls.checklist = testing.checklist(
			"MOM-PM UI Check",
			[
				{
					"instruction": "主轴温度",
					"kind": "Number",
					"low_limit": "20",
					"high_limit": "60",
					"mandatory": 1,
				}
			],
		)
		frappe.set_user(cls.operator)
		cls.request = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"workstation": cls.machine.workstation,
				"order_type": "Inspection",
				"description": "主轴异响",
			}
		).insert()
		frappe.set_user("Administrator")
		from mom_app.plant_maintenance.orders import system_transition

		cls.request.checklist_template = cls.checklist
		cls.request.save(ignore_permissions=True)
		system_transition(frappe.get_doc(DOCTYPE, cls.request.name), "Approved")
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.delete("ToDo", {"reference_type": DOCTYPE, "reference_name": cls.request.name})
		frappe.delete_doc(DOCTYPE, cls.request.name, ignore_permissions=True, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_technician_and_operator_forms_in_chinese(self):
		path = f"/app/maintenance-work-order/{self.request.name}"
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.technician, testing.PASSWORD)
			try:
				session.open(path, ".frappe-control[data-fieldname='order_type']")
				main = session.page.inner_text(".layout-main-section")
				self.assertIn("检验", main)  # Inspection
				self.assertIn("报修", main)  # the source: Request
				self.assertIn("失效编码", main)
				self.assertIn("主轴温度", main)
				self.assertIn("设备发生故障的时间", main)  # a date-time field's description
				title = session.page.inner_text(".page-head")
				self.assertIn("已批准", title)
				session.page.click(".page-actions .actions-btn-group > button")
				menu = session.page.inner_text(".page-actions .actions-btn-group .dropdown-menu")
				self.assertIn("开始", menu)  # Start
				self.assertNotIn("验证", menu)  # Verify is the supervisor's
				self.assertGreater(
					session.screenshot("maintenance-order-technician-zh").stat().st_size, 10_000
				)
				self.assertEqual(session.errors, [], session.errors)
			finally:
				session.close()

			session = Session(b, base_url, self.operator, testing.PASSWORD)
			try:
				session.open(path, ".frappe-control[data-fieldname='order_type']")
				session.screenshot("maintenance-order-operator-zh")
				intro = session.page.inner_text(".form-message")
				self.assertIn("维修团队", intro)
				self.assertEqual(session.page.locator(".primary-action:visible").count(), 0)  # no Save
				# read-only: the description is shown as text, its editor hidden
				self.assertEqual(
					session.page.locator("textarea[data-fieldname='description']:visible").count(), 0
				)
				self.assertIn(
					"主轴异响", session.page.inner_text(".frappe-control[data-fieldname='description']")
				)
				self.assertEqual(session.errors, [], session.errors)
			finally:
				session.close()
