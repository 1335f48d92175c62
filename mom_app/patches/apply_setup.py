from mom_app.setup.install import apply_setup


def execute():
	"""Re-apply the app's setup (roles, custom fields, property setters, indexes, role permissions, IoT
	Settings defaults, shop floor records; all idempotent) on migrate. patches.txt lists this patch with a
	number: bump it when any of that changes, and Frappe runs it again on every site."""
	apply_setup()
