"""Signing the requests to the group robots of DingTalk, Feishu (Lark) and WeCom.

DingTalk (custom robot, security setting "加签"), documented in DingTalk's
"自定义机器人安全设置" page on open.dingtalk.com (as mirrored at
https://apifox.com/apidoc/docs-site/467052/doc-3550006) ::

    string_to_sign = f"{timestamp_ms}\\n{secret}"
    sign = urlencode(base64(HMAC - SHA256(key=secret, msg=string_to_sign)))  # UTF-8 throughout

and the request goes to ``<webhook>&timestamp=<timestamp_ms>&sign=<sign>``. `timestamp_ms` is Unix time
in milliseconds and must be within one hour of DingTalk's clock.

Feishu / Lark (custom bot, security setting "签名校验"), documented in
"自定义机器人使用指南" (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, the same page as
https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN) ::

    string_to_sign = f"{timestamp_s}\\n{secret}"
    sign = base64(HMAC - SHA256(key=string_to_sign, msg=b""))

Note the roles: the string to sign is the HMAC *key* and the message is empty (the opposite of DingTalk).
`timestamp` (Unix seconds, as a string) and `sign` go into the JSON body next to ``msg_type``; the
timestamp must be within one hour of Feishu's clock, else the answer is code 19021.

WeCom (企业微信 group robot): no signature; the robot's key is the credential, in the URL
``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>``.

A signature is made when the request is sent (and made again for a retry): `now` is the sender's clock in
Unix seconds. Without a secret (a robot secured by keywords or an IP list) the request goes unsigned.

API::

    dingtalk_sign(secret, timestamp_ms) -> str                     # already URL-encoded
    dingtalk_signed_url(webhook_url, secret, now) -> str
    feishu_sign(secret, timestamp_s) -> str
    feishu_signed_body(payload, secret, now) -> dict               # a new dict; `payload` is not changed
    wecom_webhook_url(key) -> str
    prepare(vendor, webhook, payload, secret, now) -> (url, body)  # the one call an adapter needs
"""

import base64
import hashlib
import hmac
import re
from urllib.parse import quote, quote_plus

from mom_app.engine.push.vendors import DINGTALK, FEISHU, WECOM, check_vendor

WECOM_WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"

# A WeCom robot key is a UUID; accept any run of URL-safe characters so a changed format still works.
_WECOM_KEY = re.compile(r"[A-Za-z0-9._~-]{1,128}")


def _bytes(value: str | bytes) -> bytes:
	return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def dingtalk_sign(secret: str | bytes, timestamp_ms: int) -> str:
	"""DingTalk's `sign` query value: URL-encoded Base64 of HMAC-SHA256(secret, "<timestamp_ms>\\n<secret>")."""
	key = _bytes(secret)
	string_to_sign = str(int(timestamp_ms)).encode("ascii") + b"\n" + key
	digest = hmac.new(key, string_to_sign, hashlib.sha256).digest()
	# quote_plus as in DingTalk's Python sample; the Base64 alphabet has no space, so it equals quote(safe="").
	return quote_plus(base64.b64encode(digest))


def dingtalk_signed_url(webhook_url: str, secret: str | bytes | None, now: float) -> str:
	"""The webhook URL with ``timestamp`` (milliseconds of `now`) and ``sign`` appended; unchanged without a
	secret. Any timestamp / sign already on the URL (a stored, once signed URL) is replaced."""
	if not secret:
		return webhook_url
	base = _drop_params(webhook_url, ("timestamp", "sign"))
	timestamp_ms = round(now * 1000)
	separator = "&" if "?" in base else "?"
	return f"{base}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def feishu_sign(secret: str | bytes, timestamp_s: int) -> str:
	"""Feishu's `sign`: Base64 of HMAC-SHA256 keyed by "<timestamp_s>\\n<secret>" over an empty message."""
	key = str(int(timestamp_s)).encode("ascii") + b"\n" + _bytes(secret)
	return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def feishu_signed_body(payload: dict, secret: str | bytes | None, now: float) -> dict:
	"""A copy of `payload` with ``timestamp`` (whole seconds of `now`, as a string) and ``sign``; a plain copy
	without a secret."""
	body = {key: value for key, value in payload.items() if key not in ("timestamp", "sign")}
	if not secret:
		return body
	timestamp_s = int(now)
	return {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}


def wecom_webhook_url(key: str) -> str:
	"""The WeCom robot's webhook URL for its key (the part after ``key=`` in the URL WeCom shows)."""
	key = (key or "").strip()
	if not _WECOM_KEY.fullmatch(key):
		raise ValueError("A WeCom robot key is letters, digits and - . _ ~ only")
	return f"{WECOM_WEBHOOK}?key={quote(key, safe='')}"


def prepare(
	vendor: str, webhook: str, payload: dict, secret: str | bytes | None, now: float
) -> tuple[str, dict]:
	"""The URL to POST to and the JSON body, signed for `now`: DingTalk signs the URL, Feishu the body,
	WeCom takes its key (`webhook` may be the key or the whole URL) and nothing else."""
	vendor = check_vendor(vendor)
	if vendor == DINGTALK:
		return dingtalk_signed_url(webhook, secret, now), dict(payload)
	if vendor == FEISHU:
		return webhook, feishu_signed_body(payload, secret, now)
	if webhook.startswith(("https://", "http://")):
		return webhook, dict(payload)
	return wecom_webhook_url(webhook), dict(payload)


def _drop_params(url: str, names: tuple[str, ...]) -> str:
	"""`url` without the query parameters `names` (the others kept in order) and without a fragment, which
	is never sent to the server and would otherwise swallow the appended parameters."""
	path, _question, query = url.partition("#")[0].partition("?")
	kept = [part for part in query.split("&") if part and part.split("=", 1)[0] not in names]
	return path + ("?" + "&".join(kept) if kept else "")
