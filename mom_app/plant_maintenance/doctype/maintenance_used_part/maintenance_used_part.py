# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenanceUsedPart(Document):
	"""A spare part used on a maintenance order and the Stock Entry that issued it."""
