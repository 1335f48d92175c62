import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mom_app.engine.readings import (
	MAX_ABS_VALUE,
	REASONS,
	BadValue,
	Batch,
	PayloadError,
	Reading,
	dump_batch,
	parse_batch,
	reading_value,
)

NOW = 1_700_000_000.0
KEYS = frozenset({"spindle_temp", "door_open", "good_count"})
MAX = 10


def body(obj) -> bytes:
	return json.dumps(obj).encode()


def parse(payload, **kwargs) -> Batch:
	raw = payload if isinstance(payload, bytes) else body(payload)
	args = {"known_keys": KEYS, "max_readings": MAX, "now": NOW}
	args.update(kwargs)
	return parse_batch(raw, **args)


def error(payload, **kwargs) -> PayloadError:
	with pytest.raises(PayloadError) as info:
		parse(payload, **kwargs)
	assert str(info.value)
	json.dumps(info.value.detail)  # the webhook may return it as is
	return info.value


def reading(key="spindle_temp", ts=NOW - 10, value=41.5):
	return {"key": key, "ts": ts, "value": value}


def batch(*readings, message_id="gw1-000123"):
	return {"message_id": message_id, "readings": list(readings) or [reading()]}


# -- valid batches -------------------------------------------------------------------------------------


def test_valid_batch_keeps_order_and_types():
	result = parse(
		batch(
			reading("spindle_temp", NOW - 2, 41.25),
			reading("door_open", NOW - 3, True),
			reading("good_count", NOW - 1, 1234),
			reading("door_open", NOW, False),
		)
	)
	assert result == Batch(
		"gw1-000123",
		(
			Reading("spindle_temp", NOW - 2, 41.25),
			Reading("door_open", NOW - 3, 1.0),
			Reading("good_count", NOW - 1, 1234.0),
			Reading("door_open", NOW, 0.0),
		),
	)
	assert all(isinstance(r.value, float) and isinstance(r.ts, float) for r in result.readings)


@pytest.mark.parametrize(
	"text, expected",
	[
		("2023-11-14T22:13:20Z", 1_700_000_000.0),
		("2023-11-14T22:13:20z", 1_700_000_000.0),
		("2023-11-14t22:13:20+00:00", 1_700_000_000.0),
		("2023-11-14 22:13:20Z", 1_700_000_000.0),
		("2023-11-15T06:13:20+08:00", 1_700_000_000.0),
		("2023-11-15T06:13:20+0800", 1_700_000_000.0),
		("2023-11-15T06:13:20+08", 1_700_000_000.0),
		("2023-11-14T17:43:20-04:30", 1_700_000_000.0),
		("2023-11-14T22:13Z", 1_699_999_980.0),
		("2023-11-14T22:13:19.5Z", 1_699_999_999.5),
		("2023-11-14T22:13:19,25Z", 1_699_999_999.25),
		("2023-11-14T22:13:19.123456789Z", 1_699_999_999.123456789),
	],
)
def test_iso_timestamps(text, expected):
	(r,) = parse(batch(reading(ts=text))).readings
	assert r.ts == pytest.approx(expected, abs=1e-6)


def test_age_limits_are_inclusive():
	week = 7 * 86400
	assert parse(batch(reading(ts=NOW - week))).readings[0].ts == NOW - week
	assert parse(batch(reading(ts=NOW + 300))).readings[0].ts == NOW + 300
	assert error(batch(reading(ts=NOW - week - 1))).reason == "too_old"
	assert error(batch(reading(ts=NOW + 301))).reason == "in_future"
	assert parse(batch(reading(ts=NOW - 100)), max_age=100).readings
	assert error(batch(reading(ts=NOW - 101)), max_age=100).reason == "too_old"
	assert error(batch(reading(ts=NOW + 1)), max_future=0).reason == "in_future"


def test_max_readings_is_inclusive():
	assert len(parse(batch(*[reading()] * MAX)).readings) == MAX
	e = error(batch(*[reading()] * (MAX + 1)))
	assert e.reason == "too_many_readings"
	assert e.detail == {"count": MAX + 1, "limit": MAX}


def test_extra_fields_are_ignored():
	payload = batch({**reading(), "quality": "good"})
	payload["device"] = "GW-1"
	assert parse(payload).readings == (Reading("spindle_temp", NOW - 10, 41.5),)


def test_message_id_limits():
	assert parse(batch(message_id="a" * 64)).message_id == "a" * 64
	assert parse(batch(message_id="A.b_c:d-9")).message_id == "A.b_c:d-9"
	assert error(batch(message_id="a" * 65)).reason == "bad_message_id"


def test_known_keys_may_be_any_collection():
	assert parse(batch(), known_keys=["spindle_temp"]).readings
	assert parse(batch(), known_keys={"spindle_temp": 1}).readings
	assert error(batch(), known_keys=[]).reason == "unknown_key"


# -- every reason, with where ---------------------------------------------------------------------------

BAD = [
	(b"{", "malformed_json", {}),
	(b"\xff\xfe\x00garbage", "malformed_json", {}),
	(b"[" * 100_000, "malformed_json", {}),
	(body([1, 2]), "not_an_object", {"type": "array"}),
	(b'"text"', "not_an_object", {"type": "string"}),
	(b"null", "not_an_object", {"type": "null"}),
	(body({"readings": [reading()]}), "missing_message_id", {}),
	(body({"message_id": None, "readings": [reading()]}), "missing_message_id", {}),
	(body(batch(message_id="")), "bad_message_id", {"value": '""'}),
	(body(batch(message_id="has space")), "bad_message_id", {"value": '"has space"'}),
	(body(batch(message_id="m/1")), "bad_message_id", {"value": '"m/1"'}),
	(body(batch(message_id=12)), "bad_message_id", {"value": "12"}),
	(body(batch(message_id="é")), "bad_message_id", {"value": '"\\u00e9"'}),
	(body({"message_id": "m"}), "missing_readings", {"type": "nothing"}),
	(body({"message_id": "m", "readings": {"key": "x"}}), "missing_readings", {"type": "object"}),
	(body({"message_id": "m", "readings": []}), "no_readings", {}),
	(body(batch(*[reading()] * (MAX + 1))), "too_many_readings", {"count": MAX + 1, "limit": MAX}),
	(body(batch(reading(), "reading")), "bad_reading", {"index": 1}),
	(body(batch(reading(), reading(), None)), "bad_reading", {"index": 2}),
	(body(batch({"ts": NOW, "value": 1})), "bad_reading", {"index": 0, "field": "key"}),
	(body(batch({"key": "door_open", "value": 1})), "bad_reading", {"index": 0, "field": "ts"}),
	(body(batch({"key": "door_open", "ts": NOW})), "bad_reading", {"index": 0, "field": "value"}),
	(body(batch(reading(key=7))), "bad_reading", {"index": 0, "field": "key"}),
	(body(batch(reading(), reading(key="spindle_tmp"))), "unknown_key", {"index": 1, "key": "spindle_tmp"}),
	(body(batch(reading(key="Spindle_Temp"))), "unknown_key", {"index": 0, "key": "Spindle_Temp"}),
	(body(batch(reading(value="41.5"))), "non_numeric", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(value=None))), "non_numeric", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(value=[1]))), "non_numeric", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(value={}))), "non_numeric", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(), reading(value=math.nan))), "not_finite", {"index": 1, "key": "spindle_temp"}),
	(body(batch(reading(value=math.inf))), "not_finite", {"index": 0, "key": "spindle_temp"}),
	(b'{"message_id":"m","readings":[{"key":"door_open","ts":1700000000,"value":-Infinity}]}',
	 "not_finite", {"index": 0, "key": "door_open"}),
	(b'{"message_id":"m","readings":[{"key":"door_open","ts":1700000000,"value":1e999}]}',
	 "not_finite", {"index": 0, "key": "door_open"}),
	(b'{"message_id":"m","readings":[{"key":"door_open","ts":1700000000,"value":1' + b"0" * 400 + b"}]}",
	 "not_finite", {"index": 0, "key": "door_open"}),
	(body(batch(reading(), reading(value=1e26))), "value_out_of_range", {"index": 1, "key": "spindle_temp"}),
	(body(batch(reading(value=-1e300))), "value_out_of_range", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(value=10**26))), "value_out_of_range", {"index": 0, "key": "spindle_temp"}),
	(body(batch(reading(ts="1700000000"))), "bad_timestamp", {"index": 0, "key": "spindle_temp", "ts": '"1700000000"'}),
	(body(batch(reading(ts="2023-11-14T22:13:20"))), "bad_timestamp",
	 {"index": 0, "key": "spindle_temp", "ts": '"2023-11-14T22:13:20"'}),
	(body(batch(reading(ts="2023-02-30T00:00:00Z"))), "bad_timestamp",
	 {"index": 0, "key": "spindle_temp", "ts": '"2023-02-30T00:00:00Z"'}),
	(body(batch(reading(ts="2023-11-14T22:13:20+24:00"))), "bad_timestamp",
	 {"index": 0, "key": "spindle_temp", "ts": '"2023-11-14T22:13:20+24:00"'}),
	(body(batch(reading(ts="2023-11-14T22:13:60Z"))), "bad_timestamp",
	 {"index": 0, "key": "spindle_temp", "ts": '"2023-11-14T22:13:60Z"'}),
	(body(batch(reading(ts="yesterday"))), "bad_timestamp", {"index": 0, "key": "spindle_temp", "ts": '"yesterday"'}),
	(body(batch(reading(ts=True))), "bad_timestamp", {"index": 0, "key": "spindle_temp", "ts": "true"}),
	(body(batch(reading(ts=None))), "bad_timestamp", {"index": 0, "key": "spindle_temp", "ts": "null"}),
	(body(batch(reading(ts=math.nan))), "bad_timestamp", {"index": 0, "key": "spindle_temp", "ts": "NaN"}),
	(body(batch(reading(ts=10**400))), "bad_timestamp",
	 {"index": 0, "key": "spindle_temp", "ts": "1" + "0" * 36 + "..."}),
	(body(batch(reading(), reading(ts=NOW - 8 * 86400))), "too_old",
	 {"index": 1, "key": "spindle_temp", "ts": NOW - 8 * 86400}),
	(body(batch(reading(ts="2000-01-01T00:00:00Z"))), "too_old", {"index": 0, "key": "spindle_temp", "ts": 946684800.0}),
	(body(batch(reading(ts=0))), "too_old", {"index": 0, "key": "spindle_temp", "ts": 0.0}),
	(body(batch(reading(ts=NOW + 3600))), "in_future", {"index": 0, "key": "spindle_temp", "ts": NOW + 3600}),
]  # fmt: skip


@pytest.mark.parametrize("raw, reason, detail", BAD, ids=[f"{i}-{case[1]}" for i, case in enumerate(BAD)])
def test_rejects(raw, reason, detail):
	e = error(raw)
	assert e.reason == reason
	assert e.detail == detail


def test_every_reason_is_tested():
	assert {reason for _, reason, _ in BAD} == set(REASONS)


def test_messages_say_what_and_where():
	e = error(batch(reading(), reading(), reading(), reading(value="hot")))
	assert str(e) == 'readings[3] (key "spindle_temp"): value "hot" is not a number or true/false (string)'
	e = error(batch(reading(), reading(key="spindle_tmp")))
	assert str(e) == 'readings[1]: key "spindle_tmp" is not a tag of this device'
	e = error(batch(reading(ts=NOW + 3600)))
	assert "readings[0]" in str(e) and "3600 s in the future" in str(e) and "clock" in str(e)
	e = error(batch(reading(ts=NOW - 8 * 86400)))
	assert "691200 s old" in str(e)
	assert str(error(batch({"key": "door_open", "value": 1}))) == "readings[0] has no ts"


def test_value_check():
	assert reading_value(41.25) == 41.25
	assert reading_value(7) == 7.0 and isinstance(reading_value(7), float)
	assert (reading_value(True), reading_value(False)) == (1.0, 0.0)
	assert reading_value(-9.99e25) == -9.99e25
	for raw, reason in [
		("1.5", "non_numeric"),
		(None, "non_numeric"),
		(b"1", "non_numeric"),
		([1.0], "non_numeric"),
		(math.nan, "not_finite"),
		(-math.inf, "not_finite"),
		(10**400, "not_finite"),
		(MAX_ABS_VALUE, "value_out_of_range"),
		(-1e30, "value_out_of_range"),
		(10**26, "value_out_of_range"),
	]:
		with pytest.raises(BadValue) as info:
			reading_value(raw)
		assert info.value.reason == reason, raw
		assert str(info.value)


def test_value_message_says_where():
	e = error(batch(reading(), reading(value=2e26)))
	assert str(e) == 'readings[1] (key "spindle_temp"): value 2e+26 is too large to store (at most 1e+26)'


def test_integer_too_long_for_python_is_rejected_cleanly():
	# Python 3.11+ refuses to parse integers of more than 4300 digits (malformed_json); older versions
	# parse them, and the value does not fit a float (not_finite).
	raw = b'{"message_id":"m","readings":[{"key":"good_count","ts":1700000000,"value":' + b"9" * 5000 + b"}]}"
	assert error(raw).reason in ("malformed_json", "not_finite")


def test_first_error_wins_and_nothing_is_returned():
	e = error(batch(reading(), reading(key="nope"), reading(value="x")))
	assert (e.reason, e.detail["index"]) == ("unknown_key", 1)


def test_long_values_are_clipped_in_messages():
	e = error(batch(message_id="x" * 10_000))
	assert len(str(e)) < 200


# -- properties -------------------------------------------------------------------------------------------

keys = st.sampled_from(sorted(KEYS))
good_ts = st.floats(min_value=NOW - 7 * 86400, max_value=NOW + 300)
good_value = st.floats(min_value=-9.9e25, max_value=9.9e25) | st.integers(-(2**63), 2**64) | st.booleans()
good_reading = st.fixed_dictionaries({"key": keys, "ts": good_ts, "value": good_value})
good_payload = st.fixed_dictionaries(
	{
		"message_id": st.text(alphabet="abcXYZ019._:-", min_size=1, max_size=64),
		"readings": st.lists(good_reading, min_size=1, max_size=MAX),
	}
)
json_values = st.recursive(
	st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
	lambda children: st.lists(children, max_size=4)
	| st.dictionaries(st.text(max_size=10), children, max_size=4),
	max_leaves=20,
)


def check_outcome(raw: bytes):
	"""The parser's contract: a clean Batch, or PayloadError; never another exception."""
	try:
		result = parse(raw)
	except PayloadError as e:
		assert e.reason in REASONS
		assert str(e)
		json.dumps(e.detail)
		return None
	assert isinstance(result, Batch)
	assert 1 <= len(result.readings) <= MAX
	for r in result.readings:
		assert r.key in KEYS
		assert math.isfinite(r.value) and math.isfinite(r.ts) and abs(r.value) < MAX_ABS_VALUE
		assert NOW - 7 * 86400 <= r.ts <= NOW + 300
	return result


@settings(max_examples=150)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(raw):
	check_outcome(raw)


@settings(max_examples=150)
@given(json_values)
def test_arbitrary_json(value):
	check_outcome(json.dumps(value).encode())


@settings(max_examples=150)
@given(json_values)
def test_arbitrary_json_inside_a_batch(value):
	check_outcome(body({"message_id": "m", "readings": value}))
	check_outcome(body({"message_id": "m", "readings": [value]}))
	check_outcome(body(batch(reading(value=value))))
	check_outcome(body(batch(reading(ts=value))))
	check_outcome(body(batch(reading(key=value))))
	check_outcome(body({"message_id": value, "readings": [reading()]}))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(good_payload, st.data())
def test_mutated_payloads(payload, data):
	raw = bytearray(body(payload))
	for _ in range(data.draw(st.integers(1, 4))):
		op = data.draw(st.sampled_from(["flip", "delete", "insert"]))
		at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
		if op == "flip" and raw:
			raw[at] = data.draw(st.integers(0, 255))
		elif op == "delete" and raw:
			del raw[at]
		else:
			raw.insert(at, data.draw(st.sampled_from(b'{}[]",:0-.eE9 nNaIt')))
	check_outcome(bytes(raw))


@settings(max_examples=100)
@given(good_payload)
def test_valid_payload_parses_to_what_was_sent(payload):
	result = check_outcome(body(payload))
	assert result is not None
	assert result.message_id == payload["message_id"]
	assert [r.key for r in result.readings] == [r["key"] for r in payload["readings"]]
	assert [r.ts for r in result.readings] == [float(r["ts"]) for r in payload["readings"]]
	assert [r.value for r in result.readings] == [float(r["value"]) for r in payload["readings"]]


@settings(max_examples=100)
@given(good_payload)
def test_batch_round_trips_through_dump(payload):
	parsed = parse(body(payload))
	assert parse(dump_batch(parsed)) == parsed
