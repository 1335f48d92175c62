# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenancePriorityTarget(Document):
	"""Response and back-in-service targets of one priority (Maintenance Settings)."""
