"""Where a document row's batches are: ERPNext v15 keeps them in a Serial and Batch Bundle (or, with
"use serial/batch fields", in the row's own batch_no)."""

from erpnext.stock.serial_batch_bundle import get_batches_from_bundle
from frappe.utils import flt


def row_batches(row, qty_field: str = "stock_qty") -> list[tuple[str | None, float]]:
	"""[(batch_no, qty)] of a stock row; [(None, qty)] when the row has no batch."""
	bundle = row.get("serial_and_batch_bundle")
	if bundle:
		batches = get_batches_from_bundle(bundle)
		if batches:
			return [(batch, abs(flt(qty))) for batch, qty in batches.items()]
	qty = abs(flt(row.get(qty_field) or row.get("transfer_qty") or row.get("qty")))
	return [(row.get("batch_no") or None, qty)]


def sle_batches(sle) -> list[str]:
	"""Batches a Stock Ledger Entry moves."""
	batches = [sle.batch_no] if sle.get("batch_no") else []
	batches += list(get_batches_from_bundle(sle.get("serial_and_batch_bundle")))
	return list(dict.fromkeys(batches))
