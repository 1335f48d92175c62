"""The operator terminal (/terminal): a full-screen page for a tablet with a barcode scanner.

Guests are sent to the login page; signed-in users without the role MOM Operator get a 403 page saying so.
The page itself is static: everything it shows comes from mom_app.production.api.terminal. It asks for a
badge when MOM Settings' Sign In by Badge Scan is on, else it signs in the user's own Employee at once. Its
template leaves out the website's navbar and footer (newsletter box, "Powered by ERPNext")."""

import json

import frappe
from frappe import _
from frappe.translate import get_translations_from_apps

from mom_app.production.api.terminal import TERMINAL_ROLE, badge_sign_in

no_cache = 1
# the camera scanner Frappe's own desk uses (frappe.ui.Scanner loads the same file)
HTML5_QRCODE = "/assets/frappe/node_modules/html5-qrcode/html5-qrcode.min.js"


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/terminal"
		raise frappe.Redirect
	if TERMINAL_ROLE not in frappe.get_roles():
		raise frappe.PermissionError(
			_("The operator terminal is for users with the role {0}.").format(_(TERMINAL_ROLE))
		)
	lang = frappe.local.lang or "en"
	context.no_cache = 1
	context.title = _("Operator Terminal")
	context.lang = lang
	context.qr_library = HTML5_QRCODE
	context.badge_sign_in = badge_sign_in()
	# this app's translations, and the job card statuses the API returns untranslated, in shop-floor words
	translations = {}
	if lang != "en":
		translations = get_translations_from_apps(lang, ["mom_app"])
		statuses = frappe.get_meta("Job Card").get_field("status").options or ""
		words = job_card_statuses()
		translations.update({s: words.get(s) or _(s) for s in statuses.split("\n") if s})
	context.translations = json.dumps(translations)
	return context


def job_card_statuses() -> dict[str, str]:
	"""ERPNext's Job Card statuses as an operator reads them (Open is a job not started, not the verb)."""
	return {
		"Open": _("Open", context="Job Card status"),
		"Work In Progress": _("Work In Progress", context="Job Card status"),
		"Material Transferred": _("Material Transferred", context="Job Card status"),
		"On Hold": _("On Hold", context="Job Card status"),
		"Submitted": _("Submitted", context="Job Card status"),
		"Completed": _("Completed", context="Job Card status"),
		"Cancelled": _("Cancelled", context="Job Card status"),
	}
