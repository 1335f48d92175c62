# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""AQL Switching State: where an item (from a supplier) stands in ISO 2859-1's switching rules. Written by
the system when a plan inspection is submitted; a manager approves reduced inspection or resumes after
discontinuation.

Production Steady is ISO 2859-1 9.3.3 (b), one of the three conditions for normal -> reduced (with a
switching score of 30 and the authority's approval). It is a check box the quality manager sets, off by
default, rather than something derived from the site's data: for incoming inspection the item is made by
the supplier, whose production rate this site never sees, and for in-house production a rate is "steady"
by the plant's own judgement (a quiet line may be idle for lack of orders, a busy one may be struggling).
Off, reduced inspection is never entered; cleared while the scheme is at reduced, the scheme returns to
normal at once (9.3.4 b), so the next lot is sampled at normal."""

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
		if self.has_value_changed("production_steady") and not self.production_steady:
			self.production_became_irregular()
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

	def production_became_irregular(self):
		"""Under reduced inspection, clearing Production Steady returns to normal now (9.3.4 b)."""
		state, switch = aql.irregular_production(
			aql.SwitchState.from_dict(json.loads(self.state_json or "{}"))
		)
		if not switch:
			return
		self.state_json = json.dumps(state.to_dict())
		self.severity = "Normal"
		self.switching_score = state.switching_score
		self.append(
			"history",
			{
				"switched_on": now_datetime(),
				"from_severity": "Reduced",
				"to_severity": "Normal",
				"rule": switch.rule,
				"reason": _("Production Steady cleared by {0}: production is irregular or delayed.").format(
					frappe.session.user
				),
			},
		)

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
