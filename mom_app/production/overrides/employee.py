"""Employee (ERPNext) extended for the shop floor: the badge barcode operators scan to sign in."""

import frappe
from frappe import _
from frappe.utils import escape_html

from mom_app.engine.badge import MAX_LENGTH, BadgeCodeError, normalize_badge


class DuplicateBadgeError(frappe.ValidationError):
	pass


def badge_error_message(error: BadgeCodeError) -> str:
	if error.reason == "too_long":
		return _("Badge barcode is longer than {0} characters.").format(MAX_LENGTH)
	if error.reason == "bad_char":
		return _("Badge barcode contains {0}, which a barcode scanner cannot type.").format(
			escape_html(repr(error.details["char"]))
		)
	return _("Badge barcode is empty.")


def validate(doc, method=None):
	validate_badge_barcode(doc)


def validate_badge_barcode(doc):
	if not doc.get("mom_badge_barcode"):
		doc.mom_badge_barcode = None  # unique column: store NULL, not "", so many employees may have none
		return
	try:
		doc.mom_badge_barcode = normalize_badge(doc.mom_badge_barcode)
	except BadgeCodeError as e:
		frappe.throw(badge_error_message(e), title=_("Invalid Badge Barcode"))
	holder = frappe.db.get_value(
		"Employee",
		{"mom_badge_barcode": doc.mom_badge_barcode, "name": ("!=", doc.name)},
		["name", "employee_name"],
		as_dict=True,
	)
	if holder:
		frappe.throw(
			_("Badge barcode {0} is already used by {1} ({2}).").format(
				frappe.bold(escape_html(doc.mom_badge_barcode)),
				escape_html(holder.employee_name),
				escape_html(holder.name),
			),
			DuplicateBadgeError,
			title=_("Duplicate Badge Barcode"),
		)
