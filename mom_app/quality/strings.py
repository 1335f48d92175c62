"""Words the quality adapter builds messages from at run time, marked for the POT (gettext's N_ idiom):
the defect classes and the run-rule descriptions of mom_app.engine.spc.RULES."""


def N_(text: str) -> str:
	return text


DEFECT_CLASS_LABELS = (N_("Critical"), N_("Major"), N_("Minor"))

RULE_DESCRIPTIONS = (
	N_("One point beyond 3 sigma (outside the control limits)."),
	N_("Two of three consecutive points beyond 2 sigma on the same side of the centre line."),
	N_("Four of five consecutive points beyond 1 sigma on the same side of the centre line."),
	N_("Eight consecutive points on the same side of the centre line."),
	N_("Nine points in a row on the same side of the centre line."),
	N_("Six points in a row steadily increasing or steadily decreasing."),
	N_("Fourteen points in a row alternating up and down."),
	N_("Two of three points in a row beyond 2 sigma on the same side of the centre line."),
	N_("Four of five points in a row beyond 1 sigma on the same side of the centre line."),
	N_("Fifteen points in a row within 1 sigma of the centre line (either side)."),
	N_("Eight points in a row beyond 1 sigma of the centre line (either side), none within 1 sigma."),
)
