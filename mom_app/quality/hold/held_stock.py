"""Where a hold's batches are: their stock per warehouse from ERPNext's batch-wise balance (`get_batch_qty`,
the figures ERPNext's own batch selection uses), when the hold is raised and as it is now, and the stock
movements of each batch (made, received, consumed, delivered, scrapped) from its Serial and Batch Bundles and
Stock Ledger Entries, so a batch no longer in stock says where it went.
"""

import frappe
from frappe import _
from frappe.utils import flt

MOVEMENTS_SHOWN = 20  # per batch, the latest


def stock_by_batch(batches: list[str]) -> dict[str, list[tuple[str, float]]]:
	"""{batch: [(warehouse, qty)]} where each batch has stock now (expired and reserved stock included:
	everything physically there), in one query."""
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	out: dict[str, list[tuple[str, float]]] = {b: [] for b in batches}
	if not batches:
		return out
	rows = get_batch_qty(batch_no=list(batches), for_stock_levels=True, ignore_reserved_stock=True) or []
	for row in rows:
		qty = flt(row.get("qty"))
		if row.get("batch_no") in out and qty > 0:
			out[row["batch_no"]].append((row.get("warehouse"), qty))
	for places in out.values():
		places.sort(key=lambda p: (-p[1], p[0] or ""))
	return out


def movements(batches: list[str]) -> dict[str, list[dict]]:
	"""{batch: [{posting_date, posting_time, voucher_type, voucher_no, warehouse, qty}]} oldest first:
	submitted, not cancelled stock transactions of each batch (qty negative for what left the warehouse)."""
	out: dict[str, list[dict]] = {b: [] for b in batches}
	if not batches:
		return out
	rows = frappe.db.sql(
		"""
		select sbe.batch_no, sbb.voucher_type, sbb.voucher_no, sbb.warehouse, sum(sbe.qty) as qty,
			sbb.posting_date, sbb.posting_time
		from `tabSerial and Batch Entry` sbe
		join `tabSerial and Batch Bundle` sbb on sbb.name = sbe.parent
		where sbe.batch_no in %(batches)s and sbb.docstatus = 1 and sbb.is_cancelled = 0
		group by sbe.batch_no, sbb.name, sbb.voucher_type, sbb.voucher_no, sbb.warehouse, sbb.posting_date,
			sbb.posting_time
		union all
		select batch_no, voucher_type, voucher_no, warehouse, actual_qty as qty, posting_date, posting_time
		from `tabStock Ledger Entry`
		where batch_no in %(batches)s and is_cancelled = 0 and ifnull(serial_and_batch_bundle, '') = ''
		order by posting_date, posting_time
		""",
		{"batches": tuple(batches)},
		as_dict=True,
	)
	for row in rows:
		out[row.batch_no].append(row)
	return out


def batches_now(hold) -> list[dict]:
	"""For the hold's form: per held batch its stock now and its latest movements, documents the user may not
	read shown as "•••" (as on the Traceability page)."""
	from mom_app.stock_ext.trace.redaction import Readable

	names = list(dict.fromkeys(r.batch_no for r in hold.batches if r.batch_no))
	stock = stock_by_batch(names)
	moves = movements(names)
	items = {r.batch_no: r.item_code for r in hold.batches}
	uoms = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({i for i in items.values() if i}))},
			fields=["name", "stock_uom"],
			as_list=True,
		)
	)
	entries = {m.voucher_no for rows in moves.values() for m in rows if m.voucher_type == "Stock Entry"}
	purposes = dict(
		frappe.get_all(
			"Stock Entry", filters={"name": ("in", list(entries))}, fields=["name", "purpose"], as_list=True
		)
		if entries
		else []
	)
	readable = Readable()
	out = []
	for name in names:
		rows = moves[name]
		shown = rows[-MOVEMENTS_SHOWN:]
		out.append(
			{
				"batch_no": name,
				"item_code": items.get(name),
				"uom": _(uoms.get(items.get(name)) or ""),
				"stock": [{"warehouse": w, "qty": q} for w, q in stock[name]],
				"in_stock": sum(q for _w, q in stock[name]),
				"made_or_received": sum(flt(m.qty) for m in rows if flt(m.qty) > 0),
				"earlier": len(rows) - len(shown),
				"movements": [movement(m, readable(m.voucher_type, m.voucher_no), purposes) for m in shown],
			}
		)
	return out


def movement(row, readable: bool, purposes: dict) -> dict:
	from mom_app.stock_ext.trace.redaction import REDACTED

	purpose = purposes.get(row.voucher_no) if readable else None
	return {
		"posting_date": str(row.posting_date),
		"voucher_type": row.voucher_type,
		"voucher_no": row.voucher_no if readable else REDACTED,
		"purpose": _(purpose) if purpose else "",
		"warehouse": row.warehouse,
		"qty": flt(row.qty),
	}
