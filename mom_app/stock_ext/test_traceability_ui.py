"""The Traceability page in a real browser: scan a batch, see the graph and the tables, no console errors."""

import io

import frappe
from frappe.tests.utils import FrappeTestCase
from openpyxl import load_workbook

from mom_app.stock_ext.testing import make_history
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"


class TestTraceabilityPage(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.h = make_history()
		cls.user = make_user(
			"MOM Manager", "ui-trace-manager@mom-test.example", language="zh", password=PASSWORD
		)
		frappe.db.commit()  # the web server reads what is committed

	def test_scan_a_batch_and_see_its_genealogy(self):
		h = self.h
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.user, PASSWORD)
			try:
				lot_input = ".frappe-control[data-fieldname='lot'] input"
				session.open("/app/traceability", lot_input)
				session.page.fill(lot_input, h.fg1)
				session.page.press(lot_input, "Enter")  # what a scanner sends after the code
				session.page.wait_for_selector(".mom-trace-graph svg .mom-trace-node", timeout=20_000)
				page = session.page
				nodes = page.locator(".mom-trace-graph svg g.mom-trace-node")
				expected = api_node_count(h.fg1)
				self.assertEqual(nodes.count(), expected)
				shown = set(nodes.evaluate_all("els => els.map(e => e.getAttribute('data-name'))"))
				self.assertTrue({h.fg1, h.sa1, h.sa2, h.rma1, h.pr1, h.dn1} <= shown, shown)
				# the manager reads the customers a recall reaches: nothing redacted
				customers = page.locator(".mom-trace-graph svg g.mom-trace-node[data-doctype='Customer']")
				self.assertEqual(customers.count(), 2)
				self.assertEqual(page.locator(".mom-trace-graph svg g.mom-trace-node.redacted").count(), 0)
				self.assertEqual(page.locator(".mom-trace-legend .swatch").count(), 6)
				self.assertEqual(
					page.locator(".mom-trace-graph svg path.mom-trace-edge").count(), edge_count(h.fg1)
				)

				materials = page.locator(".mom-trace-table[data-table='materials'] tbody tr")
				self.assertEqual(materials.count(), 8)  # FG-1, SA-1/2, RM-A 1/2, RM-B 1, two kits
				self.assertIn(
					h.supplier_batch_no, page.inner_text(".mom-trace-table[data-table='materials']")
				)
				machines = page.inner_text(".mom-trace-table[data-table='machines']")
				self.assertIn(h.workstation, machines)
				self.assertIn(h.job_card, machines)
				self.assertIn(h.employee, page.inner_text(".mom-trace-table[data-table='operators']"))
				self.assertEqual(page.locator(".mom-trace-table[data-table='customers'] tbody tr").count(), 2)

				# the Print and Export Excel buttons open these URLs (GET, the session's cookie)
				method = f"{base_url}/api/method/mom_app.stock_ext.api"
				pdf = session.context.request.get(f"{method}.print_pdf", params={"lot": h.fg1})
				self.assertEqual(pdf.status, 200, pdf.text()[:300])
				self.assertIn("application/pdf", pdf.headers["content-type"])
				self.assertTrue(pdf.body().startswith(b"%PDF"))
				xlsx = session.context.request.get(f"{method}.export_excel", params={"lot": h.fg1})
				self.assertEqual(xlsx.status, 200, xlsx.text()[:300])
				book = load_workbook(io.BytesIO(xlsx.body()))
				self.assertEqual(book.worksheets[1].max_row, 9)  # materials: a header and eight lots

				shot = session.screenshot("traceability")
				self.assertGreater(shot.stat().st_size, 10_000)

				# collapse the sub-assembly SA-1: the raw material only it leads to disappears
				toggle = page.locator(f".mom-trace-toggle[data-id='{node_id(page, h.sa1)}']")
				toggle.click()
				shown = set(nodes.evaluate_all("els => els.map(e => e.getAttribute('data-name'))"))
				self.assertNotIn(h.rmb1, shown)
				self.assertIn(h.sa1, shown)
				page.locator(f".mom-trace-toggle[data-id='{node_id(page, h.sa1)}']").click()
				self.assertEqual(nodes.count(), expected)

				# a click on a node opens its document
				page.locator(f".mom-trace-graph g.mom-trace-node[data-name='{h.sa2}']").click()
				page.wait_for_url(f"**/app/batch/{h.sa2}", timeout=20_000)
				page.wait_for_function(
					"name => window.cur_frm && cur_frm.doc.name === name && !!cur_frm.layout",
					arg=h.sa2,
					timeout=20_000,
				)
				self.assertEqual(session.errors, [])
			finally:
				session.close()


def api_node_count(lot: str) -> int:
	from mom_app.stock_ext.api import trace

	return len(trace(lot)["nodes"])


def edge_count(lot: str) -> int:
	from mom_app.stock_ext.api import trace

	return len(trace(lot)["edges"])


def node_id(page, name: str) -> str:
	return page.locator(f".mom-trace-graph g.mom-trace-node[data-name='{name}']").get_attribute("data-id")
