import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.push.answers import EXPIRED_SIGNATURE, FAILED, OK, OUTCOMES, RETRY, classify


@pytest.mark.parametrize(
	("vendor", "status", "body", "outcome", "code"),
	[
		# successes as the vendors document them
		("dingtalk", 200, {"errcode": 0, "errmsg": "ok"}, OK, 0),
		("wecom", 200, '{"errcode":0,"errmsg":"ok"}', OK, 0),
		(
			"feishu",
			200,
			{"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"},
			OK,
			0,
		),
		("feishu", 200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"}, OK, 0),
		# throttled
		(
			"dingtalk",
			200,
			{"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
			RETRY,
			130101,
		),
		("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, RETRY, 45009),
		("feishu", 200, {"code": 11232, "msg": "frequency limited", "data": {}}, RETRY, 11232),
		("feishu", 400, {"code": 9499, "msg": "too many request", "data": {}}, RETRY, 9499),
		(
			"feishu",
			200,
			{"StatusCode": 0, "StatusMessage": "", "code": 9499, "msg": "too many request"},
			RETRY,
			9499,
		),
		("feishu", 400, {"code": 99991400, "msg": "request trigger frequency limit"}, RETRY, 99991400),
		("dingtalk", 200, {"errcode": -1, "errmsg": "系统繁忙"}, RETRY, -1),
		("wecom", 200, {"errcode": -1, "errmsg": "system busy"}, RETRY, -1),
		# signature too old: sign again
		(
			"feishu",
			200,
			{"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"},
			EXPIRED_SIGNATURE,
			19021,
		),
		("dingtalk", 200, {"errcode": 310000, "errmsg": "invalid timestamp"}, EXPIRED_SIGNATURE, 310000),
		# refused for good
		("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"}, FAILED, 310000),
		("dingtalk", 200, {"errcode": 310000, "errmsg": "keywords not in content"}, FAILED, 310000),
		("dingtalk", 200, {"errcode": 310000, "errmsg": "ip X.X.X.X not in whitelist"}, FAILED, 310000),
		("dingtalk", 200, {"errcode": 300001, "errmsg": "token is not exist"}, FAILED, 300001),
		("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, FAILED, 93000),
		(
			"wecom",
			200,
			{"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"},
			FAILED,
			40058,
		),
		("feishu", 400, {"code": 9499, "msg": "Bad Request", "data": {}}, FAILED, 9499),
		("feishu", 200, {"code": 19022, "msg": "Ip Not Allowed"}, FAILED, 19022),
		("feishu", 200, {"code": 19024, "msg": "Key Words Not Found"}, FAILED, 19024),
		(
			"feishu",
			200,
			{"code": 19001, "msg": "param invalid: incoming webhook access token invalid"},
			FAILED,
			19001,
		),
		("feishu", 200, {"code": 19007, "msg": "Bot Not Enabled"}, FAILED, 19007),
		# codes of one vendor mean nothing for another
		("wecom", 200, {"errcode": 130101, "errmsg": "x"}, FAILED, 130101),
		("dingtalk", 200, {"errcode": 45009, "errmsg": "x"}, FAILED, 45009),
		("wecom", 200, {"code": 0}, FAILED, None),
	],
)
def test_vendor_answers(vendor, status, body, outcome, code):
	answer = classify(vendor, status, body)
	assert answer.outcome == outcome
	assert answer.code == code
	assert answer.status == status
	assert answer.ok is (outcome == OK)


def test_the_vendor_message_is_kept():
	answer = classify("wecom", 200, b'{"errcode":45009,"errmsg":"api freq out of limit, hint: [x]"}')
	assert answer.message == "api freq out of limit, hint: [x]"
	assert (
		classify("feishu", 200, {"code": 19024, "msg": "Key Words Not Found"}).message
		== "Key Words Not Found"
	)


def test_dingtalk_throttle_waits_ten_minutes():
	answer = classify("dingtalk", 200, {"errcode": 130101, "errmsg": "send too fast"})
	assert answer.retry_after == 600
	longer = classify("dingtalk", 200, {"errcode": 130101, "errmsg": "x"}, headers={"Retry-After": "900"})
	assert longer.retry_after == 900


@pytest.mark.parametrize("vendor", ["dingtalk", "wecom", "feishu"])
def test_transport_failures_are_retried(vendor):
	assert classify(vendor, None, None).outcome == RETRY
	assert classify(vendor, None, None).message == "no answer"
	assert classify(vendor, None, None, timed_out=True).message == "timed out"
	for status in (408, 429, 500, 502, 503, 504):
		assert classify(vendor, status, "<html>busy</html>").outcome == RETRY
	assert classify(vendor, 502, "").message == "HTTP 502"


def test_retry_after_headers():
	assert (
		classify("feishu", 429, {"code": 99991400}, headers={"x-ogw-ratelimit-reset": "52"}).retry_after == 52
	)
	assert classify("wecom", 503, "", headers={"retry-after": "7"}).retry_after == 7
	assert (
		classify("wecom", 503, "", headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}).retry_after
		is None
	)
	assert classify("wecom", 503, "", headers={"Retry-After": "nan"}).retry_after is None
	assert classify("wecom", 503, "", headers={"Retry-After": "-3"}).retry_after is None


def test_a_fresh_signature_refused_again_is_a_failure():
	body = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
	assert classify("feishu", 200, body, fresh_signature=True).outcome == FAILED
	assert classify(
		"dingtalk", 200, {"errcode": 310000, "errmsg": "invalid timestamp"}, fresh_signature=True
	).outcome == (FAILED)


def test_answers_without_a_vendor_code():
	assert classify("dingtalk", 200, "").outcome == FAILED
	assert classify("dingtalk", 200, "<html>login</html>").message == "<html>login</html>"
	assert classify("wecom", 404, "not found").outcome == FAILED
	assert classify("feishu", 200, "[1, 2]").outcome == FAILED
	assert classify("feishu", 200, {"code": True}).outcome == FAILED
	assert classify("feishu", 200, {"code": "0", "msg": "ok"}).outcome == OK  # a code sent as a string
	assert classify("dingtalk", 200, b"\xff\xfe").outcome == FAILED
	with pytest.raises(ValueError):
		classify("slack", 200, {"ok": True})


def test_a_success_code_with_an_error_status_is_not_ok():
	assert classify("wecom", 400, {"errcode": 0, "errmsg": "ok"}).outcome == FAILED


@given(
	vendor=st.sampled_from(["dingtalk", "wecom", "feishu"]),
	status=st.one_of(st.none(), st.integers(min_value=100, max_value=599)),
	body=st.one_of(
		st.none(),
		st.text(max_size=50),
		st.binary(max_size=50),
		st.dictionaries(
			st.sampled_from(["errcode", "errmsg", "code", "msg", "StatusCode", "StatusMessage"]),
			st.one_of(st.integers(), st.text(max_size=10), st.none(), st.booleans()),
		).map(json.dumps),
	),
)
def test_any_answer_is_classified(vendor, status, body):
	answer = classify(vendor, status, body)
	assert answer.outcome in OUTCOMES
	assert isinstance(answer.message, str) and len(answer.message) <= 300
	if answer.outcome == OK:
		assert answer.code == 0 and 200 <= status < 300
