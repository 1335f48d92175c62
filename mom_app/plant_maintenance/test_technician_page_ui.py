"""/maintenance in headless Chromium, as a Chinese-speaking maintenance technician uses it on a phone
(390 x 844) and a tablet (1024 x 768): the work list (mine and unassigned, by priority), an asset's label
scanned → its open orders and history, accept / start / pause / wait for parts / resume / finish, the
checklist (a number outside its limits flagged as typed, a mandatory step blocking the finish with the
message next to it), a spare part by scan refused for want of stock, photos, a retried action applied once,
crafted names shown as text; nothing wider than the screen, no website footer; other roles get 403 and
guests the login page. Screenshots go to /tmp/mom-screenshots (MOM_SCREENSHOTS)."""

import contextlib
import re
from io import BytesIO

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.plant_maintenance import testing
from mom_app.plant_maintenance.orders import assign
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import make_user

PASSWORD = testing.PASSWORD
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
SIZES = (("phone", PHONE), ("tablet", TABLET))
DOCTYPE = "Maintenance Work Order"
XSS = '<img src=x onerror="window.momXss=1">'
CRAFTED_NAME = '机台 <b>{}</b> <i onmouseover="window.momXss=1">x</i>'

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def in_chinese(message: str, context: str | None = None) -> str:
	"""`message` in Chinese (passed as a variable, so the POT extraction does not take "zh" for a context)."""
	return frappe._(message, lang="zh", context=context)


def png() -> bytes:
	from PIL import Image

	out = BytesIO()
	Image.new("RGB", (40, 30), (30, 120, 200)).save(out, format="PNG")
	return out.getvalue()


class TestTechnicianPage(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.store_before = frappe.db.get_single_value("Maintenance Settings", "maintenance_store")
		cls.technician = make_user(
			"Maintenance Technician", "pm-page-tech@mom-test.example", language="zh", password=PASSWORD
		)
		cls.operator = make_user(
			"MOM Operator", "pm-page-op@mom-test.example", language="zh", password=PASSWORD
		)
		cls.machine = testing.machine("UI")
		cls.checklist = testing.checklist(
			"MOM-PM UI Checklist",
			[
				{
					"instruction": "主轴温度",
					"kind": "Number",
					"low_limit": "20",
					"high_limit": "60",
					"unit": "°C",
					"mandatory": 1,
				},
				{"instruction": "皮带张紧", "kind": "Pass/Fail", "mandatory": 1},
				{"instruction": "备注", "kind": "Text", "mandatory": 0},
			],
		)
		testing.store()
		cls.part = testing.spare_part("MOM-PM-UI-BELT")
		if not frappe.db.get_value(
			"Bin", {"item_code": cls.part, "warehouse": testing.store()}, "actual_qty"
		):
			testing.stock_in(cls.part, 2)
		frappe.db.commit()  # the web server reads what is committed
		cls.stack = contextlib.ExitStack()
		cls.base_url = cls.stack.enter_context(served_site())
		cls.browser = cls.stack.enter_context(browser())

	@classmethod
	def tearDownClass(cls):
		cls.stack.close()
		frappe.db.set_single_value("Maintenance Settings", "maintenance_store", cls.store_before)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		self.session = None

	def tearDown(self):
		if self.session:
			self.session.close()
		frappe.set_user("Administrator")

	# -- helpers ------------------------------------------------------------------------------------------

	def order(self, machine=None, assign_to=None, **kwargs) -> str:
		frappe.set_user("Administrator")
		kwargs.setdefault("approve", True)
		name = testing.order(machine or self.machine, **kwargs)
		if assign_to:
			assign(name, [assign_to])
		frappe.db.commit()
		return name

	def get(self, name):
		frappe.db.rollback()  # see what the web server committed
		return frappe.get_doc(DOCTYPE, name)

	def open(self, size: dict, path: str = "/maintenance", wait_for: str = ".m-list"):
		self.session = Session(self.browser, self.base_url, self.technician, PASSWORD)
		self.page = self.session.page
		self.page.set_viewport_size(size)
		self.session.open(path, wait_for)
		return self.page

	def close(self):
		self.session.close()
		self.session = None

	def scan(self, code: str):
		self.page.fill("#m-code", code)
		self.page.press("#m-code", "Enter")  # what a scanner sends after the code

	def open_order(self, name: str):
		self.page.goto(f"{self.base_url}/maintenance#order={name}")
		self.page.wait_for_selector(f".m-order-head .m-name:text-is('{name}')")

	def click_action(self, act: str):
		state = self.page.inner_text(".m-order-head")
		self.page.click(f"[data-act='{act}']")
		self.page.wait_for_function(
			"(before) => !document.querySelector('[data-act]:disabled') && "
			"document.querySelector('.m-order-head') && "
			"document.querySelector('.m-order-head').innerText !== before",
			arg=state,
		)

	def assert_fits(self, size: dict):
		width = self.page.evaluate("() => document.documentElement.scrollWidth")
		self.assertLessEqual(width, size["width"])

	def assert_no_footer(self):
		self.assertEqual(self.page.locator("footer, .web-footer, input[type='email'], .navbar").count(), 0)
		self.assertNotIn("ERPNext", self.page.inner_text("body"))

	def assert_no_errors(self, allowed: tuple = ()):
		errors = [e for e in self.session.errors if not any(a in e for a in allowed)]
		self.assertEqual(errors, [])

	# -- tests --------------------------------------------------------------------------------------------

	def test_work_list_mine_and_unassigned_by_priority(self):
		low_mine = self.order(priority="Low", assign_to=self.technician)
		emergency_mine = self.order(priority="Emergency", assign_to=self.technician)
		high_free = self.order(priority="High")
		others = self.order(priority="Emergency", assign_to=self.operator)
		for label, size in SIZES:
			with self.subTest(size=label):
				page = self.open(size)
				mine = page.locator("[data-list='mine'] .m-card").evaluate_all(
					"(cards) => cards.map((c) => c.dataset.order)"
				)
				free = page.locator("[data-list='unassigned'] .m-card").evaluate_all(
					"(cards) => cards.map((c) => c.dataset.order)"
				)
				self.assertLess(mine.index(emergency_mine), mine.index(low_mine))
				self.assertIn(high_free, free)
				self.assertNotIn(others, mine + free)
				self.assertIn(in_chinese("My Orders"), page.inner_text("[data-list='mine'] h2"))
				self.assertIn(in_chinese("Unassigned Orders"), page.inner_text("[data-list='unassigned'] h2"))
				card = page.inner_text(f".m-card[data-order='{emergency_mine}']")
				self.assertIn(in_chinese("Emergency", "Maintenance Work Order"), card)
				self.assertIn(in_chinese("Approved"), card)
				self.assertIn("截止", card)
				self.assertEqual(page.evaluate("() => document.activeElement.id"), "m-code")
				self.assert_no_footer()
				self.assert_fits(size)
				self.session.screenshot(f"maintenance-{label}-work-list")
				self.assert_no_errors()
				self.close()

	def test_scan_asset_label_shows_open_orders_and_history(self):
		machine = testing.machine("UI-SCAN")
		frappe.db.delete(
			DOCTYPE, {"asset": machine.asset}
		)  # this test's orders only (the site keeps commits)
		opened = self.order(machine, priority="High", description="主轴异响")
		closed = self.order(machine, priority="Low")
		frappe.set_user(self.technician)
		from mom_app.plant_maintenance import api

		api.start("ui-scan-start-" + closed, closed)
		api.finish("ui-scan-finish-" + closed, closed, work_done="更换轴承")
		frappe.db.commit()
		for label, size in SIZES:
			with self.subTest(size=label):
				page = self.open(size)
				self.scan(machine.asset)
				page.wait_for_selector(".m-machine")
				self.assertIn(machine.workstation, page.inner_text(".m-machine"))
				open_cards = page.locator("[data-list='open'] .m-card").evaluate_all(
					"(cards) => cards.map((c) => c.dataset.order)"
				)
				self.assertEqual(open_cards, [opened])
				self.assertIn(in_chinese("Unassigned"), page.inner_text("[data-list='open']"))
				history = page.inner_text("[data-list='history']")
				self.assertIn(closed, history)
				self.assertIn("更换轴承", history)
				self.assertIn(in_chinese("Maintenance History"), history)
				self.assertEqual(page.input_value("#m-code"), "")  # ready for the next scan
				self.session.screenshot(f"maintenance-{label}-asset")
				self.assert_fits(size)
				# the workstation's code shows the same machine (by its asset); a card opens its order
				page.evaluate("() => { location.hash = ''; }")
				page.wait_for_selector(".m-list")
				self.scan(machine.workstation)
				page.wait_for_function(
					"(asset) => location.hash === '#asset=' + encodeURIComponent(asset)", arg=machine.asset
				)
				page.wait_for_selector(".m-machine")
				self.assertIn(machine.workstation, page.inner_text(".m-machine"))
				page.wait_for_selector(f"[data-list='open'] .m-card[data-order='{opened}']")
				page.click(f"[data-list='open'] .m-card[data-order='{opened}']")
				page.wait_for_selector(".m-order-head")
				self.assertIn("主轴异响", page.inner_text(".m-order-head"))
				self.assert_no_errors()
				self.close()

	def test_accept_start_pause_finish_with_checklist(self):
		for label, size in SIZES:
			with self.subTest(size=label):
				name = self.order(priority="High", checklist=self.checklist)
				page = self.open(size)
				page.click(f"[data-list='unassigned'] .m-card[data-order='{name}']")
				page.wait_for_selector(".m-order-head")
				self.assertEqual(
					page.inner_text("[data-act='accept']"), in_chinese("Accept", "Maintenance order action")
				)
				self.click_action("accept")
				self.assertIn(self.technician, self.get(name).get("_assign"))
				self.assertEqual(page.locator("[data-act='accept']").count(), 0)
				self.click_action("start")
				self.assertIn(in_chinese("Your time is running"), page.inner_text(".m-order-head"))
				self.assertIn(in_chinese("In Progress"), page.inner_text(".m-order-head .m-state"))
				self.click_action("pause")
				self.assertNotIn(in_chinese("Your time is running"), page.inner_text(".m-order-head"))
				self.click_action("start")
				self.click_action("wait")
				self.assertIn(in_chinese("Waiting for Parts"), page.inner_text(".m-order-head .m-state"))
				self.assertEqual(self.get(name).workflow_state, "Waiting for Parts")
				self.click_action("resume")
				self.assertIn(in_chinese("In Progress"), page.inner_text(".m-order-head .m-state"))

				# a number outside its limits is flagged as it is typed, before it is saved
				number = page.locator(".m-step[data-step='1'] .m-step-value")
				number.type("72")
				self.assertIn("out", number.get_attribute("class"))
				note = page.inner_text(".m-step[data-step='1'] .m-step-note")
				self.assertIn("72", note)
				self.assertIn("20 – 60", note)
				number.press("Enter")
				page.wait_for_selector(".m-step[data-step='1'] .m-flag")
				self.session.screenshot(f"maintenance-{label}-flagged")

				# the mandatory pass/fail step not done: the finish is refused next to it, nothing written
				page.fill("#m-work-done", "更换皮带")
				page.click("#m-finish")
				step_error = ".m-step[data-step='2'] .m-field-error"
				page.wait_for_selector(step_error, state="visible")
				self.assertIn(
					in_chinese("Mandatory: record this step before finishing."), page.inner_text(step_error)
				)
				page.wait_for_function(
					"""() => { const r = document.querySelector(".m-step[data-step='2']").getBoundingClientRect();
						return r.top >= 0 && r.bottom <= window.innerHeight; }"""
				)
				self.assertIn("2", page.inner_text("[data-section='finish'] .m-field-error"))
				self.session.screenshot(f"maintenance-{label}-mandatory-step")
				doc = self.get(name)
				self.assertEqual(doc.workflow_state, "In Progress")
				self.assertFalse(doc.work_done)
				self.assertEqual(doc.checklist[0].value, "72")
				self.assertEqual(doc.checklist[0].flagged, 1)

				page.click(".m-step[data-step='2'] [data-pf='Pass']")
				page.wait_for_selector(".m-step[data-step='2'].done")
				self.assertEqual(page.inner_text(".m-step[data-step='2'] .m-field-error"), "")
				page.click("#m-finish")
				page.wait_for_function(
					"(s) => document.querySelector('.m-order-head .m-state').innerText === s",
					arg=in_chinese("Completed"),
				)
				doc = self.get(name)
				self.assertEqual(doc.workflow_state, "Completed")
				self.assertEqual(doc.work_done, "更换皮带")
				self.assertEqual(doc.checklist[1].value, "Pass")
				# started, started again after the pause, resumed after the wait for parts (which stopped the
				# time): three logs of mine, all closed
				self.assertEqual(len(doc.time_logs), 3)
				self.assertTrue(all(log.to_time for log in doc.time_logs))
				self.assertEqual(page.locator("[data-section='finish']").count(), 0)
				self.session.screenshot(f"maintenance-{label}-completed")
				self.assert_fits(size)
				self.assert_no_footer()
				self.assert_no_errors()
				self.close()

	def test_part_by_scan_refused_without_stock_then_issued(self):
		frappe.set_user(self.technician)
		from mom_app.plant_maintenance import api

		name = self.order(assign_to=self.technician)
		frappe.set_user(self.technician)
		api.start("ui-part-start-" + name, name)
		frappe.db.commit()
		available = frappe.db.get_value(
			"Bin", {"item_code": self.part, "warehouse": testing.store()}, "actual_qty"
		)
		page = self.open(PHONE, f"/maintenance#order={name}", ".m-order-head")
		page.fill("#m-part-code", self.part)
		page.press("#m-part-code", "Enter")
		page.wait_for_selector(".m-part-info:not(:empty)")
		info = page.inner_text(".m-part-info")
		self.assertIn(self.part, info)
		self.assertIn(f"{int(available)}", info)
		self.assertIn(testing.store(), info)
		page.fill("#m-part-qty", str(int(available) + 3))
		page.click("#m-part-issue")
		error = ".m-part-field .m-field-error"
		page.wait_for_selector(error, state="visible")
		self.assertIn(self.part, page.inner_text(error))
		self.assertIn(testing.store(), page.inner_text(error))
		self.session.screenshot("maintenance-phone-part-refused")
		self.assertEqual(self.get(name).used_parts, [])
		page.fill("#m-part-qty", "1")
		page.click("#m-part-issue")
		page.wait_for_selector(".m-used li")
		self.assertIn(self.part, page.inner_text(".m-used"))
		doc = self.get(name)
		self.assertEqual([(p.item_code, p.qty) for p in doc.used_parts], [(self.part, 1)])
		self.assertTrue(doc.used_parts[0].stock_entry)
		# an unknown part is said next to the field
		page.fill("#m-part-code", "NO-SUCH-PART-77")
		page.press("#m-part-code", "Enter")
		page.wait_for_selector(error, state="visible")
		self.assertIn("NO-SUCH-PART-77", page.inner_text(error))
		self.assert_fits(PHONE)
		self.assert_no_errors(allowed=("417",))  # the refused issue and scan

	def test_photos_before_and_after(self):
		name = self.order(assign_to=self.technician)
		page = self.open(TABLET, f"/maintenance#order={name}", ".m-order-head")
		page.set_input_files(
			"[data-photo='before'] input[type=file]",
			files=[{"name": "before.png", "mimeType": "image/png", "buffer": png()}],
		)
		page.wait_for_selector("[data-photo='before'] img.m-thumb")
		url = self.get(name).photo_before
		self.assertTrue(url.startswith("/private/files/"))
		self.assertEqual(
			frappe.db.get_value(
				"File", {"file_url": url}, ["attached_to_doctype", "attached_to_name", "is_private"]
			),
			(DOCTYPE, name, 1),
		)
		loaded = page.evaluate(
			"() => document.querySelector(\"[data-photo='before'] img.m-thumb\").naturalWidth"
		)
		self.assertEqual(loaded, 40)  # the private photo is served to the technician
		# what is not an image is refused next to its slot
		page.set_input_files(
			"[data-photo='after'] input[type=file]",
			files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not a photo</html>"}],
		)
		page.wait_for_selector("[data-photo='after'] .m-field-error", state="visible")
		self.assertIn("after.jpg", page.inner_text("[data-photo='after'] .m-field-error"))
		self.assertFalse(self.get(name).photo_after)
		self.session.screenshot("maintenance-tablet-photos")
		self.assert_no_errors(allowed=("417",))

	def test_an_action_retried_after_a_lost_answer_is_applied_once(self):
		name = self.order(assign_to=self.technician)
		page = self.open(PHONE, f"/maintenance#order={name}", ".m-order-head")
		calls = []

		def lose_the_first_answer(route):
			calls.append(route.request.post_data_json["client_id"])
			if len(calls) == 1:
				route.fetch()  # the server applies it ...
				route.abort()  # ... and the answer never arrives
			else:
				route.continue_()

		page.route("**/api/method/mom_app.plant_maintenance.api.start", lose_the_first_answer)
		self.click_action("start")
		self.assertEqual(len(calls), 2)
		self.assertEqual(calls[0], calls[1])  # the retry carries the same client id
		doc = self.get(name)
		self.assertEqual(doc.workflow_state, "In Progress")
		self.assertEqual(len(doc.time_logs), 1)
		self.assertEqual(frappe.db.count("Maintenance Action", {"maintenance_work_order": name}), 1)
		self.assertIn(in_chinese("Your time is running"), page.inner_text(".m-order-head"))
		self.assert_no_errors(allowed=("net::ERR_FAILED",))

	def test_crafted_names_and_scans_show_as_text(self):
		# an asset name with markup as Frappe keeps it (its XSS filter drops event handlers and ERPNext an
		# image-only name), shown as text; the order's description and the scans carry the raw attack
		tag = frappe.generate_hash(length=6)  # one asset of that name (assets stay: they are submitted)
		asset = testing.make_asset(CRAFTED_NAME.format(tag))
		asset_name = frappe.db.get_value("Asset", asset, "asset_name")
		self.assertEqual(asset_name, f"机台 <b>{tag}</b> <i>x</i>")
		name = self.order(frappe._dict(asset=asset, company=testing.company()), description=XSS)
		page = self.open(PHONE)
		self.scan(asset_name)  # an asset's own name is a code too
		page.wait_for_selector(".m-machine")
		self.assertIn(asset_name, page.inner_text(".m-machine-name"))
		self.assertEqual(page.locator(".m-machine-name b, .m-machine-name i").count(), 0)
		self.assertIn(asset_name, page.inner_text(f".m-card[data-order='{name}']"))
		page.click(f".m-card[data-order='{name}']")
		page.wait_for_selector(".m-order-head")
		# the description as Frappe's XSS filter stored it (<img src="x">), as text
		stored = frappe.db.get_value(DOCTYPE, name, "description")
		self.assertIn("<img", stored)
		self.assertIn(stored, page.inner_text(".m-order-head"))
		self.scan(XSS + "-unknown")
		page.wait_for_selector("#m-scan-error:not(:empty)")
		self.assertIn(XSS + "-unknown", page.inner_text("#m-scan-error"))
		self.assertEqual(page.locator("img[src='x']").count(), 0)
		self.assertIsNone(page.evaluate("() => window.momXss"))
		self.session.screenshot("maintenance-phone-crafted-names")
		self.assert_no_errors(allowed=("417",))

	def test_other_roles_get_403_and_guests_the_login(self):
		session = Session(self.browser, self.base_url, self.operator, PASSWORD)
		try:
			response = session.page.goto(f"{self.base_url}/maintenance")
			self.assertEqual(response.status, 403)
			self.assertIn(
				in_chinese("The maintenance page is for users with the role {0}.").format(
					in_chinese("Maintenance Technician")
				),
				session.page.inner_text("body"),
			)
		finally:
			session.close()
		context = self.browser.new_context()
		try:
			page = context.new_page()
			page.goto(f"{self.base_url}/maintenance")
			self.assertIn("/login", page.url)
			self.assertTrue(re.search(r"redirect-to=(/|%2F)maintenance", page.url))
		finally:
			context.close()
