import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.push.escaping import cut_bytes, cut_chars, escape_markdown, plain_text, utf8_len

MARKUP = set("\\`*_~#[]()<>|&")
VENDORS = ("dingtalk", "wecom", "feishu")
HOSTILE = st.text(
	alphabet=st.sampled_from(
		list("\\`*_~#[]()<>|&@!-+=.:/0123456789 aZ中\n\r\t\x00\x1b\x85\u2028\u2029\u200b\u202e\ufeff")
	)
	| st.characters(),
	max_size=120,
)


@pytest.mark.parametrize("vendor", VENDORS)
def test_markup_becomes_full_width(vendor):
	assert escape_markdown("[x](http://a) *b* _c_ `d` #e <f> |g| ~h~ \\ &lt;", vendor) == (
		"\uff3bx\uff3d\uff08http://a\uff09 \uff0ab\uff0a \uff3fc\uff3f \uff40d\uff40 \uff03e \uff1cf\uff1e "
		"\uff5cg\uff5c \uff5eh\uff5e \uff3c \uff06lt;"
	)


def test_at_sign_only_for_dingtalk():
	assert escape_markdown("@13800001111 a@b.c", "dingtalk") == "\uff2013800001111 a\uff20b.c"
	assert escape_markdown("a@b.c", "wecom") == "a@b.c"
	assert escape_markdown("a@b.c", "feishu") == "a@b.c"
	assert escape_markdown("<@zhangsan>", "wecom") == "\uff1c@zhangsan\uff1e"


@pytest.mark.parametrize(
	("text", "escaped"),
	[
		("- item", "\uff0d item"),
		("+ item", "\uff0b item"),
		("===", "\uff1d=="),
		("---", "\uff0d--"),
		("12. item", "12\uff0e item"),
		("3) item", "3\uff09 item"),
		("a - b", "a - b"),
		("1.5 mm", "1\uff0e5 mm"),
	],
)
def test_line_start_markers(text, escaped):
	assert escape_markdown(text, "wecom") == escaped


def test_one_line_without_controls():
	assert plain_text("a\r\nb\n\n# c\u2028d\te") == "a b # c d e"
	assert plain_text("  x\x00y\x1b[31mz\u200b\u202egood\ufeff  ") == "xy[31mzgood"
	assert plain_text(None) == ""
	assert plain_text(42) == "42"
	assert (
		escape_markdown("line one\n# heading\n> quote", "dingtalk") == "line one \uff03 heading \uff1e quote"
	)


@pytest.mark.parametrize("vendor", VENDORS)
@given(text=HOSTILE)
def test_escaped_value_has_no_markup_and_no_line_break(vendor, text):
	escaped = escape_markdown(text, vendor)
	assert not MARKUP & set(escaped)
	assert "\n" not in escaped and "\r" not in escaped
	assert escaped == escaped.strip()
	assert escaped[:1] not in ("-", "+", "=")
	assert not (escaped[:1].isdigit() and escaped.lstrip("0123456789")[:1] in (".", ")"))
	if vendor == "dingtalk":
		assert "@" not in escaped
	assert escape_markdown(escaped, vendor) == escaped  # idempotent


def test_unknown_vendor():
	with pytest.raises(ValueError):
		escape_markdown("x", "slack")


def test_cut_chars():
	assert cut_chars("abcdef", 6) == "abcdef"
	assert cut_chars("abcdefg", 6) == "abcde\u2026"
	assert cut_chars("abc   defg", 7) == "abc\u2026"  # no dangling space before the marker
	assert cut_chars("abcdefg", 6, marker="[...]") == "a[...]"


def test_cut_bytes_never_splits_a_character():
	text = "设备离线" * 10  # 3 bytes each
	cut = cut_bytes(text, 20)
	assert utf8_len(cut) <= 20 and cut.endswith("\u2026")
	assert cut == "设备离线设\u2026"  # 6 characters (18 bytes) + marker (3) > 20: 5 characters + marker
	assert cut_bytes("short", 20) == "short"
	with pytest.raises(ValueError):
		cut_bytes("x" * 10, 2, marker="[cut]")


@given(text=st.text(max_size=200), limit=st.integers(min_value=3, max_value=400))
def test_cut_bytes_fits_and_keeps_a_prefix(text, limit):
	cut = cut_bytes(text, limit)
	assert utf8_len(cut) <= limit
	if cut != text:
		assert cut.endswith("\u2026") and text.startswith(cut[:-1])
