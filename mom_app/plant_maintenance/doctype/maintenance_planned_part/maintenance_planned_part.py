# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenancePlannedPart(Document):
	"""A spare part planned for a maintenance order, reserved by a Material Request on approval."""
