# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Failure causes (ISO 14224): why it failed - design, installation, operation, maintenance, management.

A tree seeded on install (mom_app/plant_maintenance/data/failure_codes.py) with English names, shown in the
user's language (a translated doctype); plants add their own codes below the seeded groups.
"""

from frappe.utils.nestedset import NestedSet


class FailureCause(NestedSet):
	nsm_parent_field = "parent_failure_cause"

	def on_update(self):
		super().on_update()
		self.validate_one_root()
