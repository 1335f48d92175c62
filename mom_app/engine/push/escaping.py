"""Escaping values for the vendors' markdown, and cutting text to a limit with a marker.

None of the three vendors documents an escape syntax for its markdown (DingTalk markdown, WeCom markdown,
Feishu card markdown), nor whether a backslash escape renders or shows as a backslash. So a value is made
inert by substitution: every character that is markup in one of the three dialects becomes its full-width
twin (``[`` -> U+FF3B, ``*`` -> U+FF0A, ``<`` -> U+FF1C ...), which reads the same, is common in Chinese
text and is markup nowhere. What `escape_markdown(text, vendor)` does, in order:

1. line breaks, tabs and other white space become one space, and the result is stripped: a value is one
   line, so it can never start a heading, a quote, a list item, a table row or a setext underline;
2. control and format characters are dropped (C0/C1 controls, zero-width characters, bidi overrides that
   could make a value look like other text);
3. the markup characters ``\\ ` * _ ~ # [ ] ( ) < > | &`` become full-width (``&`` too: an entity such as
   ``&lt;`` must not become ``<``), and for DingTalk ``@`` as well (DingTalk renders ``@<mobile>`` in the
   text as a mention; WeCom and Feishu mention with tags, which ``<`` already covers);
4. a leading ``-``, ``+``, ``=`` or ``1.`` (a list item or an underline when the value starts a line) becomes
   full-width.

`plain_text(text)` does steps 1 and 2 only: for the vendors' plain-text slots (Feishu's header title and
button texts, DingTalk's message title shown in the notification, ActionCard button titles), where markup
is not interpreted and the value should stay as written.

`cut_chars` / `cut_bytes` shorten text to a limit in characters / UTF-8 bytes with a marker at the end,
never splitting a character.
"""

import re
import unicodedata

from mom_app.engine.push.vendors import DINGTALK, check_vendor

DEFAULT_MARKER = "\u2026"  # the horizontal ellipsis

_FULLWIDTH = {char: chr(ord(char) + 0xFEE0) for char in "\\`*_~#[]()<>|&"}
_FULLWIDTH_AT = {"@": "\uff20"}
_LEADING = {"-": "\uff0d", "+": "\uff0b", "=": "\uff1d"}
_ORDERED = re.compile(r"([0-9]+)([.)])")
_SPACES = re.compile(r"\s+")


def plain_text(text: object) -> str:
	"""`text` as one clean line: white space runs (line breaks included) become one space, control and
	format characters are dropped, the ends are stripped. None is ""."""
	if text is None:
		return ""
	kept = []
	for char in str(text):
		if char.isspace():
			kept.append(" ")
		elif unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn"):
			kept.append(char)
	return _SPACES.sub(" ", "".join(kept)).strip()


def escape_markdown(text: object, vendor: str) -> str:
	"""`text` made inert for `vendor`'s markdown (see the module docstring): one line, no markup."""
	check_vendor(vendor)
	table = {**_FULLWIDTH, **_FULLWIDTH_AT} if vendor == DINGTALK else _FULLWIDTH
	line = "".join(table.get(char, char) for char in plain_text(text))
	if line[:1] in _LEADING:
		line = _LEADING[line[0]] + line[1:]
	ordered = _ORDERED.match(line)
	if ordered:
		fullwidth_mark = "\uff0e" if ordered.group(2) == "." else "\uff09"
		line = ordered.group(1) + fullwidth_mark + line[ordered.end() :]
	return line


def cut_chars(text: str, max_chars: int, marker: str = DEFAULT_MARKER) -> str:
	"""`text` if it has at most `max_chars` characters, else its start and `marker`, `max_chars` in all."""
	if len(text) <= max_chars:
		return text
	if len(marker) >= max_chars:
		return marker[:max_chars]
	return text[: max_chars - len(marker)].rstrip() + marker


def cut_bytes(text: str, max_bytes: int, marker: str = DEFAULT_MARKER) -> str:
	"""`text` if it has at most `max_bytes` bytes of UTF-8, else its start and `marker` within `max_bytes`."""
	if utf8_len(text) <= max_bytes:
		return text
	room = max_bytes - utf8_len(marker)
	if room < 0:
		raise ValueError(f"The marker {marker!r} alone is longer than {max_bytes} bytes")
	head = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
	return head.rstrip() + marker


def utf8_len(text: str) -> int:
	return len(text.encode("utf-8"))
