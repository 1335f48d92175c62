# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Downtime reasons as a tree: Planned / Unplanned -> category -> reason.

A reason inherits "planned or unplanned" from its group, so the two top branches decide how OEE counts it.
"""

import frappe
from frappe.utils.nestedset import NestedSet


class DowntimeReason(NestedSet):
	nsm_parent_field = "parent_downtime_reason"

	def validate(self):
		# below the two top branches (Planned Stops, Unplanned Stops) a reason is what its branch is
		if self.parent_downtime_reason:
			parent = frappe.db.get_value(
				"Downtime Reason",
				self.parent_downtime_reason,
				["kind", "parent_downtime_reason"],
				as_dict=True,
			)
			if parent and parent.parent_downtime_reason and parent.kind:
				self.kind = parent.kind

	def on_update(self):
		super().on_update()
		self.validate_one_root()
