# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""OEE of one workstation in one shift of one day, computed by mom_app.production.oee (never typed in)."""

from frappe.model.document import Document


class OEERecord(Document):
	def autoname(self):
		self.name = record_name(self.workstation, self.day, self.shift)


def record_name(workstation: str, day, shift: str | None) -> str:
	return f"{day}-{workstation}-{shift or 'Day'}"
