import math
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.aggregates import Agg, decimal_context, is_later, merge, minute_buckets, minute_of


@pytest.mark.parametrize(
	"ts, minute",
	[
		(0, 0.0),
		(59.999, 0.0),
		(60, 60.0),
		(1_700_000_000, 1_699_999_980.0),
		(1_700_000_039.75, 1_699_999_980.0),  # 1_700_000_000 is 20 s into its minute
		(1_700_000_040, 1_700_000_040.0),
		(-0.5, -60.0),
		(-60, -60.0),
	],
)
def test_minute_of(ts, minute):
	assert minute_of(ts) == minute
	assert isinstance(minute_of(ts), float)


def test_minute_of_rejects_non_finite():
	with pytest.raises(ValueError):
		minute_of(math.inf)
	with pytest.raises(ValueError):
		minute_of(math.nan)


@settings(max_examples=100)
@given(st.floats(min_value=0, max_value=4e9))
def test_minute_of_properties(ts):
	m = minute_of(ts)
	assert m <= ts < m + 60
	assert m % 60 == 0


def test_minute_buckets_by_hand():
	rows = [
		("temp", 1_700_000_000.0, 20.0),  # minute 1_699_999_980 (1_700_000_000 % 60 == 20)
		("temp", 1_700_000_030.0, 26.0),  # same minute, latest
		("temp", 1_699_999_990.0, 23.0),  # same minute, earliest
		("temp", 1_700_000_041.0, 10.0),  # next minute
		("rpm", 1_700_000_001.0, 1500.0),
	]
	buckets = minute_buckets(rows)
	assert buckets == {
		("temp", 1_699_999_980.0): Agg(
			count=3, minimum=20.0, maximum=26.0, total=69.0, last_ts=1_700_000_030.0, last=26.0
		),
		("temp", 1_700_000_040.0): Agg(
			count=1, minimum=10.0, maximum=10.0, total=10.0, last_ts=1_700_000_041.0, last=10.0
		),
		("rpm", 1_699_999_980.0): Agg(
			count=1, minimum=1500.0, maximum=1500.0, total=1500.0, last_ts=1_700_000_001.0, last=1500.0
		),
	}
	assert buckets[("temp", 1_699_999_980.0)].mean == 23.0


def test_last_is_by_time_not_by_arrival():
	buckets = minute_buckets([("k", 30.0, 1.0), ("k", 10.0, 2.0)])
	assert (buckets[("k", 0.0)].last_ts, buckets[("k", 0.0)].last) == (30.0, 1.0)


def test_last_tie_goes_to_the_greater_value_in_any_order():
	assert minute_buckets([("k", 30.0, 1.0), ("k", 30.0, 2.0)])[("k", 0.0)].last == 2.0
	assert minute_buckets([("k", 30.0, 2.0), ("k", 30.0, 1.0)])[("k", 0.0)].last == 2.0
	assert minute_buckets([("k", 30.0, -1.0), ("k", 30.0, -3.0), ("k", 29.0, 5.0)])[("k", 0.0)].last == -1.0
	assert is_later(30.0, 2.0, 30.0, 1.0) and not is_later(30.0, 1.0, 30.0, 2.0)
	assert is_later(31.0, -5.0, 30.0, 1.0) and not is_later(29.0, 9.0, 30.0, 1.0)
	assert not is_later(30.0, 1.0, 30.0, 1.0)


def test_merge():
	a = Agg(count=2, minimum=1.0, maximum=5.0, total=6.0, last_ts=100.0, last=5.0)
	b = Agg(count=3, minimum=-2.0, maximum=4.0, total=3.0, last_ts=90.0, last=-2.0)
	assert merge(a, b) == Agg(count=5, minimum=-2.0, maximum=5.0, total=9.0, last_ts=100.0, last=5.0)
	assert merge(b, a) == merge(a, b)
	assert merge(a, b).mean == 1.8
	# a tie on the time: the greater value is last, whichever side it comes from
	tie = Agg(count=1, minimum=7.0, maximum=7.0, total=7.0, last_ts=100.0, last=7.0)
	assert merge(a, tie).last == 7.0 and merge(tie, a).last == 7.0
	low = Agg(count=1, minimum=-7.0, maximum=-7.0, total=-7.0, last_ts=100.0, last=-7.0)
	assert merge(a, low).last == 5.0 and merge(low, a).last == 5.0


def test_agg_of_and_bad_values():
	assert Agg.of(5.0, 2.5) == Agg(1, 2.5, 2.5, 2.5, 5.0, 2.5)
	assert minute_buckets([]) == {}
	with pytest.raises(ValueError):
		minute_buckets([("k", 1.0, math.nan)])
	with pytest.raises(ValueError):
		minute_buckets([("k", math.inf, 1.0)])


rows_strategy = st.lists(
	st.tuples(
		st.sampled_from(["a", "b"]),
		st.integers(0, 600).map(float),
		st.integers(-1000, 1000).map(lambda v: v / 4),  # exact sums, so merges compare exactly
	),
	max_size=40,
)


@settings(max_examples=100)
@given(rows_strategy, st.integers(0, 40))
def test_split_and_merge_equals_whole(rows, cut):
	whole = minute_buckets(rows)
	left, right = minute_buckets(rows[:cut]), minute_buckets(rows[cut:])
	combined = dict(left)
	for bucket, agg in right.items():
		combined[bucket] = merge(combined[bucket], agg) if bucket in combined else agg
	assert combined == whole


@settings(max_examples=100)
@given(rows_strategy)
def test_buckets_match_a_plain_computation(rows):
	buckets = minute_buckets(rows)
	assert sum(a.count for a in buckets.values()) == len(rows)
	for (key, minute), agg in buckets.items():
		values = [(ts, v) for k, ts, v in rows if k == key and minute <= ts < minute + 60]
		assert agg.count == len(values)
		assert agg.minimum == min(v for _, v in values)
		assert agg.maximum == max(v for _, v in values)
		assert agg.total == sum(v for _, v in values)
		latest = max(ts for ts, _ in values)
		assert agg.last_ts == latest
		assert agg.last == max(v for ts, v in values if ts == latest)
		assert agg.minimum <= agg.mean <= agg.maximum
		assert reduce(merge, [Agg.of(ts, v) for ts, v in values]) == agg


# few distinct times, so ties are common
tied_rows = st.lists(
	st.tuples(
		st.sampled_from(["a", "b"]),
		st.sampled_from([0.0, 1.5, 30.0, 59.0, 60.0, 61.0]),
		st.integers(-20, 20).map(lambda v: v / 2),
	),
	max_size=30,
)


@settings(max_examples=200)
@given(tied_rows, st.randoms(use_true_random=False))
def test_order_of_readings_and_batches_does_not_matter(rows, rnd):
	"""What concurrent writers do: the same readings, arriving in any order, in any batches."""
	whole = minute_buckets(rows)
	shuffled = list(rows)
	rnd.shuffle(shuffled)
	cuts = sorted(rnd.randint(0, len(shuffled)) for _ in range(3))
	batches = [shuffled[i:j] for i, j in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
	rnd.shuffle(batches)
	combined: dict = {}
	for batch in batches:
		for bucket, agg in minute_buckets(batch).items():
			combined[bucket] = merge(agg, combined[bucket]) if bucket in combined else agg
	assert combined == whole


@settings(max_examples=100)
@given(
	tied_rows,
	st.sampled_from([Decimal("1e-9"), Decimal("12345.678901234"), Decimal("98765432109876543210.123456789")]),
)
def test_decimal_values_sum_exactly(rows, scale):
	"""Stored values are decimal(36,9) and totals decimal(42,9): their sums lose no digit."""
	nine = Decimal("1e-9")
	with localcontext(decimal_context()):
		exact = [(k, ts, (Decimal(repr(v)) * scale / 10).quantize(nine)) for k, ts, v in rows]
	whole = minute_buckets(exact)
	half = len(exact) // 2
	left, right = minute_buckets(exact[:half]), minute_buckets(exact[half:])
	with localcontext(decimal_context()):
		for bucket, agg in right.items():
			left[bucket] = merge(left[bucket], agg) if bucket in left else agg
	assert left == whole
	for (key, minute), agg in whole.items():
		values = [v for k, ts, v in exact if k == key and minute <= ts < minute + 60]
		assert agg.total.as_integer_ratio() == sum(Fraction(v) for v in values).as_integer_ratio()
