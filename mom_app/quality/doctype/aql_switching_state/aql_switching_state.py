# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""AQL Switching State: where an item (from a supplier) stands in ISO 2859-1's switching rules. Written by
the system when a plan inspection is submitted; a manager approves reduced inspection or resumes after
discontinuation."""

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from mom_app.engine import aql


class AQLSwitchingState(Document):
	def validate(self):
		if self.is_new():
			return
		duplicate = frappe.db.get_value(
			"AQL Switching State",
			{
				"inspection_plan": self.inspection_plan,
				"item_code": self.item_code,
				"supplier": self.supplier or ("is", "not set"),
				"name": ("!=", self.name),
			},
		)
		if duplicate:
			frappe.throw(_("{0} already keeps this plan's switching state for this item.").format(duplicate))

	@frappe.whitelist()
	def resume(self):
		"""After the supplier's corrective action: inspection resumes at tightened (ISO 2859-1 9.4)."""
		frappe.only_for(("MOM Manager", "System Manager"))
		self.check_permission("write")
		if self.severity != "Discontinued":
			frappe.throw(_("Inspection is not discontinued; there is nothing to resume."))
		state, switch = aql.resume(aql.SwitchState.from_dict(json.loads(self.state_json or "{}")))
		self.state_json = json.dumps(state.to_dict())
		self.severity = "Tightened"
		self.append(
			"history",
			{
				"switched_on": now_datetime(),
				"from_severity": "Discontinued",
				"to_severity": "Tightened",
				"rule": switch.rule if switch else "resume",
				"reason": _("Resumed by {0} after the supplier's corrective action.").format(
					frappe.session.user
				),
			},
		)
		self.save()
		return self.severity
