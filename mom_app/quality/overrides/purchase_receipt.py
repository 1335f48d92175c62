"""Purchase Receipt: IQC (incoming inspection) per the item's inspection plan.

- saved as draft: inspections of gated plans are created now, so goods can be inspected before the receipt
  is submitted;
- before submit: a gated plan's inspection must be submitted and accepted (a rejected one follows Stock
  Settings' "Action If Quality Inspection Is Rejected": Stop refuses, Warn lets it through with a message);
- submitted: the other plans' inspections are created (goods are received into stock, then inspected).
"""

from mom_app.quality import triggers


def on_update(doc, method=None):
	if doc.docstatus == 0 and not doc.get("is_return"):
		triggers.create_document_inspections(doc, "IQC", gated_only=True)


def before_submit(doc, method=None):
	if not doc.get("is_return"):
		triggers.check_gate(doc)


def on_submit(doc, method=None):
	if not doc.get("is_return"):
		triggers.create_document_inspections(doc, "IQC")
