# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""A kind of work order (trial, mass production, rework, ...): the Work Order fields it requires.

Its approval path is data in the Work Order workflow (transitions with a condition on mom_order_type)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html


class ProductionOrderType(Document):
	def validate(self):
		meta = frappe.get_meta("Work Order")
		seen = set()
		for row in self.required_fields:
			row.fieldname = (row.fieldname or "").strip()
			df = meta.get_field(row.fieldname)
			if not df:
				frappe.throw(
					_("Row {0}: Work Order has no field {1}.").format(
						row.idx, frappe.bold(escape_html(row.fieldname))
					)
				)
			if row.fieldname in seen:
				frappe.throw(
					_("Row {0}: field {1} is listed twice.").format(row.idx, escape_html(row.fieldname))
				)
			seen.add(row.fieldname)
			row.label = row.label or df.label
