# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Maintenance Checklist: a template of steps (instruction; Number with limits and unit, Pass/Fail, Text or
Photo; mandatory or not), copied into a maintenance order when the order takes it."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

from mom_app.engine.maintenance.checklist import NUMBER, check_limits


class MaintenanceChecklist(Document):
	def validate(self):
		for row in self.steps:
			if row.kind != NUMBER:
				row.low_limit = row.high_limit = row.unit = None
				continue
			row.low_limit = (row.low_limit or "").strip() or None
			row.high_limit = (row.high_limit or "").strip() or None
			try:
				check_limits(row.low_limit, row.high_limit)
			except ValueError:
				frappe.throw(
					_(
						"Step {0}: the limits must be numbers, the low limit not above the high limit ({1} / {2})."
					).format(row.idx, escape_html(row.low_limit or ""), escape_html(row.high_limit or "")),
					title=_("Invalid Checklist"),
				)


def steps_of(checklist: str) -> list[dict]:
	"""The template's steps as order rows (Maintenance Work Order Step)."""
	doc = frappe.get_cached_doc("Maintenance Checklist", checklist)
	return [
		{
			"instruction": row.instruction,
			"kind": row.kind,
			"mandatory": row.mandatory,
			"low_limit": row.low_limit,
			"high_limit": row.high_limit,
			"unit": row.unit,
		}
		for row in doc.steps
	]
