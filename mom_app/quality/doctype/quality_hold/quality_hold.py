# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Quality Hold: frozen batches and paused job cards until QA releases them with a disposition
(see mom_app.quality.hold)."""

import frappe
from frappe import _
from frappe.model.document import Document

from mom_app.quality import hold as holds
from mom_app.quality.hold.held_stock import batches_now, stock_by_batch

RELEASE_ROLES = ("Quality Inspector", "MOM Manager", "System Manager")


class QualityHold(Document):
	def validate(self):
		if self.is_new() and not self.raised_on:
			self.raised_on = frappe.utils.now_datetime()
		if not (self.reason or "").strip():
			frappe.throw(_("Give the reason for the hold."))
		if self.is_new() and self.source == "Manual":
			self.set_stock_when_raised()

	def set_stock_when_raised(self):
		"""A hold entered by hand lists its batches; their item and where they are in stock (one row per
		warehouse) are filled in as a raised hold's are."""
		if not any(row.batch_no and not row.warehouse and not row.qty for row in self.batches):
			return
		names = list(dict.fromkeys(row.batch_no for row in self.batches if row.batch_no))
		stock = stock_by_batch(names)
		items = dict(
			frappe.get_all("Batch", filters={"name": ("in", names)}, fields=["name", "item"], as_list=True)
		)
		rows, seen = [], set()
		for row in self.batches:
			if not row.batch_no or row.warehouse or row.qty or row.batch_no in seen:
				rows.append(row.as_dict(no_default_fields=True))
				continue
			seen.add(row.batch_no)
			for warehouse, qty in stock.get(row.batch_no) or [(None, 0.0)]:
				rows.append(
					{
						"batch_no": row.batch_no,
						"item_code": row.item_code or items.get(row.batch_no),
						"warehouse": warehouse,
						"qty": qty,
						"relation": row.relation,
					}
				)
		self.set("batches", rows)

	@frappe.whitelist()
	def batches_now(self) -> list[dict]:
		"""Each held batch's stock now and its latest movements (see mom_app.quality.hold.held_stock)."""
		hold = frappe.get_doc(self.doctype, self.name)
		hold.check_permission("read")
		return batches_now(hold)

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
