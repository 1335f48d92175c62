"""Signatures for DingTalk and Feishu robots, WeCom's key URL.

Neither vendor publishes a worked example (input and output): DingTalk's "自定义机器人安全设置" page and
Feishu's "自定义机器人使用指南" give the algorithm and sample code only (secret "this is secret" in DingTalk's
Python / Java samples; the timestamp 1599360473 is the example in Feishu's page). So the expected values here
come from two independent implementations: an HMAC-SHA256 written from RFC 2104 in this file (checked against
RFC 4231 test case 2), and the literals below, computed with the OpenSSL 3 command line:

    printf '1599360473000\\nthis is secret' | openssl dgst -sha256 -hmac 'this is secret' -binary | base64
    printf '' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(printf '1599360473\\nthis is secret' | xxd -p)" \\
        -binary | base64
"""

import base64
import hashlib
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.push import signing

DOC_SECRET = "this is secret"
DINGTALK_DOC_SIGN_B64 = "hXZTWifRGHclNuZSKxoXc//sh51SWfVfRIhcdeKs63I="  # ts 1599360473000 (openssl)
FEISHU_DOC_SIGN = "/eYKrXQBzTjUZJ3s6NX16VxGbTwmK7AEs8/FnvC1CSw="  # ts 1599360473 (openssl)


def rfc2104_hmac_sha256(key: bytes, message: bytes) -> bytes:
	"""HMAC-SHA256 from its definition (no hmac module): H((K ^ opad) || H((K ^ ipad) || m))."""
	block = 64
	if len(key) > block:
		key = hashlib.sha256(key).digest()
	key = key.ljust(block, b"\0")
	inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
	return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).digest()


def reference_dingtalk(secret: str, timestamp_ms: int) -> str:
	# DingTalk: key = secret, message = timestamp + "\n" + secret, Base64, then urlEncode (UTF-8)
	mac = rfc2104_hmac_sha256(secret.encode(), f"{timestamp_ms}\n{secret}".encode())
	return quote_plus(base64.b64encode(mac).decode())


def reference_feishu(secret: str, timestamp_s: int) -> str:
	# Feishu: key = timestamp + "\n" + secret, empty message, Base64
	return base64.b64encode(rfc2104_hmac_sha256(f"{timestamp_s}\n{secret}".encode(), b"")).decode()


def test_reference_hmac_matches_rfc4231_case_2():
	mac = rfc2104_hmac_sha256(b"Jefe", b"what do ya want for nothing?")
	assert mac.hex() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_dingtalk_sign_matches_openssl_for_the_documented_secret():
	assert signing.dingtalk_sign(DOC_SECRET, 1599360473000) == quote_plus(DINGTALK_DOC_SIGN_B64)
	assert quote_plus(DINGTALK_DOC_SIGN_B64) == "hXZTWifRGHclNuZSKxoXc%2F%2Fsh51SWfVfRIhcdeKs63I%3D"
	assert reference_dingtalk(DOC_SECRET, 1599360473000) == quote_plus(DINGTALK_DOC_SIGN_B64)


def test_feishu_sign_matches_openssl_for_the_documented_timestamp():
	assert signing.feishu_sign(DOC_SECRET, 1599360473) == FEISHU_DOC_SIGN
	assert reference_feishu(DOC_SECRET, 1599360473) == FEISHU_DOC_SIGN


def test_the_two_vendors_put_key_and_message_the_other_way_round():
	# Feishu keys the HMAC with the string to sign; signing it the DingTalk way gives another value
	dingtalk_style = base64.b64encode(
		rfc2104_hmac_sha256(DOC_SECRET.encode(), f"1599360473\n{DOC_SECRET}".encode())
	).decode()
	assert signing.feishu_sign(DOC_SECRET, 1599360473) != dingtalk_style


@given(
	secret=st.text(min_size=1, max_size=80),
	timestamp_ms=st.integers(min_value=0, max_value=4_102_444_800_000),
)
def test_dingtalk_sign_equals_the_reference(secret, timestamp_ms):
	assert signing.dingtalk_sign(secret, timestamp_ms) == reference_dingtalk(secret, timestamp_ms)


@given(secret=st.text(min_size=1, max_size=80), timestamp_s=st.integers(min_value=0, max_value=4_102_444_800))
def test_feishu_sign_equals_the_reference(secret, timestamp_s):
	sign = signing.feishu_sign(secret, timestamp_s)
	assert sign == reference_feishu(secret, timestamp_s)
	assert len(base64.b64decode(sign)) == 32


def test_dingtalk_signed_url_appends_timestamp_in_ms_and_the_encoded_sign():
	url = signing.dingtalk_signed_url(
		"https://oapi.dingtalk.com/robot/send?access_token=abc", DOC_SECRET, 1599360473.0004
	)
	assert url.startswith(
		"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1599360473000&sign="
	)
	query = parse_qs(urlsplit(url).query)
	assert query["access_token"] == ["abc"]
	assert query["timestamp"] == ["1599360473000"]
	assert query["sign"] == [DINGTALK_DOC_SIGN_B64]  # parse_qs decodes %2B %2F %3D back


def test_dingtalk_signed_url_rounds_to_the_millisecond_and_re_signs_a_signed_url():
	first = signing.dingtalk_signed_url("https://x.test/robot/send?access_token=t", "s", 100.0006)
	assert "timestamp=100001&" in first
	again = signing.dingtalk_signed_url(first, "s", 200.0)
	assert again.count("timestamp=") == 1 and again.count("sign=") == 1
	assert "timestamp=200000&sign=" + signing.dingtalk_sign("s", 200000) in again
	assert parse_qs(urlsplit(again).query)["access_token"] == ["t"]


def test_dingtalk_without_secret_or_query():
	assert signing.dingtalk_signed_url("https://x.test/send?access_token=t", None, 1.0) == (
		"https://x.test/send?access_token=t"
	)
	assert signing.dingtalk_signed_url("https://x.test/send?access_token=t", "", 1.0).endswith(
		"access_token=t"
	)
	assert signing.dingtalk_signed_url("https://x.test/send", "k", 1.0).startswith(
		"https://x.test/send?timestamp=1000&"
	)
	assert "#" not in signing.dingtalk_signed_url("https://x.test/send?access_token=t#frag", "k", 1.0)


def test_feishu_signed_body_adds_string_seconds_and_keeps_the_payload():
	payload = {"msg_type": "text", "content": {"text": "hi"}, "timestamp": "1", "sign": "old"}
	body = signing.feishu_signed_body(payload, DOC_SECRET, 1599360473.99)
	assert body["timestamp"] == "1599360473"  # whole seconds, as a string
	assert body["sign"] == FEISHU_DOC_SIGN
	assert body["msg_type"] == "text" and body["content"] == {"text": "hi"}
	assert payload["sign"] == "old"  # not changed
	unsigned = signing.feishu_signed_body(payload, None, 5.0)
	assert "sign" not in unsigned and "timestamp" not in unsigned and unsigned["msg_type"] == "text"


def test_wecom_url_from_key_and_bad_keys():
	key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	assert signing.wecom_webhook_url(key) == f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"
	for bad in ("", "a b", "k&x=1", "k/../", "键"):
		with pytest.raises(ValueError):
			signing.wecom_webhook_url(bad)


def test_prepare_per_vendor():
	url, body = signing.prepare(
		"dingtalk", "https://x.test/send?access_token=t", {"msgtype": "text"}, "k", 2.0
	)
	assert "timestamp=2000&sign=" in url and body == {"msgtype": "text"}
	url, body = signing.prepare(
		"feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/h", {"msg_type": "x"}, "k", 2.5
	)
	assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/h"
	assert body["timestamp"] == "2" and body["sign"] == signing.feishu_sign("k", 2)
	url, body = signing.prepare("wecom", "abc-123", {"msgtype": "markdown"}, None, 2.0)
	assert url.endswith("/cgi-bin/webhook/send?key=abc-123") and body == {"msgtype": "markdown"}
	full = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
	assert signing.prepare("wecom", full, {}, "ignored", 2.0)[0] == full
	with pytest.raises(ValueError):
		signing.prepare("slack", "https://x.test", {}, None, 1.0)
