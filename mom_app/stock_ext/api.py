"""Traceability API: trace a lot, its recall scope, and the trace as Excel and PDF (rendered by
mom_app.stock_ext.trace.export).

Every method checks in the function that the caller may read the traced Batch / Serial No; anything else
the trace reaches that the caller may not read is shown redacted (type kept, name "•••", no data).
"""

import frappe

from mom_app.stock_ext.trace import recall, run_trace, serialize
from mom_app.stock_ext.trace.export import file_stem, pdf_bytes, workbook_bytes


@frappe.whitelist()
def trace(lot: str, direction: str = "both", max_depth: int = 20) -> dict:
	"""Backward (where it came from), forward (where it went) or both, to `max_depth` levels, with the
	materials, machines, operators, inspections, customers and process parameters of the lots reached."""
	return serialize(run_trace(lot, direction, max_depth))


@frappe.whitelist()
def recall_scope(lot: str, graph: bool = False) -> dict:
	"""Every lot, finished lot, delivery and customer downstream of a suspect lot; with `graph`, also the
	forward trace's nodes and edges."""
	return recall(lot, graph=bool(graph))


@frappe.whitelist()
def export_excel(lot: str, direction: str = "both", max_depth: int = 20) -> None:
	data = trace(lot, direction, max_depth)
	frappe.response["filename"] = f"{file_stem(data)}.xlsx"
	frappe.response["filecontent"] = workbook_bytes(data)
	frappe.response["type"] = "binary"


@frappe.whitelist()
def print_pdf(lot: str, direction: str = "both", max_depth: int = 20) -> None:
	data = trace(lot, direction, max_depth)
	frappe.response["filename"] = f"{file_stem(data)}.pdf"
	frappe.response["filecontent"] = pdf_bytes(data)
	frappe.response["type"] = "pdf"
