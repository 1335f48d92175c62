# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Inspection Plan: which inspection an item gets at a stage, with its sampling rule (see
mom_app.quality.plans for how plans are matched and turned into Quality Inspections)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from mom_app.engine import aql


class InspectionPlanError(frappe.ValidationError):
	pass


class InspectionPlan(Document):
	def validate(self):
		self.validate_scope()
		self.validate_sampling()
		self.validate_frequencies()

	def on_update(self):
		self.allow_inspection_after_transaction()

	def validate_scope(self):
		if not (self.item_code or self.item_group):
			frappe.throw(_("Choose the item or the item group this plan covers."), InspectionPlanError)
		if self.item_code and self.item_group:
			frappe.throw(
				_(
					"Choose either an item or an item group, not both: an item plan always wins over a group plan."
				),
				InspectionPlanError,
			)
		if self.supplier and self.stage != "IQC":
			frappe.throw(_("A supplier can only be set on an IQC plan."), InspectionPlanError)
		if self.operation and self.stage != "IPQC":
			frappe.throw(_("An operation can only be set on an IPQC plan."), InspectionPlanError)

	def validate_sampling(self):
		readings = cint(self.readings_per_parameter)
		if not 1 <= readings <= 10:
			frappe.throw(
				_(
					"Readings per numeric parameter must be between 1 and 10 (ERPNext keeps up to 10 readings)."
				),
				InspectionPlanError,
			)
		if self.sampling_method == "Fixed Sample" and cint(self.fixed_sample_size) < 1:
			frappe.throw(_("Enter the fixed sample size (at least 1)."), InspectionPlanError)
		if self.sampling_method != "AQL":
			return
		if self.inspection_level not in aql.LEVELS:
			frappe.throw(
				_("Choose an inspection level: {0}.").format(", ".join(aql.LEVELS)), InspectionPlanError
			)
		chosen = False
		for cls in aql.DEFECT_CLASSES:
			value = self.get(f"aql_{cls}")
			if not value:
				continue
			try:
				self.set(f"aql_{cls}", aql.normalise_aql(value))
			except aql.AQLError:
				frappe.throw(
					_("AQL {0} for {1} defects is not one of the standard's AQL values.").format(
						value, _(cls)
					),
					InspectionPlanError,
				)
			chosen = True
		if not chosen:
			frappe.throw(_("An AQL plan needs an AQL for at least one defect class."), InspectionPlanError)

	def validate_frequencies(self):
		if self.stage != "IPQC":
			self.frequencies = []
			return
		seen = set()
		for row in self.frequencies:
			if row.kind == "Every N Pieces" and cint(row.every_n_pieces) < 1:
				frappe.throw(
					_("Row {0}: enter N (pieces between checks).").format(row.idx), InspectionPlanError
				)
			if row.kind == "Every T Minutes" and cint(row.every_minutes) < 1:
				frappe.throw(
					_("Row {0}: enter T (minutes between checks).").format(row.idx), InspectionPlanError
				)
			if row.kind in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice.").format(row.idx, _(row.kind)), InspectionPlanError
				)
			seen.add(row.kind)
		if self.enabled and not self.frequencies:
			frappe.throw(
				_(
					"An IPQC plan needs at least one check: first article, every N pieces, every T minutes or last piece."
				),
				InspectionPlanError,
			)

	def allow_inspection_after_transaction(self):
		"""IQC after receipt and OQC on a saved delivery need ERPNext's own setting that allows inspections
		of receipts/deliveries whose items do not require inspection before purchase/delivery."""
		if not (self.enabled and self.stage in ("IQC", "OQC")):
			return
		field = "allow_to_make_quality_inspection_after_purchase_or_delivery"
		if not frappe.db.get_single_value("Stock Settings", field):
			frappe.db.set_single_value("Stock Settings", field, 1)
			frappe.msgprint(
				_(
					"Stock Settings: 'Allow to Make Quality Inspection after Purchase / Delivery' is now on, so receipts and deliveries can be inspected by plan."
				),
				alert=True,
			)
