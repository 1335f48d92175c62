"""The technician page's endpoints (mom_app.plant_maintenance.api.technician) in a real site: who may call them,
the work list, a scan, the order as the page shows it, failure codes, spare parts, photos; each action once
per client id, a refusal writing nothing."""

import uuid
from io import BytesIO

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime
from werkzeug.datastructures import FileStorage

from mom_app.plant_maintenance import api, testing
from mom_app.plant_maintenance.api import technician
from mom_app.plant_maintenance.orders import assign

DOCTYPE = "Maintenance Work Order"
XSS = '<img src=x onerror="window.momXss=1">'


def cid() -> str:
	return str(uuid.uuid4())


def png() -> bytes:
	from PIL import Image

	out = BytesIO()
	Image.new("RGB", (4, 3), (30, 120, 200)).save(out, format="PNG")
	return out.getvalue()


class FakeRequest:
	"""What upload_photo (and Frappe's file saving) read of a multipart request: its files, its host."""

	host = None

	def __init__(self, content: bytes, filename: str):
		self.files = {"file": FileStorage(stream=BytesIO(content), filename=filename)}


class TechnicianPageCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.people = testing.people()
		cls.machine = testing.machine("TPAGE")

	def tearDown(self):
		frappe.set_user("Administrator")

	def as_user(self, kind: str):
		frappe.set_user(self.people[kind])

	def order(self, machine=None, **kwargs) -> str:
		kwargs.setdefault("approve", True)
		return testing.order(machine or self.machine, **kwargs)

	def actions_of(self, name: str) -> int:
		return frappe.db.count("Maintenance Action", {"maintenance_work_order": name})


class TestWhoMayUseThePage(TechnicianPageCase):
	def test_operator_and_users_without_the_role_are_refused(self):
		name = self.order()
		calls = (
			lambda: technician.worklist(),
			lambda: technician.scan(self.machine.asset),
			lambda: technician.order(name),
			lambda: technician.failure_codes(),
			lambda: technician.part(name, "anything"),
			lambda: technician.set_failure_code(cid(), name, "failure_mode", "Vibration"),
			lambda: technician.set_photo(cid(), name, "before", ""),
		)
		for kind in ("operator", "norole"):
			self.as_user(kind)
			for i, call in enumerate(calls):
				with self.subTest(kind=kind, call=i), self.assertRaises(frappe.PermissionError):
					call()
		frappe.set_user("Administrator")
		self.assertIsNone(frappe.get_doc(DOCTYPE, name).failure_mode)
		self.assertEqual(self.actions_of(name), 0)

	def test_technician_works(self):
		name = self.order()
		self.as_user("technician")
		self.assertIn(name, [o["name"] for o in technician.worklist()["unassigned"]])
		self.assertEqual(technician.order(name)["name"], name)
		self.assertIn("failure_mode", technician.failure_codes())

	def test_page_refuses_an_operator_and_sends_guests_to_login(self):
		from mom_app.www import maintenance

		self.as_user("operator")
		with self.assertRaises(frappe.PermissionError):
			maintenance.get_context(frappe._dict())
		frappe.set_user("Guest")
		with self.assertRaises(frappe.Redirect):
			maintenance.get_context(frappe._dict())
		self.assertEqual(frappe.local.flags.redirect_location, "/login?redirect-to=/maintenance")
		self.as_user("technician")
		context = maintenance.get_context(frappe._dict())
		self.assertIn("Pass:Checklist result", frappe.parse_json(context.translated_messages))


class TestWorklist(TechnicianPageCase):
	def test_mine_and_unassigned_by_priority_then_due_time(self):
		me = self.people.technician
		other = self.people.supervisor
		low_mine = self.order(priority="Low")
		emergency_mine = self.order(priority="Emergency")
		high_free = self.order(priority="High")
		medium_free = self.order(priority="Medium")
		others = self.order(priority="Emergency")
		done = self.order(priority="Emergency")
		for name in (low_mine, emergency_mine, done):
			assign(name, [me])
		assign(others, [other])
		self.as_user("technician")
		api.start(cid(), done)
		api.finish(cid(), done)
		result = technician.worklist()
		mine = [o["name"] for o in result["mine"]]
		free = [o["name"] for o in result["unassigned"]]
		self.assertLess(mine.index(emergency_mine), mine.index(low_mine))
		self.assertLess(free.index(high_free), free.index(medium_free))
		self.assertNotIn(others, mine + free)
		self.assertNotIn(done, mine + free)
		row = next(o for o in result["mine"] if o["name"] == emergency_mine)
		self.assertTrue(row["mine"])
		self.assertEqual(row["priority_label"], frappe._("Emergency", context="Maintenance Work Order"))
		# a High order not yet acknowledged is due by its response target (60 minutes by default)
		high = next(o for o in result["unassigned"] if o["name"] == high_free)
		self.assertEqual(high["due"], frappe.get_doc(DOCTYPE, high_free).response_due)
		self.assertFalse(high["overdue"])

	def test_an_order_past_its_target_is_overdue(self):
		name = self.order(
			priority="Emergency", references={"reported_at": add_to_date(now_datetime(), hours=-2)}
		)
		self.as_user("technician")
		row = next(o for o in technician.worklist()["unassigned"] if o["name"] == name)
		self.assertTrue(row["overdue"])


class TestScan(TechnicianPageCase):
	def test_asset_workstation_and_order(self):
		machine = testing.machine("TPSCAN")
		opened = self.order(machine, priority="High", description="Spindle noise")
		closed = self.order(machine, priority="Low")
		self.as_user("technician")
		api.start(cid(), closed)
		api.finish(cid(), closed, work_done="Bearing replaced")
		for code in (machine.asset, machine.workstation, f"  {machine.asset}  "):
			with self.subTest(code=code):
				view = technician.scan(code)
				self.assertEqual(view["asset"]["name"], machine.asset)
				self.assertEqual(view["asset"]["workstation"], machine.workstation)
				self.assertEqual([o["name"] for o in view["open"]], [opened])
				self.assertEqual(view["history"][0]["name"], closed)
				self.assertEqual(view["history"][0]["work_done"], "Bearing replaced")
		self.assertEqual(technician.scan(opened), {"order": opened})

	def test_unknown_code_is_said_escaped(self):
		self.as_user("technician")
		with self.assertRaises(frappe.ValidationError) as refused:
			technician.scan(XSS)
		message = str(refused.exception)
		self.assertNotIn("<img", message)
		self.assertIn("&lt;img", message)


class TestOrderView(TechnicianPageCase):
	def test_checklist_actions_and_running_time(self):
		checklist = testing.checklist(
			"MOM-PM Page Checklist",
			[
				{
					"instruction": "Oil pressure",
					"kind": "Number",
					"low_limit": "2",
					"high_limit": "6",
					"unit": "bar",
					"mandatory": 1,
				},
				{"instruction": "Guard fitted", "kind": "Pass/Fail", "mandatory": 1},
			],
		)
		name = self.order(checklist=checklist)
		self.as_user("technician")
		view = technician.order(name)
		self.assertEqual([s["kind"] for s in view["checklist"]], ["Number", "Pass/Fail"])
		self.assertEqual((view["checklist"][0]["low"], view["checklist"][0]["high"]), ("2", "6"))
		self.assertIn("Start", view["actions"])
		self.assertFalse(view["mine"] or view["running"])
		api.acknowledge(cid(), name)
		api.start(cid(), name)
		api.record_step(cid(), name, 1, value="7.5")
		view = technician.order(name)
		self.assertTrue(view["mine"] and view["running"])
		self.assertEqual(view["state"], "In Progress")
		self.assertEqual(view["checklist"][0]["flagged"], 1)
		self.assertIn("Complete", view["actions"])


class TestFailureCodes(TechnicianPageCase):
	def test_trees_grouped_and_translated(self):
		self.as_user("technician")
		trees = technician.failure_codes()
		self.assertEqual(
			list(trees),
			["failure_mode", "failure_mechanism", "failure_cause", "detection_method", "remedy_action"],
		)
		modes = trees["failure_mode"]
		labels = [g["label"] for g in modes["groups"]]
		self.assertIn(frappe._("Physical Symptoms"), labels)
		items = [i["name"] for g in modes["groups"] for i in g["items"]]
		self.assertIn("Vibration", items)
		self.assertNotIn("Physical Symptoms", items)  # a group is not a code to pick

	def test_set_once_and_refusals_write_nothing(self):
		name = self.order()
		self.as_user("technician")
		request = cid()
		state = technician.set_failure_code(request, name, "failure_mode", "Vibration")
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "failure_mode"), "Vibration")
		# the same id again: answered from the first time, not applied again
		again = technician.set_failure_code(request, name, "failure_mode", "Noise")
		self.assertTrue(again["replayed"])
		self.assertEqual(again["message"], state["message"])
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "failure_mode"), "Vibration")
		self.assertEqual(self.actions_of(name), 1)
		for field, value in (
			("failure_mode", "Physical Symptoms"),  # a group
			("failure_mode", XSS),  # unknown
			("failure_colour", "Vibration"),  # no such field
		):
			with self.subTest(value=value), self.assertRaises(frappe.ValidationError) as refused:
				technician.set_failure_code(cid(), name, field, value)
			self.assertNotIn("<img", str(refused.exception))
		frappe.set_user("Administrator")
		frappe.db.set_value("Failure Mode", "Noise", "enabled", 0)
		self.as_user("technician")
		with self.assertRaises(frappe.ValidationError):
			technician.set_failure_code(cid(), name, "failure_mode", "Noise")
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "failure_mode"), "Vibration")
		self.assertEqual(self.actions_of(name), 1)
		technician.set_failure_code(cid(), name, "remedy_action", "")
		technician.set_failure_code(cid(), name, "failure_mode", "")
		self.assertIsNone(frappe.db.get_value(DOCTYPE, name, "failure_mode"))


class TestParts(TechnicianPageCase):
	def test_part_by_scan_with_its_stock_in_the_store(self):
		store = testing.store()
		item = testing.spare_part("MOM-PM-PAGE-BELT")
		testing.stock_in(item, 3)
		name = self.order()
		self.as_user("technician")
		part = technician.part(name, item)
		self.assertEqual((part["item_code"], part["warehouse"], part["available"]), (item, store, 3))
		with self.assertRaises(frappe.ValidationError) as refused:
			technician.part(name, XSS)
		self.assertNotIn("<img", str(refused.exception))
		api.start(cid(), name)
		with self.assertRaises(frappe.ValidationError):
			api.issue_part(cid(), name, item, qty=5)  # only 3 in the store
		self.assertEqual(frappe.get_doc(DOCTYPE, name).used_parts, [])
		api.issue_part(cid(), name, item, qty=2)
		self.assertEqual(technician.part(name, item)["available"], 1)
		self.assertEqual(technician.order(name)["used_parts"][0]["qty"], 2)


class TestPhotos(TechnicianPageCase):
	def upload(self, name: str, content: bytes, filename: str) -> dict:
		saved = getattr(frappe.local, "request", None)
		frappe.local.request = FakeRequest(content, filename)
		try:
			return technician.upload_photo(name)
		finally:
			if saved is None:
				del frappe.local.request
			else:
				frappe.local.request = saved

	def test_private_image_only_then_set_once(self):
		name = self.order()
		other = self.order()
		self.as_user("technician")
		answer = self.upload(name, png(), "before.html")
		file = frappe.get_doc("File", answer["name"])
		self.assertEqual((file.is_private, file.file_name), (1, "before.png"))
		self.assertEqual((file.attached_to_doctype, file.attached_to_name), (DOCTYPE, name))
		with self.assertRaises(technician.TechnicianPageError):
			self.upload(name, b"<html><script>window.momXss=1</script></html>", "photo.jpg")
		# a photo of another order is not this order's
		with self.assertRaises(frappe.ValidationError):
			technician.set_photo(cid(), other, "before", answer["file_url"])
		self.assertIsNone(frappe.db.get_value(DOCTYPE, other, "photo_before"))
		with self.assertRaises(frappe.ValidationError):
			technician.set_photo(cid(), name, "sideways", answer["file_url"])
		request = cid()
		technician.set_photo(request, name, "before", answer["file_url"])
		self.assertTrue(technician.set_photo(request, name, "before", answer["file_url"])["replayed"])
		self.assertEqual(frappe.db.get_value(DOCTYPE, name, "photo_before"), answer["file_url"])
		self.assertEqual(technician.order(name)["photos"]["before"], answer["file_url"])
		self.assertEqual(self.actions_of(name), 1)

	def test_operator_may_not_upload(self):
		name = self.order()
		self.as_user("operator")
		with self.assertRaises(frappe.PermissionError):
			self.upload(name, png(), "x.png")
