"""The MOM workspace in a real browser: every role, Chinese UI, no console errors."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.rbac import ROLES
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"


class TestMOMWorkspaceInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.users = {
			role: make_user(
				role, f"ui-{frappe.scrub(role)}@mom-test.example", language="zh", password=PASSWORD
			)
			for role in ROLES
		}
		frappe.db.commit()  # the web server reads what is committed

	def test_workspace_loads_for_every_role_in_chinese(self):
		with served_site() as base_url, browser() as b:
			for role, user in self.users.items():
				with self.subTest(role=role):
					session = Session(b, base_url, user, PASSWORD)
					try:
						session.open("/app/mom", ".layout-main-section .ce-block")
						session.page.wait_for_selector(".widget.shortcut-widget-box", timeout=20_000)
						title = session.page.inner_text(".page-head .title-text")
						self.assertEqual(title.strip(), "制造运营")
						sidebar = session.page.inner_text(".desk-sidebar")
						self.assertIn("制造运营", sidebar)
						cards = session.page.locator(".widget.number-widget-box").count()
						self.assertGreaterEqual(cards, 1, role)
						shot = session.screenshot(f"workspace-{frappe.scrub(role)}")
						self.assertGreater(shot.stat().st_size, 10_000)
						self.assertEqual(session.errors, [], f"{role}: {session.errors}")
					finally:
						session.close()

	def test_mom_settings_form_opens(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.users["MOM Manager"], PASSWORD)
			try:
				session.open("/app/mom-settings", ".frappe-control[data-fieldname='company']")
				self.assertIn("工牌", session.page.inner_text(".layout-main-section"))
				self.assertEqual(session.errors, [])
			finally:
				session.close()
