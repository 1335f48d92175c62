# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Maintenance Plan: preventive work on one asset or on every asset of an asset category that is in service,
by calendar (every N days, weeks or months, fixed or floating), by meter (every N run hours, cycles or produced
parts), or whichever comes first; lead time in days or meter units; the order's type, priority, checklist,
parts, estimated hours, skill and assignee.

The hourly due-date scan (mom_app.plant_maintenance.plans.scan) opens each due occurrence's Maintenance Work
Order once. The form shows per asset when and why the plan falls due next (plans.scan.preview).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, getdate, nowdate

from mom_app.engine.maintenance import plans as rules

PROBLEM_MESSAGES = {
	"calendar_needs_interval": lambda: _(
		"A calendar plan needs its interval: every how many days, weeks or months (a whole number, at least 1)."
	),
	"calendar_needs_start": lambda: _("A calendar plan needs its first due date."),
	"meter_needs_interval": lambda: _("A meter plan needs its interval in meter units, greater than 0."),
	"meter_needs_type": lambda: _("A meter plan needs the type of meter it reads."),
	"negative_lead": lambda: _("A lead time cannot be negative."),
	"lead_days_not_below_interval": lambda: _(
		"The lead time in days must be shorter than the interval (a month counts as 28 days), or each order "
		"would open as soon as the last one is done."
	),
	"lead_units_not_below_interval": lambda: _(
		"The lead in meter units must be smaller than the meter interval, or each order would open as soon as "
		"the last one is done."
	),
}


class MaintenancePlan(Document):
	def validate(self):
		self.plan_name = (self.plan_name or "").strip()
		if self.applies_to == "Asset":
			self.asset_category = None
		else:
			self.asset = self.asset_name = None
		if self.trigger_type == rules.CALENDAR:
			self.meter_type = self.meter_name = None
			self.meter_every = self.meter_start = self.lead_units = 0
		elif self.trigger_type == rules.METER:
			self.every = 0
			self.every_unit = self.start_date = None
		found = rules.problems(self.as_dict() | {"trigger": self.trigger_type})
		if found:
			frappe.throw(
				"<br>".join(PROBLEM_MESSAGES[code]() for code in found), title=_("Invalid Maintenance Plan")
			)
		self.check_asset()
		self.check_services()

	def onload(self):
		if self.is_new():
			return
		from mom_app.plant_maintenance.plans.scan import preview

		self.set_onload("due_dates", preview(self.name))

	def check_asset(self):
		if self.applies_to != "Asset":
			return
		status, docstatus = frappe.db.get_value("Asset", self.asset, ["status", "docstatus"]) or (None, None)
		if docstatus != 1 or not rules.in_service(status):
			frappe.throw(
				_("Asset {0} is not in service ({1}); a plan covers submitted assets in service.").format(
					escape_html(self.asset), _(status) if status else "-"
				),
				title=_("Invalid Maintenance Plan"),
			)

	def check_services(self):
		seen = set()
		for row in self.service_before:
			if row.asset in seen:
				frappe.throw(
					_("Row {0}: asset {1} is listed twice.").format(row.idx, escape_html(row.asset)),
					title=_("Invalid Maintenance Plan"),
				)
			seen.add(row.asset)
			covered = (
				row.asset == self.asset
				if self.applies_to == "Asset"
				else frappe.db.get_value("Asset", row.asset, "asset_category") == self.asset_category
			)
			if not covered:
				frappe.throw(
					_("Row {0}: the plan does not cover asset {1}.").format(row.idx, escape_html(row.asset)),
					title=_("Invalid Maintenance Plan"),
				)
			if row.last_done and getdate(row.last_done) > getdate(nowdate()):
				frappe.throw(
					_("Row {0}: the last service cannot be in the future.").format(row.idx),
					title=_("Invalid Maintenance Plan"),
				)
