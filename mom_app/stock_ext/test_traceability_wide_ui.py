"""The Traceability page on a wide recall (one coil -> 400 finished lots -> 80 deliveries -> 30 customers) in a
real browser: the graph draws a bounded number of nodes with "N more" boxes, the tables show one page of rows,
and Find draws a lot that was not drawn and filters the tables to it."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.stock_ext import synthetic
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import erpnext_company

PASSWORD = "Mom-Test-Pass-2026!"
USER = "ui-trace-wide@mom-test.example"
PLAN = synthetic.WidePlan(
	lots=400, customers=30, intermediates=4, prefix="MOMTEST-UIW-", edge_company="MOMTEST Wide UI"
)
LOT_INPUT = ".frappe-control[data-fieldname='lot'] input"
FIND_INPUT = ".frappe-control[data-fieldname='find'] input"
NODES = ".mom-trace-graph svg g.mom-trace-node"


class TestTraceabilityPageWide(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if synthetic.exists(PLAN):
			synthetic.remove(PLAN)
		synthetic.create(PLAN, erpnext_company())
		exists = frappe.db.exists("User", USER)
		user = frappe.get_doc("User", USER) if exists else frappe.new_doc("User")
		user.update({"email": USER, "first_name": "Wide Trace", "send_welcome_email": 0, "language": "en"})
		user.new_password = PASSWORD
		user.flags.no_welcome_mail = True
		user.save(ignore_permissions=True) if exists else user.insert(ignore_permissions=True)
		user.add_roles("MOM Manager", "Sales User")
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		synthetic.remove(PLAN)
		super().tearDownClass()

	def test_a_wide_recall_stays_usable(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, USER, PASSWORD)
			try:
				page = session.page
				session.open("/app/traceability", LOT_INPUT)
				page.fill(LOT_INPUT, PLAN.coil)
				page.press(LOT_INPUT, "Enter")
				page.wait_for_selector(f"{NODES}[data-name='{PLAN.coil}']", timeout=30_000)

				# the graph: 400 finished lots and 80 deliveries reached, a dozen of each drawn and a box
				# for the rest (all 487 nodes were drawn before)
				names = set(page.locator(NODES).evaluate_all("els => els.map(e => e.dataset.name)"))
				self.assertLessEqual(len(names), 1 + 2 + 4 + 12 + 12)
				self.assertIn(PLAN.finished(0), names)
				self.assertNotIn(PLAN.finished(399), names)
				boxes = page.locator(".mom-trace-graph g.mom-trace-more")
				self.assertEqual(
					sorted(
						boxes.evaluate_all(
							"els => els.map(e => e.querySelector('text').textContent.split(' ')[0])"
						)
					),
					["388", "68"],
				)
				# a box draws more of its column
				page.locator(".mom-trace-graph g.mom-trace-more[data-depth='2']").click()
				self.assertEqual(page.locator(f"{NODES}[data-name^='{PLAN.prefix}FG-']").count(), 62)

				# the tables: one page of rows each, and a pager over all of them
				materials = ".mom-trace-table[data-table='materials']"
				self.assertEqual(page.locator(f"{materials} tbody tr").count(), 50)
				self.assertIn("405", page.inner_text(f"{materials} h5"))
				self.assertIn("1–50", page.inner_text(f"{materials} .mom-trace-range"))
				page.click(f"{materials} .mom-trace-next")
				self.assertIn("51–100", page.inner_text(f"{materials} .mom-trace-range"))
				customers = ".mom-trace-table[data-table='customers']"
				self.assertEqual(page.locator(f"{customers} tbody tr").count(), 50)
				self.assertIn("80", page.inner_text(f"{customers} h5"))

				# Find: the last finished lot, not drawn so far, is drawn (with its strip) and the tables
				# show the rows that name it
				target = PLAN.finished(399)
				page.fill(FIND_INPUT, target)
				page.wait_for_selector(f"{NODES}.found[data-name='{target}']", timeout=10_000)
				self.assertEqual(page.locator(f"{NODES}[data-name='{PLAN.strip(3)}']").count(), 1)
				self.assertEqual(page.locator(f"{materials} tbody tr").count(), 1)
				self.assertIn(target, page.inner_text(f"{materials} tbody"))
				self.assertEqual(page.locator(f"{customers} tbody tr").count(), 1)
				self.assertIn(PLAN.delivery(79), page.inner_text(f"{customers} tbody"))
				session.screenshot("traceability-wide-find")

				page.fill(FIND_INPUT, "")
				page.wait_for_function(
					f'() => document.querySelectorAll("{materials} tbody tr").length === 50', timeout=10_000
				)
				session.screenshot("traceability-wide")
				self.assertEqual(session.errors, [])
			finally:
				session.close()
