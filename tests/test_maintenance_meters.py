"""Asset meters: running totals from counters (resets, rollovers, glitches, rebasing), manual readings, usage
rate and projection."""

import json
import math
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance.meters import (
	KINDS,
	REASONS,
	CounterConfig,
	CounterState,
	advance_counter,
	apply_manual,
	days_to_reach,
	project_date,
	usage_rate,
)

H = 3600.0


def kinds(results):
	return [r.kind for r in results]


def test_baseline_then_counted_with_scale():
	config = CounterConfig(scale=1 / 3600)  # a seconds counter read as hours
	state, results = advance_counter(
		config, CounterState(total=100.0), [(0, 7200), (H, 10800), (2 * H, 14400)]
	)
	assert kinds(results) == ["baseline", "counted", "counted"]
	assert [r.increase for r in results] == [0, 1, 1]
	assert state.total == 102.0 and results[-1].total == 102.0
	assert (state.base_ts, state.base_raw, state.seen_ts) == (2 * H, 14400, 2 * H)


def test_16_bit_rollover():
	state, results = advance_counter(CounterConfig(rollover=65536), None, [(0, 65000), (60, 300)])
	assert kinds(results) == ["baseline", "rollover"] and state.total == 836


def test_32_bit_rollover():
	m = 2**32
	state, results = advance_counter(CounterConfig(rollover=m), None, [(0, m - 10), (60, 5)])
	assert kinds(results) == ["baseline", "rollover"] and state.total == 15


def test_a_small_drop_without_rollover_is_not_a_wrap():
	# 16-bit counter at 40,000 dropping to 30,000 is a glitch, not a wrap (less than half the range).
	state, results = advance_counter(
		CounterConfig(rollover=65536), None, [(0, 40000), (60, 30000), (120, 40010)]
	)
	assert kinds(results) == ["baseline", "refused", "counted"]
	assert results[1].reason == "decrease" and state.total == 10


def test_reset_to_about_zero():
	state, results = advance_counter(CounterConfig(), None, [(0, 5000), (60, 10), (120, 25)])
	assert kinds(results) == ["baseline", "reset", "counted"]
	assert [r.increase for r in results] == [0, 10, 15] and state.total == 25


def test_glitch_down_is_refused_and_counting_continues_from_the_baseline():
	state, results = advance_counter(CounterConfig(), None, [(0, 5000.5), (60, 5000.49), (120, 5001.5)])
	assert kinds(results) == ["baseline", "refused", "counted"]
	assert results[1].reason == "decrease" and state.total == pytest.approx(1.0)


def test_spike_is_refused_by_the_maximum_rate():
	config = CounterConfig(max_rate_per_hour=1.0)  # run hours
	samples = [(0, 100.0), (H, 101.0), (H + 60, 9000.0), (2 * H, 102.0)]
	state, results = advance_counter(config, None, samples)
	assert kinds(results) == ["baseline", "counted", "refused", "counted"]
	assert results[2].reason == "implausible_increase" and state.total == 2.0


def test_the_rate_check_allows_the_jitter():
	config = CounterConfig(max_rate_per_hour=1.0, jitter_seconds=60)
	_, results = advance_counter(config, None, [(0, 0.0), (H, 1.0 + 59 / 3600)])
	assert results[1].kind == "counted"
	_, results = advance_counter(config, None, [(0, 0.0), (H, 1.0 + 61 / 3600)])
	assert results[1].reason == "implausible_increase"


def test_a_new_level_is_taken_after_suspects_agree():
	"""A counter replaced by one at another count: the jump is not counted, the meter does not stall."""
	config = CounterConfig(max_rate_per_hour=100, rebase_after=3)
	samples = [(0, 5000), (H, 5050), (2 * H, 90000), (3 * H, 90080), (4 * H, 90160), (5 * H, 90200)]
	state, results = advance_counter(config, None, samples)
	assert kinds(results) == ["baseline", "counted", "refused", "refused", "rebased", "counted"]
	assert results[4].increase == 160 and results[4].reason == "implausible_increase"
	assert state.total == 50 + 160 + 40


def test_a_late_seen_reset_is_rebased():
	state, results = advance_counter(
		CounterConfig(), None, [(0, 1000), (60, 600), (120, 650), (180, 700), (240, 720)]
	)
	assert kinds(results) == ["baseline", "refused", "refused", "rebased", "counted"]
	assert state.total == 100 + 20


def test_suspects_that_disagree_start_a_new_run():
	config = CounterConfig(max_rate_per_hour=100, rebase_after=2)
	# 9000 and 9500 are both refused from 5000, and 9500 from 9000 (500 in a minute) too: no run of two.
	state, results = advance_counter(config, None, [(0, 5000), (60, 9000), (120, 9500), (180, 5001)])
	assert kinds(results) == ["baseline", "refused", "refused", "counted"]
	assert results[-1].increase == 1 and state.total == 1


def test_an_accepted_sample_ends_a_run_of_suspects():
	config = CounterConfig(max_rate_per_hour=100, rebase_after=2)
	state, results = advance_counter(config, None, [(0, 0), (H, 5000), (2 * H, 60), (3 * H, 5100)])
	assert kinds(results) == ["baseline", "refused", "counted", "refused"]
	assert state.suspects == 1 and state.total == 60


def test_late_and_redelivered_samples_add_nothing():
	config = CounterConfig()
	state, _ = advance_counter(config, None, [(0, 0), (60, 10), (120, 20)])
	again, results = advance_counter(config, state, [(60, 10), (120, 20), (90, 15)])
	assert kinds(results) == ["ignored"] * 3 and {r.reason for r in results} == {"late"}
	assert again == state


def test_no_samples_change_nothing():
	state, _ = advance_counter(CounterConfig(), None, [(0, 5), (60, 7)])
	assert advance_counter(CounterConfig(), state, []) == (state, [])
	assert advance_counter(CounterConfig(), None, []) == (CounterState(), [])


def test_unordered_batch_equals_ordered():
	ordered = [(0, 0), (60, 10), (120, 5), (180, 30)]
	a = advance_counter(CounterConfig(), None, ordered)
	b = advance_counter(CounterConfig(), None, list(reversed(ordered)))
	assert a == b


def test_bad_values_are_refused_and_move_nothing():
	config = CounterConfig(rollover=65536)
	samples = [
		(0, 10),
		(60, math.nan),
		(120, -5),
		(180, 70000),
		(240, "12"),
		(300, None),
		(360, True),
		(400, 10**400),  # too large for a float
		(420, 15),
		(480, Decimal("17")),  # as the database gives it
	]
	state, results = advance_counter(config, None, samples)
	assert [r.reason for r in results] == [
		None,
		"not_finite",
		"negative",
		"above_rollover",
		"not_finite",
		"not_finite",
		"not_finite",
		"not_finite",
		None,
		None,
	]
	assert state.total == 7


def test_bad_sample_times_raise():
	with pytest.raises(ValueError, match="sample time must be a finite number"):
		advance_counter(CounterConfig(), None, [(math.nan, 1)])
	with pytest.raises(ValueError, match="sample time must be a number"):
		advance_counter(CounterConfig(), None, [("noon", 1)])


def test_datetimes_are_accepted_as_times():
	state, results = advance_counter(
		CounterConfig(), None, [(datetime(2024, 1, 1, 8), 0), (datetime(2024, 1, 1, 9), 5)]
	)
	assert state.total == 5 and results[1].ts - results[0].ts == H


def test_state_round_trips_through_json():
	state, _ = advance_counter(CounterConfig(max_rate_per_hour=10), None, [(0, 0), (H, 5), (2 * H, 9999)])
	assert state.suspects == 1
	assert CounterState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
	assert CounterState.from_dict(None) == CounterState() == CounterState.from_dict({})


@pytest.mark.parametrize(
	"data, message",
	[
		([1], "must be a dict"),
		({"totl": 1}, "unknown meter state keys: totl"),
		({"total": math.nan}, "finite"),
		({"base_ts": 1.0}, "set together"),
		({"suspects": 1}, "set together"),
		({"suspects": -1}, "at least 0"),
	],
)
def test_bad_states_are_refused(data, message):
	with pytest.raises(ValueError, match=message):
		CounterState.from_dict(data)


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"rollover": 0}, "rollover must be greater than 0"),
		({"scale": -1}, "scale must be greater than 0"),
		({"max_rate_per_hour": math.nan}, "finite"),
		({"reset_below_fraction": 1}, "below 1"),
		({"rebase_after": 0}, "at least 1"),
		({"jitter_seconds": -1}, "must not be negative"),
	],
)
def test_bad_configs_are_refused(kwargs, message):
	with pytest.raises(ValueError, match=message):
		CounterConfig(**kwargs)


# -- manual readings --------------------------------------------------------------------------------------


def test_manual_reading_sets_the_total_and_counting_continues():
	config = CounterConfig()
	state, _ = advance_counter(config, None, [(0, 100), (H, 110)])
	state, result = apply_manual(state, 2 * H, 500.0)
	assert (result.kind, result.increase, state.total) == ("manual", 490, 500)
	state, results = advance_counter(config, state, [(3 * H, 115)])
	assert results[0].increase == 5 and state.total == 505


@pytest.mark.parametrize(
	"ts, value, kwargs, reason",
	[
		(2 * H, 5.0, {}, "below_total"),
		(H, 50.0, {}, "late"),
		(2 * H, math.inf, {}, "not_finite"),
		(2 * H, "50", {}, "not_finite"),
		(2 * H, 10**400, {}, "not_finite"),
		(2 * H, 50.0, {"max_rate_per_hour": 1}, "implausible_increase"),
	],
)
def test_manual_refusals_leave_the_state(ts, value, kwargs, reason):
	state, _ = advance_counter(CounterConfig(), None, [(0, 0), (H, 10)])
	after, result = apply_manual(state, ts, value, **kwargs)
	assert (result.kind, result.reason) == ("refused", reason) and after == state


def test_manual_reading_on_a_fresh_meter():
	state, result = apply_manual(None, 0, 12345.6, max_rate_per_hour=1)
	assert state.total == 12345.6 and result.kind == "manual"


def test_reason_codes_are_documented():
	assert {"late", "decrease", "implausible_increase", "below_total"} <= set(REASONS)
	assert "rebased" in KINDS


# -- usage rate and projection ----------------------------------------------------------------------------

DAY = 86400.0


def test_usage_rate_of_a_steady_meter():
	readings = [(d * DAY, 100 + 8 * d) for d in range(60)]
	assert usage_rate(readings, now=59 * DAY, window_days=30) == pytest.approx(8.0)


def test_usage_rate_interpolates_the_window_start_and_ignores_later_readings():
	readings = [(0, 0), (10 * DAY, 100), (20 * DAY, 400), (30 * DAY, 10_000)]
	# window [5, 20] days: value at day 5 interpolated = 50; (400 - 50) / 15 days
	assert usage_rate(readings, now=20 * DAY, window_days=15) == pytest.approx(350 / 15)


def test_usage_rate_any_order_and_datetimes():
	readings = [(datetime(2024, 1, 3), 30), (datetime(2024, 1, 1), 10), (datetime(2024, 1, 2), 20)]
	assert usage_rate(readings, now=datetime(2024, 1, 3)) == pytest.approx(10)


def test_usage_rate_undefined():
	assert usage_rate([], now=0) is None
	assert usage_rate([(0, 5)], now=DAY) is None
	assert usage_rate([(0, 5), (60, 6)], now=DAY) is None  # spans less than an hour
	assert usage_rate([(0, 5), (2 * DAY, 6)], now=DAY) is None  # one reading up to now
	with pytest.raises(ValueError, match="finite"):
		usage_rate([(0, math.nan), (DAY, 1)], now=DAY)
	with pytest.raises(ValueError, match="window_days must be greater than 0"):
		usage_rate([(0, 1)], now=DAY, window_days=0)


def test_projection():
	assert days_to_reach(4930, 5000, 30) == pytest.approx(7 / 3)
	assert days_to_reach(5000, 5000, None) == 0
	assert days_to_reach(10, 5000, 0) is None and days_to_reach(10, 5000, -1) is None
	assert project_date(4930, 5000, 30, date(2027, 1, 3)) == date(2027, 1, 5)
	assert project_date(4930, 5000, None, date(2027, 1, 3)) is None
	assert project_date(0, 1e26, 1e-300, date(2027, 1, 3)) is None  # beyond the calendar


# -- properties -------------------------------------------------------------------------------------------

values = st.one_of(
	st.integers(0, 70000),
	st.floats(-10, 70000),
	st.sampled_from([math.nan, math.inf, -math.inf]),
)
samples = st.lists(st.tuples(st.integers(0, 100_000), values), max_size=40)
configs = st.builds(
	CounterConfig,
	rollover=st.one_of(st.none(), st.just(65536)),
	max_rate_per_hour=st.one_of(st.none(), st.floats(1, 1e6)),
	rebase_after=st.integers(1, 4),
)


@settings(max_examples=300, deadline=None)
@given(configs, samples)
def test_total_never_goes_down_and_is_the_sum_of_increases(config, batch):
	state, results = advance_counter(config, None, batch)
	assert len(results) == len(batch)
	totals = [r.total for r in results]
	assert totals == sorted(totals)
	assert state.total == pytest.approx(sum(r.increase for r in results))
	assert all(r.increase >= 0 and r.kind in KINDS for r in results)
	assert [r.ts for r in results] == sorted(r.ts for r in results)


@settings(max_examples=300, deadline=None)
@given(configs, samples, st.lists(st.integers(0, 40), max_size=4))
def test_batches_and_restarts_do_not_matter(config, batch, cuts):
	"""Fed in pieces, with the state saved to JSON and read back between them: the same total and results."""
	whole_state, whole_results = advance_counter(config, None, batch)
	ordered = sorted(batch, key=lambda s: s[0])
	state, results = None, []
	bounds = [0, *sorted(cuts), len(ordered)]
	for a, b in pairwise(bounds):
		state, part = advance_counter(config, state, ordered[a:b])
		state = CounterState.from_dict(json.loads(json.dumps(state.to_dict())))
		results += part
	assert state == whole_state
	assert [(r.kind, r.increase) for r in results] == [(r.kind, r.increase) for r in whole_results]
