"""Tag maps as Excel workbooks: export a device's tags, edit them in Excel, import them back.

The workbook has a "Tags" sheet (a header row, one row per tag, dropdowns for the fixed choices) and a
"Help" sheet that explains every column. Import replaces all tags of the device, or changes nothing: every
bad cell is reported, with its row number and column, in one message.

The endpoints the form calls (export_tag_map, import_tag_map) are in the IoT Device controller
(mom_app.iot.doctype.iot_device.iot_device); this module builds and reads the workbooks.
"""

import io
import math

import frappe
from frappe import _
from frappe.utils import escape_html, flt

from mom_app.engine.modbus_codec import DATA_TYPES, REGISTER_TYPES, WORD_ORDERS
from mom_app.iot.doctype.iot_device.iot_device import SIGNAL_ROLES, parse_address, tag_problems

TAGS_SHEET = "Tags"
HELP_SHEET = "Help"
MAX_ROWS = 5000
VALIDATED_ROWS = 1000  # rows that get dropdowns in an exported sheet

# (fieldname, English label, width) in sheet order
COLUMNS = (
	("tag_key", "Tag Key", 22),
	("signal_role", "Signal Role", 18),
	("register_type", "Register Type", 18),
	("address", "Address", 10),
	("data_type", "Data Type", 11),
	("word_order", "Word Order", 11),
	("scale", "Scale", 9),
	("offset", "Offset", 9),
	("opcua_node_id", "OPC UA Node ID", 28),
	("json_key", "JSON Key", 22),
	("state_map", "State Map", 24),
	("unit", "Unit", 9),
	("meter_name", "Meter Name", 18),
)
NUMBERS = ("scale", "offset")
CHOICES = {
	"signal_role": SIGNAL_ROLES,
	"register_type": REGISTER_TYPES,
	"data_type": DATA_TYPES,
	"word_order": WORD_ORDERS,
}


def help_rows() -> list[tuple[str, str]]:
	return [
		("tag_key", _("Unique name of the signal on this device: letters, digits, _ . and -.")),
		("signal_role", _("What the signal means: {0}.").format(", ".join(SIGNAL_ROLES))),
		("register_type", _("Modbus only: {0}.").format(", ".join(REGISTER_TYPES))),
		("address", _("Modbus only: the 0-based register address (0 to 65535), not the 40001-style number.")),
		(
			"data_type",
			_("Modbus only: {0}. Coils and discrete inputs are bool.").format(", ".join(DATA_TYPES)),
		),
		(
			"word_order",
			_("Modbus only, values over 16 bits: Big (most significant register first) or Little."),
		),
		("scale", _("Value = raw value x scale + offset. Empty means 1.")),
		("offset", _("Added after scaling. Empty means 0.")),
		("opcua_node_id", _("OPC UA only: the node to subscribe to, e.g. ns=2;s=Machine.State.")),
		("json_key", _("Webhook only: the key the device sends; empty means the Tag Key.")),
		("state_map", _("Machine State only: one line per value, e.g. 1=Running, 2=Idle, 3=Down, 4=Setup.")),
		("unit", _("Unit of the value, e.g. °C, bar, rpm.")),
		("meter_name", _("Meter only: the asset meter the value counts, e.g. Spindle Hours.")),
	]


def column_letter(index: int) -> str:
	from openpyxl.utils import get_column_letter

	return get_column_letter(index)


# ---------------------------------------------------------------------------------------------- export
def build_workbook(doc) -> bytes:
	from openpyxl import Workbook
	from openpyxl.styles import Alignment, Font, PatternFill
	from openpyxl.worksheet.datavalidation import DataValidation

	book = Workbook()
	sheet = book.active
	sheet.title = TAGS_SHEET
	bold = Font(bold=True)
	fill = PatternFill("solid", fgColor="DDEBF7")
	for index, (_fieldname, label, width) in enumerate(COLUMNS, start=1):
		cell = sheet.cell(row=1, column=index, value=_(label))
		cell.font, cell.fill = bold, fill
		sheet.column_dimensions[column_letter(index)].width = width
	sheet.freeze_panes = "A2"
	for row, tag in enumerate(doc.tags, start=2):
		for index, (fieldname, _label, _width) in enumerate(COLUMNS, start=1):
			value = tag.get(fieldname)
			if fieldname == "address" and value not in (None, ""):
				address = parse_address(value)
				value = address if address is not None else value
			elif fieldname in NUMBERS:
				value = flt(value)
			cell = sheet.cell(row=row, column=index, value=value if value not in (None, "") else None)
			if fieldname == "state_map":
				cell.alignment = Alignment(wrap_text=True, vertical="top")

	last = max(VALIDATED_ROWS, len(doc.tags) + 1)
	for index, (fieldname, label, _width) in enumerate(COLUMNS, start=1):
		letter = column_letter(index)
		if fieldname in CHOICES:
			rule = DataValidation(
				type="list", formula1='"{}"'.format(",".join(CHOICES[fieldname])), allow_blank=True
			)
			rule.error = _("Choose one of the values in the list.")
			rule.errorTitle = _(label)
		elif fieldname == "address":
			rule = DataValidation(
				type="whole", operator="between", formula1="0", formula2="65535", allow_blank=True
			)
			rule.error = _("A whole number from 0 to 65535.")
			rule.errorTitle = _(label)
		elif fieldname in NUMBERS:
			rule = DataValidation(
				type="decimal", allow_blank=True, operator="between", formula1="-1E+300", formula2="1E+300"
			)
			rule.error = _("A number.")
			rule.errorTitle = _(label)
		else:
			continue
		rule.showErrorMessage = True
		sheet.add_data_validation(rule)
		rule.add(f"{letter}2:{letter}{last}")

	help_sheet = book.create_sheet(HELP_SHEET)
	help_sheet.append([_("Column"), _("Meaning")])
	for cell in help_sheet[1]:
		cell.font, cell.fill = bold, fill
	labels = {fieldname: label for fieldname, label, _width in COLUMNS}
	for fieldname, text in help_rows():
		help_sheet.append([_(labels[fieldname]), text])
	help_sheet.append([])
	help_sheet.append(
		[
			_("Import"),
			_("Importing replaces all tags of the device. Nothing changes if any row has an error."),
		]
	)
	help_sheet.append([_("Device"), doc.name])
	help_sheet.append([_("Protocol"), _(doc.protocol)])
	help_sheet.column_dimensions["A"].width = 20
	help_sheet.column_dimensions["B"].width = 100

	out = io.BytesIO()
	book.save(out)
	return out.getvalue()


# ---------------------------------------------------------------------------------------------- import
def read_tag_rows(content: bytes, protocol: str) -> list[dict]:
	"""Tag dicts from workbook bytes, or frappe.ValidationError listing every bad cell."""
	from openpyxl import load_workbook

	title = _("Tag Map Not Imported")
	try:
		book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
	except Exception:
		frappe.throw(_("The file is not an Excel workbook (.xlsx)."), title=title)
	sheet = book[TAGS_SHEET] if TAGS_SHEET in book.sheetnames else book.worksheets[0]
	rows = sheet.iter_rows(values_only=True)
	header = next(rows, None) or ()
	columns = header_columns(header)
	if "tag_key" not in columns:
		frappe.throw(
			_("The first row of sheet {0} must hold the column names; there is no {1} column.").format(
				escape_html(sheet.title), _("Tag Key")
			),
			title=title,
		)

	tags: list[dict] = []
	sheet_rows: list[int] = []
	problems: list[str] = []
	labels = {fieldname: label for fieldname, label, _width in COLUMNS}

	def where(row_number: int, fieldname: str) -> str:
		column = columns.get(fieldname)
		letter = column_letter(column + 1) if column is not None else "-"
		return _("Row {0}, column {1} ({2})").format(row_number, letter, _(labels[fieldname]))

	for row_number, values in enumerate(rows, start=2):
		if not values or all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in values):
			continue
		if len(tags) >= MAX_ROWS:
			frappe.throw(_("A tag map has at most {0} rows.").format(MAX_ROWS), title=title)
		tag = {}
		for fieldname, column in columns.items():
			value = values[column] if column < len(values) else None
			if isinstance(value, str):
				value = value.strip()
			if fieldname in NUMBERS:
				if value in (None, ""):
					value = 1.0 if fieldname == "scale" else 0.0
				elif not is_number(value):
					problems.append(
						f"{where(row_number, fieldname)}: "
						+ _("{0} is not a number.").format(escape_html(str(value)))
					)
					continue
				else:
					value = float(value)
			elif fieldname == "address" and isinstance(value, float) and value.is_integer():
				value = str(int(value))
			elif value is not None and not isinstance(value, str):
				value = str(value)
			tag[fieldname] = None if value == "" else value
		for fieldname, choices in CHOICES.items():
			if tag.get(fieldname) and tag[fieldname] not in choices:
				# accept the translated label of a choice too
				given = str(tag[fieldname]).lower()
				match = next((c for c in choices if given in (c.lower(), _(c).lower())), None)
				if match:
					tag[fieldname] = match
		tags.append(tag)
		sheet_rows.append(row_number)

	for problem in tag_problems(protocol, tags):
		problems.append(f"{where(sheet_rows[problem.row - 1], problem.fieldname)}: {problem.message}")
	if problems:
		frappe.throw(
			_("Nothing was imported. Fix these cells and import again:") + "<br>" + "<br>".join(problems),
			title=title,
		)
	if not tags:
		frappe.throw(_("The sheet has no tag rows."), title=title)
	return tags


def header_columns(header) -> dict[str, int]:
	"""fieldname -> 0-based column, matching a header cell by fieldname, English label or translated label."""
	names: dict[str, str] = {}
	for fieldname, label, _width in COLUMNS:
		for name in (fieldname, label, _(label)):
			names[name.strip().lower()] = fieldname
	columns: dict[str, int] = {}
	for index, cell in enumerate(header):
		fieldname = names.get(str(cell or "").strip().lower())
		if fieldname and fieldname not in columns:
			columns[fieldname] = index
	return columns


def is_number(value) -> bool:
	if isinstance(value, bool):
		return False
	try:
		return math.isfinite(float(value if isinstance(value, int | float) else str(value)))
	except (ValueError, OverflowError):
		return False
