# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Quality Hold: frozen batches and paused job cards until QA releases them with a disposition
(see mom_app.quality.hold)."""

import frappe
from frappe import _
from frappe.model.document import Document

from mom_app.quality import hold as holds

RELEASE_ROLES = ("Quality Inspector", "MOM Manager", "System Manager")


class QualityHold(Document):
	def validate(self):
		if self.is_new() and not self.raised_on:
			self.raised_on = frappe.utils.now_datetime()
		if not (self.reason or "").strip():
			frappe.throw(_("Give the reason for the hold."))

	def after_insert(self):
		if self.source == "Manual" and not self.flags.get("from_engine"):
			self.freeze_and_pause()

	def freeze_and_pause(self):
		"""A hold entered by hand freezes its batches and pauses its job cards like a raised one."""
		for row in self.batches:
			frappe.db.set_value("Batch", row.batch_no, "mom_quality_hold", self.name, update_modified=False)
			if not row.item_code:
				row.db_set(
					"item_code", frappe.db.get_value("Batch", row.batch_no, "item"), update_modified=False
				)
		for row in self.job_cards:
			if frappe.db.get_value("Job Card", row.job_card, "docstatus") == 0:
				row.db_set("paused", holds.pause_job_card(row.job_card, self.name), update_modified=False)
		holds.notify(self)

	def on_trash(self):
		if self.status == "Open":
			frappe.throw(_("An open quality hold cannot be deleted; release it with a disposition."))

	@frappe.whitelist()
	def release(self, disposition: str, remarks: str | None = None):
		frappe.only_for(RELEASE_ROLES)
		self.check_permission("write")
		holds.release(self, disposition, remarks)
		return {
			"status": self.status,
			"documents": [(d.reference_doctype, d.reference_name) for d in self.documents],
		}
