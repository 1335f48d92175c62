"""Employee badge codes, as scanned at the operator terminal.

A badge code is what a barcode scanner types: printable ASCII, no spaces inside. Scanners in keyboard
mode often add a trailing CR/LF or tab, and people paste codes with spaces around them; both are stripped.
Codes compare case-insensitively (a scanner's Caps Lock state must not lock an operator out), so the
canonical form is upper case.
"""

from typing import ClassVar

MAX_LENGTH = 64
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:+")


class BadgeCodeError(ValueError):
	"""The text cannot be a badge code. `reason` is one of the REASONS keys."""

	REASONS: ClassVar[dict[str, str]] = {
		"empty": "Badge code is empty",
		"too_long": "Badge code is longer than {max} characters",
		"bad_char": "Badge code contains a character a scanner cannot type: {char!r}",
	}

	def __init__(self, reason: str, **details):
		self.reason = reason
		self.details = details
		super().__init__(self.REASONS[reason].format(max=MAX_LENGTH, **details))


def normalize_badge(code: str | None) -> str:
	"""Return the canonical form of a scanned badge code, or raise BadgeCodeError."""
	text = (code or "").strip().upper()
	if not text:
		raise BadgeCodeError("empty")
	if len(text) > MAX_LENGTH:
		raise BadgeCodeError("too_long")
	for char in text:
		if char not in _ALLOWED:
			raise BadgeCodeError("bad_char", char=char)
	return text
