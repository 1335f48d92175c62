from mom_app.setup.custom_fields import apply_custom_fields


def execute():
	"""Sites that had mom_app before a custom field was added get it on migrate."""
	apply_custom_fields()
