"""Install and uninstall hooks (see hooks.py)."""

import click
import frappe

from mom_app.setup.custom_fields import apply_custom_fields, remove_custom_fields
from mom_app.setup.roles import apply_role_permissions, create_roles, remove_role_permissions, remove_roles


def before_install():
	# DocType JSON of mom_app grants rights to these roles; they must exist before the doctypes sync.
	create_roles()


def after_install():
	apply_custom_fields()
	apply_role_permissions()
	frappe.db.commit()
	click.secho("mom_app installed: run `bench --site <site> mom-demo` for a demo plant.", fg="green")


def before_uninstall():
	remove_custom_fields()
	remove_role_permissions()
	remove_roles()
	frappe.db.commit()
