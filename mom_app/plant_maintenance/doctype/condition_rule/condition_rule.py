# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Condition Rule: a rule on one IoT tag (its raw readings or its minute aggregates) that opens a maintenance
work order when it fires (mom_app.plant_maintenance.condition_rules; the rule's logic is the engine's
mom_app.engine.maintenance.condition_rules).

On save: the tag must be one of the device's tags (its unit is copied); the machine comes from the device's
workstation and that workstation's Machine Asset when the rule does not name them; the definition is checked
by the engine's Rule. A change to what the rule watches or how it judges (device, tag, samples, condition,
limits, delays, repeat, enabled) starts its state afresh: the old state belongs to the old definition. Every
save tells the writers to reload the rules (definitions.changed)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt

# fields whose change makes the saved state meaningless
DEFINITION_FIELDS = (
	"enabled",
	"device",
	"tag",
	"samples",
	"aggregate",
	"condition",
	"measure",
	"low_limit",
	"high_limit",
	"deadband",
	"rate_seconds",
	"on_delay_seconds",
	"off_delay_seconds",
	"repeat_count",
	"repeat_window_seconds",
)


class ConditionRule(Document):
	def validate(self):
		self.check_signal()
		self.fill_machine()
		self.check_definition()
		if self.definition_changed():
			self.reset_state()

	def check_signal(self):
		tags = frappe.get_all(
			"IoT Tag",
			filters={"parent": self.device, "parenttype": "IoT Device"},
			fields=["tag_key", "unit"],
			order_by="idx",
		)
		tag = next((t for t in tags if t.tag_key == (self.tag or "").strip()), None)
		if not tag:
			frappe.throw(
				_("Device {0} has no tag {1}. Its tags: {2}").format(
					escape_html(self.device),
					escape_html(self.tag or ""),
					escape_html(", ".join(t.tag_key for t in tags) or "-"),
				),
				title=_("Unknown Tag"),
			)
		self.tag = tag.tag_key
		self.unit = tag.unit

	def fill_machine(self):
		if not self.workstation:
			self.workstation = frappe.db.get_value("IoT Device", self.device, "workstation")
		if self.workstation and not self.asset:
			self.asset = frappe.db.get_value("Workstation", self.workstation, "mom_asset")
		if not self.workstation and not self.asset:
			frappe.throw(
				_(
					"The rule needs the machine its orders are for: set the workstation or the asset (or the "
					"device's workstation)."
				),
				title=_("Missing Machine"),
			)

	def check_definition(self):
		from mom_app.plant_maintenance.condition_rules.definitions import engine_rule

		condition = self.condition
		if condition in ("Above", "Outside") and self.high_limit in (None, ""):
			frappe.throw(_("Set the high limit."), title=_("Invalid Condition Rule"))
		if condition in ("Below", "Outside") and self.low_limit in (None, ""):
			frappe.throw(_("Set the low limit."), title=_("Invalid Condition Rule"))
		if condition == "Outside" and flt(self.low_limit) >= flt(self.high_limit):
			frappe.throw(_("The low limit must be below the high limit."), title=_("Invalid Condition Rule"))
		if cint(self.repeat_count) < 1:
			self.repeat_count = 1
		if cint(self.repeat_count) > 1 and flt(self.repeat_window_seconds) <= 0:
			frappe.throw(
				_("A repeat count needs a repeat window (seconds)."), title=_("Invalid Condition Rule")
			)
		if self.measure == "Rate" and flt(self.rate_seconds) <= 0:
			self.rate_seconds = 60
		try:
			engine_rule(self)
		except ValueError as e:
			frappe.throw(escape_html(str(e)), title=_("Invalid Condition Rule"))

	def definition_changed(self) -> bool:
		before = self.get_doc_before_save()
		if not before:
			return True
		return any(str(before.get(f) or "") != str(self.get(f) or "") for f in DEFINITION_FIELDS)

	def reset_state(self):
		self.rule_state = None
		self.active = 0
		self.pending_since = None

	def on_update(self):
		from mom_app.plant_maintenance.condition_rules.definitions import changed

		changed()

	def on_trash(self):
		from mom_app.plant_maintenance.condition_rules.definitions import changed

		changed()
