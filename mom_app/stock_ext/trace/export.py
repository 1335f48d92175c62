"""The trace as an Excel workbook and as a PDF: its tables with translated titles and column labels."""

import io
import re

import frappe
from frappe import _
from frappe.utils import format_datetime, now_datetime


def file_stem(data: dict) -> str:
	return "traceability-" + re.sub(r"[^\w.-]+", "_", data["lot"]["name"])


def tables(data: dict) -> list[dict]:
	"""The trace's tables, with translated titles and column labels (Excel, PDF)."""
	sides = {
		"backward": _("Backward", context="Trace direction"),
		"forward": _("Forward", context="Trace direction"),
		"start": _("Start"),
	}

	def doc(doctype, name):
		return f"{_(doctype)} {name}" if name else ""

	nodes = {n["id"]: n for n in data["nodes"]}
	graph = [
		{
			"side": sides.get(e["side"], e["side"]),
			"depth": e["depth"],
			"source": doc(nodes[e["source"]]["doctype"], nodes[e["source"]]["name"]),
			"target": doc(nodes[e["target"]]["doctype"], nodes[e["target"]]["name"]),
			"qty": e["qty"],
			"voucher": doc(e["voucher_type"], e["voucher_no"]),
			"work_order": e["work_order"],
			"posting_datetime": e["posting_datetime"],
		}
		for e in data["edges"]
	]
	materials = [{**m, "doctype": _(m["doctype"]), "side": sides.get(m["side"])} for m in data["materials"]]
	inspections = [
		{
			**r,
			"inspection_type": inspection_type(r.get("inspection_type")),
			"status": verdict(r.get("status")),
		}
		for r in data["inspections"]
	]
	return [
		{
			"key": "graph",
			"title": _("Genealogy"),
			"columns": [
				("side", _("Direction")),
				("depth", _("Depth")),
				("source", _("Source")),
				("target", _("Target")),
				("qty", _("Qty")),
				("voucher", _("Voucher")),
				("work_order", _("Work Order")),
				("posting_datetime", _("Posting Datetime")),
			],
			"rows": graph,
		},
		{
			"key": "materials",
			"title": _("Materials"),
			"columns": [
				("side", _("Direction")),
				("depth", _("Depth")),
				("doctype", _("Type")),
				("name", _("Lot")),
				("item_code", _("Item Code")),
				("item_name", _("Item Name")),
				("qty", _("Qty")),
				("purchase_receipt", _("Purchase Receipt")),
				("supplier_batch_no", _("Supplier Batch No")),
			],
			"rows": materials,
		},
		{
			"key": "machines",
			"title": _("Machines"),
			"columns": [
				("workstation", _("Workstation")),
				("operation", _("Operation")),
				("job_card", _("Job Card")),
				("work_order", _("Work Order")),
				("lots", _("Lots Produced")),
				("from_time", _("From Time")),
				("to_time", _("To Time")),
				("completed_qty", _("Completed Qty")),
				("status", _("Status")),
			],
			"rows": data["machines"],
		},
		{
			"key": "operators",
			"title": _("Operators"),
			"columns": [
				("employee", _("Employee")),
				("employee_name", _("Employee Name")),
				("operation", _("Operation")),
				("workstation", _("Workstation")),
				("job_card", _("Job Card")),
				("from_time", _("From Time")),
				("to_time", _("To Time")),
				("completed_qty", _("Completed Qty")),
			],
			"rows": data["operators"],
		},
		{
			"key": "inspections",
			"title": _("Inspections"),
			"columns": [
				("quality_inspection", _("Quality Inspection")),
				("inspection_type", _("Inspection Type")),
				("reference_type", _("Reference Type")),
				("reference_name", _("Reference Name")),
				("item_code", _("Item Code")),
				("batch_no", _("Batch No")),
				("serial_no", _("Serial No")),
				("status", _("Status")),
				("report_date", _("Report Date")),
			],
			"rows": inspections,
		},
		{
			"key": "customers",
			"title": _("Customers"),
			"columns": [
				("customer", _("Customer")),
				("customer_name", _("Customer Name")),
				("delivery_note", _("Delivery Note")),
				("posting_datetime", _("Posting Datetime")),
				("lots", _("Lots")),
				("qty", _("Qty")),
			],
			"rows": data["customers"],
		},
		{
			"key": "process_parameters",
			"title": _("Process Parameters"),
			"columns": [
				("workstation", _("Workstation")),
				("job_card", _("Job Card")),
				("device", _("IoT Device")),
				("tag", _("Tag")),
				("unit", _("Unit")),
				("minimum", _("Minimum")),
				("maximum", _("Maximum")),
				("mean", _("Mean")),
				("samples", _("Samples")),
				("from_time", _("From Time")),
				("to_time", _("To Time")),
			],
			"rows": data["process_parameters"],
		},
	]


def inspection_type(value: str | None) -> str:
	"""A Quality Inspection's type in the reader's words ("In Process" is 制程检验, not "in progress")."""
	types = {
		"Incoming": _("Incoming", context="Quality Inspection"),
		"Outgoing": _("Outgoing", context="Quality Inspection"),
		"In Process": _("In Process", context="Quality Inspection"),
	}
	return types.get(value, _(value)) if value else ""


def verdict(value: str | None) -> str:
	"""An inspection's status as a verdict (合格 / 不合格)."""
	return _(value, context="Inspection verdict") if value else ""


def cell(value):
	"""A value as a spreadsheet / print cell (translated Select values are not needed here)."""
	if value is None:
		return ""
	if isinstance(value, bool):
		return _("Yes") if value else _("No")
	if isinstance(value, float):
		return round(value, 6)
	if hasattr(value, "isoformat"):
		return format_datetime(value) if hasattr(value, "hour") else str(value)
	return value


def workbook_bytes(data: dict) -> bytes:
	from openpyxl import Workbook
	from openpyxl.styles import Font

	book = Workbook()
	book.remove(book.active)
	for table in tables(data):
		sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", table["title"])[:31])
		sheet.append([label for _field, label in table["columns"]])
		for c in sheet[1]:
			c.font = Font(bold=True)
		for row in table["rows"]:
			sheet.append([cell(row.get(field)) for field, _label in table["columns"]])
		sheet.freeze_panes = "A2"
		for index, (field, label) in enumerate(table["columns"], start=1):
			width = max([len(str(label))] + [len(str(cell(r.get(field)))) for r in table["rows"][:200]])
			sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(width + 2, 48)
	out = io.BytesIO()
	book.save(out)
	return out.getvalue()


def render_html(data: dict) -> str:
	lot = data["lot"]
	sides = [
		("backward", _("Backward", context="Trace direction")),
		("forward", _("Forward", context="Trace direction")),
	]
	levels = []
	for side, label in sides:
		if side not in data["truncated"]:
			continue
		depths = sorted({n["depth"] for n in data["nodes"] if n["side"] == side}, key=abs)
		for depth in depths:
			levels.append(
				{
					"side": label,
					"depth": depth,
					"nodes": [n for n in data["nodes"] if n["side"] == side and n["depth"] == depth],
				}
			)
	return frappe.render_template(
		"mom_app/stock_ext/templates/trace_report.html",
		{
			"title": _("Traceability: {0} {1}").format(_(lot["doctype"]), lot["name"]),
			"data": data,
			"direction_label": {
				"backward": _("Backward", context="Trace direction"),
				"forward": _("Forward", context="Trace direction"),
				"both": _("Both", context="Trace direction"),
			}.get(data["direction"], data["direction"]),
			"levels": levels,
			"tables": [t for t in tables(data) if t["key"] != "graph"],
			"cell": cell,
			"printed_on": format_datetime(now_datetime()),
		},
	)


def pdf_bytes(data: dict) -> bytes:
	from frappe.utils.pdf import get_pdf

	return get_pdf(render_html(data), {"orientation": "Landscape", "page-size": "A4"})
