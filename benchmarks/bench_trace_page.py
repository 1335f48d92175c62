#!/usr/bin/env python3
"""The Traceability page on a wide recall, in headless Chromium: time to usable and whether it stays responsive.

It creates the wide synthetic genealogy of bench_genealogy.py (mom_app.stock_ext.synthetic: one supplier coil ->
--intermediates strips -> --lots finished lots -> Delivery Notes of five -> --customers customers), serves the
site as the browser tests do (mom_app.tests.browser.served_site: `bench serve`, which also serves the desk's
assets, with the socket.io server beside it), logs in as a desk user with the roles MOM Manager and Sales User and, --runs times, opens /app/traceability at 1440 x 900, scans the coil
(types it, Enter) and measures:

  - api_ms: the page's call (mom_app.stock_ext.api.trace, both ways) from request to response;
  - usable_ms: from Enter to the graph drawn and the Materials and Customers tables filled;
  - dom_elements, graph_nodes_drawn, table_rows_in_dom: what the page put into the document;
  - responsiveness (after the page is usable): the time from an action to the next painted frame for
    scrolling to the bottom and back, the Materials table's next page, finding one finished lot in the trace
    (typing it into the Find box until it is drawn, the box's 250 ms typing pause included) and drawing more
    of a column ("N more"); and the longest main-thread task seen while loading and after.

Screenshots (the view and the whole page) go to --screenshots (default /tmp/mom-screenshots). The generated data
and the user are removed at the end (and data left by a crashed run at the start). The last line is one JSON
object.

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_trace_page.py --site SITE
        [--lots 10000] [--customers 500] [--runs 3]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "GBPAGE-W-"
EDGE_COMPANY = "GBENCH Page"
USER = "gbench-page@mom-bench.example"
PASSWORD = "Gbench-Page-2026!"
ROLES = ("MOM Manager", "Sales User")
LOT_INPUT = ".frappe-control[data-fieldname='lot'] input"
FIND_INPUT = ".frappe-control[data-fieldname='find'] input"

# one painted frame after whatever the page does in reaction to an action
NEXT_FRAME = """() => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)))"""
LONG_TASKS = """() => {
	window.__momLongest = 0;
	try {
		new PerformanceObserver(list => {
			for (const entry of list.getEntries()) window.__momLongest = Math.max(window.__momLongest, entry.duration);
		}).observe({ type: "longtask", buffered: false });
	} catch (e) { window.__momLongest = -1; }
}"""
COUNTS = """() => ({
	dom_elements: document.getElementsByTagName("*").length,
	graph_nodes_drawn: document.querySelectorAll(".mom-trace-graph g.mom-trace-node").length,
	graph_summaries: document.querySelectorAll(".mom-trace-graph g.mom-trace-more").length,
	table_rows_in_dom: document.querySelectorAll(".mom-trace-tables tbody tr").length,
	graph_height_px: (document.querySelector(".mom-trace-graph svg") || {}).clientHeight || 0,
	page_height_px: document.documentElement.scrollHeight,
})"""


def log(text: str):
	print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def ensure_user(frappe) -> str:
	exists = frappe.db.exists("User", USER)
	user = frappe.get_doc("User", USER) if exists else frappe.new_doc("User")
	user.update({"email": USER, "first_name": "Page Bench", "send_welcome_email": 0})
	user.update({"user_type": "System User", "enabled": 1, "new_password": PASSWORD, "language": "en"})
	user.flags.no_welcome_mail = True
	if exists:
		user.save(ignore_permissions=True)
	else:
		user.insert(ignore_permissions=True)
	user.add_roles(*ROLES)
	frappe.db.commit()
	return user.name


def frame_ms(page, action) -> float:
	"""Milliseconds from starting `action` (in Python, through Playwright) to the next painted frame."""
	started = time.perf_counter()
	action()
	page.evaluate(NEXT_FRAME)
	return round((time.perf_counter() - started) * 1000, 1)


def one_run(browser, base_url: str, plan, shots: Path | None) -> dict:
	context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
	try:
		response = context.request.post(f"{base_url}/api/method/login", form={"usr": USER, "pwd": PASSWORD})
		if not response.ok:
			raise SystemExit(f"login failed: {response.status}")
		page = context.new_page()
		errors = []
		page.on("pageerror", lambda e: errors.append(str(e)[:200]))
		page.goto(f"{base_url}/app/traceability", wait_until="domcontentloaded")
		page.wait_for_selector(LOT_INPUT, timeout=60_000)
		page.wait_for_load_state("networkidle", timeout=60_000)
		page.evaluate(LONG_TASKS)
		page.fill(LOT_INPUT, plan.coil)
		api = {}

		def on_response(r):
			if "mom_app.stock_ext.api.trace" in r.url:
				api["at"] = time.perf_counter()
				api["bytes"] = len(r.body())

		page.on("response", on_response)
		started = time.perf_counter()
		page.press(LOT_INPUT, "Enter")
		page.wait_for_selector(".mom-trace-graph svg g.mom-trace-node", timeout=120_000)
		page.wait_for_function(
			"""() => ['materials', 'customers'].every(t =>
				document.querySelectorAll(`.mom-trace-table[data-table='${t}'] tbody tr`).length > 1)""",
			timeout=120_000,
		)
		page.evaluate(NEXT_FRAME)
		usable_ms = (time.perf_counter() - started) * 1000
		api_ms = (api["at"] - started) * 1000 if "at" in api else None
		out = {"usable_ms": round(usable_ms, 1), "api_ms": round(api_ms, 1) if api_ms else None}
		out["api_bytes"] = api.get("bytes")
		out.update(page.evaluate(COUNTS))
		longest_load = page.evaluate("() => window.__momLongest")
		page.evaluate("() => { window.__momLongest = 0; }")
		log(f"usable: {out}")
		if shots:
			shots.mkdir(parents=True, exist_ok=True)
			shot_ms = frame_ms(page, lambda: page.screenshot(path=str(shots / "trace-page-wide.png")))
			out["screenshot_ms"] = shot_ms
		responsive = {
			"scroll_to_bottom": frame_ms(
				page, lambda: page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
			),
			"scroll_to_top": frame_ms(page, lambda: page.evaluate("() => window.scrollTo(0, 0)")),
		}
		next_page = page.locator(".mom-trace-table[data-table='materials'] .mom-trace-next")
		if next_page.count():
			responsive["materials_next_page"] = frame_ms(page, lambda: next_page.first.click())
		find = page.locator(FIND_INPUT)
		if find.count():
			target = plan.finished(plan.lots - 7)
			found = f".mom-trace-graph g.mom-trace-node.found[data-name='{target}']"
			# typing, the find box's 250 ms pause, the graph and tables redrawn with the lot found
			responsive["find_one_lot"] = frame_ms(
				page, lambda: (find.fill(target), page.wait_for_selector(found, timeout=10_000))
			)
			out["found_lot_drawn"] = True
			if shots:
				page.screenshot(path=str(shots / "trace-page-wide-find.png"))
			find.fill("")
			page.evaluate(NEXT_FRAME)
		more = page.locator(".mom-trace-graph g.mom-trace-more")
		if more.count():
			responsive["show_more_in_column"] = frame_ms(page, lambda: more.first.click())
		if shots:
			page.screenshot(path=str(shots / "trace-page-wide-full.png"), full_page=True)
		out["responsive_ms"] = responsive
		out["longest_task_ms"] = {
			"load": round(longest_load, 1),
			"after": page.evaluate("() => window.__momLongest"),
		}
		out["page_errors"] = errors[:3]
		return out
	finally:
		context.close()


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=None)
	parser.add_argument("--lots", type=int, default=10_000)
	parser.add_argument("--customers", type=int, default=500)
	parser.add_argument("--intermediates", type=int, default=100)
	parser.add_argument("--runs", type=int, default=3)
	parser.add_argument("--screenshots", default=os.environ.get("MOM_SCREENSHOTS", "/tmp/mom-screenshots"))
	parser.add_argument("--keep", action="store_true")
	args = parser.parse_args()

	sites_path = os.path.abspath(
		args.sites_path or (os.getcwd() if os.path.exists("apps.txt") else "/home/frappe/frappe-bench/sites")
	)
	import frappe

	from mom_app.stock_ext import synthetic
	from mom_app.tests.browser import CHROMIUM, CHROMIUM_ARGS, served_site

	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	plan = synthetic.WidePlan(
		args.lots, args.customers, args.intermediates, prefix=PREFIX, edge_company=EDGE_COMPANY
	)
	try:
		if synthetic.exists(plan):
			log("removing the data of an earlier run")
			synthetic.remove(plan)
		company = (
			frappe.db.get_single_value("Global Defaults", "default_company")
			or frappe.get_all("Company", pluck="name", limit=1)[0]
		)
		edges = synthetic.create(plan, company)
		ensure_user(frappe)
		log(f"{edges:,} edges: coil {plan.coil} -> {plan.lots:,} lots -> {plan.customers} customers")
		from playwright.sync_api import sync_playwright

		runs = []
		with served_site() as base_url, sync_playwright() as p:
			browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
			try:
				for index in range(args.runs):
					shots = Path(args.screenshots) if index == args.runs - 1 else None
					run = one_run(browser, base_url, plan, shots)
					log(f"run {index + 1}: {run}")
					runs.append(run)
			finally:
				browser.close()
		usable = [r["usable_ms"] for r in runs]
		result = {
			"benchmark": "trace_page",
			"lots": plan.lots,
			"customers": plan.customers,
			"edges": edges,
			"runs": len(runs),
			"usable_ms_median": round(statistics.median(usable), 1),
			"usable_ms_max": round(max(usable), 1),
			"api_ms_median": round(statistics.median([r["api_ms"] for r in runs if r["api_ms"]] or [0]), 1),
			"last_run": runs[-1],
			"viewport": "1440x900",
			"screenshots": args.screenshots,
			"cores": os.cpu_count(),
		}
	finally:
		if not args.keep:
			synthetic.remove(plan)
			if frappe.db.exists("User", USER):
				frappe.delete_doc("User", USER, ignore_permissions=True, force=True)
				frappe.db.commit()
		frappe.destroy()
	print(json.dumps(result))


if __name__ == "__main__":
	main()
