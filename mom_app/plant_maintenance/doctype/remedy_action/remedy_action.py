# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Remedy actions (ISO 14224 maintenance activities): what was done to put a failure right.

A tree seeded on install (mom_app/plant_maintenance/data/failure_codes.py) with English names, shown in the
user's language (a translated doctype); plants add their own codes below the seeded groups.
"""

from frappe.utils.nestedset import NestedSet


class RemedyAction(NestedSet):
	nsm_parent_field = "parent_remedy_action"

	def on_update(self):
		super().on_update()
		self.validate_one_root()
