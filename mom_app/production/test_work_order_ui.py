"""The Work Order at the desk in headless Chromium at 1440x900, in Chinese: a draft rework order tells the
supervisor its approval state and who approves next (no "submit this work order" banner), a required field
of the order type is asked for when saving, an order whose job started at the terminal says 进行中, the
timeline shows no "null", and the traveler prints without English.

Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS), never into the repository."""

import re
import uuid

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.api import terminal, work_order_approval
from mom_app.production.testing import PASSWORD, operator, routed_workstation, work_order
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]

ERPNEXT_SUBMIT_BANNER = "提交此工单以进一步处理"


class TestWorkOrderInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("WOUI")
		frappe.db.sql(
			"update `tabJob Card` set docstatus = 2, status = 'Cancelled' where docstatus = 0 and workstation = %s",
			cls.route.workstation,
		)
		frappe.db.set_value("Workstation", cls.route.workstation, "mom_terminal_user", None)
		users = {
			"supervisor": "Production Supervisor",
			"qa": "Quality Inspector",
			"manager": "MOM Manager",
		}
		cls.users = {
			key: make_user(role, f"woui-{key}@mom-test.example", language="zh", password=PASSWORD)
			for key, role in users.items()
		}
		frappe.set_user(cls.users["supervisor"])
		cls.rework = work_order(cls.route, 2, "Rework", description="轴承位返修").insert().name
		cls.next_step = work_order_approval.approval(cls.rework)["steps"]
		frappe.set_user("Administrator")
		# a released order whose job an operator starts at the terminal
		released = work_order(cls.route, 3)
		released.insert()
		released.submit()
		cls.released = released.name
		cls.job_card = frappe.db.get_value("Job Card", {"work_order": released.name}, "name")
		# how Frappe records a change of a field that was empty (ERPNext filling the planned end date on
		# submit): the old value is null in the Version
		before = frappe.get_doc("Work Order", released.name)
		before.planned_end_date = None
		version = frappe.new_doc("Version")
		version.update_version_info(before, frappe.get_doc("Work Order", released.name))
		version.insert(ignore_permissions=True)
		cls.op = operator("woui-op", "SF-WOUI-0001")
		frappe.db.commit()  # the web server reads what is committed; the terminal commits too
		frappe.set_user(cls.op.user)
		terminal.act(str(uuid.uuid4()), "start", cls.op.badge, cls.job_card, cls.route.workstation)
		frappe.set_user("Administrator")
		frappe.db.commit()

	def session(self, b, base_url, user, width=1440, height=900):
		s = Session(b, base_url, user, PASSWORD)
		s.page.set_viewport_size({"width": width, "height": height})
		return s

	def open_form(self, s, name):
		s.open(f"/app/work-order/{name}", ".form-layout")
		s.page.wait_for_function("() => window.cur_frm && cur_frm.doc.name && !cur_frm.doc.__unsaved")

	def test_draft_rework_order_says_who_approves_next(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.users["supervisor"])
			try:
				self.open_form(s, self.rework)
				s.page.wait_for_selector(".form-message .mom-approval-state")
				message = s.page.inner_text(".form-message")
				self.assertIn("审批状态：草稿", message)
				self.assertIn("下一步", message)
				self.assertIn("质检员", message)
				for name in self.next_step[0]["users"]:  # who holds the role
					self.assertIn(name, message)
				self.assertNotIn("您可以", message)  # not the supervisor's step
				self.assertNotIn(ERPNEXT_SUBMIT_BANNER, s.page.inner_text(".layout-main-section"))
				s.screenshot("work-order-rework-draft-supervisor")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()
			s = self.session(b, base_url, self.users["qa"])
			try:
				self.open_form(s, self.rework)
				s.page.wait_for_selector(".form-message .mom-approval-mine")
				self.assertIn("“操作”菜单", s.page.inner_text(".form-message"))
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_required_field_of_the_type_is_asked_for_at_save(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.users["supervisor"])
			try:
				self.open_form(s, self.rework)
				s.page.wait_for_function("() => cur_frm.get_field('description').df.reqd === 1")
				field = s.page.locator(".frappe-control[data-fieldname='description']")
				# ERPNext makes "Item Description" read-only: a field the type requires can be typed
				self.assertEqual(s.page.evaluate("cur_frm.get_field('description').df.read_only"), 0)
				s.page.evaluate("() => cur_frm.set_value('description', '')")
				s.page.keyboard.press("Control+s")
				dialog = s.page.locator(".modal.show .modal-body")
				dialog.wait_for()
				self.assertIn(field.locator(".control-label").inner_text().strip(), dialog.inner_text())
				self.assertTrue(s.page.evaluate("cur_frm.doc.__unsaved"))
				s.screenshot("work-order-required-at-save")
				self.assertEqual(frappe.db.get_value("Work Order", self.rework, "description"), "轴承位返修")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_started_order_says_in_process_and_no_null_in_its_timeline(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.users["manager"])
			try:
				self.open_form(s, self.released)
				indicator = s.page.inner_text(".page-head .indicator-pill").strip()
				self.assertEqual(indicator, "进行中")
				s.page.wait_for_selector(".new-timeline .timeline-item")
				timeline = s.page.inner_text(".new-timeline")
				self.assertIn("计划的结束日期", timeline)  # ERPNext filled it on submit (empty before)
				self.assertNotIn("null", timeline)
				s.screenshot("work-order-in-process")
				self.assertEqual(s.errors, [], s.errors)
			finally:
				s.close()

	def test_traveler_prints_in_chinese(self):
		with served_site() as base_url, browser() as b:
			s = self.session(b, base_url, self.users["manager"], width=1024, height=768)
			try:
				s.open(
					f"/printview?doctype=Work%20Order&name={self.released}"
					"&format=Work%20Order%20Traveler&no_letterhead=1",
					".mom-traveler",
				)
				text = s.page.inner_text(".mom-traveler")
				self.assertIn("工单流转卡", text)
				self.assertIn("终端扫码", text)
				self.assertIn("3 件", text)
				data = {
					self.released,
					self.job_card,
					self.route.workstation,
					self.route.operation,
					"MOM-SF-FG",
				}
				words = set(re.findall(r"[A-Za-z][A-Za-z-]+", text)) - {
					w for value in data for w in re.findall(r"[A-Za-z][A-Za-z-]+", value)
				}
				self.assertEqual(words, set(), words)
				s.screenshot("work-order-traveler-zh")
				# Frappe's print page links no icon, so Chromium asks for /favicon.ico (404, logged to the
				# console but invisible to Playwright's response events); any other failed request is kept
				favicon = "console: Failed to load resource: the server responded with a status of 404"
				self.assertEqual([e for e in s.errors if not e.startswith(favicon)], [], s.errors)
			finally:
				s.close()
