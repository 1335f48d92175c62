# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenanceWorkOrderStep(Document):
	"""A checklist step of a maintenance order, copied from its Maintenance Checklist, with its result."""
