"""What a quality hold affects: the batches an inspection is about, the batches made from them (through the
lot genealogy), where they are in stock, the open work orders consuming them and their job cards.
"""

import frappe
from frappe.utils import flt

from mom_app.engine import genealogy
from mom_app.quality.stock import row_batches

OPEN_JOB_CARD_STATUSES = ("Open", "Work In Progress", "Material Transferred", "On Hold")


def downstream_batches(batches: list[str]) -> dict[str, str]:
	"""Batches made (directly or not) from `batches`, through the lot genealogy: {batch: from which}."""
	from mom_app.stock_ext.trace import EdgeStore

	store = EdgeStore()
	found: dict[str, str] = {}
	for batch in batches:
		walk = genealogy.trace(store.fetch, ("Batch", batch), "forward", 20)
		for _doctype, name in walk.nodes("Batch"):
			if name not in batches and name not in found:
				found[name] = batch
	return found


def batch_stock(batch: str) -> list[tuple[str, float]]:
	"""[(warehouse, qty)] where the batch has stock now."""
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	rows = get_batch_qty(batch_no=batch) or []
	return [(r.get("warehouse"), flt(r.get("qty"))) for r in rows if flt(r.get("qty")) > 0]


def reference_batches(qi) -> list[str]:
	"""The batches an inspection is about: its own batch, else the batches of its document's rows."""
	if qi.batch_no:
		return [qi.batch_no]
	if not (qi.reference_type and qi.reference_name):
		return []
	if qi.reference_type == "Job Card":
		return []
	doc = frappe.get_doc(qi.reference_type, qi.reference_name)
	batches = []
	for row in doc.get("items") or []:
		if row.item_code == qi.item_code:
			batches += [b for b, _qty in row_batches(row) if b]
	return list(dict.fromkeys(batches))


def job_cards_for(work_orders: list[str]) -> list[dict]:
	if not work_orders:
		return []
	return frappe.get_all(
		"Job Card",
		filters={"work_order": ("in", work_orders), "docstatus": 0, "status": ("in", OPEN_JOB_CARD_STATUSES)},
		fields=["name", "work_order", "operation"],
		order_by="work_order, sequence_id, name",
	)


def work_orders_consuming(batches: list[str]) -> list[str]:
	"""Open work orders whose material transfers took one of `batches` (they are making something of it)."""
	if not batches:
		return []
	rows = frappe.db.sql(
		"""
		select distinct se.work_order
		from `tabStock Entry` se
		join `tabStock Entry Detail` sed on sed.parent = se.name
		left join `tabSerial and Batch Entry` sbe on sbe.parent = sed.serial_and_batch_bundle
		where se.docstatus = 1 and se.purpose = 'Material Transfer for Manufacture'
			and ifnull(se.work_order, '') != ''
			and (sed.batch_no in %(batches)s or sbe.batch_no in %(batches)s)
		""",
		{"batches": tuple(batches)},
		pluck=True,
	)
	if not rows:
		return []
	return frappe.get_all(
		"Work Order",
		filters={
			"name": ("in", rows),
			"docstatus": 1,
			"status": ("not in", ("Completed", "Stopped", "Closed")),
		},
		pluck="name",
	)
