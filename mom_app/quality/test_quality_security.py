"""Tier 2: what the quality API does with hostile input. Scanned and typed values reach the page's HTML only
escaped; scanning an inspection needs read permission on it, as scanning any other document does; /qc photos
are private images whatever the request says."""

import json
from io import BytesIO

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.datastructures import FileStorage

from mom_app.quality import api, testing
from mom_app.tests.utils import make_user

PAYLOAD = '<img src=x onerror="window.momXss=1">'


def last_message() -> str:
	"""The text of the last message Frappe would send to the browser (HTML)."""
	if not frappe.local.message_log:
		return ""
	entry = frappe.local.message_log[-1]
	return (json.loads(entry) if isinstance(entry, str) else entry)["message"]


def png(width: int = 4, height: int = 3) -> bytes:
	from PIL import Image

	out = BytesIO()
	Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
	return out.getvalue()


class FakeRequest:
	"""What upload_photo (and Frappe's file saving) read of a multipart request: its files, its host."""

	host = None

	def __init__(self, content: bytes, filename: str):
		self.files = {"file": FileStorage(stream=BytesIO(content), filename=filename)}


class QualityInputCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.inspector = make_user("Quality Inspector", "qc-sec-inspector@mom-test.example")
		cls.operator = make_user("MOM Operator", "qc-sec-operator@mom-test.example")

	def setUp(self):
		self.w = testing.world()
		testing.plan("IQC", self.w.rm, self.w.template, require_photo=0)
		self.pr = testing.received(self.w, f"QC-{self.w.prefix}-SEC", qty=100)
		self.qi = frappe.get_all(
			"Quality Inspection", filters={"reference_name": self.pr.name}, pluck="name", order_by="creation"
		)[0]
		frappe.clear_messages()
		frappe.set_user(self.inspector)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.clear_messages()


class TestEscapedMessages(QualityInputCase):
	def test_unknown_scan_is_escaped(self):
		with self.assertRaises(api.ScanError):
			api.scan(PAYLOAD)
		message = last_message()
		self.assertIn("&lt;img src=x onerror=", message)
		self.assertNotIn("<img", message)

	def test_typed_readings_and_defect_classes_are_escaped(self):
		form = api.get_inspection(self.qi)
		readings = {
			p["row"]: ([PAYLOAD, "10", "10"] if p["numeric"] else {"conform": True})
			for p in form["parameters"]
		}
		readings["<b>row</b>"] = ["1"]
		with self.assertRaises(frappe.ValidationError):
			api.submit_inspection(self.qi, json.dumps(readings), json.dumps({"<script>x</script>": 1}))
		message = last_message()
		self.assertIn("&lt;img src=x onerror=", message)
		self.assertIn("&lt;b&gt;row&lt;/b&gt;", message)
		self.assertIn("&lt;script&gt;", message)
		for raw in ("<img", "<script", "<b>row"):
			self.assertNotIn(raw, message)

	def test_desk_readings_are_escaped_on_submit(self):
		"""The same check on submit from the desk form (overrides/quality_inspection.py)."""
		frappe.set_user("Administrator")
		qi = frappe.get_doc("Quality Inspection", self.qi)
		for row in qi.readings:
			if row.numeric:
				row.reading_1, row.reading_2, row.reading_3 = "x<b>1</b>", "10", "10"
			else:
				row.reading_value = row.value
		qi.mom_defects_major = 0
		qi.save()
		frappe.clear_messages()
		with self.assertRaises(frappe.ValidationError):
			qi.submit()
		message = last_message()
		self.assertIn("x&lt;b&gt;1&lt;/b&gt;", message)
		self.assertNotIn("<b>1", message)

	def test_hold_reason_escaped_in_notifications(self):
		from mom_app.quality.hold import raise_hold

		frappe.set_user("Administrator")
		hold = raise_hold("Burr <i>x</i> on seat", "Manual", item_code=self.w.rm)
		subjects = frappe.get_all(
			"Notification Log",
			filters={"document_type": "Quality Hold", "document_name": hold.name},
			pluck="subject",
		)
		self.assertTrue(subjects)
		for subject in subjects:
			self.assertIn("Burr &lt;i&gt;x&lt;/i&gt; on seat", subject)
			self.assertNotIn("<i>", subject)


class TestScanPermissions(QualityInputCase):
	def test_scanning_an_inspection_needs_read_permission_on_it(self):
		"""An inspector restricted (by a User Permission) to another inspection cannot read this one by
		scanning its name."""
		frappe.set_user("Administrator")
		other = frappe.get_doc("Quality Inspection", self.qi)
		other = frappe.copy_doc(other)
		other.insert(ignore_permissions=True)
		restricted = make_user("Quality Inspector", "qc-sec-restricted@mom-test.example")
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": restricted,
				"allow": "Quality Inspection",
				"for_value": other.name,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(restricted)
		self.assertEqual(api.scan(other.name)["inspections"][0]["name"], other.name)
		with self.assertRaises(frappe.PermissionError):
			api.scan(self.qi)


class TestPhotos(QualityInputCase):
	def upload(self, content: bytes, filename: str, **form) -> dict:
		saved = getattr(frappe.local, "request", None)
		frappe.local.request = FakeRequest(content, filename)
		frappe.local.form_dict = frappe._dict(form)
		try:
			return api.upload_photo(self.qi)
		finally:
			if saved is None:
				del frappe.local.request
			else:
				frappe.local.request = saved

	def test_photo_kept_private_under_its_real_type(self):
		answer = self.upload(png(), "seat.html", is_private="0")
		file = frappe.get_doc("File", answer["name"])
		self.assertEqual(file.is_private, 1)
		self.assertEqual(file.file_name, "seat.png")
		self.assertTrue(file.file_url.startswith("/private/files/"))
		self.assertEqual((file.attached_to_doctype, file.attached_to_name), ("Quality Inspection", self.qi))
		self.assertIn(answer["name"], [p["name"] for p in api.get_inspection(self.qi)["photos"]])

	def test_what_is_not_an_image_is_refused(self):
		for content, filename in (
			(b"<html><script>window.momXss=1</script></html>", "photo.jpg"),
			(b"\x89PNG\r\n\x1a\n" + b"<script>x</script>", "photo.png"),  # the signature alone
			(b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.momXss=1"/>', "photo.svg"),
		):
			with self.subTest(filename=filename), self.assertRaises(api.PhotoError):
				self.upload(content, filename)
		self.assertEqual(
			frappe.db.count(
				"File", {"attached_to_doctype": "Quality Inspection", "attached_to_name": self.qi}
			),
			0,
		)

	def test_only_inspectors_who_may_write_the_inspection(self):
		frappe.set_user(self.operator)
		with self.assertRaises(frappe.PermissionError):
			self.upload(png(), "seat.png")
