"""The stock gate: every Stock Ledger Entry of a batch frozen by an open quality hold is refused, except a
transfer into the quarantine warehouse (and the documents the hold's own release makes).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_link_to_form

from mom_app.quality.stock import sle_batches


class HeldBatchError(frappe.ValidationError):
	pass


def held_batches(batches: list[str]) -> dict[str, str]:
	if not batches:
		return {}
	rows = frappe.get_all(
		"Batch",
		filters={"name": ("in", batches), "mom_quality_hold": ("is", "set")},
		fields=["name", "mom_quality_hold"],
	)
	return {r.name: r.mom_quality_hold for r in rows}


def quarantine_warehouse() -> str | None:
	return frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")


def is_transfer_to_quarantine(sle, quarantine: str | None) -> bool:
	"""A Stock Entry row moving the batch from anywhere into the quarantine warehouse (both its legs)."""
	if not quarantine or sle.voucher_type != "Stock Entry" or not sle.voucher_detail_no:
		return False
	row = frappe.db.get_value(
		"Stock Entry Detail", sle.voucher_detail_no, ["s_warehouse", "t_warehouse"], as_dict=True
	)
	return bool(row and row.s_warehouse and row.t_warehouse == quarantine)


def check_stock_ledger_entry(sle, method=None):
	"""doc_event on Stock Ledger Entry (validate): every stock transaction of every kind passes here."""
	if sle.is_cancelled or frappe.flags.in_install:
		return
	# every stock transaction passes here: one indexed lookup when nothing is held (the usual case)
	if not frappe.db.exists("Batch", {"mom_quality_hold": ("is", "set")}):
		return
	batches = sle_batches(sle)
	held = held_batches(batches)
	if not held:
		return
	quarantine = quarantine_warehouse()
	if is_transfer_to_quarantine(sle, quarantine):
		return
	if frappe.flags.get("mom_releasing_hold") in set(held.values()):
		return
	batch, hold = next(iter(held.items()))
	reason = frappe.db.get_value("Quality Hold", hold, "reason") or ""
	# batch names and reasons are typed (a supplier's lot number, say): the message is HTML
	message = _("Batch {0} is frozen by quality hold {1} ({2}).").format(
		frappe.bold(escape_html(batch)), get_link_to_form("Quality Hold", hold), escape_html(reason)
	)
	if quarantine:
		message += " " + _(
			"Only a transfer into the quarantine warehouse {0} may move it until the hold is released."
		).format(frappe.bold(escape_html(quarantine)))
	else:
		message += " " + _("It cannot be moved until the hold is released.")
	frappe.throw(message, HeldBatchError, title=_("Batch on quality hold"))
