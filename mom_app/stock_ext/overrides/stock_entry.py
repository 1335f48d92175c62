"""Stock Entry: lot genealogy edges written on submit, deleted on cancel.

Manufacture and Repack entries link every consumed batch/serial to every produced one (other purposes
write nothing; see mom_app.stock_ext.capture)."""

from mom_app.stock_ext.capture import capture, remove_edges


def on_submit(doc, method=None):
	capture(doc.doctype, doc.name)


def on_cancel(doc, method=None):
	remove_edges(doc.doctype, doc.name)
