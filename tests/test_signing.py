import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.signing import (
	REPLAY_TTL_SECONDS,
	SignatureError,
	replay_key,
	sign,
	verify,
)

SECRET = "s3cret-for-gw1"
TS = "1700000000"
NOW = 1700000000.0
BODY = b'{"message_id":"m-1","readings":[{"key":"t","ts":1700000000,"value":1.5}]}'


def reference(secret: bytes, timestamp: str, body: bytes) -> str:
	return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def reason_of(**kwargs) -> str:
	args = {"secret": SECRET, "timestamp": TS, "body": BODY, "signature": None, "now": NOW}
	args.update(kwargs)
	if args["signature"] is None and "signature" not in kwargs:
		args["signature"] = sign(SECRET, TS, BODY)
	with pytest.raises(SignatureError) as info:
		verify(**args)
	assert str(info.value)
	return info.value.reason


def test_known_answer_vectors():
	# Computed outside Python: printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
	assert sign("secret", "1700000000", b"{}") == (
		"b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
	)
	assert sign(b"gw1-key", "1700000000", b'{"message_id":"m-1"}') == (
		"3ee6f4162c39a8a85e17ea5cb143b9ba2fe606a0302824e98903d878ab8ecfb4"
	)


def test_matches_hmac_over_timestamp_dot_body():
	assert sign("key", "1", b"body") == hmac.new(b"key", b"1.body", hashlib.sha256).hexdigest()
	assert sign(b"key", TS, BODY) == reference(b"key", TS, BODY)
	# The "." separates: moving bytes between timestamp and body changes the signature.
	assert sign("key", "12", b"3") != sign("key", "1", b"23")


def test_sign_is_lowercase_hex_and_str_secret_is_utf8():
	sig = sign("clé", TS, BODY)
	assert sig == reference("clé".encode(), TS, BODY)
	assert len(sig) == 64 and sig == sig.lower() and int(sig, 16) >= 0


def test_verify_accepts_and_returns_float():
	sig = sign(SECRET, TS, BODY)
	ts = verify(SECRET, TS, BODY, sig, now=NOW)
	assert ts == 1700000000.0 and isinstance(ts, float)
	assert verify(SECRET.encode(), TS, BODY, "sha256=" + sig, now=NOW) == 1700000000.0
	assert verify(SECRET, TS, BODY, sig.upper(), now=NOW) == 1700000000.0


def test_fractional_timestamp():
	ts = "1700000000.250"
	assert verify(SECRET, ts, BODY, sign(SECRET, ts, BODY), now=NOW) == 1700000000.25


@pytest.mark.parametrize(
	"change",
	[
		{"body": BODY + b" "},
		{"body": BODY.replace(b"1.5", b"9.5")},
		{"body": b""},
		{"timestamp": "1700000001"},
		{"timestamp": "1700000000.0"},  # same time, different signed text
		{"secret": SECRET + "x"},
		{"secret": ""},
		{"signature": "0" * 64},
		{"signature": "sha256:" + "0" * 64},
		{"signature": "sha1=" + "0" * 40},
		{"signature": "abc"},
		{"signature": "é" * 64},  # compare_digest would raise TypeError on non-ASCII str
	],
)
def test_tampering_is_bad_signature(change):
	assert reason_of(**change) == "bad_signature"


def test_signature_made_with_other_secret_is_rejected():
	assert reason_of(signature=sign("other", TS, BODY)) == "bad_signature"


def test_empty_secret_never_verifies_even_when_signed_with_it():
	assert reason_of(secret="", signature=sign("", TS, BODY)) == "bad_signature"


@pytest.mark.parametrize("signature", [None, ""])
def test_missing_signature(signature):
	assert reason_of(signature=signature) == "missing_signature"


@pytest.mark.parametrize("timestamp", [None, ""])
def test_missing_timestamp(timestamp):
	assert reason_of(timestamp=timestamp) == "missing_timestamp"


@pytest.mark.parametrize(
	"timestamp",
	["abc", "-1700000000", "+1700000000", "1.7e9", " 1700000000", "1700000000\n", "1_700_000_000", "nan",
	 "inf", "1700000000.", ".5", "١٧٠٠٠٠٠٠٠٠", "1" * 16, "1.0123456789"],
)  # fmt: skip
def test_bad_timestamp(timestamp):
	sig = sign(SECRET, timestamp, BODY)  # even correctly signed
	assert reason_of(timestamp=timestamp, signature=sig) == "bad_timestamp"


@pytest.mark.parametrize(
	"now, expected",
	[
		(NOW + 300, None),  # exactly at the window: accepted
		(NOW - 300, None),
		(NOW + 300.001, "stale_timestamp"),
		(NOW - 300.001, "future_timestamp"),
		(NOW + 3600, "stale_timestamp"),
		(NOW - 3600, "future_timestamp"),
	],
)
def test_window_edges(now, expected):
	sig = sign(SECRET, TS, BODY)
	if expected is None:
		assert verify(SECRET, TS, BODY, sig, now=now) == NOW
	else:
		with pytest.raises(SignatureError) as info:
			verify(SECRET, TS, BODY, sig, now=now)
		assert info.value.reason == expected
		assert "clock" in str(info.value)


def test_custom_window():
	sig = sign(SECRET, TS, BODY)
	assert verify(SECRET, TS, BODY, sig, now=NOW + 10, window=10) == NOW
	with pytest.raises(SignatureError) as info:
		verify(SECRET, TS, BODY, sig, now=NOW + 11, window=10)
	assert info.value.reason == "stale_timestamp"


def test_signature_checked_before_clock():
	# Without the secret a caller learns nothing about the clock.
	with pytest.raises(SignatureError) as info:
		verify(SECRET, TS, BODY, "0" * 64, now=NOW + 10_000)
	assert info.value.reason == "bad_signature"


def test_error_is_value_error_with_message():
	with pytest.raises(ValueError, match="no signature"):
		verify(SECRET, TS, BODY, None, now=NOW)


def test_replay_key():
	assert replay_key("GW-1", "m-1") == "mom:iot:msg:GW-1:m-1"
	assert replay_key("GW-1", "m-1") != replay_key("GW-1", "m-2") != replay_key("GW-2", "m-2")
	assert REPLAY_TTL_SECONDS == 86400
	assert REPLAY_TTL_SECONDS > 300  # longer than the timestamp window


@settings(max_examples=50)
@given(
	secret=st.binary(min_size=1, max_size=64),
	ts=st.integers(min_value=0, max_value=4_000_000_000),
	body=st.binary(max_size=256),
)
def test_round_trip(secret, ts, body):
	timestamp = str(ts)
	sig = sign(secret, timestamp, body)
	assert sig == reference(secret, timestamp, body)
	assert verify(secret, timestamp, body, sig, now=float(ts)) == float(ts)
	flipped = bytes([body[0] ^ 1]) + body[1:] if body else b"x"
	with pytest.raises(SignatureError):
		verify(secret, timestamp, flipped, sig, now=float(ts))
