"""What a vendor's answer to a push means: OK, RETRY, EXPIRED_SIGNATURE or FAILED, with the vendor's code
and message.

    classify(vendor, status, body, *, timed_out=False, headers=None, fresh_signature=False) -> Answer

`status` is the HTTP status (None when no answer came: connection refused, reset, DNS), `body` the answer
as bytes, str or already parsed dict, `headers` a mapping (names in any case). The rules, in order:

1. no answer, a timeout, HTTP 408, 429 or 5xx: RETRY (`retry_after` from a Retry-After or Feishu's
   x-ogw-ratelimit-reset header, in seconds);
2. the body's code (DingTalk / WeCom ``errcode`` + ``errmsg``; Feishu ``code`` + ``msg``, or its legacy
   ``StatusCode`` + ``StatusMessage``) is 0 on a 2xx: OK. A 2xx whose body has no code is FAILED: the
   robots always answer with one, so something else (a proxy, a captive portal) answered;
3. the vendor's codes below;
4. anything else: FAILED (a bad token or key, a refused keyword or IP, a bad body: sending it again
   changes nothing).

Vendor codes (with the page each comes from):

- DingTalk: 130101 "send too fast, exceed 20 times per minute" -> RETRY after 600 s (the robot is throttled
  for 10 minutes: DingTalk's 自定义机器人接入 page, "如果超过20条, 会限流10分钟"); -1 "系统繁忙" -> RETRY
  (DingTalk global error codes: "服务器暂不可用, 建议稍候再重试"); 310000 is every security-setting
  refusal: with "invalid timestamp" in errmsg EXPIRED_SIGNATURE, else ("sign not match", "keywords not in
  content", "ip ... not in whitelist") FAILED. The 310000 messages are not in DingTalk's own pages we could
  read; they are quoted from answers seen in public code.
- WeCom: 45009 "api freq out of limit" -> RETRY (the errmsg WeCom answers; "45009指接口调用超过限制" in the
  WeChat developer community's answers; the robot takes 20 a minute,
  https://developer.work.weixin.qq.com/document/path/91770); -1 "系统繁忙" -> RETRY (WeCom global error
  codes, https://developer.work.weixin.qq.com/document/path/90455: "服务器暂不可用, 建议稍候重试"); every
  other code, e.g. 40058 "markdown.content exceed max length 4096" or a removed robot's key, -> FAILED.
- Feishu: 11232 (frequency limited; the custom-bot guide names "11232 限流错误",
  https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN) and 99991400 (request trigger
  frequency limit, https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control) -> RETRY;
  9499 -> RETRY when its msg says "too many request" (what the webhook answers when throttled, as seen in
  public code), else FAILED: the guide documents 9499 "Bad Request" for a malformed body or one over 20 KB,
  which a retry would send again unchanged; 19021 "sign match fail or timestamp is not within one hour from
  current time" -> EXPIRED_SIGNATURE; 19022 Ip Not Allowed, 19024 Key Words Not Found, 19001 param invalid
  (bad webhook token), 19007 Bot Not Enabled -> FAILED.

EXPIRED_SIGNATURE means: sign again with the current time and send once more. A stale timestamp and a wrong
secret give the same answer, so pass ``fresh_signature=True`` when the request already carried a signature
made just before sending: the answer is then FAILED (check the secret, or the server's clock).
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

from mom_app.engine.push.vendors import DINGTALK, FEISHU, WECOM, check_vendor

OK = "ok"
RETRY = "retry"
EXPIRED_SIGNATURE = "expired_signature"
FAILED = "failed"
OUTCOMES = (OK, RETRY, EXPIRED_SIGNATURE, FAILED)

DINGTALK_THROTTLE_SECONDS = 600.0

_RETRY_CODES = {
	DINGTALK: {130101: DINGTALK_THROTTLE_SECONDS, -1: None},
	WECOM: {45009: None, -1: None},
	FEISHU: {11232: None, 99991400: None},
}


@dataclass(frozen=True)
class Answer:
	outcome: str
	code: int | None = None
	message: str = ""
	status: int | None = None
	retry_after: float | None = None

	@property
	def ok(self) -> bool:
		return self.outcome == OK


def classify(
	vendor: str,
	status: int | None,
	body: bytes | str | Mapping | None = None,
	*,
	timed_out: bool = False,
	headers: Mapping[str, str] | None = None,
	fresh_signature: bool = False,
) -> Answer:
	"""The meaning of one answer (see the module docstring)."""
	vendor = check_vendor(vendor)
	code, message = _code_and_message(vendor, body)
	retry_after = _retry_after(headers)
	if timed_out or status is None:
		return Answer(
			RETRY, code, message or ("timed out" if timed_out else "no answer"), status, retry_after
		)
	if status in (408, 429) or status >= 500:
		return Answer(RETRY, code, message or f"HTTP {status}", status, retry_after)
	if code == 0 and 200 <= status < 300:
		return Answer(OK, 0, message, status)
	if code is None:
		return Answer(FAILED, None, message or f"HTTP {status} without a vendor code", status)
	if code in _RETRY_CODES[vendor]:
		vendor_wait = _RETRY_CODES[vendor][code]
		wait = max(w for w in (retry_after, vendor_wait, 0.0) if w is not None) or None
		return Answer(RETRY, code, message, status, wait)
	if vendor == FEISHU and code == 9499 and "too many" in message.lower():
		return Answer(RETRY, code, message, status, retry_after)
	if _signature_expired(vendor, code, message):
		outcome = FAILED if fresh_signature else EXPIRED_SIGNATURE
		return Answer(outcome, code, message, status)
	return Answer(FAILED, code, message or f"HTTP {status}", status)


def _signature_expired(vendor: str, code: int, message: str) -> bool:
	if vendor == FEISHU:
		return code == 19021
	if vendor == DINGTALK:
		return code == 310000 and "timestamp" in message.lower()
	return False


def _code_and_message(vendor: str, body: bytes | str | Mapping | None) -> tuple[int | None, str]:
	data = _parse(body)
	if data is None:
		text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
		return None, str(text).strip()[:300]
	keys = (
		(("errcode", "errmsg"),)
		if vendor in (DINGTALK, WECOM)
		else (("code", "msg"), ("StatusCode", "StatusMessage"))
	)
	for code_key, message_key in keys:
		if code_key in data:
			code = _int(data.get(code_key))
			message = str(data.get(message_key) or "")[:300]
			# Feishu's legacy StatusCode is 0 on rejections that carry the real code in "code"
			if code is not None:
				return code, message
	return None, json.dumps(data, ensure_ascii=False)[:300]


def _parse(body: bytes | str | Mapping | None) -> Mapping | None:
	if isinstance(body, Mapping):
		return body
	if not body:
		return None
	try:
		data = json.loads(body)
	except (ValueError, UnicodeDecodeError):
		return None
	return data if isinstance(data, Mapping) else None


def _int(value: object) -> int | None:
	if isinstance(value, bool):
		return None
	if isinstance(value, int):
		return value
	if isinstance(value, str) and value.strip().lstrip("-").isdigit():
		return int(value)
	return None


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
	"""Seconds from Retry-After (seconds form only) or x-ogw-ratelimit-reset; None when absent or unreadable."""
	if not headers:
		return None
	lowered = {str(name).lower(): value for name, value in headers.items()}
	for name in ("retry-after", "x-ogw-ratelimit-reset"):
		try:
			seconds = float(str(lowered[name]).strip())
		except (KeyError, ValueError):
			continue
		if math.isfinite(seconds) and seconds >= 0:
			return seconds
	return None
