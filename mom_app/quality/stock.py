"""Where a document row's batches are: ERPNext v15 keeps them in a Serial and Batch Bundle (or, with
"use serial/batch fields", in the row's own batch_no)."""

import frappe
from frappe.utils import flt


def row_batches(row, qty_field: str = "stock_qty") -> list[tuple[str | None, float]]:
	"""[(batch_no, qty)] of a stock row; [(None, qty)] when the row has no batch."""
	bundle = row.get("serial_and_batch_bundle")
	if bundle:
		entries = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": bundle, "batch_no": ("is", "set")},
			fields=["batch_no", "qty"],
			order_by="idx",
		)
		if entries:
			merged: dict[str, float] = {}
			for entry in entries:
				merged[entry.batch_no] = merged.get(entry.batch_no, 0.0) + abs(flt(entry.qty))
			return list(merged.items())
	qty = abs(flt(row.get(qty_field) or row.get("transfer_qty") or row.get("qty")))
	return [(row.get("batch_no") or None, qty)]


def sle_batches(sle) -> list[str]:
	"""Batches a Stock Ledger Entry moves."""
	batches = []
	if sle.get("batch_no"):
		batches.append(sle.batch_no)
	if sle.get("serial_and_batch_bundle"):
		batches += frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": sle.serial_and_batch_bundle, "batch_no": ("is", "set")},
			pluck="batch_no",
		)
	return list(dict.fromkeys(batches))
