"""Tier-2 helpers (run inside a real Frappe site). Tier-1 tests live in the repository's tests/ folder."""


def before_tests():
	"""Complete ERPNext's setup wizard on a fresh test site, as ERPNext's own test suite does."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
