import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.badge import MAX_LENGTH, BadgeCodeError, normalize_badge


@pytest.mark.parametrize(
	"raw, expected",
	[
		("e-0001", "E-0001"),
		("  JG-OP-001\r\n", "JG-OP-001"),
		("\tabc.def/12:3+4_5", "ABC.DEF/12:3+4_5"),
		("X" * MAX_LENGTH, "X" * MAX_LENGTH),
	],
)
def test_normalizes(raw, expected):
	assert normalize_badge(raw) == expected


@pytest.mark.parametrize(
	"raw, reason",
	[
		(None, "empty"),
		("", "empty"),
		(" \r\n\t", "empty"),
		("X" * (MAX_LENGTH + 1), "too_long"),
		("AB CD", "bad_char"),
		("工号001", "bad_char"),
		("A\x00B", "bad_char"),
		("A;B", "bad_char"),
	],
)
def test_rejects(raw, reason):
	with pytest.raises(BadgeCodeError) as info:
		normalize_badge(raw)
	assert info.value.reason == reason
	assert str(info.value)


@given(st.text(alphabet="abcdefXYZ0123456789-_./:+", min_size=1, max_size=MAX_LENGTH))
def test_idempotent_and_case_insensitive(code):
	once = normalize_badge(code)
	assert normalize_badge(once) == once
	assert normalize_badge(code.lower()) == normalize_badge(code.upper())
