"""Delivery Note: OQC (outgoing inspection) before shipping.

The inspections are created when the draft is saved; a gated plan's inspection must be submitted and
accepted before the delivery can be submitted (rejected: Stock Settings' action, as for receipts)."""

from mom_app.quality import triggers


def on_update(doc, method=None):
	if doc.docstatus == 0 and not doc.get("is_return"):
		triggers.create_document_inspections(doc, "OQC")


def before_submit(doc, method=None):
	if not doc.get("is_return"):
		triggers.check_gate(doc)
