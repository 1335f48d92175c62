"""The vendors' message bodies for one MOM event (or a digest of several).

The engine takes already rendered, language-neutral pieces (the adapter translates): a `Message` with a
title, body lines, label/value fields, the document's URL and its button label, a severity and optional
further links; and `Mentions` (mobiles, user ids, everyone). Every piece of text is interpolated through
`escape_markdown(text, vendor)` (markdown slots) or `plain_text(text)` (plain-text slots), so a value can
neither add markup nor break the layout; the URL is checked (http or https) and percent-encoded so it cannot
close a markdown link.

API::

    Message(title, url, button, lines=(), fields=(), severity="info", links=())
    Link(label, url);  Mentions(mobiles=(), user_ids=(), everyone=False)
    dingtalk_markdown(message, mentions=None, marker="...") -> dict
    dingtalk_action_card(message, marker="...") -> dict
    wecom_markdown(message, mentions=None, marker="...") -> dict
    feishu_card(message, mentions=None, marker="...") -> dict
    build(vendor, message, mentions=None, marker="...", action_card=False) -> dict
    safe_url(url) -> str;  encode_body(payload) -> bytes;  body_size(payload) -> int

Shapes (documented by the vendors: DingTalk "消息类型" / custom robot access, WeCom 群机器人配置说明
https://developer.work.weixin.qq.com/document/path/91770, Feishu 自定义机器人使用指南 and the card JSON 1.0
components)::

    DingTalk markdown   {"msgtype": "markdown", "markdown": {"title", "text"},
                         "at": {"atMobiles", "atUserIds", "isAtAll"}}
    DingTalk ActionCard {"msgtype": "actionCard", "actionCard": {"title", "text", "btnOrientation": "0",
                         "singleTitle", "singleURL"}}  or, with further links, "btns": [{"title", "actionURL"}]
    WeCom markdown      {"msgtype": "markdown", "markdown": {"content"}}
    Feishu card         {"msg_type": "interactive", "card": {"config": {"wide_screen_mode": true},
                         "header": {"title": {"tag": "plain_text", "content"}, "template": <colour>},
                         "elements": [{"tag": "markdown", "content"},
                                      {"tag": "action", "actions": [{"tag": "button", "text", "type", "url"}]}]}}

Mentions: DingTalk lists them under "at" and, as DingTalk requires for the notification, writes ``@<mobile>`` /
``@<userId>`` into the markdown text; an ActionCard cannot mention. WeCom markdown mentions user ids as
``<@userid>`` (mobiles and @all exist only for its text messages: refused here). Feishu cards mention user ids
(open_id / user_id) as ``<at id=...></at>`` and everyone as ``<at id=all></at>`` (mobiles refused).

Limits (see `vendors`): the title is cut to the vendor's limit; when the markdown is too long, body lines are
dropped from the end and the last kept one is cut, with `marker` (escaped, default "...") where text was
cut; the title, the link and the mentions always stay. DingTalk text <= 5000 bytes, WeCom content <= 4096
bytes, a Feishu body <= 20 KB with room for its signature; its size is counted on json.dumps's default
form (non-ASCII escaped as ``\\uXXXX``, spaces after separators), the largest form a sender produces
without indentation, so the limit holds for `encode_body` (compact UTF-8) and for requests' ``json=``.
"""

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from mom_app.engine.push import vendors as v
from mom_app.engine.push.escaping import (
	DEFAULT_MARKER,
	cut_chars,
	escape_markdown,
	plain_text,
	utf8_len,
)

_SCHEME = re.compile(r"https?://[^/?#\s]+", re.IGNORECASE)
# Kept as they are in a URL: unreserved and the delimiters a markdown link destination does not mind.
# Percent-encoded: space, ( ) [ ] < > " ' ` \ * | { } ^ and every non-ASCII character.
_URL_SAFE = "-._~:/?#@!$&+,;=%"
_MOBILE = re.compile(r"\+?[0-9][0-9-]{2,19}")
_USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Link:
	label: str
	url: str


@dataclass(frozen=True)
class Message:
	"""One push: `title`; `url` of the document and the `button` label that opens it; body `lines` (plain
	text, one per line); `fields` as (label, value) pairs; `severity` (vendors.SEVERITIES); further `links`."""

	title: str
	url: str
	button: str
	lines: Sequence[str] = ()
	fields: Sequence[tuple[str, str]] = ()
	severity: str = "info"
	links: Sequence[Link] = ()


@dataclass(frozen=True)
class Mentions:
	mobiles: Sequence[str] = ()
	user_ids: Sequence[str] = ()
	everyone: bool = False

	def __bool__(self) -> bool:
		return bool(self.mobiles or self.user_ids or self.everyone)


@dataclass
class _Row:
	"""A body line: fixed markup around a cuttable escaped text (cutting never splits markup)."""

	text: str
	prefix: str = ""
	suffix: str = ""

	def render(self, text: str | None = None) -> str:
		return self.prefix + (self.text if text is None else text) + self.suffix


def safe_url(url: str) -> str:
	"""`url` checked and percent-encoded for a markdown link or a button: http(s) with a host, no white space,
	no character that could end a markdown link. ValueError otherwise."""
	url = (url or "").strip()
	if not _SCHEME.match(url):
		raise ValueError(f"A push link must be an http(s) URL with a host, got {url[:80]!r}")
	return quote(url, safe=_URL_SAFE)


def encode_body(payload: dict) -> bytes:
	"""The JSON body to POST (compact, UTF-8)."""
	return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def body_size(payload: dict) -> int:
	"""The body's size in json.dumps's default form (non-ASCII as \\uXXXX escapes, ", " and ": " separators,
	as requests' ``json=`` sends it): the largest form a sender produces without indentation."""
	return len(json.dumps(payload))


# ---------------------------------------------------------------- DingTalk


def dingtalk_markdown(
	message: Message, mentions: Mentions | None = None, marker: str = DEFAULT_MARKER
) -> dict:
	"""A DingTalk markdown message; mentions are listed under "at" and written as @... into the text."""
	_require(message)
	mentions = mentions or Mentions()
	mobiles = _checked(mentions.mobiles, _MOBILE, "mobile")
	user_ids = _checked(mentions.user_ids, _USER_ID, "user id")
	url = _dingtalk_url(message.url)
	head = ["#### " + _md_title(message.title, v.DINGTALK, v.DINGTALK_TITLE_MAX_CHARS)]
	tail = [_md_link(message.button, url, v.DINGTALK)]
	tail += [_md_link(link.label, _dingtalk_url(link.url), v.DINGTALK) for link in message.links]
	at_line = " ".join(["@" + m for m in mobiles] + ["@" + u for u in user_ids])
	if at_line:
		tail.append(at_line)
	text = _fit(
		head,
		_rows(message, v.DINGTALK),
		tail,
		"\n\n",
		utf8_len,
		v.DINGTALK_TEXT_MAX_BYTES,
		marker,
		v.DINGTALK,
	)
	return {
		"msgtype": "markdown",
		"markdown": {"title": cut_chars(plain_text(message.title), v.DINGTALK_TITLE_MAX_CHARS), "text": text},
		"at": {"atMobiles": mobiles, "atUserIds": user_ids, "isAtAll": bool(mentions.everyone)},
	}


def dingtalk_action_card(message: Message, marker: str = DEFAULT_MARKER) -> dict:
	"""An ActionCard: the body in markdown, the document's button (and one per further link) below it."""
	_require(message)
	head = ["#### " + _md_title(message.title, v.DINGTALK, v.DINGTALK_TITLE_MAX_CHARS)]
	text = _fit(
		head, _rows(message, v.DINGTALK), [], "\n\n", utf8_len, v.DINGTALK_TEXT_MAX_BYTES, marker, v.DINGTALK
	)
	card = {
		"title": cut_chars(plain_text(message.title), v.DINGTALK_TITLE_MAX_CHARS),
		"text": text,
		"btnOrientation": "0",
	}
	buttons = [(message.button, message.url), *((link.label, link.url) for link in message.links)]
	if len(buttons) == 1:
		card["singleTitle"] = _button_text(message.button, v.DINGTALK_BUTTON_MAX_CHARS)
		card["singleURL"] = _dingtalk_url(message.url)
	else:
		card["btns"] = [
			{"title": _button_text(label, v.DINGTALK_BUTTON_MAX_CHARS), "actionURL": _dingtalk_url(url)}
			for label, url in buttons
		]
	return {"msgtype": "actionCard", "actionCard": card}


def _dingtalk_url(url: str) -> str:
	url = safe_url(url)
	if len(url) > v.DINGTALK_URL_MAX_CHARS:
		raise ValueError(f"DingTalk takes links of at most {v.DINGTALK_URL_MAX_CHARS} characters")
	return url


# ---------------------------------------------------------------- WeCom


def wecom_markdown(message: Message, mentions: Mentions | None = None, marker: str = DEFAULT_MARKER) -> dict:
	"""A WeCom markdown message; user ids are mentioned as <@userid> on the last line."""
	_require(message)
	mentions = mentions or Mentions()
	if mentions.mobiles or mentions.everyone:
		raise ValueError("WeCom markdown mentions user ids only (mobiles and @all exist for text messages)")
	user_ids = _checked(mentions.user_ids, _USER_ID, "user id")
	head = ["### " + _md_title(message.title, v.WECOM, v.WECOM_TITLE_MAX_CHARS)]
	tail = [_md_link(message.button, safe_url(message.url), v.WECOM)]
	tail += [_md_link(link.label, safe_url(link.url), v.WECOM) for link in message.links]
	if user_ids:
		tail.append("".join(f"<@{u}>" for u in user_ids))
	content = _fit(
		head, _rows(message, v.WECOM), tail, "\n", utf8_len, v.WECOM_MARKDOWN_MAX_BYTES, marker, v.WECOM
	)
	return {"msgtype": "markdown", "markdown": {"content": content}}


# ---------------------------------------------------------------- Feishu


def feishu_card(message: Message, mentions: Mentions | None = None, marker: str = DEFAULT_MARKER) -> dict:
	"""A Feishu interactive card: header with the title in the severity's colour, the body as a markdown
	element (mentions as <at> tags at its end), a button per link."""
	_require(message)
	mentions = mentions or Mentions()
	if mentions.mobiles:
		raise ValueError("Feishu cards mention user ids (open_id / user_id) or everyone, not mobiles")
	user_ids = _checked(mentions.user_ids, _USER_ID, "user id")
	buttons = [(message.button, message.url), *((link.label, link.url) for link in message.links)]
	actions = [
		{
			"tag": "button",
			"text": {"tag": "plain_text", "content": _button_text(label, v.FEISHU_BUTTON_MAX_CHARS)},
			"type": "primary" if index == 0 else "default",
			"url": safe_url(url),
		}
		for index, (label, url) in enumerate(buttons)
	]
	markdown = {"tag": "markdown", "content": ""}
	payload = {
		"msg_type": "interactive",
		"card": {
			"config": {"wide_screen_mode": True},
			"header": {
				"title": {
					"tag": "plain_text",
					"content": _plain_title(message.title, v.FEISHU_TITLE_MAX_CHARS),
				},
				"template": v.FEISHU_TEMPLATES.get(message.severity, "grey"),
			},
			"elements": [markdown, {"tag": "action", "actions": actions}],
		},
	}
	tail = []
	if user_ids or mentions.everyone:
		ids = [*user_ids, *(["all"] if mentions.everyone else [])]
		tail.append(" ".join(f"<at id={u}></at>" for u in ids))

	def size(content: str) -> int:
		markdown["content"] = content
		return body_size(payload)

	limit = v.FEISHU_BODY_MAX_BYTES - v.FEISHU_SIGNATURE_RESERVE_BYTES
	markdown["content"] = _fit([], _rows(message, v.FEISHU), tail, "\n", size, limit, marker, v.FEISHU)
	if not markdown["content"]:
		payload["card"]["elements"].remove(markdown)
	return payload


# ---------------------------------------------------------------- any vendor


def build(
	vendor: str,
	message: Message,
	mentions: Mentions | None = None,
	marker: str = DEFAULT_MARKER,
	action_card: bool = False,
) -> dict:
	"""The vendor's payload: DingTalk markdown (an ActionCard with `action_card`, which cannot mention),
	WeCom markdown, Feishu interactive card."""
	vendor = v.check_vendor(vendor)
	if vendor == v.DINGTALK:
		if action_card:
			if mentions:
				raise ValueError("A DingTalk ActionCard cannot mention anyone; use markdown")
			return dingtalk_action_card(message, marker)
		return dingtalk_markdown(message, mentions, marker)
	if vendor == v.WECOM:
		return wecom_markdown(message, mentions, marker)
	return feishu_card(message, mentions, marker)


# ---------------------------------------------------------------- shared


def _require(message: Message) -> None:
	if not plain_text(message.title) or not plain_text(message.button):
		raise ValueError("A push needs a title and a button label")


def _md_title(title: str, vendor: str, max_chars: int) -> str:
	return escape_markdown(cut_chars(plain_text(title), max_chars), vendor)


def _plain_title(title: str, max_chars: int) -> str:
	return cut_chars(plain_text(title), max_chars)


def _button_text(label: str, max_chars: int) -> str:
	return cut_chars(plain_text(label), max_chars)


def _md_link(label: str, url: str, vendor: str) -> str:
	return f"[{escape_markdown(_button_text(label, 40), vendor) or url}]({url})"


def _rows(message: Message, vendor: str) -> list[_Row]:
	"""A row per body line and per field ("**label**: value"; the value alone when the label is empty); empty
	ones are left out."""
	rows = [_Row(escape_markdown(line, vendor)) for line in message.lines]
	for label, value in message.fields:
		label = escape_markdown(label, vendor)
		rows.append(_Row(escape_markdown(value, vendor), prefix=f"**{label}**: " if label else ""))
	return [row for row in rows if row.text or row.prefix]


def _checked(values: Sequence[str], pattern: re.Pattern, what: str) -> list[str]:
	out = []
	for value in values:
		value = str(value).strip()
		if not pattern.fullmatch(value):
			raise ValueError(f"Not a valid {what} to mention: {value[:40]!r}")
		if value not in out:
			out.append(value)
	return out


def _fit(
	head: list[str],
	rows: list[_Row],
	tail: list[str],
	sep: str,
	size: Callable[[str], int],
	limit: int,
	marker: str,
	vendor: str,
) -> str:
	"""head + rows + tail joined by `sep`, within `limit` by `size`: rows dropped from the end, the last kept
	row's text cut, the escaped `marker` where text was cut. ValueError when head and tail alone do not fit."""

	def join(middle: list[str]) -> str:
		return sep.join([*head, *middle, *tail])

	full = [row.render() for row in rows]
	if size(join(full)) <= limit:
		return join(full)
	mark = escape_markdown(marker, vendor) or DEFAULT_MARKER
	if size(join([mark])) > limit:
		raise ValueError("The title, links and mentions alone exceed the vendor's message size")
	kept: list[str] = []
	for row in rows:
		if size(join([*kept, row.render(), mark])) <= limit:
			kept.append(row.render())
			continue
		# the longest start of this row's text that fits with the marker attached (binary search)
		low, high = 0, len(row.text)
		while low < high:
			middle = (low + high + 1) // 2
			if size(join([*kept, row.render(row.text[:middle].rstrip() + mark)])) <= limit:
				low = middle
			else:
				high = middle - 1
		if low > 0:
			return join([*kept, row.render(row.text[:low].rstrip() + mark)])
		return join([*kept, mark])
	return join([*kept, mark])
