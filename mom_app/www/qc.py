"""/qc: the mobile inspection page for Quality Inspectors (tablet or phone, scanner or camera).

Scan a work order, job card, batch, receipt or delivery → the due inspections → enter per-sample readings,
defect counts by class, photos and remarks → submit. All data goes through mom_app.quality.api into
ERPNext's Quality Inspection."""

from pathlib import Path

import frappe
from frappe import _
from frappe.translate import extract_messages_from_javascript_code

from mom_app.quality.api import INSPECTOR_ROLES

no_cache = 1

SCRIPT = Path(__file__).resolve().parent.parent / "public" / "js" / "qc.js"


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/qc"
		raise frappe.Redirect
	context.allowed = bool(set(INSPECTOR_ROLES) & set(frappe.get_roles()))
	context.no_breadcrumbs = True
	context.title = _("Mobile Inspection")
	context.translated_messages = frappe.as_json(script_messages())
	context.script_version = int(SCRIPT.stat().st_mtime)
	return context


def script_messages() -> dict[str, str]:
	"""The page script's messages in the user's language, keyed as Frappe's __() looks them up: the message,
	or "message:context" for one given a context (__("Accepted", null, "Inspection verdict"))."""
	code = SCRIPT.read_text(encoding="utf-8")
	messages = {}
	for _pos, message, context in extract_messages_from_javascript_code(code):
		messages[f"{message}:{context}" if context else message] = _(message, context=context)
	return messages
