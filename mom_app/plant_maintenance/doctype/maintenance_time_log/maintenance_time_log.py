# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenanceTimeLog(Document):
	"""A technician's time on a maintenance order (start to pause or finish)."""
