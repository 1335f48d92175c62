# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Failure modes (ISO 14224): the failure as it shows - the machine stopped, leaks, vibrates, runs hot.

A tree seeded on install (mom_app/plant_maintenance/data/failure_codes.py) with English names, shown in the
user's language (a translated doctype); plants add their own codes below the seeded groups.
"""

from frappe.utils.nestedset import NestedSet


class FailureMode(NestedSet):
	nsm_parent_field = "parent_failure_mode"

	def on_update(self):
		super().on_update()
		self.validate_one_root()
