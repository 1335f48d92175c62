"""Stock Entry: FQC (final inspection) of what a Manufacture entry produced, per batch."""

from mom_app.quality import triggers


def on_submit(doc, method=None):
	if doc.purpose == "Manufacture":
		triggers.create_document_inspections(doc, "FQC")
