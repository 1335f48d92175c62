"""Purchase Receipt: lot genealogy edges (Supplier -> receipt -> received batches/serials) written on
submit, deleted on cancel (see mom_app.stock_ext.capture)."""

from mom_app.stock_ext.capture import capture, remove_edges


def on_submit(doc, method=None):
	capture(doc.doctype, doc.name)


def on_cancel(doc, method=None):
	remove_edges(doc.doctype, doc.name)
