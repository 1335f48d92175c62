# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Failure mechanisms (ISO 14224): the physical process behind a failure - wear, fatigue, corrosion, a short circuit.

A tree seeded on install (mom_app/plant_maintenance/data/failure_codes.py) with English names, shown in the
user's language (a translated doctype); plants add their own codes below the seeded groups.
"""

from frappe.utils.nestedset import NestedSet


class FailureMechanism(NestedSet):
	nsm_parent_field = "parent_failure_mechanism"

	def on_update(self):
		super().on_update()
		self.validate_one_root()
