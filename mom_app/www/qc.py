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
	code = SCRIPT.read_text(encoding="utf-8")
	messages = {message for _pos, message, _ctx in extract_messages_from_javascript_code(code)}
	context.translated_messages = frappe.as_json({m: _(m) for m in messages})
	context.script_version = int(SCRIPT.stat().st_mtime)
	return context
