# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

from frappe.model.document import Document


class MaintenanceAction(Document):
	"""One action of the maintenance API (mom_app.plant_maintenance.api) named by its client-made id: applied
	once, its stored result answers a retry."""
