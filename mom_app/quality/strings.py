"""Words the quality adapter builds messages from at run time, marked for the POT (gettext's N_ idiom):
the defect classes and the run-rule descriptions of mom_app.engine.spc.RULES; and an inspection stage or type in
the reader's words."""


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


def stage_label(stage: str | None) -> str:
	"""An inspection stage in the reader's words (IQC: incoming, IPQC: in process, ...)."""
	from frappe import _  # this module's word lists are read without Frappe too (the tier-1 POT checks)

	labels = {
		"IQC": _("IQC", context="Inspection stage"),
		"IPQC": _("IPQC", context="Inspection stage"),
		"FQC": _("FQC", context="Inspection stage"),
		"OQC": _("OQC", context="Inspection stage"),
	}
	if not stage:
		return ""
	# anything else is an ERPNext inspection type (Incoming, In Process, Outgoing), said as its form says it
	return labels.get(stage) or _(stage, context="Quality Inspection")
