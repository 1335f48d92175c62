# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Maintenance Settings: the plant maintenance pillar's settings (see the field descriptions).

`ensure_settings()` (install, migrate) stores the defaults a site has never stored, the priority targets from
the engine's DEFAULT_TARGETS included; stored values are kept. `targets()` gives the engine's targets.
"""

import frappe
from frappe import _
from frappe.model.document import Document

from mom_app.engine.maintenance.orders import DEFAULT_TARGETS
from mom_app.engine.maintenance.orders import targets as engine_targets

DOCTYPE = "Maintenance Settings"
# settings a site that never saved them gets: a field added later would read as 0 or empty
DEFAULTS = {
	"approve_system_orders": 1,
	"emergency_lockout": 0,
	"request_priority": "Medium",
	"andon_priority": "High",
	"breakdown_minutes": 10,
	"breakdown_mode": "Open an Order",
	"breakdown_priority": "High",
	"pm_scan_enabled": 1,
	"meter_usage_window_days": 30,
	"erpnext_task_orders": 1,
	"condition_rules_enabled": 1,
	"condition_rule_priority": "High",
	"quality_hold_orders": 1,
	"quality_priority": "High",
}
# links to records the app creates on install (the downtime reason tree): stored once those exist; not as
# DocType defaults, which Frappe saves with the Single before the app's after_install has made them
LINK_DEFAULTS = {
	"planned_maintenance_reason": ("Downtime Reason", "Preventive Maintenance"),
	"breakdown_reason": ("Downtime Reason", "Machine Breakdown"),
}


def default_target_rows() -> list[dict]:
	return [
		{
			"priority": priority,
			"response_minutes": int(target.response_minutes or 0),
			"repair_minutes": int(target.repair_minutes or 0),
		}
		for priority, target in DEFAULT_TARGETS.items()
	]


def ensure_settings():
	"""Store every default the site has never stored, and the default targets when there are none."""
	stored = frappe.db.get_singles_dict(DOCTYPE)
	for fieldname, value in DEFAULTS.items():
		if stored.get(fieldname) in (None, ""):
			frappe.db.set_single_value(DOCTYPE, fieldname, value)
	for fieldname, (doctype, name) in LINK_DEFAULTS.items():
		if stored.get(fieldname) in (None, "") and frappe.db.exists(doctype, name):
			frappe.db.set_single_value(DOCTYPE, fieldname, name)
	if not frappe.db.count("Maintenance Priority Target", {"parent": DOCTYPE, "parenttype": DOCTYPE}):
		doc = frappe.get_doc(DOCTYPE)
		doc.set("priority_targets", default_target_rows())
		doc.flags.ignore_permissions = True
		doc.save()


def settings():
	"""The settings, read from the database (inside the caller's transaction)."""
	return frappe.get_single(DOCTYPE)


def targets() -> dict:
	"""Priority -> engine Target: the settings' rows over the engine's defaults."""
	rows = [row.as_dict() for row in settings().get("priority_targets")]
	return engine_targets(rows)


class MaintenanceSettings(Document):
	def validate(self):
		for fieldname, default in DEFAULTS.items():
			if self.get(fieldname) in (None, ""):
				self.set(fieldname, default)
		seen = set()
		for row in self.priority_targets:
			if row.priority in seen:
				frappe.throw(
					_("Priority {0} has two target rows; keep one.").format(_(row.priority)),
					title=_("Invalid Maintenance Settings"),
				)
			seen.add(row.priority)
		if self.maintenance_store and frappe.db.get_value("Warehouse", self.maintenance_store, "is_group"):
			frappe.throw(
				_("The maintenance store {0} is a group; choose a warehouse that holds stock.").format(
					frappe.bold(frappe.utils.escape_html(self.maintenance_store))
				),
				title=_("Invalid Maintenance Settings"),
			)
