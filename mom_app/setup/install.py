"""Install and uninstall hooks (see hooks.py)."""

import contextlib

import click
import frappe

from mom_app.setup.custom_fields import apply_custom_fields, remove_custom_fields
from mom_app.setup.indexes import apply_indexes, remove_indexes
from mom_app.setup.property_setters import apply_property_setters, remove_property_setters
from mom_app.setup.roles import apply_role_permissions, create_roles, remove_role_permissions, remove_roles


def before_install():
	# DocType JSON of mom_app grants rights to these roles; they must exist before the doctypes sync.
	create_roles()


def after_install():
	apply_setup()
	capture_existing_genealogy()
	frappe.db.commit()
	click.secho("mom_app installed: run `bench --site <site> mom-demo` for a demo plant.", fg="green")


def apply_setup():
	"""What the app sets up in a site, each part idempotent and cheap: run on install and, by the patch
	mom_app.patches.apply_setup, on migrate (so a site gets what a newer version added)."""
	create_roles()
	apply_custom_fields()
	apply_property_setters()
	apply_indexes()
	apply_role_permissions()
	ensure_iot_settings()
	ensure_mom_settings()
	install_shop_floor()
	install_plant_maintenance()


def capture_existing_genealogy():
	"""Lot genealogy of the receipts, Manufacture/Repack entries and deliveries submitted before the app."""
	from mom_app.stock_ext.capture import rebuild

	rebuild(commit=False)


def ensure_iot_settings():
	from mom_app.iot.doctype.iot_settings.iot_settings import ensure_settings

	ensure_settings()


def ensure_mom_settings():
	from mom_app.production.doctype.mom_settings.mom_settings import ensure_defaults

	ensure_defaults()


def install_shop_floor():
	"""Work order types, the Work Order approval workflow and the downtime reason tree."""
	from mom_app.production.shop_floor_setup import install

	install()


def install_plant_maintenance():
	"""Maintenance Settings defaults, the failure coding trees and the Maintenance Work Order workflow."""
	from mom_app.plant_maintenance.setup import install

	install()


def uninstall_plant_maintenance():
	from mom_app.plant_maintenance.setup import uninstall

	uninstall()


def uninstall_shop_floor():
	from mom_app.production.shop_floor_setup import uninstall

	uninstall()


def before_uninstall():
	uninstall_shop_floor()  # before its custom fields go
	uninstall_plant_maintenance()
	remove_custom_fields()
	remove_property_setters()
	remove_indexes()
	remove_role_permissions()
	remove_roles()
	remove_scheduled_jobs()
	remove_readings_stream()
	frappe.db.commit()
	remove_sequences()


# Frappe's uninstall drops the tables of "autoincrement" doctypes but leaves their MariaDB sequences behind.
DROP_SEQUENCES = (
	"drop sequence if exists `iot_reading_id_seq`",
	"drop sequence if exists `iot_minute_aggregate_id_seq`",
	"drop sequence if exists `machine_state_log_id_seq`",
	"drop sequence if exists `genealogy_edge_id_seq`",
)


def remove_sequences():
	for statement in DROP_SEQUENCES:
		frappe.db.sql_ddl(statement)


def remove_scheduled_jobs():
	"""Frappe only drops Scheduled Job Types on the next migrate; the scheduler must not call our code
	before that."""
	# raw SQL: frappe.get_all escapes the backslash of a LIKE pattern, so "mom\_app.%" would match nothing
	jobs = frappe.db.sql(
		"select name from `tabScheduled Job Type` where method like %s", "mom\\_app.%", pluck=True
	)
	for name in jobs:
		frappe.delete_doc("Scheduled Job Type", name, ignore_permissions=True, force=True)


def remove_readings_stream():
	"""Readings not yet stored go with the app (best effort: Redis may be down)."""
	from mom_app.iot.writer import site_stream_key, stream_redis

	with contextlib.suppress(Exception):
		stream_redis().delete(site_stream_key())
