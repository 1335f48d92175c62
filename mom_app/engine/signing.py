"""Signatures on device webhook requests.

A device signs every request with the secret it shares with the site:

    signature = lowercase hex of HMAC-SHA256(secret, timestamp + "." + body)

where `timestamp` is the request time in Unix seconds, written as a decimal string (``"1700000000"`` or
``"1700000000.25"``), exactly as sent, and `body` is the raw request body. The signature may be sent as
``<hex>`` or ``sha256=<hex>`` (hex digits in either case).

`verify()` checks, in this order, and raises `SignatureError` at the first failure:

1. a signature is present (``missing_signature``) and a timestamp is present (``missing_timestamp``);
2. the timestamp is a plain decimal number: ASCII digits with an optional fraction, no sign, exponent,
   spaces or underscores (``bad_timestamp``);
3. the signature matches, compared in constant time (``bad_signature``); an empty secret never matches;
4. the timestamp is within `window` seconds of `now`: ``stale_timestamp`` when older, ``future_timestamp``
   when newer. Exactly `window` seconds away is still accepted.

The signature is checked before the clock, so only a caller who holds the secret learns that its clock is
off. The timestamp window bounds how long a captured request can be replayed; within the window the
receiver stops replays by remembering each message id under `replay_key()` for `REPLAY_TTL_SECONDS`
(longer than any window, so an id is never forgotten while its request could still be accepted).
"""

import hashlib
import hmac
import re
from typing import ClassVar

DEFAULT_WINDOW = 300.0
REPLAY_TTL_SECONDS = 24 * 3600

_TIMESTAMP = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,9})?")
_HEX_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_PREFIX = "sha256="


class SignatureError(ValueError):
	"""A request's signature or timestamp is not acceptable. `reason` is one of the REASONS keys."""

	REASONS: ClassVar[dict[str, str]] = {
		"missing_signature": "Request has no signature",
		"bad_signature": "Request signature does not match the body, timestamp and device secret",
		"missing_timestamp": "Request has no timestamp",
		"bad_timestamp": "Request timestamp {timestamp!r} is not Unix seconds as a decimal number",
		"stale_timestamp": "Request timestamp is {skew:.0f} s in the past (more than {window:g} s); "
		"check the device clock",
		"future_timestamp": "Request timestamp is {skew:.0f} s in the future (more than {window:g} s); "
		"check the device clock",
	}

	def __init__(self, reason: str, **details: object):
		self.reason = reason
		self.details = details
		super().__init__(self.REASONS[reason].format(**details))


def _key(secret: str | bytes) -> bytes:
	return secret.encode() if isinstance(secret, str) else bytes(secret)


def sign(secret: str | bytes, timestamp: str, body: bytes) -> str:
	"""Lowercase hex HMAC-SHA256 of ``timestamp.encode() + b"." + body`` under `secret` (str is UTF-8)."""
	return hmac.new(_key(secret), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(
	secret: str | bytes,
	timestamp: str | None,
	body: bytes,
	signature: str | None,
	now: float,
	window: float = DEFAULT_WINDOW,
) -> float:
	"""Check a signed request; return its timestamp as float seconds, or raise SignatureError.

	`now` is the receiver's clock in Unix seconds; `window` is the largest accepted |now - timestamp|."""
	if not signature:
		raise SignatureError("missing_signature")
	if not timestamp:
		raise SignatureError("missing_timestamp")
	if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
		raise SignatureError("bad_timestamp", timestamp=_clip(timestamp))

	given = signature[len(_PREFIX) :] if signature.startswith(_PREFIX) else signature
	# The format check comes first: compare_digest refuses non-ASCII str, and it keeps the comparison to
	# two strings of the same length.
	expected = sign(secret, timestamp, body)
	if not _key(secret) or not _HEX_SIGNATURE.fullmatch(given):
		raise SignatureError("bad_signature")
	if not hmac.compare_digest(expected, given.lower()):
		raise SignatureError("bad_signature")

	ts = float(timestamp)
	skew = now - ts
	if skew > window:
		raise SignatureError("stale_timestamp", skew=skew, window=window)
	if -skew > window:
		raise SignatureError("future_timestamp", skew=-skew, window=window)
	return ts


def replay_key(device: str, message_id: str) -> str:
	"""Cache key under which a device's message id is remembered to refuse replays."""
	return f"mom:iot:msg:{device}:{message_id}"


def _clip(value: object, limit: int = 40) -> str:
	text = str(value)
	return text if len(text) <= limit else text[:limit] + "..."
