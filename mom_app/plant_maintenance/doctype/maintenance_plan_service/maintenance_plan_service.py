# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Maintenance Plan Service: the last service of an asset done before its maintenance plan existed (date and
meter); the plan's first occurrence on the asset counts from it."""

from frappe.model.document import Document


class MaintenancePlanService(Document):
	pass
