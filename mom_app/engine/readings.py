"""The batch of readings a device posts to the IoT webhook, parsed and validated all-or-nothing.

The body is one JSON object::

    {
        "message_id": "gw1-000123",
        "readings": [
            {"key": "spindle_temp", "ts": 1700000000.5, "value": 41.25},
            {"key": "door_open", "ts": "2023-11-14T22:13:20Z", "value": true},
        ],
    }

- ``message_id``: 1 to 64 characters of ``A-Z a-z 0-9 . _ : -``; the receiver uses it to drop replays.
- ``readings``: a non-empty list of at most `max_readings` objects, each with
  - ``key``: the JSON key of one of the device's tags (`known_keys`);
  - ``ts``: Unix seconds as a JSON number, or an ISO 8601 string with a time zone (``Z`` or ``+hh:mm``,
    ``+hhmm``, ``+hh``), e.g. ``2024-03-01T08:00:00.250+08:00``; a date, hours and minutes are required,
    seconds and a fraction are optional, ``T``, ``t`` or a space separates date and time;
  - ``value``: a JSON number, or ``true``/``false`` (read as 1.0/0.0). Strings are not numbers here, even
    ``"1.5"``: a device that sends strings is misconfigured, and guessing would hide it.

Other fields, at the top level or in a reading, are ignored. Every value must be finite (Python's json
module accepts ``NaN`` and ``Infinity``; they are refused) and less than `MAX_ABS_VALUE` in magnitude
(`reading_value`, the one value check every path that stores readings uses), and every timestamp must lie between
`max_age` seconds before `now` and `max_future` seconds after it (both ends accepted).

Any error rejects the whole batch with a `PayloadError` whose `reason` is a short code, `detail` a
JSON-serialisable dict saying where (``{"index": 3, "key": "spindle_temp"}``) and whose message says, in
English, what is wrong and where. Readings keep the order they were sent in.
"""

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MAX_MESSAGE_ID = 64
# readings are stored in decimal(36,9) columns (IoT Reading.value, the minute aggregates' min/max/last):
# values keep well inside them
MAX_ABS_VALUE = 1e26
DEFAULT_MAX_AGE = 7 * 86400.0
DEFAULT_MAX_FUTURE = 300.0

_MESSAGE_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_MESSAGE_ID}}}")
_ISO = re.compile(
	r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt ]"
	r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
	r"(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>[0-9]{2})(?::?(?P<om>[0-9]{2}))?)"
)

REASONS = (
	"malformed_json",
	"not_an_object",
	"missing_message_id",
	"bad_message_id",
	"missing_readings",
	"no_readings",
	"too_many_readings",
	"bad_reading",
	"unknown_key",
	"non_numeric",
	"not_finite",
	"value_out_of_range",
	"bad_timestamp",
	"too_old",
	"in_future",
)

# Reasons meaning "the body is not the documented shape"; the others are well-formed but unacceptable values.
MALFORMED_REASONS = frozenset(
	(
		"malformed_json",
		"not_an_object",
		"missing_message_id",
		"bad_message_id",
		"missing_readings",
		"no_readings",
		"bad_reading",
	)
)


@dataclass(frozen=True)
class Reading:
	key: str
	ts: float
	value: float


@dataclass(frozen=True)
class Batch:
	message_id: str
	readings: tuple[Reading, ...]


class BadValue(ValueError):
	"""A reading's value that cannot be stored; `reason` is non_numeric, not_finite or value_out_of_range."""

	def __init__(self, reason: str, message: str):
		self.reason = reason
		super().__init__(message)


def reading_value(raw: object) -> float:
	"""The value to store for a reading: a number, or a boolean (1.0 / 0.0), finite and less than
	MAX_ABS_VALUE in magnitude. Raises BadValue otherwise (strings are not numbers here, even "1.5").

	The one check of a reading's value: the webhook's parser, the webhook and the storage of every source
	(stream writer, collector, demo history) use it."""
	if isinstance(raw, bool):
		return 1.0 if raw else 0.0
	if not isinstance(raw, (int, float)):
		raise BadValue("non_numeric", f"value {_show(raw)} is not a number or true/false ({_json_type(raw)})")
	try:
		value = float(raw)
	except OverflowError:
		value = math.inf
	if not math.isfinite(value):
		raise BadValue("not_finite", f"value {_show(raw)} is not a finite number")
	if abs(value) >= MAX_ABS_VALUE:
		raise BadValue(
			"value_out_of_range", f"value {_show(raw)} is too large to store (at most {MAX_ABS_VALUE:g})"
		)
	return value


class PayloadError(ValueError):
	"""The body is not an acceptable batch. `reason` is one of REASONS, `detail` says where."""

	def __init__(self, reason: str, message: str, **detail: object):
		self.reason = reason
		self.detail = detail
		super().__init__(message)


def parse_batch(
	body: bytes,
	known_keys: Collection[str],
	max_readings: int,
	now: float,
	max_age: float = DEFAULT_MAX_AGE,
	max_future: float = DEFAULT_MAX_FUTURE,
) -> Batch:
	"""Parse and validate a webhook body; return the Batch or raise PayloadError (never anything else)."""
	try:
		data = json.loads(body)
	except (ValueError, TypeError, RecursionError) as e:
		# ValueError covers JSONDecodeError, undecodable bytes and over-long integer literals.
		raise PayloadError("malformed_json", f"Body is not valid JSON: {_clip(e, 120)}")
	if not isinstance(data, dict):
		raise PayloadError(
			"not_an_object", f"Body must be a JSON object, got {_json_type(data)}", type=_json_type(data)
		)

	message_id = data.get("message_id")
	if message_id is None:
		raise PayloadError("missing_message_id", "Body has no message_id")
	if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
		raise PayloadError(
			"bad_message_id",
			f"message_id {_show(message_id)} must be 1 to {MAX_MESSAGE_ID} characters of "
			"letters, digits and . _ : -",
			value=_show(message_id),
		)

	items = data.get("readings")
	if not isinstance(items, list):
		if items is None:
			raise PayloadError("missing_readings", "Body has no readings", type="nothing")
		got = _json_type(items)
		raise PayloadError("missing_readings", f"readings must be a list of readings, got {got}", type=got)
	if not items:
		raise PayloadError("no_readings", "readings is an empty list")
	if len(items) > max_readings:
		raise PayloadError(
			"too_many_readings",
			f"readings has {len(items)} entries, more than the limit of {max_readings}",
			count=len(items),
			limit=max_readings,
		)

	keys = known_keys if isinstance(known_keys, (set, frozenset)) else frozenset(known_keys)
	window = _Window(now, max_age, max_future)
	readings = tuple(_parse_reading(index, item, keys, window) for index, item in enumerate(items))
	return Batch(message_id=message_id, readings=readings)


def dump_batch(batch: Batch) -> bytes:
	"""The JSON body for a batch (timestamps as numbers); parse_batch() reads it back unchanged."""
	payload = {
		"message_id": batch.message_id,
		"readings": [{"key": r.key, "ts": r.ts, "value": r.value} for r in batch.readings],
	}
	return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()


def parse_timestamp(value: object) -> float:
	"""Unix seconds from a JSON number or an ISO 8601 string with a time zone; ValueError otherwise."""
	if isinstance(value, bool):
		raise ValueError("a boolean is not a timestamp")
	if isinstance(value, (int, float)):
		ts = float(value)  # OverflowError for huge ints is an ArithmeticError, handled by the caller
	elif isinstance(value, str):
		ts = _parse_iso(value)
	else:
		raise ValueError(f"{_json_type(value)} is not a timestamp")
	if not math.isfinite(ts):
		raise ValueError("timestamp is not finite")
	return ts


@dataclass(frozen=True)
class _Window:
	now: float
	max_age: float
	max_future: float


def _parse_reading(index: int, item: object, keys: Collection[str], window: _Window) -> Reading:
	where = f"readings[{index}]"
	if not isinstance(item, dict):
		raise PayloadError(
			"bad_reading",
			f"{where} must be an object with key, ts and value, got {_json_type(item)}",
			index=index,
		)
	for field in ("key", "ts", "value"):
		if field not in item:
			raise PayloadError("bad_reading", f"{where} has no {field}", index=index, field=field)

	key = item["key"]
	if not isinstance(key, str):
		raise PayloadError(
			"bad_reading",
			f"{where}: key must be a string, got {_json_type(key)}",
			index=index,
			field="key",
		)
	if key not in keys:
		raise PayloadError(
			"unknown_key", f"{where}: key {_show(key)} is not a tag of this device", index=index, key=key
		)
	where = f"{where} (key {_show(key)})"

	raw_ts = item["ts"]
	try:
		ts = parse_timestamp(raw_ts)
	except (ValueError, ArithmeticError):
		raise PayloadError(
			"bad_timestamp",
			f"{where}: ts {_show(raw_ts)} is neither Unix seconds nor an ISO 8601 time with a time zone",
			index=index,
			key=key,
			ts=_show(raw_ts),
		)
	if window.now - ts > window.max_age:
		raise PayloadError(
			"too_old",
			f"{where}: ts {ts:.3f} is {window.now - ts:.0f} s old; readings older than "
			f"{window.max_age:g} s are refused",
			index=index,
			key=key,
			ts=ts,
		)
	if ts - window.now > window.max_future:
		raise PayloadError(
			"in_future",
			f"{where}: ts {ts:.3f} is {ts - window.now:.0f} s in the future (more than "
			f"{window.max_future:g} s); check the device clock",
			index=index,
			key=key,
			ts=ts,
		)

	raw = item["value"]
	try:
		value = reading_value(raw)
	except BadValue as e:
		raise PayloadError(e.reason, f"{where}: {e}", index=index, key=key)
	return Reading(key=key, ts=ts, value=value)


def _parse_iso(text: str) -> float:
	m = _ISO.fullmatch(text)
	if not m:
		raise ValueError(f"not an ISO 8601 time with a time zone: {text!r}")
	if m["z"]:
		tz = timezone.utc
	else:
		hours, minutes = int(m["oh"]), int(m["om"] or 0)
		if hours > 23 or minutes > 59:
			raise ValueError(f"bad time zone offset in {text!r}")
		delta = timedelta(hours=hours, minutes=minutes)
		tz = timezone(-delta if m["sign"] == "-" else delta)
	moment = datetime(
		int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"] or 0), tzinfo=tz
	)
	fraction = int(m["f"]) / 10 ** len(m["f"]) if m["f"] else 0.0
	return moment.timestamp() + fraction


def _json_type(value: object) -> str:
	if value is None:
		return "null"
	if isinstance(value, bool):
		return "boolean"
	if isinstance(value, (int, float)):
		return "number"
	if isinstance(value, str):
		return "string"
	if isinstance(value, list):
		return "array"
	if isinstance(value, dict):
		return "object"
	return type(value).__name__


def _show(value: object, limit: int = 40) -> str:
	"""A short JSON rendering of a scalar for messages; arrays and objects are abbreviated."""
	if isinstance(value, list):
		return "[...]"
	if isinstance(value, dict):
		return "{...}"
	if isinstance(value, str):
		value = value[:limit]
	try:
		text = json.dumps(value)
	except (TypeError, ValueError):  # pragma: no cover - json.loads only gives JSON-dumpable scalars
		text = type(value).__name__
	return _clip(text, limit)


def _clip(value: object, limit: int) -> str:
	text = str(value)
	return text if len(text) <= limit else text[: limit - 3] + "..."
