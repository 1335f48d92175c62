"""Tests of mom_app.engine.tolerances: the limits of a numeric inspection parameter and the readings outside
them, by ERPNext's rule (min <= reading <= max, both ends included, a missing limit is 0)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.tolerances import out_of_tolerance, reading_value, tolerance, within


def test_limits_are_numbers_and_missing_ones_are_zero():
	assert tolerance(9.9, 10.1) == (9.9, 10.1)
	assert tolerance("9.9", " 10.1 ") == (9.9, 10.1)
	assert tolerance(None, 5) == (0.0, 5.0)
	assert tolerance("", None) == (0.0, 0.0)
	assert tolerance("n/a", float("inf")) == (0.0, 0.0)


def test_both_ends_are_included():
	limits = tolerance(9.9, 10.1)
	assert within(9.9, limits) and within(10.1, limits) and within(10.0, limits)
	assert not within(9.89, limits) and not within(10.11, limits)


def test_readings_outside_by_position_as_typed():
	limits = tolerance(9.9, 10.1)
	assert out_of_tolerance(["10.00", " 10.30 ", "9.95", "9.80"], limits) == [(2, "10.30"), (4, "9.80")]
	assert out_of_tolerance(["10.00", "9.90", "10.10"], limits) == []


def test_empty_and_malformed_readings_are_not_judged():
	limits = tolerance(9.9, 10.1)
	assert out_of_tolerance(["", None, "  ", "abc", "nan", "inf", "12"], limits) == [(7, "12")]
	assert reading_value(" 10.5 ") == 10.5
	assert reading_value("1e400") is None
	assert reading_value(True) is None


def test_no_limits_accept_only_zero_as_erpnext_does():
	limits = tolerance(None, None)
	assert out_of_tolerance(["0", "0.0", "0.1", "-1"], limits) == [(3, "0.1"), (4, "-1")]


@given(
	st.floats(-1e6, 1e6, allow_nan=False),
	st.floats(0, 1e3, allow_nan=False),
	st.lists(st.floats(-2e6, 2e6, allow_nan=False), max_size=10),
)
def test_matches_the_plain_rule(low, width, values):
	high = low + width
	texts = [repr(v) for v in values]
	expected = [
		(i + 1, t) for i, (v, t) in enumerate(zip(values, texts, strict=True)) if not low <= v <= high
	]
	assert out_of_tolerance(texts, tolerance(low, high)) == expected


@pytest.mark.parametrize("bad", [None, "", "x"])
def test_an_empty_list_has_nothing_outside(bad):
	assert out_of_tolerance([], tolerance(bad, bad)) == []
