"""Excel tag maps: export -> edit -> import, and a bad file's one message with every bad cell."""

import io

import frappe
from frappe.tests.utils import FrappeTestCase
from openpyxl import load_workbook

from mom_app.iot.doctype.iot_device.iot_device import export_tag_map, import_tag_map
from mom_app.iot.tag_map import COLUMNS, build_workbook
from mom_app.tests.utils import STATE_MAP, make_iot_device, make_user

test_ignore = ["Workstation"]

TAGS = [
	{
		"tag_key": "state",
		"signal_role": "Machine State",
		"register_type": "Holding Register",
		"address": "0",
		"data_type": "uint16",
		"state_map": STATE_MAP,
	},
	{
		"tag_key": "spindle.temp",
		"signal_role": "Process Parameter",
		"register_type": "Input Register",
		"address": "100",
		"data_type": "float32",
		"word_order": "Little",
		"scale": 0.1,
		"offset": -5,
		"unit": "°C",
	},
	{"tag_key": "door", "signal_role": "Alarm", "register_type": "Coil", "address": "7", "data_type": "bool"},
	{
		"tag_key": "hours",
		"signal_role": "Meter",
		"register_type": "Holding Register",
		"address": "200",
		"data_type": "uint32",
		"meter_name": "Spindle Hours",
	},
]


def upload(device: str, content: bytes, name: str = "tags.xlsx") -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": name,
				"content": content,
				"is_private": 1,
				"attached_to_doctype": "IoT Device",
				"attached_to_name": device,
			}
		)
		.insert(ignore_permissions=True)
		.file_url
	)


def signature(doc) -> list[tuple]:
	fields = [fieldname for fieldname, _label, _width in COLUMNS]
	return [tuple(str(tag.get(f) or "") for f in fields) for tag in doc.tags]


class TestTagMap(FrappeTestCase):
	def setUp(self):
		self.device = make_iot_device("MOM-T-TAGMAP", "Modbus TCP", TAGS, host="10.0.0.5")

	def test_export_import_round_trip(self):
		export_tag_map(self.device.name)
		self.assertEqual(frappe.local.response.type, "binary")
		self.assertTrue(frappe.local.response.filename.endswith(".xlsx"))
		content = frappe.local.response.filecontent

		book = load_workbook(io.BytesIO(content))
		sheet = book["Tags"]
		self.assertEqual([c.value for c in sheet[1]], [label for _f, label, _w in COLUMNS])
		self.assertEqual(sheet.max_row, 1 + len(TAGS))
		self.assertEqual(sheet["D3"].value, 100)  # addresses are numbers in Excel
		self.assertIn("Help", book.sheetnames)
		dropdowns = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
		self.assertIn("Machine State", dropdowns["B2"])
		self.assertIn("Discrete Input", dropdowns["C2"])
		self.assertIn("float64", dropdowns["E2"])
		self.assertIn("Little", dropdowns["F2"])

		self.device.reload()
		before = signature(self.device)
		self.device.tags = []
		self.device.save()
		result = import_tag_map(self.device.name, upload(self.device.name, content))
		self.assertEqual(result, {"tags": len(TAGS)})
		self.assertEqual(signature(frappe.get_doc("IoT Device", self.device.name)), before)

	def test_edited_sheet_replaces_the_tags(self):
		book = load_workbook(io.BytesIO(build_workbook(self.device)))
		sheet = book["Tags"]
		sheet.delete_rows(3, 3)  # keep only the state tag
		sheet.append(["speed", "Process Parameter", "Holding Register", 30, "int16", None, 2, None])
		sheet.append([])  # blank rows are skipped
		out = io.BytesIO()
		book.save(out)
		import_tag_map(self.device.name, upload(self.device.name, out.getvalue()))
		doc = frappe.get_doc("IoT Device", self.device.name)
		self.assertEqual([t.tag_key for t in doc.tags], ["state", "speed"])
		self.assertEqual((doc.tags[1].address, doc.tags[1].scale, doc.tags[1].offset), ("30", 2, 0))

	def test_bad_rows_all_reported_and_nothing_changed(self):
		book = load_workbook(io.BytesIO(build_workbook(self.device)))
		sheet = book["Tags"]
		sheet["C3"] = None  # row 3: Modbus tag without a register type
		sheet["E4"] = "float32"  # row 4: a coil with a float
		sheet["G5"] = "ten"  # row 5: scale not a number
		sheet["K2"] = "1=Running\n2=Napping"  # row 2: a state map that does not parse
		sheet["A6"] = "state"  # row 6: a second "state" key
		out = io.BytesIO()
		book.save(out)
		before = signature(frappe.get_doc("IoT Device", self.device.name))
		with self.assertRaises(frappe.ValidationError) as info:
			import_tag_map(self.device.name, upload(self.device.name, out.getvalue()))
		message = str(info.exception)
		for expected in (
			"Row 3, column C (Register Type)",
			"Row 4, column E (Data Type)",
			"Row 5, column G (Scale)",
			"Row 2, column K (State Map)",
			"Napping",
			"Row 6, column A (Tag Key)",
			"Nothing was imported",
		):
			self.assertIn(expected, message)
		self.assertEqual(signature(frappe.get_doc("IoT Device", self.device.name)), before)

	def test_not_a_workbook(self):
		url = upload(self.device.name, b"tag_key,signal_role\nx,Alarm\n", "tags.csv")
		self.assertRaisesRegex(
			frappe.ValidationError, "not an Excel workbook", import_tag_map, self.device.name, url
		)

	def test_missing_header(self):
		from openpyxl import Workbook

		book = Workbook()
		book.active.append(["something", "else"])
		out = io.BytesIO()
		book.save(out)
		url = upload(self.device.name, out.getvalue())
		self.assertRaisesRegex(
			frappe.ValidationError, "no Tag Key column", import_tag_map, self.device.name, url
		)

	def test_permissions(self):
		content = build_workbook(self.device)
		url = upload(self.device.name, content)
		frappe.set_user(make_user("Production Supervisor"))
		try:
			export_tag_map(self.device.name)  # may read
			self.assertRaises(frappe.PermissionError, import_tag_map, self.device.name, url)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(make_user("MOM Operator"))
		try:
			export_tag_map(self.device.name)  # operators read devices (health on the workspace)
			self.assertRaises(frappe.PermissionError, import_tag_map, self.device.name, url)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(make_user(None, "tagmap-norole@mom-test.example"))
		try:
			self.assertRaises(frappe.PermissionError, export_tag_map, self.device.name)
		finally:
			frappe.set_user("Administrator")
