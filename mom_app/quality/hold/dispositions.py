"""Dispositions of a released hold: the ERPNext documents each one makes (scrap: Material Issue; rework:
a draft Work Order; return to supplier: a draft Purchase Receipt return). Use As Is makes none.
"""

import frappe
from frappe import _
from frappe.utils import flt

from mom_app.quality.hold.scope import batch_stock
from mom_app.quality.stock import row_batches

DISPOSITIONS = ("Use As Is", "Rework", "Scrap", "Return to Supplier")


class DispositionError(frappe.ValidationError):
	pass


def held_stock(hold) -> list:
	rows = []
	for row in hold.batches:
		for warehouse, qty in batch_stock(row.batch_no):
			rows.append(
				frappe._dict(batch_no=row.batch_no, item_code=row.item_code, warehouse=warehouse, qty=qty)
			)
	return rows


def company_of_warehouse(warehouse: str) -> str:
	return frappe.get_cached_value("Warehouse", warehouse, "company")


def scrap_entries(hold) -> list[tuple[str, str, str]]:
	"""Scrap: a submitted Material Issue of every held batch's remaining stock, per company."""
	rows = held_stock(hold)
	if not rows:
		return []
	by_company: dict[str, list] = {}
	for row in rows:
		by_company.setdefault(company_of_warehouse(row.warehouse), []).append(row)
	made = []
	for company, items in by_company.items():
		se = frappe.new_doc("Stock Entry")
		se.stock_entry_type = "Material Issue"
		se.purpose = "Material Issue"
		se.company = company
		se.remarks = _("Scrapped: quality hold {0}").format(hold.name)
		for row in items:
			se.append(
				"items",
				{
					"item_code": row.item_code,
					"s_warehouse": row.warehouse,
					"qty": row.qty,
					"batch_no": row.batch_no,
					"use_serial_batch_fields": 1,
				},
			)
		se.flags.ignore_permissions = True
		se.insert()
		se.submit()
		made.append(("Stock Entry", se.name, _("Scrap")))
	return made


def rework_orders(hold) -> list[tuple[str, str, str]]:
	"""Rework: a draft Work Order per held item (production order type Rework where that field exists) for
	the planner to schedule; the held stock stays where it is, now free to be issued to it."""
	made = []
	by_item: dict[str, float] = {}
	for row in held_stock(hold):
		by_item[row.item_code] = by_item.get(row.item_code, 0.0) + row.qty
	if not by_item:
		# nothing held in stock (an in-process hold): what the paused job cards already made is reworked
		for row in hold.job_cards:
			card = frappe.db.get_value(
				"Job Card", row.job_card, ["production_item", "total_completed_qty"], as_dict=True
			)
			if card and flt(card.total_completed_qty) > 0:
				by_item[card.production_item] = by_item.get(card.production_item, 0.0) + flt(
					card.total_completed_qty
				)
		if not by_item:
			return []  # nothing made yet: the job is corrected in place when it resumes
	for item_code, qty in by_item.items():
		bom = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1, "is_active": 1})
		if not bom:
			continue
		wo = frappe.new_doc("Work Order")
		wo.production_item = item_code
		wo.bom_no = bom
		wo.qty = qty
		wo.company = frappe.db.get_value("BOM", bom, "company")
		if frappe.get_meta("Work Order").has_field("mom_order_type") and frappe.db.exists(
			"Production Order Type", "Rework"
		):
			wo.mom_order_type = "Rework"
		wo.description = _("Rework after quality hold {0}").format(hold.name)
		wo.flags.ignore_permissions = True
		wo.flags.ignore_mandatory = True
		wo.insert()
		made.append(("Work Order", wo.name, _("Rework")))
	if not made:
		frappe.throw(
			_("Rework needs a default BOM for the held item to make a rework Work Order; none was found."),
			DispositionError,
		)
	return made


def supplier_returns(hold) -> list[tuple[str, str, str]]:
	"""Return to supplier: a draft Purchase Receipt return against each receipt the held batches came in
	on, with exactly the held batches and quantities, for purchasing to submit."""
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return

	held = {r.batch_no: r for r in held_stock(hold)}
	if not held:
		return []
	receipts = frappe.db.sql(
		"""
		select distinct pri.parent
		from `tabPurchase Receipt Item` pri
		left join `tabSerial and Batch Entry` sbe on sbe.parent = pri.serial_and_batch_bundle
		where pri.docstatus = 1 and (pri.batch_no in %(b)s or sbe.batch_no in %(b)s)
		""",
		{"b": tuple(held)},
		pluck=True,
	)
	if not receipts:
		frappe.throw(
			_("None of the held batches came in on a Purchase Receipt: nothing to return."), DispositionError
		)
	made = []
	for receipt in receipts:
		ret = make_purchase_return(receipt)
		keep = []
		for row in ret.items:
			batch = row.batch_no or next(
				(
					b
					for b, _q in row_batches(
						frappe.get_doc("Purchase Receipt Item", row.purchase_receipt_item)
					)
					if b in held
				),
				None,
			)
			if batch in held:
				row.batch_no = batch
				row.use_serial_batch_fields = 1
				row.serial_and_batch_bundle = None
				row.qty = -abs(held[batch].qty)
				row.received_qty = row.qty
				row.rejected_qty = 0
				row.stock_qty = row.qty * flt(row.conversion_factor or 1)
				keep.append(row)
		if not keep:
			continue
		ret.items = keep
		ret.remarks = _("Returned: quality hold {0}").format(hold.name)
		ret.flags.ignore_permissions = True
		ret.insert()
		made.append(("Purchase Receipt", ret.name, _("Return to Supplier")))
	return made
