from mom_app.setup.custom_fields import apply_custom_fields
from mom_app.stock_ext.capture import rebuild


def execute():
	"""Lot genealogy on sites that had mom_app before it: the Batch's supplier batch number field, and the
	Genealogy Edges of every submitted receipt, Manufacture/Repack entry and delivery so far."""
	apply_custom_fields()
	rebuild()
