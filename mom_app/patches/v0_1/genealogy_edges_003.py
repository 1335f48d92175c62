from mom_app.stock_ext.capture import rebuild


def execute():
	"""Lot genealogy on sites that had mom_app before it: the Genealogy Edges of every submitted receipt,
	Manufacture/Repack entry and delivery so far (a one-time data migration; a new site captures them on
	install). The Batch's supplier batch number field comes from mom_app.patches.apply_setup, listed first."""
	rebuild()
