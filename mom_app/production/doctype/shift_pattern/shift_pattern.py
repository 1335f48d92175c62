# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""A shift: start, end (crossing midnight when the end is earlier), weekdays, breaks and planned downtime.

Checked by mom_app.engine.shifts (the same rules the OEE computation expands it with)."""

import frappe
from frappe import _
from frappe.model.document import Document

from mom_app.engine.shifts import ShiftError, validate

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ShiftPattern(Document):
	def validate(self):
		if not any(self.get(day) for day in WEEKDAYS):
			frappe.throw(_("Choose at least one weekday for shift {0}.").format(self.shift_name))
		try:
			validate([as_pattern(self)])
		except ShiftError as e:
			frappe.throw(_("Shift pattern {0} is not valid: {1}").format(self.shift_name, str(e)))


def as_pattern(doc, workstation: str | None = None) -> dict:
	"""The plain pattern mom_app.engine.shifts expands."""
	return {
		"name": doc.name or doc.shift_name,
		"start": doc.start_time,
		"end": doc.end_time,
		"breaks": [{"start": b.start_time, "end": b.end_time} for b in doc.breaks],
		"planned_downtime": [
			{"start": p.start_time, "end": p.end_time, "reason": p.reason or ""} for p in doc.planned_downtime
		],
		"weekdays": [i for i, day in enumerate(WEEKDAYS) if doc.get(day)],
		"workstation": workstation,
	}
