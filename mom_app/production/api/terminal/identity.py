"""Who may act at the operator terminal: the role, the badge's employee, the workstation.

The session user needs the role MOM Operator. With MOM Settings' Sign In by Badge Scan on (the default), the
badge scanned names the employee acting; the session user must be that employee's own user
(Employee.user_id), or the workstation's shared terminal user (Workstation.mom_terminal_user, set by a
supervisor) - then anyone with a badge may act at that workstation. With it off, no badge is asked for: the
employee acting is the one whose User ID is the session user (a badge sent is not used), so each operator
signs in to the terminal with their own login. Every call checks this again: nothing is remembered between
calls.

Refusals are messages shown as HTML (Frappe's convention): every scanned, typed or stored value in them goes
through `show` or escape_html.
"""

import frappe
from frappe import _
from frappe.utils import cint, escape_html

from mom_app.engine.badge import BadgeCodeError, normalize_badge

TERMINAL_ROLE = "MOM Operator"


class TerminalError(frappe.ValidationError):
	"""A refused terminal request: the message says why; nothing was written."""


def check_role():
	if frappe.session.user == "Guest":
		raise frappe.PermissionError(_("Please sign in to use the operator terminal."))
	if TERMINAL_ROLE not in frappe.get_roles():
		raise frappe.PermissionError(
			_("The operator terminal is for users with the role {0}.").format(_(TERMINAL_ROLE))
		)


def fail(message: str):
	frappe.throw(message, TerminalError, title=_("Operator Terminal"))


def show(value) -> str:
	"""A scanned, typed or stored value, escaped and in bold, for a message shown as HTML."""
	return frappe.bold(escape_html(str(value if value is not None else "")))


def badge_sign_in() -> bool:
	"""MOM Settings' Sign In by Badge Scan; on for a site that never saved it (the field's default)."""
	stored = frappe.db.get_singles_dict("MOM Settings").get("badge_sign_in")
	return True if stored in (None, "") else bool(cint(stored))


def employee_of_badge(badge: str | None) -> frappe._dict:
	"""The employee acting: the badge's, or with Sign In by Badge Scan off, the session user's own (the
	badge is then not used)."""
	if not badge_sign_in():
		return own_employee()
	try:
		code = normalize_badge(badge)
	except BadgeCodeError:
		fail(_("This is not a badge code: {0}").format(show(str(badge or "")[:64])))
	employee = frappe.db.get_value(
		"Employee",
		{"mom_badge_barcode": code},
		["name", "employee_name", "user_id", "status", "company"],
		as_dict=True,
	)
	if not employee:
		fail(_("No employee has badge {0}.").format(show(code)))
	if employee.status != "Active":
		fail(_("Employee {0} is not active.").format(show(employee.employee_name)))
	return employee


def own_employee() -> frappe._dict:
	"""The active Employee whose User ID is the session user."""
	employee = frappe.db.get_value(
		"Employee",
		{"user_id": frappe.session.user},
		["name", "employee_name", "user_id", "status", "company"],
		as_dict=True,
	)
	if not employee:
		fail(
			_(
				"The terminal signs you in as the employee whose User ID is {0}, and no employee has it: ask "
				"HR to enter it on your Employee record, or turn Sign In by Badge Scan on in MOM Settings."
			).format(show(frappe.session.user))
		)
	if employee.status != "Active":
		fail(_("Employee {0} is not active.").format(show(employee.employee_name)))
	return employee


def terminal_workstations() -> list[str]:
	"""Workstations whose shared terminal user is the session user."""
	return frappe.get_all(
		"Workstation", filters={"mom_terminal_user": frappe.session.user}, pluck="name", order_by="name"
	)


def check_acting(employee: frappe._dict, workstation: str | None):
	"""The session user may act as `employee` at `workstation` (see the module docstring)."""
	if employee.user_id and employee.user_id == frappe.session.user:
		return
	if (
		workstation
		and frappe.db.get_value("Workstation", workstation, "mom_terminal_user") == frappe.session.user
	):
		return
	if not workstation and terminal_workstations():
		return
	fail(
		_(
			"Badge of {0}: sign in with that employee's own user, or at a workstation whose shared terminal "
			"user you are."
		).format(show(employee.employee_name))
	)


def check_workstation(workstation: str | None) -> str | None:
	if not workstation:
		return None
	name = frappe.db.get_value("Workstation", workstation.strip(), "name")
	if not name:
		fail(_("Unknown workstation: {0}").format(show(workstation)))
	return name


@frappe.whitelist(methods=["POST"])
def sign_in(badge: str | None = None) -> dict:
	"""The employee acting (the badge's, or the session user's own when Sign In by Badge Scan is off), and
	the workstations the session user may work at."""
	check_role()
	employee = employee_of_badge(badge)
	check_acting(employee, None)
	shared = terminal_workstations()
	own = employee.user_id == frappe.session.user
	workstations = frappe.get_all(
		"Workstation",
		filters=None if own else {"name": ("in", shared or [""])},
		fields=["name", "workstation_name", "status", "plant_floor"],
		order_by="name",
	)
	return {
		"employee": employee.name,
		"employee_name": employee.employee_name,
		"workstations": workstations,
		"login_sign_in": not badge_sign_in(),
	}
