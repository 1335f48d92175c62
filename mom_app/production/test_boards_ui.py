"""The shop-floor board (1440x900) and the line board (电子看板, a 1920x1080 TV) in headless Chromium, in Chinese.

The line of mom_app.production.test_boards.board_line(): a workstation with a shift around now, 7 units logged
against a plan of 10 an hour, two stops (one without a reason); a second workstation in setup. Screenshots go
to /tmp/mom-screenshots (MOM_SCREENSHOTS), never into the repository."""

import contextlib
import time
from datetime import timedelta
from urllib.parse import quote

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from mom_app.production.api import terminal
from mom_app.production.test_boards import board_line, board_shift, cid, clear_workstation, log_time
from mom_app.production.testing import PASSWORD, routed_workstation
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import daytime_zone, make_user, set_time_zone

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]

# the pages' own English words, which a Chinese reader must not see
ENGLISH = ("This shift", "Today ·", "Losses", "Downtime by reason", "Stops", "Shift target", "Due by now",
	"Line Board", "No andon call", "Andon ·", "Setup", "Running", "Unclassified")  # fmt: skip

# a stroked arc of real size in an SVG (not the grey track): the OEE ring as drawn
DRAWN_ARCS = """el => [...el.querySelectorAll('svg path, svg circle')].filter(shape => {
	const box = shape.getBoundingClientRect();
	const stroke = getComputedStyle(shape).stroke;
	const dash = (shape.getAttribute('stroke-dasharray') || '1').split(/[ ,]+/)[0];
	return box.width >= 40 && box.height >= 20 && stroke && stroke !== 'none'
		&& !/229, 231, 235/.test(stroke) && parseFloat(dash) > 0;
}).length"""


def english_in(text: str) -> list[str]:
	return [word for word in ENGLISH if word in text]


class TestBoardsInBrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		# registered first, so it runs last: after FrappeTestCase's rollback of the class's records
		cls.zone_before = None
		cls.addClassCleanup(lambda: cls.zone_before and set_time_zone(cls.zone_before))
		super().setUpClass()
		cls.zone_before = daytime_zone()  # the test shift (two hours ago to three ahead) within today
		cls.b = board_line("BUI")
		# a second workstation of the line, in setup (a changeover) since ten minutes
		cls.setup_ws = routed_workstation("BUI2", minutes_per_unit=6, shift=board_shift()).workstation
		frappe.db.set_value("Workstation", cls.setup_ws, "plant_floor", cls.b.line)
		clear_workstation(cls.setup_ws)
		log = frappe.get_doc(
			{
				"doctype": "Machine State Log",
				"workstation": cls.setup_ws,
				"state": "Setup",
				"source": "IoT",
				"start": now_datetime() - timedelta(minutes=10),
			}
		)
		log.flags.from_iot = True
		log.insert(ignore_permissions=True)
		cls.stops = []
		for minutes, reason in ((10, None), (20, "Changeover")):
			entry = frappe.get_doc(
				{
					"doctype": "Downtime Entry",
					"workstation": cls.b.workstation,
					"from_time": cls.b.start + timedelta(minutes=minutes),
					"to_time": cls.b.start + timedelta(minutes=minutes + 5),
					"mom_source": "Automatic",
				}
			)
			if reason and frappe.db.exists("Downtime Reason", reason):
				entry.mom_downtime_reason = reason
			entry.flags.mom_automatic = True
			entry.insert(ignore_permissions=True)
			if not reason:  # an automatic stop nobody classified: ERPNext's own reason is empty
				frappe.db.set_value("Downtime Entry", entry.name, "stop_reason", "")
			cls.stops.append(entry.name)
		cls.supervisor = make_user(
			"Production Supervisor", "board-ui-supervisor@mom-test.example", language="zh", password=PASSWORD
		)
		frappe.db.commit()  # the web server reads what is committed
		cls.stack = contextlib.ExitStack()
		cls.base_url = cls.stack.enter_context(served_site())
		cls.browser = cls.stack.enter_context(browser())

	@classmethod
	def tearDownClass(cls):
		cls.stack.close()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		for ws in (self.b.workstation, self.setup_ws):
			frappe.db.delete("Andon Call", {"workstation": ws})
		frappe.cache.delete_keys("mom:andon:")
		frappe.db.commit()

	def session(self, width=1440, height=900) -> Session:
		s = Session(self.browser, self.base_url, self.supervisor, PASSWORD)
		self.addCleanup(s.close)
		s.page.set_viewport_size({"width": width, "height": height})
		return s

	def open_board(self, s: Session):
		s.open("/app/shop-floor-board", f".mom-tile[data-ws='{self.b.workstation}']")
		return s.page.locator(f".mom-tile[data-ws='{self.b.workstation}']")

	def open_detail(self, s: Session, tile):
		tile.click()
		s.page.wait_for_selector(".modal.show .mom-detail")
		return s.page.locator(".modal.show")

	def close_detail(self, s: Session):
		# the dialog's own close button, as a user closes it (an Escape pressed at the page left the drill-down
		# open in one CI run: the dialog has no field to hold the focus)
		s.page.click(".modal.show .btn-modal-close")
		s.page.wait_for_selector(".modal.show", state="detached", timeout=10_000)

	def wait_live(self, s: Session):
		"""Until the page's socket is connected and has had time to join the workstations' rooms."""
		s.page.wait_for_function(
			"() => frappe.realtime.socket && frappe.realtime.socket.connected", timeout=20_000
		)
		s.page.wait_for_timeout(1500)

	# -- the shop floor board ----------------------------------------------------------------------------

	def test_oee_ring_is_drawn(self):
		s = self.session()
		tile = self.open_board(s)
		self.assertGreaterEqual(tile.evaluate(DRAWN_ARCS), 1, "no OEE arc drawn in the tile")
		self.assertRegex(tile.locator(".mom-ring-figure").text_content().strip(), r"^\d+\.\d%$")
		self.assertEqual(english_in(s.page.locator(".mom-board").inner_text()), [])
		s.screenshot("board-1440")
		self.assertEqual(s.errors, [], s.errors)

	def test_tile_and_drilldown_say_the_period_and_show_one_figure(self):
		s = self.session()
		tile = self.open_board(s)
		period = tile.locator(".mom-period").inner_text().strip()
		self.assertIn("本班", period)
		self.assertIn(self.b.start.strftime("%H:%M"), period)
		figure = tile.locator(".mom-ring-figure").text_content().strip()
		for choice in ("shift", "day"):
			if choice == "day":
				s.page.select_option("select[data-fieldname='period']", "day")
				s.page.wait_for_function(
					f"""() => {{
						const el = document.querySelector(".mom-tile[data-ws='{self.b.workstation}'] .mom-period");
						return el && el.innerText.includes("今日");
					}}"""
				)
				period = tile.locator(".mom-period").inner_text().strip()
				figure = tile.locator(".mom-ring-figure").text_content().strip()
			modal = self.open_detail(s, tile)
			self.assertEqual(modal.locator(".mom-detail-period").inner_text().strip(), period, choice)
			self.assertEqual(modal.locator("[data-figure='oee'] b").inner_text().strip(), figure, choice)
			s.screenshot(f"board-1440-detail-{choice}")
			self.close_detail(s)
		self.assertEqual(s.errors, [], s.errors)

	def test_setup_badge_reads_changeover(self):
		s = self.session()
		self.open_board(s)
		badge = s.page.locator(f".mom-tile[data-ws='{self.setup_ws}'] .mom-state").inner_text().strip()
		self.assertEqual(badge, "换型调机")  # the machine state Setup, not 设置 (Settings)

	def test_lists_say_setup_as_a_changeover(self):
		# ERPNext's Workstation list and the Machine State Log list say their states in the shop floor's words
		frappe.db.set_value("Workstation", self.setup_ws, "status", "Setup")
		frappe.db.commit()
		s = self.session()
		for route in (
			f"/app/workstation?name={quote(self.setup_ws)}",
			f"/app/machine-state-log?workstation={quote(self.setup_ws)}",
		):
			s.open(route, ".list-row-container .indicator-pill")
			pills = [
				p.strip() for p in s.page.locator(".list-row-container .indicator-pill").all_inner_texts()
			]
			self.assertTrue(pills, route)
			self.assertEqual(set(pills), {"换型调机"}, route)
		self.assertEqual(s.errors, [], s.errors)

	def test_downtime_bars_are_labelled(self):
		s = self.session()
		modal = self.open_detail(s, self.open_board(s))
		labels = [x.strip() for x in modal.locator(".mom-bar-reason .mom-bar-label").all_inner_texts()]
		self.assertEqual(len(labels), 2, labels)
		self.assertTrue(all(labels), labels)
		self.assertIn("未分类", labels)
		self.assertEqual(english_in(modal.inner_text()), [])

	def test_drilldown_opens_without_errors(self):
		s = self.session()
		tile = self.open_board(s)
		for size in ({"width": 1366, "height": 800}, {"width": 1440, "height": 900}):
			s.page.set_viewport_size(size)
			s.page.wait_for_timeout(300)
		for _attempt in range(2):
			tile.click()
			s.page.wait_for_selector(".modal.show .modal-body")
			s.page.wait_for_timeout(1000)
			self.close_detail(s)
		self.assertEqual(s.errors, [], s.errors)
		self.assertEqual(s.known_races, [], s.known_races)

	def test_drilldown_links_to_the_workstation_its_job_cards_and_stops(self):
		s = self.session()
		modal = self.open_detail(s, self.open_board(s))

		def hrefs(kind):
			return modal.locator(f"a[data-link='{kind}']").evaluate_all(
				"links => links.map(a => a.getAttribute('href'))"
			)

		self.assertEqual(hrefs("workstation"), [f"/app/workstation/{quote(self.b.workstation)}"])
		self.assertIn(f"/app/job-card/{quote(self.b.first)}", hrefs("job-card"))
		self.assertEqual(sorted(hrefs("stop")), sorted(f"/app/downtime-entry/{quote(n)}" for n in self.stops))
		self.assertTrue(hrefs("stops") and all("workstation=" in h for h in hrefs("stops")))
		s.page.click(".modal.show a[data-link='workstation']")
		s.page.wait_for_url("**/app/workstation/**")
		s.page.wait_for_function(
			f"() => window.cur_frm && cur_frm.doctype === 'Workstation' && cur_frm.docname === {self.b.workstation!r}"
		)
		self.assertEqual(s.errors, [], s.errors)

	def test_board_follows_realtime_events_of_every_workstation(self):
		s = self.session()
		self.open_board(s)
		self.wait_live(s)
		tile = f".mom-tile[data-ws='{self.setup_ws}']"
		self.assertEqual(s.page.locator(f"{tile} .mom-andon").count(), 0)
		frappe.set_user(self.b.op.user)
		terminal.andon(cid(), self.b.op.badge, self.setup_ws, "maintenance")
		frappe.set_user("Administrator")
		frappe.db.commit()  # publishes the andon events to the workstation's room
		s.page.wait_for_selector(f"{tile} .mom-andon", timeout=15_000)
		self.assertIn("设备维修", s.page.inner_text(f"{tile} .mom-andon"))
		self.assertEqual(s.errors, [], s.errors)

	# -- the line board on a TV ---------------------------------------------------------------------------

	def test_line_board_on_a_tv(self):
		ws = self.b.workstation
		s = self.session(1920, 1080)
		s.open(f"/app/line-board/{quote(self.b.line)}", f".mom-tv-row[data-ws='{ws}']")
		# no desk chrome
		self.assertFalse(s.page.locator(".navbar").first.is_visible())
		self.assertFalse(s.page.locator(".page-head").first.is_visible())
		rows = s.page.locator(".mom-tv-row").evaluate_all("rows => rows.map(r => r.dataset.ws)")
		self.assertEqual(sorted(rows), sorted([ws, self.setup_ws]))
		row = s.page.locator(f".mom-tv-row[data-ws='{ws}']")

		def fig(key):
			return row.locator(f"[data-fig='{key}']").first.inner_text().strip()

		self.assertEqual(fig("target"), "30")
		self.assertEqual(fig("actual"), "7")
		planned = [p.strip() for p in row.locator(".mom-tv-hour [data-fig='planned']").all_inner_texts()]
		self.assertEqual(planned, ["10", "10", "10", "0", "0"])
		actual = [a.strip() for a in row.locator(".mom-tv-hour [data-fig='actual']").all_inner_texts()]
		self.assertEqual(actual[:2], ["3", "4"])
		setup_state = s.page.inner_text(f".mom-tv-row[data-ws='{self.setup_ws}'] .mom-tv-state").strip()
		self.assertEqual(setup_state, "换型调机")

		# large type, for reading from 5 m
		def size(selector):
			return row.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")

		self.assertGreaterEqual(size("[data-fig='actual']"), 56)
		self.assertGreaterEqual(size(".mom-tv-name"), 40)
		self.assertGreaterEqual(size(".mom-tv-state"), 28)
		self.assertGreaterEqual(size(".mom-tv-hour [data-fig='planned']"), 22)
		# nothing spills out of the screen
		spills = s.page.evaluate(
			"""() => [...document.querySelectorAll('.mom-tv-row > *')].filter(el =>
				el.getBoundingClientRect().right > window.innerWidth + 1).length"""
		)
		self.assertEqual(spills, 0)
		self.assertEqual(english_in(s.page.locator(".mom-tv").inner_text()), [])
		s.screenshot("line-board-1920")

		# realtime: 5 more units reported, and the terminal's event in the workstation's room
		self.wait_live(s)
		loaded = time.monotonic()
		start = max(now_datetime() - timedelta(minutes=15), self.b.start + timedelta(minutes=111))
		log_time(self.b.first, self.b.op.employee, [(start, now_datetime() - timedelta(seconds=30), 5)])
		frappe.db.commit()
		frappe.publish_realtime(
			"mom_terminal_update",
			{"workstation": ws, "job_card": self.b.first, "action": "complete"},
			doctype="Workstation",
			docname=ws,
		)
		s.page.wait_for_function(
			f"""() => {{
				const el = document.querySelector(".mom-tv-row[data-ws='{ws}'] [data-fig='actual']");
				return el && el.innerText.trim() === '12';
			}}""",
			timeout=20_000,
		)
		self.assertLess(time.monotonic() - loaded, 45)  # not the page's refresh of every minute
		# an andon call shows on its row until it is answered
		frappe.set_user(self.b.op.user)
		terminal.andon(cid(), self.b.op.badge, ws, "quality")
		frappe.set_user("Administrator")
		frappe.db.commit()
		s.page.wait_for_selector(f".mom-tv-row[data-ws='{ws}'] .mom-tv-call.open", timeout=15_000)
		self.assertIn("质量", s.page.locator(f".mom-tv-row[data-ws='{ws}'] .mom-tv-call").first.inner_text())
		s.screenshot("line-board-1920-andon")
		# leaving the board brings the desk back
		s.page.click("[data-tool='exit']")
		s.page.wait_for_selector(f".mom-tile[data-ws='{ws}']")
		self.assertTrue(s.page.locator(".navbar").first.is_visible())
		self.assertEqual(s.errors, [], s.errors)
		self.assertEqual(s.known_races, [], s.known_races)
