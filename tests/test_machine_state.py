import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.machine_state import (
	STATES,
	Interval,
	OpenState,
	StateMapError,
	advance,
	map_state,
	parse_state_map,
	states_from_counter,
)

R, I, D, S, O = "Running", "Idle", "Down", "Setup", "Off"
MICRO, DOWNTIME = 60.0, 300.0


def run(open_state, samples, micro=MICRO, downtime=DOWNTIME):
	return advance(open_state, samples, micro, downtime)


# -- state map ----------------------------------------------------------------------------------------------


def test_states():
	assert STATES == ("Running", "Idle", "Down", "Setup", "Off")


def test_parse_state_map():
	text = """
	# Fanuc run status
	1=Running
	2 = Idle   # feed hold
	3\t=\tDown
	0=idle
	-1 = DOWN
	4.5=Setup

	"""
	assert parse_state_map(text) == {1.0: R, 2.0: I, 3.0: D, 0.0: I, -1.0: D, 4.5: S}
	assert parse_state_map("") == {}
	assert parse_state_map("# nothing mapped yet\n\n") == {}


@pytest.mark.parametrize(
	"text, line, fragment",
	[
		("1=Running\n2=Runing", 2, "'Runing' is not a machine state"),
		("1=Running\n\n# c\n1 = Idle", 4, "already mapped on line 1"),
		("1=Running\n1.0=Idle", 2, "already mapped on line 1"),
		("Running=1", 1, "not of the form"),
		("1 Running", 1, "not of the form"),
		("1=", 1, "not of the form"),
		("=Running", 1, "not of the form"),
		("x=Running", 1, "not of the form"),
		("nan=Running", 1, "not of the form"),
		("1=Running=2", 1, "not a machine state"),
	],
)
def test_state_map_errors_name_the_line(text, line, fragment):
	with pytest.raises(StateMapError) as info:
		parse_state_map(text)
	assert info.value.line == line
	assert str(info.value).startswith(f"line {line}: ")
	assert fragment in str(info.value)


def test_map_state():
	mapping = parse_state_map("1=Running\n2=Idle\n0=Down")
	assert map_state(1, mapping) == R
	assert map_state(2.0, mapping) == I
	assert map_state(0.0, mapping) == D
	assert map_state(-0.0, mapping) == D
	assert map_state(True, mapping) == R
	assert map_state(5, mapping) is None
	assert map_state(1.5, mapping) is None
	assert map_state(float("nan"), mapping) is None


# -- advance ------------------------------------------------------------------------------------------------


def test_change_points_close_intervals():
	samples = [(0, R), (10, R), (20, R), (100, D), (130, D), (500, R), (510, S), (2000, R)]
	closed, open_state, ignored = run(None, samples)
	assert closed == [
		Interval(R, 0, 100, micro_stop=False, downtime=False),
		Interval(D, 100, 500, micro_stop=False, downtime=True),
		Interval(R, 500, 510, micro_stop=False, downtime=False),
		Interval(S, 510, 2000, micro_stop=False, downtime=False),  # Setup is never downtime
	]
	assert open_state == OpenState(R, 2000)
	assert ignored == 0
	assert [i.duration for i in closed] == [100, 400, 10, 1490]


def test_no_samples():
	assert run(None, []) == ([], None, 0)
	assert run(OpenState(I, 5), []) == ([], OpenState(I, 5), 0)


def test_same_state_only_extends():
	closed, open_state, ignored = run(OpenState(R, 0), [(50, R), (60, R)])
	assert (closed, open_state, ignored) == ([], OpenState(R, 0), 0)


def test_open_state_passed_in_is_not_modified():
	start = OpenState(R, 0)
	_, open_state, _ = run(start, [(50, D)])
	assert start == OpenState(R, 0) and open_state == OpenState(D, 50)


@pytest.mark.parametrize(
	"state, seconds, micro_stop, downtime",
	[
		(D, 59.999, True, False),
		(D, 60, False, False),  # micro stops are shorter than the threshold
		(D, 299.999, False, False),
		(D, 300, False, True),  # downtime from the threshold on
		(I, 59, True, False),
		(I, 300, False, True),
		(I, 3600, False, True),
		(S, 10, True, False),  # a short setup is a micro stop too: any non-Running state
		(S, 3600, False, False),
		(R, 10, False, False),
		(R, 3600, False, False),
		(O, 10, False, False),  # Off (no production planned) is never a stop
		(O, 3600, False, False),
	],
)
def test_thresholds(state, seconds, micro_stop, downtime):
	other = R if state != R else D
	(interval,), _, _ = run(OpenState(state, 1000), [(1000 + seconds, other)])
	assert interval == Interval(state, 1000, 1000 + seconds, micro_stop, downtime)


def test_micro_stop_is_never_downtime():
	# Contradictory settings (micro stops up to 10 min, downtime from 5 min): a 6-minute stop is a micro stop.
	(interval,), _, _ = run(OpenState(D, 0), [(360, R)], micro=600, downtime=300)
	assert interval.micro_stop and not interval.downtime
	(interval,), _, _ = run(OpenState(D, 0), [(600, R)], micro=600, downtime=300)
	assert not interval.micro_stop and interval.downtime


def test_off_state():
	assert parse_state_map("0=off\n1=Running") == {0.0: O, 1.0: R}
	closed, open_state, _ = run(None, [(0, O), (30, R), (40, O), (20000, I), (30000, R)])
	assert [(i.state, i.micro_stop, i.downtime) for i in closed] == [
		(O, False, False),
		(R, False, False),
		(O, False, False),
		(I, False, True),
	]
	assert open_state == OpenState(R, 30000)


def test_zero_thresholds():
	(interval,), _, _ = run(OpenState(D, 0), [(0.5, R)], micro=0, downtime=0)
	assert (interval.micro_stop, interval.downtime) == (False, True)


def test_out_of_order_samples_are_sorted():
	ordered = [(0, R), (100, D), (130, I), (500, R)]
	shuffled = [(500, R), (0, R), (130, I), (100, D)]
	assert run(None, shuffled) == run(None, ordered)
	closed, open_state, _ = run(None, shuffled)
	assert [(i.state, i.start, i.end) for i in closed] == [(R, 0, 100), (D, 100, 130), (I, 130, 500)]
	assert open_state == OpenState(R, 500)


def test_late_and_redelivered_samples_are_ignored_and_counted():
	first = [(0, R), (100, D), (160, R)]
	closed, open_state, ignored = run(None, first)
	assert [(i.state, i.start, i.end) for i in closed] == [(R, 0, 100), (D, 100, 160)]
	assert (open_state, ignored) == (OpenState(R, 160), 0)
	# The same batch again: nothing new, all three counted (the one at 160 opened the open interval).
	assert run(open_state, first) == ([], OpenState(R, 160), 3)
	# A late Down sample from before the open interval cannot rewrite history.
	assert run(open_state, [(150, D), (159.9, I)]) == ([], OpenState(R, 160), 2)
	# Mixed: two old, one new.
	closed, open_state, ignored = run(open_state, [(100, D), (400, I), (160, R)])
	assert closed == [Interval(R, 160, 400, False, False)]
	assert (open_state, ignored) == (OpenState(I, 400), 2)


def test_sample_at_open_start_with_other_state_is_ignored():
	# No zero-length intervals: the state at an instant is the one that got there first.
	assert run(OpenState(R, 100), [(100, D)]) == ([], OpenState(R, 100), 1)
	closed, open_state, ignored = run(None, [(100, R), (100, D), (200, I)])
	assert closed == [Interval(R, 100, 200, False, False)]
	assert (open_state, ignored) == (OpenState(I, 200), 1)


def test_unknown_state_raises():
	with pytest.raises(ValueError, match="unknown machine state"):
		run(None, [(0, "Running"), (1, "running")])
	with pytest.raises(ValueError):
		run(None, [(0, None)])
	with pytest.raises(ValueError):
		run(None, [(float("nan"), R)])


@settings(max_examples=60)
@given(
	st.lists(st.tuples(st.integers(0, 1000), st.sampled_from(STATES)), max_size=30),
	st.integers(1, 5),
	st.randoms(use_true_random=False),
)
def test_chunking_does_not_matter(samples, chunks, rnd):
	# Timestamps distinct, so the outcome cannot depend on which of two same-instant samples comes first.
	samples = list({ts: (ts, state) for ts, state in samples}.values())
	whole_closed, whole_open, whole_ignored = run(None, samples)
	assert whole_ignored == 0
	ordered = sorted(samples)
	cuts = sorted(rnd.sample(range(len(ordered) + 1), min(chunks, len(ordered) + 1)))
	pieces = [ordered[a:b] for a, b in zip([0, *cuts], [*cuts, len(ordered)], strict=True)]
	closed, open_state = [], None
	for piece in pieces:
		rnd.shuffle(piece)
		more, open_state, ignored = run(open_state, piece)
		assert ignored == 0
		closed += more
	assert (closed, open_state) == (whole_closed, whole_open)
	# Re-delivering everything afterwards changes nothing; samples up to the open start are counted.
	up_to_start = sum(1 for ts, _ in samples if open_state and ts <= open_state.start)
	assert run(open_state, samples) == ([], open_state, up_to_start)
	# Intervals tile the time line.
	for left, right in pairwise(closed):
		assert left.end == right.start and left.state != right.state and left.duration > 0


# -- states from a counter ----------------------------------------------------------------------------------


def test_counter_running_and_idle():
	samples = [(0, 10), (10, 11), (20, 12), (30, 12), (60, 12), (79, 12), (80, 12), (95, 13), (100, 14)]
	# Running from 10; last increase 20, so Idle from 80 (sample at 80 proves it); Running again at 95.
	assert states_from_counter(samples, idle_after_seconds=60) == [(10, R), (80, I), (95, R)]


def test_counter_increase_exactly_at_idle_limit_is_not_idle():
	assert states_from_counter([(0, 1), (10, 2), (70, 3)], 60) == [(10, R)]
	assert states_from_counter([(0, 1), (10, 2), (70, 2)], 60) == [(10, R), (70, I)]
	assert states_from_counter([(0, 1), (10, 2), (70.5, 3)], 60) == [(10, R), (70, I), (70.5, R)]


def test_counter_needs_proof_of_idleness():
	# The last increase was at 10; no sample has reached 70 yet, so no Idle.
	assert states_from_counter([(0, 1), (10, 2), (69, 2)], 60) == [(10, R)]


def test_counter_that_never_moves_goes_idle_from_baseline():
	assert states_from_counter([(0, 5), (30, 5), (59, 5)], 60) == []
	assert states_from_counter([(0, 5), (30, 5), (61, 5), (200, 5)], 60) == [(60, I)]


def test_counter_reset_is_not_an_increase():
	samples = [(0, 998), (10, 999), (20, 0), (30, 0), (85, 0), (90, 1)]
	# 999 -> 0 at 20 is a reset; last increase stays 10, Idle from 70 (sample at 85 proves it); 0 -> 1 runs.
	assert states_from_counter(samples, 60) == [(10, R), (70, I), (90, R)]


def test_counter_reset_then_immediate_increase_keeps_running():
	samples = [(0, 65534), (5, 65535), (10, 2), (15, 3)]  # rollover at 10, counting again at 15
	assert states_from_counter(samples, 60) == [(5, R)]


def test_counter_unordered_and_feeds_advance():
	samples = [(95, 13), (0, 10), (80, 12), (20, 12), (10, 11)]
	points = states_from_counter(samples, 60)
	assert points == [(10, R), (80, I), (95, R)]
	closed, open_state, _ = advance(None, points, 60, 300)
	assert closed == [Interval(R, 10, 80, False, False), Interval(I, 80, 95, True, False)]
	assert open_state == OpenState(R, 95)


def test_counter_edge_inputs():
	assert states_from_counter([], 60) == []
	assert states_from_counter([(0, 1)], 60) == []
	with pytest.raises(ValueError):
		states_from_counter([(0, 1), (1, float("nan"))], 60)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 20)), max_size=25), st.integers(1, 100))
def test_counter_properties(samples, idle_after):
	points = states_from_counter(samples, idle_after)
	assert [p[0] for p in points] == sorted(p[0] for p in points)
	assert all(a[1] != b[1] for a, b in pairwise(points))  # only changes
	assert all(state in (R, I) for _, state in points)
	ordered = sorted(samples, key=lambda sample: sample[0])
	increases = [b for a, b in pairwise(ordered) if b[1] > a[1]]
	assert (R in {state for _, state in points}) == bool(increases)
	if increases:
		assert points[[state for _, state in points].index(R)][0] == increases[0][0]


def test_random_feed_matches_reference():
	# A slow, obvious reference: the state at each sample time, then change points.
	rng = random.Random(7)
	ts, states = 0.0, []
	for _ in range(200):
		ts += rng.choice([1, 5, 30, 90, 400])
		states.append((ts, rng.choice(STATES)))
	closed, open_state, _ = run(None, states)
	changes = [states[0]] + [b for a, b in pairwise(states) if a[1] != b[1]]
	expected = [(a[1], a[0], b[0]) for a, b in pairwise(changes)]
	assert [(i.state, i.start, i.end) for i in closed] == expected
	assert open_state == OpenState(changes[-1][1], changes[-1][0])
	for i in closed:
		assert i.micro_stop == (i.state not in (R, O) and i.duration < MICRO)
		assert i.downtime == (i.state in (D, I) and i.duration >= DOWNTIME)
