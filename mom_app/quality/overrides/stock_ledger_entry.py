"""Stock Ledger Entry: every stock transaction passes here, so held batches are refused here (see
mom_app.quality.hold.check_stock_ledger_entry)."""

from mom_app.quality.hold import check_stock_ledger_entry


def validate(doc, method=None):
	check_stock_ledger_entry(doc)
