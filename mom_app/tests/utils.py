"""Factories for tier-2 tests (real site)."""

import frappe


def make_user(
	role: str | None, email: str | None = None, language: str = "en", password: str | None = None
) -> str:
	"""A desk user holding exactly `role` (or no role at all). Idempotent by email."""
	email = email or f"{frappe.scrub(role or 'norole')}@mom-test.example"
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
		user.roles = []
	else:
		user = frappe.new_doc("User")
		user.update(
			{
				"email": email,
				"first_name": role or "No Role",
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
	user.language = language
	if password:
		user.new_password = password
	user.flags.no_welcome_mail = True
	user.save(ignore_permissions=True) if user.name else user.insert(ignore_permissions=True)
	if role:
		user.add_roles(role)
	return user.name


def erpnext_company() -> str:
	"""The company ERPNext's setup created for the test site."""
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def make_employee(first_name: str, badge: str | None = None):
	"""An unsaved Employee of the test company."""
	return frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": first_name,
			"company": erpnext_company(),
			"gender": "Female",
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"mom_badge_barcode": badge,
		}
	)
