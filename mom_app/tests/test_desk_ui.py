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
						expected = readable_cards(user)
						self.assertTrue(expected, role)
						session.page.wait_for_function(
							"n => document.querySelectorAll('.number-widget-box .number').length === n",
							arg=len(expected),
							timeout=20_000,
						)
						titles = session.page.locator(".number-widget-box .widget-title").all_inner_texts()
						self.assertEqual(sorted(t.strip() for t in titles), sorted(expected.values()), role)
						# the chart has drawn: an SVG chart, or Frappe's "No Data" state (translated) on an empty site
						session.page.wait_for_function(
							"""() => { const box = document.querySelector('.dashboard-widget-box');
							return box && (box.querySelector('.frappe-chart') || box.innerText.includes('无数据')); }""",
							timeout=20_000,
						)
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


def readable_cards(user: str) -> dict[str, str]:
	"""Number cards of the MOM workspace whose doctype `user` may read -> their Chinese labels."""
	from frappe.translate import get_all_translations

	zh = get_all_translations("zh")
	cards = frappe.get_all(
		"Workspace Number Card", filters={"parent": "MOM"}, pluck="number_card_name", order_by="idx"
	)
	frappe.set_user(user)
	try:
		return {
			card: zh.get(card, card)
			for card in cards
			if frappe.has_permission(frappe.db.get_value("Number Card", card, "document_type"), "read")
		}
	finally:
		frappe.set_user("Administrator")
