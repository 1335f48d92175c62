"""Why a counter sample or a typed reading was refused, in words (the engine's REASONS codes), marked for the
POT; `reason_text(code)` says it in the current user's language."""

from frappe import _


def N_(text: str) -> str:
	return text


REASON_TEXTS = {
	"late": N_("At or before the last sample seen: already counted."),
	"not_finite": N_("The value is not a number."),
	"negative": N_("A counter value below 0."),
	"above_rollover": N_("A counter value at or above the counter's rollover."),
	"decrease": N_("The counter went down, neither a reset to about 0 nor a wrap."),
	"implausible_increase": N_("The increase is more than the meter's maximum increase per hour allows."),
	"below_total": N_("The reading is below the meter's current total."),
}


def reason_text(code: str | None) -> str | None:
	if not code:
		return None
	text = REASON_TEXTS.get(code)
	return _(text) if text else code
