# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Quality Characteristic: one SPC chart (item + parameter or IoT signal, specification limits, chart
type, subgroup size, run rules). See mom_app.quality.spc for the computation."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt

from mom_app.engine.spc import RULES

XBAR = ("Xbar-R", "Xbar-S")


class QualityCharacteristicError(frappe.ValidationError):
	pass


class QualityCharacteristic(Document):
	def validate(self):
		self.title = " · ".join(
			x for x in (self.item_code, self.parameter or self.iot_tag, self.chart_type) if x
		)
		if self.chart_type in XBAR and not 2 <= cint(self.subgroup_size) <= 25:
			frappe.throw(
				_("Subgroup size must be between 2 and 25 for an {0} chart.").format(self.chart_type),
				QualityCharacteristicError,
			)
		if self.spec_type == "Two-sided" and flt(self.lsl) >= flt(self.usl):
			frappe.throw(
				_("The lower specification limit must be below the upper one."), QualityCharacteristicError
			)
		if (
			self.spec_type == "Two-sided"
			and self.target
			and not flt(self.lsl) <= flt(self.target) <= flt(self.usl)
		):
			frappe.throw(
				_("The target must lie between the specification limits."), QualityCharacteristicError
			)
		if self.phase == "II" and flt(self.lcl) >= flt(self.ucl):
			frappe.throw(
				_(
					"Phase II needs frozen limits with LCL below UCL; use Freeze Limits to take them from the data."
				),
				QualityCharacteristicError,
			)
		if self.data_source == "IoT Signal" and self.iot_device and self.iot_tag:
			tags = frappe.get_all(
				"IoT Tag", filters={"parent": self.iot_device, "parenttype": "IoT Device"}, pluck="tag_key"
			)
			if self.iot_tag not in tags:
				frappe.throw(
					_("IoT device {0} has no tag {1}.").format(
						escape_html(self.iot_device), frappe.bold(escape_html(self.iot_tag))
					),
					QualityCharacteristicError,
				)
		if self.data_source == "IoT Signal" and self.chart_type not in ("I-MR", *XBAR):
			frappe.throw(
				_("An IoT signal is a measurement: choose an Xbar-R, Xbar-S or I-MR chart."),
				QualityCharacteristicError,
			)
		seen = set()
		for row in self.rules:
			if row.rule in seen:
				frappe.throw(_("Rule {0} is listed twice.").format(row.rule), QualityCharacteristicError)
			seen.add(row.rule)
			row.description = RULES.get(row.rule)

	@frappe.whitelist()
	def freeze_limits(self):
		"""Phase I → II: take the current limits from the data and keep them."""
		self.check_permission("write")
		from mom_app.quality.spc import evaluate

		self.phase = "I"
		outcome = evaluate(self)
		chart = outcome.get("chart")
		if not chart:
			frappe.throw(_("Not enough points to compute limits yet."))
		limits = chart["limits"]
		if isinstance(limits["ucl"], list):
			frappe.throw(
				_("This chart's limits vary with the sample size; they cannot be frozen as single numbers.")
			)
		self.center_line, self.lcl, self.ucl = limits["center"], limits["lcl"], limits["ucl"]
		secondary = chart.get("secondary_limits")
		if secondary:
			self.secondary_center_line, self.secondary_lcl, self.secondary_ucl = (
				secondary["center"],
				secondary["lcl"],
				secondary["ucl"],
			)
		self.phase = "II"
		self.save()
		return {"center": self.center_line, "lcl": self.lcl, "ucl": self.ucl}

	@frappe.whitelist()
	def recompute(self):
		self.check_permission("read")
		from mom_app.quality.spc import recompute

		outcome = recompute(self.name)
		return {"points": outcome["points"], "violations": outcome["violations"], "hold": outcome.get("hold")}
