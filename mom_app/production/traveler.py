"""The Work Order traveler (print format "Work Order Traveler"): a QR code per job card for the terminal.

The format's HTML is the template mom_app/templates/print_formats/work_order_traveler.html (included by the
Print Format record), so its labels are extracted for translation like any template's. QR codes are drawn
server-side as inline SVG with pyqrcode, which Frappe already ships (two-factor setup)."""

import io

from markupsafe import Markup

from mom_app.setup.labels import N_

# units of measure the traveler translates (ERPNext's own Chinese leaves its default unit "Nos" as it is)
UNIT_NAMES = (N_("Nos"),)


def qr_svg(text: str, scale: int = 3) -> Markup:
	"""An inline <svg> QR code of `text` (a job card name: what the terminal's scanner reads)."""
	import pyqrcode

	if not text:
		return Markup("")
	buffer = io.BytesIO()
	pyqrcode.create(str(text), error="M").svg(buffer, scale=scale, xmldecl=False, svgns=True, omithw=False)
	return Markup(buffer.getvalue().decode())


def job_cards(work_order: str) -> list[dict]:
	"""The job cards of a work order in operation order (for the print format)."""
	import frappe

	return frappe.get_all(
		"Job Card",
		filters={"work_order": work_order, "docstatus": ("<", 2)},
		fields=["name", "operation", "workstation", "for_quantity", "sequence_id", "status", "operation_id"],
		order_by="sequence_id asc, creation asc",
	)
