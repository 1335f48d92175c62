"""N_: mark a string for the POT without translating it now."""


def N_(text: str) -> str:
	"""Mark a string for the POT without translating it now (gettext's N_ idiom): labels are stored in
	English and translated by Frappe when shown, in each user's language."""
	return text
