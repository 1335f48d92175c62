"""The MOM roles and their rights on ERPNext doctypes, applied as Custom DocPerm rows.

The matrix itself is pure data in mom_app.engine.rbac; this module only writes it into a site and takes it
out again on uninstall.
"""

import frappe
from frappe.permissions import reset_perms, setup_custom_perms

from mom_app.engine.rbac import ROLES, expand, expand_levels

DOCPERM_RIGHTS = (
	"read",
	"write",
	"create",
	"submit",
	"cancel",
	"amend",
	"delete",
	"export",
	"email",
	"share",
	"select",
	"report",
	"print",
)


def own_doctypes() -> set[str]:
	"""mom_app's doctypes (their rights live in their DocType JSON, not in Custom DocPerm)."""
	modules = frappe.get_all("Module Def", filters={"app_name": "mom_app"}, pluck="name")
	return (
		set(frappe.get_all("DocType", filters={"module": ("in", modules)}, pluck="name"))
		if modules
		else set()
	)


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def matrix_rows():
	"""(doctype, role, rights) for ERPNext doctypes that exist on this site."""
	ours = own_doctypes()
	erpnext = {
		dt for dt in {row[0] for row in expand()} if dt not in ours and frappe.db.exists("DocType", dt)
	}
	submittable = set(
		frappe.get_all("DocType", filters={"name": ("in", list(erpnext)), "is_submittable": 1}, pluck="name")
	)
	return [row for row in expand(submittable=submittable) if row[0] in erpnext]


def apply_role_permissions():
	for doctype, role, rights in matrix_rows():
		setup_custom_perms(doctype)
		name = frappe.db.get_value(
			"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
		)
		values = {right: int(right in rights) for right in DOCPERM_RIGHTS}
		if name:
			frappe.db.set_value("Custom DocPerm", name, values)
		else:
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": doctype,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": 0,
					**values,
				}
			).insert(ignore_permissions=True)
		frappe.clear_cache(doctype=doctype)
	apply_level_permissions()


def level_rows():
	"""(doctype, permlevel, role, rights) of engine.rbac.LEVELS for doctypes and roles on this site."""
	return [
		row
		for row in expand_levels()
		if frappe.db.exists("DocType", row[0]) and frappe.db.exists("Role", row[2])
	]


def apply_level_permissions():
	"""Read / write above level 0 (fields mom_app keeps from other readers) as Custom DocPerm rows."""
	for doctype, level, role, rights in level_rows():
		setup_custom_perms(doctype)
		values = {right: int(right in rights) for right in DOCPERM_RIGHTS}
		filters = {"parent": doctype, "role": role, "permlevel": level, "if_owner": 0}
		name = frappe.db.get_value("Custom DocPerm", filters)
		if name:
			frappe.db.set_value("Custom DocPerm", name, values)
		else:
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": doctype,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": level,
					**values,
				}
			).insert(ignore_permissions=True)
		frappe.clear_cache(doctype=doctype)


def _perm_key(row) -> tuple:
	return (row.role, row.permlevel, row.if_owner, *(int(row.get(r) or 0) for r in DOCPERM_RIGHTS))


def remove_role_permissions():
	"""Delete our roles' Custom DocPerm rows; where what is left equals the standard rights, drop the custom
	copy entirely so the doctype follows ERPNext's own permissions again (and its future updates)."""
	touched = set(
		frappe.get_all("Custom DocPerm", filters={"role": ("in", ROLES)}, pluck="parent", distinct=True)
	)
	frappe.db.delete("Custom DocPerm", {"role": ("in", ROLES)})
	for doctype, level, role, _rights in expand_levels():
		if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": level}):
			frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": level})
			touched.add(doctype)
	fields = ["role", "permlevel", "if_owner", *DOCPERM_RIGHTS]
	for doctype in touched:
		custom = frappe.get_all("Custom DocPerm", filters={"parent": doctype}, fields=fields)
		standard = frappe.get_all("DocPerm", filters={"parent": doctype}, fields=fields)
		if sorted(map(_perm_key, custom)) == sorted(map(_perm_key, standard)):
			reset_perms(doctype)
		frappe.clear_cache(doctype=doctype)


def remove_roles():
	frappe.db.delete("Has Role", {"role": ("in", ROLES)})
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
