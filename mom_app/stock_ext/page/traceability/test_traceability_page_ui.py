"""The Traceability page in Chinese in a real browser: the graph pans by dragging and zooms (tablet 1024x768,
phone 390x844), a MOM Manager reads the customers a recall reaches, the legend says why a node is hidden
(•••) for a role that may not read it, and an "In Process" inspection reads 制程检验."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.stock_ext.testing import make_history
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = "Mom-Test-Pass-2026!"
LOT_INPUT = ".frappe-control[data-fieldname='lot'] input"
GRAPH = ".mom-trace-graph"


class TestTraceabilityPageInChinese(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.h = make_history()
		cls.manager = make_user(
			"MOM Manager", "trace-page-manager@mom-test.example", language="zh", password=PASSWORD
		)
		cls.supervisor = make_user(
			"Production Supervisor",
			"trace-page-supervisor@mom-test.example",
			language="zh",
			password=PASSWORD,
		)
		cls.qi = (
			frappe.get_doc(
				{
					"doctype": "Quality Inspection",
					"inspection_type": "In Process",
					"reference_type": "Stock Entry",
					"reference_name": cls.h.se1,
					"item_code": "MOM-TR-SA",
					"batch_no": cls.h.sa1,
					"sample_size": 1,
					"inspected_by": "Administrator",
					"status": "Accepted",
					"manual_inspection": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()  # the web server reads what is committed

	def trace(self, session, lot):
		page = session.page
		session.open("/app/traceability", LOT_INPUT)
		page.fill(LOT_INPUT, lot)
		page.press(LOT_INPUT, "Enter")
		page.wait_for_selector(f"{GRAPH} svg .mom-trace-node", timeout=20_000)
		page.wait_for_timeout(300)

	def scroll(self, page) -> dict:
		return page.eval_on_selector(
			GRAPH,
			"""(g) => ({left: g.scrollLeft, room: g.scrollWidth - g.clientWidth,
				svg: g.querySelector('svg').getBoundingClientRect().width, box: g.clientWidth,
				more_left: g.parentElement.classList.contains('more-left'),
				more_right: g.parentElement.classList.contains('more-right')})""",
		)

	def test_manager_reads_customers_and_pans_the_graph(self):
		h = self.h
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.manager, PASSWORD)
			page = session.page
			try:
				for width, height in ((1024, 768), (390, 844)):
					page.set_viewport_size({"width": width, "height": height})
					self.trace(session, h.sa1)
					# the graph is wider than its box, opened on the traced lot: more on both sides, shown
					s = self.scroll(page)
					self.assertGreater(s["room"], 0, s)
					self.assertTrue(s["more_left"] and s["more_right"], s)
					self.assertTrue(page.locator(".mom-trace-pan-hint").is_visible())
					session.screenshot(f"traceability-pan-{width}")

					# dragging the background moves the graph; the node the drag ends on does not open
					box = page.locator(GRAPH).bounding_box()
					start = {"x": box["x"] + box["width"] / 2, "y": box["y"] + 12}
					page.mouse.move(start["x"], start["y"])
					page.mouse.down()
					page.mouse.move(start["x"] + 5000, start["y"], steps=8)
					page.mouse.up()
					s = self.scroll(page)
					self.assertEqual(s["left"], 0, s)
					self.assertFalse(s["more_left"], s)
					self.assertTrue(s["more_right"], s)
					self.assertIn("/app/traceability", page.url)

					# zoom: fit shows the whole graph, + makes it bigger again
					page.locator(".mom-trace-zoom-fit").click()
					s = self.scroll(page)
					self.assertLessEqual(s["svg"], s["box"] + 1, s)
					self.assertFalse(s["more_left"] or s["more_right"], s)
					fitted = s["svg"]
					page.locator(".mom-trace-zoom-in").click()
					self.assertGreater(self.scroll(page)["svg"], fitted)
					self.assertRegex(page.inner_text(".mom-trace-zoom-level"), r"^\d+%$")
					page.locator(".mom-trace-zoom-reset").click()
					self.assertEqual(page.inner_text(".mom-trace-zoom-level"), "100%")

				# a recall needs the customers: the manager reads them (no •••)
				page.set_viewport_size({"width": 1440, "height": 900})
				self.trace(session, h.fg1)
				customers = page.locator(f"{GRAPH} g.mom-trace-node[data-doctype='Customer']")
				self.assertEqual(customers.count(), 2)
				self.assertEqual(page.locator(f"{GRAPH} g.mom-trace-node.redacted").count(), 0)
				names = set(customers.evaluate_all("els => els.map(e => e.getAttribute('data-name'))"))
				self.assertEqual(names, {h.c1, h.c2})
				table = page.inner_text(".mom-trace-table[data-table='customers']")
				self.assertIn(h.c1, table)
				self.assertNotIn("•••", table)
				self.assertEqual(page.locator(".mom-trace-legend-hidden").count(), 0)
				# the inspection type is the inspection stage, not "in progress"
				inspections = page.inner_text(".mom-trace-table[data-table='inspections']")
				self.assertIn("制程检验", inspections)
				self.assertNotIn("进行中", inspections)
				self.assertIn("合格", inspections)
				session.screenshot("traceability-manager-customers")

				# the same words on the inspection itself: its form (editable or read-only) and the list
				session.open(
					f"/app/quality-inspection/{self.qi}", ".frappe-control[data-fieldname='inspection_type']"
				)
				field = ".frappe-control[data-fieldname='inspection_type']"
				shown = page.eval_on_selector(field + " select", "(s) => s.options[s.selectedIndex].text")
				self.assertEqual(shown, "制程检验")
				read_only = page.evaluate(
					"() => frappe.format('In Process', frappe.meta.get_docfield('Quality Inspection', 'inspection_type'))"
				)
				self.assertEqual(read_only, "制程检验")
				session.open(f"/app/quality-inspection?name={self.qi}", ".frappe-list .list-row")
				row = page.locator(f".list-row:has(a[data-name='{self.qi}'])")
				self.assertIn("制程检验", row.inner_text())
				self.assertNotIn("进行中", row.inner_text())
				self.assertEqual(session.errors, [])
			finally:
				session.close()

	def test_legend_says_why_nodes_are_hidden(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.supervisor, PASSWORD)
			page = session.page
			try:
				page.set_viewport_size({"width": 1440, "height": 900})
				self.trace(session, self.h.fg1)
				self.assertGreater(page.locator(f"{GRAPH} g.mom-trace-node.redacted").count(), 0)
				legend = page.inner_text(".mom-trace-legend-hidden")
				self.assertIn("您的角色无权查看", legend)
				for doctype in ("Customer", "Delivery Note", "Purchase Receipt", "Supplier"):
					self.assertIn(translated(doctype), legend)
				self.assertNotIn("Batch", legend)
				session.screenshot("traceability-hidden-legend")
				self.assertEqual(session.errors, [])
			finally:
				session.close()


def translated(doctype: str) -> str:
	frappe.local.lang = "zh"
	try:
		return frappe._(doctype)
	finally:
		frappe.local.lang = "en"
