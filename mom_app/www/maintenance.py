"""The maintenance technician's page (/maintenance): a phone or tablet page with a scanner or the camera.

My open orders and the unassigned ones by priority and due time; scan an asset's label (print format Asset
Label), a workstation or an order → the machine's open orders and history, or the order; accept, start,
pause, wait for parts, finish; the checklist (numbers flagged out of limits as typed), spare parts by scan
with the maintenance store's stock, failure codes, photos before and after, meter readings.

Guests are sent to the login page; signed-in users without the role Maintenance Technician get a 403 page
saying so. The page itself is static: what it shows comes from mom_app.plant_maintenance.api.technician, the
order actions go to mom_app.plant_maintenance.api (each with a client-made id, applied once). Its template
leaves out the website's navbar and footer."""

from pathlib import Path

import frappe
from frappe import _
from frappe.translate import extract_messages_from_javascript_code

from mom_app.plant_maintenance.api.technician import PAGE_ROLE

no_cache = 1
# the camera scanner Frappe's own desk uses (frappe.ui.Scanner loads the same file)
HTML5_QRCODE = "/assets/frappe/node_modules/html5-qrcode/html5-qrcode.min.js"
PUBLIC = Path(__file__).resolve().parent.parent / "public"
SCRIPT = PUBLIC / "js" / "maintenance.js"
STYLE = PUBLIC / "css" / "maintenance.css"


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/maintenance"
		raise frappe.Redirect
	if PAGE_ROLE not in frappe.get_roles():
		raise frappe.PermissionError(
			_("The maintenance page is for users with the role {0}.").format(_(PAGE_ROLE))
		)
	context.no_cache = 1
	context.title = _("Maintenance", context="Technician page")
	context.user_name = frappe.utils.get_fullname(frappe.session.user)
	context.qr_library = HTML5_QRCODE
	context.translated_messages = frappe.as_json(script_messages())
	context.script_version = int(max(SCRIPT.stat().st_mtime, STYLE.stat().st_mtime))
	return context


def script_messages() -> dict[str, str]:
	"""The page script's messages in the user's language, keyed as Frappe's __() looks them up: the message,
	or "message:context" for one given a context (__("Pass", null, "Checklist result"))."""
	code = SCRIPT.read_text(encoding="utf-8")
	messages = {}
	for _pos, message, context in extract_messages_from_javascript_code(code):
		messages[f"{message}:{context}" if context else message] = _(message, context=context)
	return messages
