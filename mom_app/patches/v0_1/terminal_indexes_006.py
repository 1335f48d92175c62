from mom_app.setup.indexes import apply_indexes


def execute():
	"""Indexes for ERPNext's job card time-log checks, which run on every operator-terminal action."""
	apply_indexes()
