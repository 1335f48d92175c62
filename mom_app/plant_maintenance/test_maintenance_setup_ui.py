"""The forms a maintenance supervisor sets up in a real browser, in Chinese (1440 x 900): a Condition Rule
(its Measure says 变化率 for Rate, not the price 单价) and a Maintenance Plan (its trigger choices say 计数器
for an asset meter, not the tag role 计量表), each saved from the form. Screenshots:
maintenance-condition-rule-zh, maintenance-plan-zh."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.plant_maintenance import testing
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_iot_device, make_user

DEVICE = "MOM-T-SETUP-UI"


def select_options(session, fieldname: str) -> list[str]:
	return session.page.eval_on_selector_all(
		f".frappe-control[data-fieldname='{fieldname}'] select option",
		"(options) => options.map((o) => o.innerText.trim()).filter(Boolean)",
	)


class TestMaintenanceSetupForms(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.machine = testing.machine("SETUP-UI")
		make_iot_device(
			DEVICE,
			tags=[{"tag_key": "spindle_temp", "signal_role": "Process Parameter", "unit": "°C"}],
			workstation=cls.machine.workstation,
		)
		cls.user = make_user(
			"Production Supervisor", "pm-setup-ui@mom-test.example", language="zh", password=testing.PASSWORD
		)
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for doctype, field in (("Condition Rule", "device"), ("Maintenance Plan", "asset")):
			value = DEVICE if field == "device" else cls.machine.asset
			for name in frappe.get_all(doctype, filters={field: value}, pluck="name"):
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def session(self, b, base_url) -> Session:
		s = Session(b, base_url, self.user, testing.PASSWORD)
		s.page.set_viewport_size({"width": 1440, "height": 900})
		return s

	def save(self, s):
		s.page.keyboard.press("Control+s")
		s.page.wait_for_function("() => !cur_frm.is_new() && !cur_frm.is_dirty()")

	def test_condition_rule_form(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url)
			try:
				s.open("/app/condition-rule/new", ".frappe-control[data-fieldname='measure']")
				self.assertEqual(select_options(s, "measure"), ["数值", "变化率"])
				s.page.fill(".frappe-control[data-fieldname='rule_name'] input", "主轴温度过高")
				s.page.evaluate(
					"""(device) => Promise.all([
						cur_frm.set_value('device', device), cur_frm.set_value('tag', 'spindle_temp'),
						cur_frm.set_value('condition', 'Above'), cur_frm.set_value('high_limit', 80),
						cur_frm.set_value('measure', 'Rate')])""",
					DEVICE,
				)
				self.save(s)
				name = s.page.evaluate("() => cur_frm.doc.name")
				frappe.db.rollback()  # see what the web server committed
				rule = frappe.db.get_value(
					"Condition Rule", name, ["measure", "workstation", "asset"], as_dict=True
				)
				self.assertEqual(
					(rule.measure, rule.workstation, rule.asset),
					("Rate", self.machine.workstation, self.machine.asset),
				)
				self.assertIn("变化率", s.page.inner_text(".frappe-control[data-fieldname='measure']"))
				s.screenshot("maintenance-condition-rule-zh")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_maintenance_plan_form(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url)
			try:
				s.open("/app/maintenance-plan/new", ".frappe-control[data-fieldname='trigger_type']")
				self.assertEqual(select_options(s, "trigger_type"), ["日历", "计数器", "日历或计数器"])
				s.page.fill(".frappe-control[data-fieldname='plan_name'] input", "月度保养")
				s.page.evaluate(
					"""(asset) => Promise.all([
						cur_frm.set_value('applies_to', 'Asset'), cur_frm.set_value('asset', asset),
						cur_frm.set_value('order_type', 'Preventive'), cur_frm.set_value('trigger_type', 'Calendar'),
						cur_frm.set_value('every', 1), cur_frm.set_value('every_unit', 'Month'),
						cur_frm.set_value('start_date', frappe.datetime.get_today())])""",
					self.machine.asset,
				)
				self.save(s)
				name = s.page.evaluate("() => cur_frm.doc.name")
				frappe.db.rollback()  # see what the web server committed
				self.assertEqual(frappe.db.get_value("Maintenance Plan", name, "asset"), self.machine.asset)
				s.screenshot("maintenance-plan-zh")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
