"""The SPC chart page in Chinese in a real browser (1440x900, 1024x768, 390x844), on an IoT characteristic of
300 minutes that drifts far beyond its control limits (nearly every point violates a rule) and on a short one:
every point inside the plot area, the whole range on the x axis, violations coloured with a legend and named
on hover, rule labels that never overlap, the selector not cut."""

import math
import time

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.iot.storage import store_readings
from mom_app.quality import testing
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import drop_iot_device, make_iot_device, make_user

PASSWORD = "Mom-Test-Pass-2026!"
DEVICE = "MOM-T-UI-SPC"
PRIMARY = ".mom-spc-chart[data-chart='primary']"

# every dot and label of a chart against its plot frame, and the labels against each other
GEOMETRY = """(chart) => {
	const box = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
	const root = document.querySelector(chart);
	const plot = box(root.querySelector('rect.mom-spc-plot'));
	const inside = (b) => b.l >= plot.l - 0.5 && b.r <= plot.r + 0.5 && b.t >= plot.t - 0.5 && b.b <= plot.b + 0.5;
	const dots = [...root.querySelectorAll('circle')].map(box);
	const labels = [...root.querySelectorAll('text.mom-spc-rule-label')].map(box);
	let overlaps = 0;
	labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
		if (a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b) overlaps += 1;
	}));
	const svg = root.querySelector('svg');
	const xlabels = [...root.querySelectorAll('text.mom-spc-xlabel')];
	return {
		dots: dots.length, dots_outside: dots.filter((b) => !inside(b)).length,
		labels: labels.length, labels_outside: labels.filter((b) => !inside(b)).length, overlaps,
		svg_width: svg.getBoundingClientRect().width, box_width: root.clientWidth,
		last_xlabel: xlabels.length ? xlabels[xlabels.length - 1].textContent : null,
		last_xlabel_right: xlabels.length ? box(xlabels[xlabels.length - 1]).r : null,
		svg_right: box(svg).r,
		fills: [...new Set([...root.querySelectorAll('circle.mom-spc-violation')].map((c) => c.getAttribute('fill')))],
	};
}"""


class TestSpcChartInChinese(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user = make_user(
			"Quality Inspector", "spc-ui-inspector@mom-test.example", language="zh", password=PASSWORD
		)
		cls.previous_quarantine = frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")
		w = testing.world()
		device = make_iot_device(
			DEVICE, tags=[{"tag_key": "bore", "signal_role": "Process Parameter", "unit": "mm"}]
		)
		# 300 minutes: steady, then a slow drift and a wave far beyond the limits, then a spike
		start = (int(time.time()) // 60 - 400) * 60
		rows = []
		for m in range(300):
			value = 40 + 0.4 * math.sin(m * 1.7)
			if m >= 60:
				value += 12 * math.sin((m - 60) / 25)
			if m == 299:
				value = 95
			rows.append(
				{
					"uid": f"{DEVICE}:s:{m}",
					"device": DEVICE,
					"tag": "bore",
					"ts": start + m * 60 + 5,
					"value": value,
				}
			)
		store_readings(rows)
		cls.last_label = frappe.utils.get_datetime(
			frappe.db.get_value("IoT Minute Aggregate", {"device": DEVICE}, "max(minute)")
		).strftime("%m-%d %H:%M")

		def characteristic(max_points):
			return frappe.get_doc(
				{
					"doctype": "Quality Characteristic",
					"item_code": w.rm,
					"data_source": "IoT Signal",
					"iot_device": device.name,
					"iot_tag": "bore",
					"chart_type": "I-MR",
					"max_points": max_points,
					"spec_type": "Two-sided",
					"lsl": 30,
					"usl": 50,
					"rules": [{"rule": r} for r in ("N1", "N2", "N3")],
				}
			).insert(ignore_permissions=True)

		cls.dense = characteristic(300)
		cls.short = characteristic(40)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		for char in (cls.dense, cls.short):
			frappe.delete_doc("Quality Characteristic", char.name, force=True, ignore_permissions=True)
		drop_iot_device(DEVICE)
		frappe.db.commit()
		testing.restore_quarantine(cls.previous_quarantine)
		super().tearDownClass()

	def geometry(self, page, chart=PRIMARY):
		return page.evaluate(GEOMETRY, chart)

	def test_dense_chart_at_every_size(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.user, PASSWORD)
			page = session.page
			try:
				for width, height in ((1440, 900), (1024, 768), (390, 844)):
					page.set_viewport_size({"width": width, "height": height})
					session.open(f"/app/spc-chart/{self.dense.name}", f"{PRIMARY} svg circle", timeout=40_000)
					g = self.geometry(page)
					# every dot inside the plot area, also the spike far above the UCL
					self.assertGreater(g["dots"], 150, g)
					self.assertEqual(g["dots_outside"], 0, g)
					self.assertEqual(
						self.geometry(page, ".mom-spc-chart[data-chart='secondary']")["dots_outside"], 0
					)
					# the whole range: the chart fits its box and the x axis ends with the last point
					self.assertLessEqual(g["svg_width"], g["box_width"] + 1, g)
					self.assertEqual(g["last_xlabel"], self.last_label, g)
					self.assertLessEqual(g["last_xlabel_right"], g["svg_right"] + 0.5, g)
					# at this density no rule text on the points: colours, each in the legend
					self.assertEqual(g["labels"], 0, g)
					legend = page.eval_on_selector_all(
						".mom-spc-legend-rule .swatch",
						"(els) => els.map((e) => getComputedStyle(e).backgroundColor)",
					)
					self.assertTrue(set(g["fills"]) <= set(map(hex_colour, legend)), (g["fills"], legend))
					self.assertIn("N1", page.inner_text(".mom-spc-legend"))
					self.assertIn("3σ", page.inner_text(".mom-spc-legend"))
					# the selector shows the whole title
					cut = page.eval_on_selector(
						".mom-spc-selector input", "(e) => e.scrollWidth - e.clientWidth"
					)
					self.assertLessEqual(cut, 0)
					overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
					self.assertLessEqual(overflow, 0)
					session.screenshot(f"spc-chart-iot-{width}")
				# hovering names the point: its time, value and the rules it violates
				page.set_viewport_size({"width": 1440, "height": 900})
				session.open(f"/app/spc-chart/{self.dense.name}", f"{PRIMARY} svg circle", timeout=40_000)
				page.wait_for_timeout(500)  # the page settled (no re-render under the pointer)
				spike = page.locator(f"{PRIMARY} circle[data-i='299']").bounding_box()
				page.mouse.move(10, 10)
				page.mouse.move(spike["x"] + spike["width"] / 2, spike["y"] + spike["height"] / 2, steps=5)
				tip = page.locator(f"{PRIMARY} .mom-spc-tip")
				tip.wait_for(state="visible", timeout=5_000)
				self.assertIn(self.last_label, tip.inner_text())
				self.assertIn("95", tip.inner_text())
				self.assertIn("超出控制限", tip.inner_text())
				session.screenshot("spc-chart-iot-hover")
				self.assertEqual(session.errors, [])
			finally:
				session.close()

	def test_short_chart_labels_do_not_overlap(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.user, PASSWORD)
			page = session.page
			try:
				page.set_viewport_size({"width": 1440, "height": 900})
				session.open(f"/app/spc-chart/{self.short.name}", f"{PRIMARY} svg circle", timeout=40_000)
				g = self.geometry(page)
				self.assertEqual(g["dots"], 40, g)
				self.assertEqual(g["dots_outside"], 0, g)
				self.assertGreater(g["labels"], 0, g)
				self.assertEqual((g["overlaps"], g["labels_outside"]), (0, 0), g)
				session.screenshot("spc-chart-iot-short")
				self.assertEqual(session.errors, [])
			finally:
				session.close()


def hex_colour(rgb: str) -> str:
	"""'rgb(224, 49, 49)' -> '#e03131'"""
	parts = [int(p) for p in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
	return "#" + "".join(f"{p:02x}" for p in parts)
