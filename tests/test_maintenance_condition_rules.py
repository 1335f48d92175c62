"""Condition rules: above / below / outside, rate of change, on-delay, deadband and off-delay, repeat count,
and the state machine's promises: order, idempotency, restart in the middle."""

import json
import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance.condition_rules import (
	CLEARED,
	FIRED,
	Event,
	Rule,
	RuleState,
	evaluate_readings,
	hold_until,
	needs_saving,
	step,
)


def run(rule, samples, state=None):
	return step(rule, state, samples)


def brief(events):
	return [(e.kind, e.ts, e.value) for e in events]


def above(**kw):
	return Rule("R1", "Above", high=80, **kw)


# -- conditions -------------------------------------------------------------------------------------------


def test_above_fires_and_clears_without_delays():
	state, events = run(above(), [(0, 70), (10, 80), (20, 81), (30, 90), (40, 80), (50, 85)])
	assert brief(events) == [(FIRED, 20, 81), (CLEARED, 40, 80), (FIRED, 50, 85)]
	assert state.active and state.last_ts == 50


def test_below_and_outside():
	below = Rule("B", "Below", low=10)
	assert brief(run(below, [(0, 11), (1, 9.5), (2, 10)])[1]) == [(FIRED, 1, 9.5), (CLEARED, 2, 10)]
	band = Rule("O", "Outside", low=10, high=20)
	events = run(band, [(0, 15), (1, 21), (2, 15), (3, 9), (4, 10)])[1]
	assert brief(events) == [(FIRED, 1, 21), (CLEARED, 2, 15), (FIRED, 3, 9), (CLEARED, 4, 10)]


def test_deadband_clears_only_back_inside_by_it():
	rule = above(deadband=5)
	events = run(rule, [(0, 81), (10, 79), (20, 76), (30, 75), (40, 82)])[1]
	assert brief(events) == [(FIRED, 0, 81), (CLEARED, 30, 75), (FIRED, 40, 82)]
	band = Rule("O", "Outside", low=10, high=20, deadband=2)
	events = run(band, [(0, 9), (1, 11), (2, 12), (3, 19), (4, 18.5)])[1]
	assert brief(events) == [(FIRED, 0, 9), (CLEARED, 2, 12)]


def test_a_limit_exactly_is_not_beyond_it():
	assert run(above(), [(0, 80)])[1] == []
	assert run(Rule("B", "Below", low=10), [(0, 10)])[1] == []


# -- on-delay and off-delay -------------------------------------------------------------------------------


def test_on_delay_fires_when_the_condition_held_long_enough():
	rule = above(on_delay=60)
	events = run(rule, [(0, 81), (30, 82), (59, 85), (61, 83)])[1]
	assert brief(events) == [(FIRED, 60, 85)]  # at 0 + 60 s, with the value held since 59 s


def test_on_delay_at_a_sample_exactly():
	assert brief(run(above(on_delay=60), [(0, 81), (60, 90)])[1]) == [(FIRED, 60, 81)]


def test_on_delay_interrupted_starts_again():
	rule = above(on_delay=60)
	state, events = run(rule, [(0, 81), (30, 79), (61, 81), (100, 82)])
	assert events == [] and state.since == 61 and not state.active
	assert brief(run(rule, [(121, 81)], state)[1]) == [(FIRED, 121, 82)]


def test_on_delay_seen_by_a_later_sample_that_is_already_back():
	"""The value held above the limit for the on-delay; the next sample is below: it fired, then cleared."""
	events = run(above(on_delay=60), [(0, 81), (70, 79)])[1]
	assert brief(events) == [(FIRED, 60, 81), (CLEARED, 70, 79)]


def test_off_delay():
	rule = above(off_delay=60)
	samples = [(0, 90), (100, 70), (130, 85), (200, 70), (230, 70), (300, 70)]
	events = run(rule, samples)[1]
	assert brief(events) == [(FIRED, 0, 90), (CLEARED, 260, 70)]


def test_off_delay_at_a_sample_exactly():
	"""Back inside for exactly the off-delay when the next sample comes (already beyond again): cleared at that
	time with the value held until then, then fired again by the new sample."""
	events = run(above(off_delay=60), [(0, 90), (100, 70), (160, 95)])[1]
	assert brief(events) == [(FIRED, 0, 90), (CLEARED, 160, 70), (FIRED, 160, 95)]


def test_hold_until_completes_an_on_delay_without_a_new_reading():
	rule = above(on_delay=300)
	state, events = run(rule, [(0, 85)])
	assert events == []
	state, events = hold_until(rule, state, 200)
	assert events == [] and state.since == 0
	state, events = hold_until(rule, state, 400)
	assert brief(events) == [(FIRED, 300, 85)] and state.active
	# a late reading at or before the tick is ignored
	assert run(rule, [(350, 10)], state)[1] == []
	assert hold_until(rule, None, 100) == (RuleState(), [])


# -- rate of change ---------------------------------------------------------------------------------------


def test_rate_of_change_per_minute():
	rule = Rule("T", "Above", high=2.0, measure="Rate")  # more than 2 units per minute
	rising = [(t, 20 + t / 30) for t in range(0, 301, 30)]  # exactly 2 per minute
	assert run(rule, rising)[1] == []
	faster = [(t, 20 + t / 20) for t in range(0, 301, 30)]  # 3 per minute
	events = run(rule, faster)[1]
	assert brief(events)[0][:2] == (FIRED, 60) and events[0].value == pytest.approx(3.0)


def test_rate_uses_a_reference_at_least_rate_seconds_old():
	rule = Rule("T", "Above", high=5.0, measure="Rate", rate_seconds=60)
	# a jump of 3 within 10 s would be 18/min between neighbours; over the minute it is 3/min
	state, events = run(rule, [(0, 0), (50, 0), (60, 3), (70, 3)])
	assert events == [] and state.measured == pytest.approx(3.0)
	assert (state.ref_ts, state.ref_value) == (60, 3)


def test_falling_rate_below():
	rule = Rule("T", "Below", low=-1.0, measure="Rate", on_delay=120)
	samples = [(t, 100 - 2 * t / 60) for t in range(0, 400, 60)]  # -2 per minute
	events = run(rule, samples)[1]
	assert brief(events) == [(FIRED, 180, -2.0)]  # first rate at 60 s, held for 120 s


# -- repeat count within a window -------------------------------------------------------------------------


def excursions(starts, width=10, high=90, low=70):
	out = []
	for s in starts:
		out += [(s, high), (s + width, low)]
	return out


def test_repeat_count_fires_on_the_kth_occurrence_within_the_window():
	rule = above(repeat_count=3, repeat_window=600)
	state, events = run(rule, excursions([0, 100, 200]))
	assert [(e.kind, e.ts, e.occurrences) for e in events] == [(FIRED, 200, 3), (CLEARED, 210, 0)]
	assert state.occurrences == ()


def test_repeat_count_forgets_occurrences_outside_the_window():
	rule = above(repeat_count=3, repeat_window=600)
	state, events = run(rule, excursions([0, 400, 800, 1300]))
	assert events == [] and state.occurrences == (800, 1300)
	events = run(rule, excursions([1400]), state)[1]
	assert (events[0].kind, events[0].ts, events[0].occurrences) == (FIRED, 1400, 3)


def test_repeat_needs_the_value_back_inside_the_clear_limits_between_occurrences():
	rule = above(repeat_count=2, repeat_window=600, deadband=5)
	# noise around 80 after the first excursion: not new occurrences until below 75
	state, events = run(rule, [(0, 81), (10, 79), (20, 81), (30, 79), (40, 81)])
	assert events == [] and state.occurrences == (0,) and state.counted
	events = run(rule, [(50, 74), (60, 81)], state)[1]
	assert [(e.kind, e.ts, e.occurrences) for e in events] == [(FIRED, 60, 2)]


def test_repeat_with_on_delay_counts_only_episodes_that_held():
	rule = above(repeat_count=2, repeat_window=1000, on_delay=30)
	samples = [(0, 90), (10, 70), (100, 90), (140, 70), (200, 90), (240, 70)]
	events = run(rule, samples)[1]
	# 0-10 too short; 100-140 counts (at 130); 200-240 counts (at 230) and fires
	assert [(e.kind, e.ts, e.occurrences) for e in events] == [(FIRED, 230, 2), (CLEARED, 240, 0)]


# -- the state machine's promises -------------------------------------------------------------------------


def test_a_restart_in_an_on_delay_neither_loses_it_nor_fires_twice():
	rule = above(on_delay=120)
	samples = [(0, 85), (60, 86), (130, 87), (200, 88), (260, 70)]
	_, uninterrupted = run(rule, samples)
	assert brief(uninterrupted) == [(FIRED, 120, 86), (CLEARED, 260, 70)]
	# The collector stops after 60 s with the on-delay running; its state was saved as JSON.
	saved = json.dumps(run(rule, samples[:2])[0].to_dict())
	# After the restart the broker delivers the two readings it had again, then the new ones.
	_, events = run(rule, samples, RuleState.from_dict(json.loads(saved)))
	assert brief(events) == brief(uninterrupted)
	# and a second restart from the state saved after the firing fires nothing again
	state_after, _ = run(rule, samples[:3])
	again = run(rule, samples, RuleState.from_dict(json.loads(json.dumps(state_after.to_dict()))))[1]
	assert brief(again) == [(CLEARED, 260, 70)]


def test_no_samples_change_nothing():
	state, _ = run(above(on_delay=60), [(0, 90)])
	assert run(above(on_delay=60), [], state) == (state, [])
	assert run(above(), []) == (RuleState(), [])


def test_redelivered_samples_change_nothing():
	rule = above(on_delay=60, off_delay=30)
	samples = [(0, 85), (30, 86), (70, 60), (90, 61)]
	state, events = run(rule, samples)
	again, none = run(rule, samples, state)
	assert none == [] and again == state
	assert brief(events) == [(FIRED, 60, 86)] and state.clear_since == 70  # clears at 100 if still below then


def test_unordered_batch_equals_ordered_and_first_of_equal_times_counts():
	rule = above(on_delay=10)
	ordered = [(0, 85), (5, 86), (12, 70), (20, 90), (40, 90)]
	assert run(rule, list(reversed(ordered))) == run(rule, ordered)
	state, events = run(rule, [(0, 70), (0, 90)])
	assert events == [] and state.last_value == 70


def test_non_finite_samples_are_skipped():
	samples = [
		(0, 70),
		(math.nan, 90),
		(5, math.nan),
		(6, math.inf),
		(math.inf, 95),
		(6.5, 10**400),
		(10**400, 99),
		(7, 75),
	]
	state, events = run(above(), samples)
	assert events == [] and state.last_ts == 7 and state.last_value == 75


def test_decimal_and_int_values_and_datetime_times():
	from datetime import datetime
	from decimal import Decimal

	events = run(above(), [(datetime(2024, 1, 1, 8), Decimal("80.5")), (datetime(2024, 1, 1, 8, 1), 79)])[1]
	assert [(e.kind, e.value) for e in events] == [(FIRED, 80.5), (CLEARED, 79.0)]
	with pytest.raises(ValueError, match="sample time"):
		run(above(), [("08:00", 1)])


def test_state_round_trips_through_json_and_validates():
	rule = above(repeat_count=3, repeat_window=600, on_delay=5)
	state, _ = run(rule, [*excursions([0, 100]), (200, 90)])
	assert state.occurrences == (5, 105) and state.since == 200
	assert RuleState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
	assert RuleState.from_dict(None) == RuleState() == RuleState.from_dict({})
	for bad, message in [
		([1], "must be a dict"),
		({"activ": True}, "unknown rule state keys"),
		({"active": 1}, "true or false"),
		({"since": math.nan}, "finite"),
		({"active": True, "since": 3.0}, "no pending since"),
		({"clear_since": 3.0}, "belongs to an active rule"),
		({"counted": True}, "counted needs since"),
		({"occurrences": "abc"}, "occurrences must be a list"),
	]:
		with pytest.raises(ValueError, match=message):
			RuleState.from_dict(bad)


def test_needs_saving():
	rule = above(on_delay=60)
	s1, _ = run(rule, [(0, 70), (10, 71)])
	assert not needs_saving(None, s1)  # quiet: only time bookkeeping changed
	s2, _ = run(rule, [(20, 85)], s1)
	assert needs_saving(s1, s2)  # an on-delay in progress must survive a restart
	s3, _ = run(rule, [(30, 86)], s2)
	assert not needs_saving(s2, s3)
	s4, events = run(rule, [(90, 86)], s3)
	assert events and needs_saving(s3, s4)


def test_evaluate_readings_routes_samples_to_the_rules_of_their_series():
	rules = {key: Rule(key, "Above", high=80) for key in ("hot", "other")}
	rules["cold"] = Rule("cold", "Below", low=10)
	by_series = {("D1", "temp"): ["hot", "cold"], ("D2", "temp"): ["other"]}
	readings = [
		(("D1", "temp"), 2, 85),
		(("D1", "temp"), 1, 5),
		(("D2", "temp"), 3, 70),
		(("D3", "temp"), 4, 999),  # no rule
	]
	states, events = evaluate_readings(rules, by_series, {"cold": {"last_ts": 0.5}}, readings)
	assert set(states) == {"hot", "cold", "other"}
	assert [(e.rule, e.kind, e.ts) for e in events] == [
		("cold", FIRED, 1),
		("hot", FIRED, 2),
		("cold", CLEARED, 2),
	]
	assert states["other"].last_ts == 3 and not states["other"].active


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"condition": "Hot"}, "condition must be one of"),
		({"condition": "Above"}, "needs a high limit"),
		({"condition": "Below", "high": 3}, "needs a low limit"),
		({"condition": "Outside", "low": 5, "high": 5}, "must be below the high limit"),
		({"condition": "Outside", "low": 0, "high": 10, "deadband": 6}, "leaves no value"),
		({"condition": "Above", "high": math.nan}, "finite"),
		({"condition": "Above", "high": 1, "on_delay": -1}, "must not be negative"),
		({"condition": "Above", "high": 1, "repeat_count": 2}, "needs a repeat window"),
		({"condition": "Above", "high": 1, "repeat_count": 0}, "at least 1"),
		({"condition": "Above", "high": 1, "repeat_count": 5000, "repeat_window": 1}, "at most 1000"),
		({"condition": "Above", "high": 1, "measure": "Slope"}, "measure must be one of"),
		({"condition": "Above", "high": 1, "rate_seconds": 0}, "greater than 0"),
	],
)
def test_bad_rules_are_refused(kwargs, message):
	with pytest.raises(ValueError, match=message):
		Rule("X", **kwargs)


# -- properties -------------------------------------------------------------------------------------------

rule_strategy = st.builds(
	Rule,
	key=st.just("P"),
	condition=st.sampled_from(["Above", "Below", "Outside"]),
	low=st.just(40.0),
	high=st.just(60.0),
	measure=st.sampled_from(["Value", "Value", "Rate"]),
	on_delay=st.sampled_from([0.0, 0.0, 5.0, 30.0]),
	off_delay=st.sampled_from([0.0, 0.0, 10.0]),
	deadband=st.sampled_from([0.0, 3.0]),
	repeat_count=st.sampled_from([1, 1, 2, 3]),
	repeat_window=st.just(120.0),
	rate_seconds=st.sampled_from([10.0, 60.0]),
)
sample_strategy = st.lists(
	st.tuples(
		# on a 5 s grid half of the time, so that delays often end exactly at a sample
		st.one_of(st.integers(0, 600), st.integers(0, 120).map(lambda k: 5 * k)).map(float),
		st.one_of(st.floats(0, 100), st.sampled_from([30.0, 50.0, 70.0, math.nan, math.inf])),
	),
	max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(rule_strategy, sample_strategy, st.lists(st.integers(0, 60), max_size=5))
def test_restart_anywhere_gives_the_same_events(rule, samples, cuts):
	"""Fed in pieces with the state saved to JSON and read back between them (a collector restart), fed
	twice, or unordered: the same events and the same state as one uninterrupted call."""
	whole_state, whole_events = step(rule, None, samples)
	ordered = sorted(samples, key=lambda s: s[0])
	state, events = None, []
	bounds = [0, *sorted(cuts), len(ordered)]
	for a, b in pairwise(bounds):
		state, part = step(rule, state, ordered[a:b])
		state = RuleState.from_dict(json.loads(json.dumps(state.to_dict())))
		again, repeated = step(rule, state, ordered[a:b])  # re-delivered: nothing new
		assert repeated == [] and again == state
		events += part
	assert events == whole_events
	assert state == whole_state


@settings(max_examples=400, deadline=None)
@given(rule_strategy, sample_strategy)
def test_events_alternate_and_stay_within_the_samples(rule, samples):
	state, events = step(rule, None, samples)
	assert [e.kind for e in events] == [FIRED, CLEARED] * (len(events) // 2) + [FIRED] * (len(events) % 2)
	assert state.active == (len(events) % 2 == 1)
	times = [e.ts for e in events]
	assert times == sorted(times)
	finite = [t for t, v in samples if math.isfinite(v)]
	if events:
		assert min(finite) <= times[0] and times[-1] <= max(finite)
	for e in events:
		assert isinstance(e, Event) and math.isfinite(e.value)
		if e.kind == FIRED:
			assert 1 <= e.occurrences <= rule.repeat_count


def _held(samples, t):
	"""The value held at time t: the first-arrived sample of the latest time at or before t."""
	best = None
	for ts, v in samples:
		if ts <= t and (best is None or ts > best[0]):
			best = (ts, v)
	return None if best is None else best[1]


@settings(max_examples=400, deadline=None)
@given(rule_strategy.filter(lambda r: r.measure == "Value"), sample_strategy)
def test_a_value_rule_fires_only_after_the_condition_held_for_the_on_delay(rule, samples):
	clean = [(t, v) for t, v in samples if math.isfinite(v)]
	lo, hi, clear_lo, clear_hi = rule.limits
	_, events = step(rule, None, samples)
	for e in events:
		window = [(t, v) for t, v in clean if t <= e.ts]
		delay = rule.on_delay if e.kind == FIRED else rule.off_delay
		holds = (lambda x: x > hi or x < lo) if e.kind == FIRED else (lambda x: clear_lo <= x <= clear_hi)
		start = _held(window, e.ts - delay)
		assert start is not None and holds(start)
		# held over [e.ts - delay, e.ts): the sample at e.ts itself may already be back (it showed the time)
		inside = {t for t, _ in window if e.ts - delay < t < e.ts}
		for t in inside:
			assert holds(_held(window, t))


@settings(max_examples=300, deadline=None)
@given(sample_strategy)
def test_without_delays_a_value_rule_is_active_exactly_when_beyond_the_limit(samples):
	rule = Rule("P", "Outside", low=40, high=60)
	state = None
	seen = set()
	for t, v in sorted(samples, key=lambda s: s[0]):
		state, _ = step(rule, state, [(t, v)])
		if t not in seen and math.isfinite(v):
			assert state.active == (v < 40 or v > 60)
		seen.add(t)


def reference_events(rule, samples):
	"""A second implementation for Value rules without a repeat count: walk every whole second from the first
	sample to the last with the value held since the latest sample (the first one of equal times), and look
	at the held signal second by second. Samples are at whole seconds, delays are whole seconds."""
	first_of = {}
	for t, v in samples:
		if math.isfinite(v) and t not in first_of:
			first_of[t] = v
	if not first_of:
		return []
	lo, hi, clear_lo, clear_hi = rule.limits
	times = sorted(first_of)
	d, off = int(rule.on_delay), int(rule.off_delay)
	events = []
	active, run, clr, held = False, None, None, None
	for u in range(int(times[0]), int(times[-1]) + 1):
		# the held value over [u - 1, u)
		if not active and run is not None and d > 0 and run + d == u:
			events.append((FIRED, u, held))
			active, run, clr = True, None, None
		if active and clr is not None and off > 0 and clr + off == u:
			events.append((CLEARED, u, held))
			active, clr = False, None
		x = first_of.get(u, held)
		if not active:
			if x > hi or x < lo:
				if run is None:
					run = u
				if d == 0:
					events.append((FIRED, u, x))
					active, run, clr = True, None, None
			else:
				run = None
		elif clear_lo <= x <= clear_hi:
			if clr is None:
				clr = u
			if off == 0:
				events.append((CLEARED, u, x))
				active, clr = False, None
		else:
			clr = None
		held = x
	return events


@settings(max_examples=500, deadline=None)
@given(rule_strategy.filter(lambda r: r.measure == "Value" and r.repeat_count == 1), sample_strategy)
def test_value_rules_match_a_second_by_second_reference(rule, samples):
	_, events = step(rule, None, samples)
	assert brief(events) == reference_events(rule, samples)
