import math
from dataclasses import fields
from datetime import date, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine import oee
from mom_app.engine.machine_state import Interval
from mom_app.engine.oee import (
	DEFAULT_SETUP_CATEGORIES,
	DEFAULT_TOLERANCE_SECONDS,
	FLAGS,
	OEERecord,
	assign,
	compute_many,
	compute_windows,
	manual_intervals,
	pack,
	rollup,
	to_records,
)
from mom_app.engine.shifts import Window, expand
from tests.oee_reference import reference_window

R, I, D, S, O = "Running", "Idle", "Down", "Setup", "Off"
DAY = date(2024, 3, 4)


def at(h, m=0, s=0, day=0):
	return datetime(2024, 3, 4) + timedelta(days=day, hours=h, minutes=m, seconds=s)


def window(start=None, end=None, breaks=(), planned=(), shift="Early"):
	"""The early shift 06:00-14:00 of DAY, unless told otherwise."""
	start = at(6) if start is None else start
	end = at(14) if end is None else end
	return Window(shift, DAY, start, end, list(breaks), [(s, e, "PM") for s, e in planned])


def close(a, b):
	if a is None or b is None:
		return a is b
	return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def assert_same(r1: OEERecord, r2: OEERecord, skip=()):
	for f in fields(OEERecord):
		if f.name in skip:
			continue
		a, b = getattr(r1, f.name), getattr(r2, f.name)
		if isinstance(a, float) or isinstance(b, float):
			assert close(a, b), (f.name, a, b)
		else:
			assert a == b, (f.name, a, b)


def compute_window(
	window,
	intervals=None,
	*,
	downtime_seconds=0.0,
	tolerance_seconds=DEFAULT_TOLERANCE_SECONDS,
	setup_categories=DEFAULT_SETUP_CATEGORIES,
	**data,
):
	"""One window through compute_windows(); `data` are the window's other entries (quantities, ...)."""
	[record] = compute_windows(
		[{"window": window, "intervals": intervals, **data}],
		downtime_seconds=downtime_seconds,
		tolerance_seconds=tolerance_seconds,
		setup_categories=setup_categories,
	)
	return record


def via_many(windows, interval_lists, production=None, **kwargs):
	w, i, x = pack(windows, interval_lists, production)
	return to_records(compute_many(w, i, x, **kwargs), windows)


def both(win, intervals, **kwargs):
	"""compute_window, checked against the plain-Python reference sweep and the bulk path on the same input."""
	record = compute_window(win, intervals, **kwargs)
	assert_same(record, reference_window(win, intervals, **kwargs))
	production = {
		k: kwargs[k]
		for k in ("produced", "good", "scrap", "rework", "scrap_startup", "ideal_cycle_time")
		if k in kwargs
	}
	options = {k: kwargs[k] for k in ("downtime_seconds", "tolerance_seconds") if k in kwargs}
	[bulk] = via_many([win], [intervals], [production], **options)
	assert_same(record, bulk)
	return record


# -- hand-computed cases --------------------------------------------------------------------------------


def test_full_shift_at_ideal_speed():
	r = both(window(), [(at(6), at(14), R, False)], produced=1440, good=1440, ideal_cycle_time=20)
	assert (r.shift_time, r.pot, r.pbt, r.apt, r.running_time) == (28800, 28800, 28800, 28800, 28800)
	assert (r.availability, r.performance, r.quality, r.oee, r.teep, r.nee) == (1, 1, 1, 1, 1, 1)
	assert r.first_pass_yield == 1 and r.scrap_ratio == 0 and r.rework_ratio == 0
	assert r.unaccounted_time == 0 and r.flags == [] and r.messages == []
	assert r.loss_reduced_speed == 0 and r.loss_production_rejects == 0


def test_partial_shift_with_breaks_and_all_classes():
	intervals = [
		(at(6), at(8), R, False),  # 7200
		(at(8), at(9), D, False),  # 3600 breakdown
		(at(9), at(9, 30), S, False),  # 1800 setup
		(at(9, 30), at(13), R, False),  # 12600, of which the break 10:00-10:30 is not counted
		(at(13), at(13, 0, 30), I, True),  # 30 s micro stop
		(at(13, 0, 30), at(13, 50), R, False),  # 2970
		# 13:50-14:00 nothing: 600 s unaccounted
	]
	r = both(
		window(breaks=[(at(10), at(10, 30))]),
		intervals,
		produced=900,
		good=855,
		scrap=45,
		ideal_cycle_time=20,
	)
	assert r.break_time == 1800 and r.pot == 27000 and r.pbt == 27000
	assert r.running_time == 20970
	assert r.adet == 30 and r.apt == 21000
	assert r.asut == 1800 and r.aupt == 22800
	assert r.down_time == 3600 and r.idle_time == 0 and r.adot == 3600
	assert r.unaccounted_time == 600
	assert r.availability == pytest.approx(21000 / 27000)
	assert r.performance == pytest.approx(18000 / 21000)
	assert r.quality == pytest.approx(0.95)
	assert r.oee == pytest.approx(17100 / 27000)
	assert r.nee == pytest.approx(22800 / 27000 * 18000 / 21000 * 0.95)
	assert r.teep == pytest.approx(17100 / 27000 * 27000 / 28800)
	assert r.loading == pytest.approx(27000 / 28800)
	assert r.technical_efficiency == pytest.approx(20970 / 21000)
	assert r.first_pass_yield == pytest.approx(0.95) and r.scrap_ratio == pytest.approx(0.05)
	# Six big losses add up to the planned busy time with the fully productive time and the gap.
	assert r.loss_breakdowns == 3600 and r.loss_setup == 1800 and r.loss_small_stops == 30
	assert r.loss_reduced_speed == 2970 and r.loss_startup_rejects == 0 and r.loss_production_rejects == 900
	assert r.fully_productive_time == 17100
	assert 17100 + 3600 + 1800 + 30 + 2970 + 0 + 900 + 600 == r.pbt
	assert r.flags == ["unaccounted_time"]
	assert r.messages == ["600 s of the 27000 s of planned busy time are covered by no machine state"]
	# Within tolerance, no flag.
	assert compute_window(window(breaks=[(at(10), at(10, 30))]), intervals, tolerance_seconds=600).flags == []


def test_shift_crossing_midnight_with_planned_downtime():
	win = expand(
		[
			{
				"name": "Night",
				"start": "22:00",
				"end": "06:00",
				"breaks": [{"start": "23:45", "end": "00:15"}],
				"planned_downtime": [{"start": "05:30", "end": "06:00", "reason": "Cleaning"}],
			}
		],
		DAY,
		DAY,
	)[0]
	intervals = [
		(at(21), at(3, day=1), R, False),  # 1 h before the window, then 5 h less the 30 min break
		(at(3, day=1), at(4, day=1), D, False),
		(at(4, day=1), at(6, 30, day=1), R, False),  # 30 min planned downtime, 30 min after the window
	]
	r = both(win, intervals, produced=1000, good=1000, ideal_cycle_time=18)
	assert (r.shift_time, r.break_time, r.planned_downtime, r.pbt) == (28800, 1800, 1800, 25200)
	assert r.running_time == 16200 + 5400 and r.adot == 3600 and r.unaccounted_time == 0
	assert r.outside_time == 3600 + 1800 and r.outside_intervals == 0
	assert r.availability == pytest.approx(21600 / 25200)
	assert r.performance == pytest.approx(18000 / 21600)
	assert r.oee == pytest.approx(18000 / 25200)
	assert r.flags == [] and r.day == DAY and r.shift == "Night"


def test_zero_production():
	r = both(window(), [(at(6), at(14), R, False)], produced=0, ideal_cycle_time=20)
	assert r.performance == 0 and r.quality is None
	assert r.oee == 0 and r.nee == 0 and r.teep == 0
	assert r.first_pass_yield is None and r.scrap_ratio is None and r.rework_ratio is None
	assert r.loss_reduced_speed == 28800 and r.flags == []
	# Without an ideal cycle time nothing is missing when nothing was produced.
	r = both(window(), [(at(6), at(14), R, False)])
	assert r.performance == 0 and r.oee == 0 and r.flags == []
	# A machine down all shift: availability 0, performance undefined, OEE 0.
	r = both(window(), [(at(6), at(14), D, False)], ideal_cycle_time=20)
	assert r.availability == 0 and r.performance is None and r.oee == 0


def test_planned_downtime_is_excluded():
	intervals = [(at(6), at(10), R, False), (at(10), at(12), D, False), (at(12), at(14), R, False)]
	r = both(window(planned=[(at(10), at(12))]), intervals, produced=1, good=1, ideal_cycle_time=1)
	assert r.planned_downtime == 7200 and r.pbt == 21600
	assert r.adot == 0 and r.running_time == 21600 and r.availability == 1
	# A planned downtime entry of the manual kind counts as well with machine data.
	r2 = compute_window(window(), intervals, downtime_entries=[(at(10), at(12), True, "PM")])
	assert r2.pbt == 21600 and r2.adot == 0
	# A break inside the planned downtime is counted once, as break.
	r3 = both(window(breaks=[(at(11), at(11, 30))], planned=[(at(10), at(12))]), intervals)
	assert r3.break_time == 1800 and r3.planned_downtime == 5400 and r3.pbt == 21600


def test_off_is_planned_downtime_not_setup_nor_downtime():
	"""Off (no production planned) lies outside planned busy time: not setup, not down, not a small stop."""
	intervals = [
		(at(6), at(8), O, False),  # off: 7200 s, planned downtime
		(at(8), at(12), R, False),  # 14400 s, the break 10:00-10:30 not counted
		(at(12), at(12, 0, 20), O, True),  # a short Off is not a small stop (its micro flag is ignored)
		(at(12, 0, 20), at(13), D, False),  # 3580 s down
		(at(13), at(14), O, False),  # 3600 s off, of which 13:30-14:00 also planned downtime
	]
	r = both(
		window(breaks=[(at(10), at(10, 30))], planned=[(at(13, 30), at(14))]),
		intervals,
		produced=100,
		good=100,
		ideal_cycle_time=60,
	)
	assert r.off_time == 7200 + 20 + 3600
	assert r.planned_downtime == 7200 + 20 + 3600  # Off and the planned entry at 13:30-14:00 counted once
	assert r.break_time == 1800 and r.pot == 27000
	assert r.pbt == 27000 - 10820 == 16180
	assert (r.asut, r.adet, r.idle_time) == (0, 0, 0)
	assert r.running_time == 12600 and r.down_time == 3580
	assert r.availability == pytest.approx(12600 / 16180)
	assert r.unaccounted_time == 0 and r.flags == []
	# Off over Running: the time is Off (planned), flagged as overlap.
	r2 = both(window(), [(at(6), at(14), R, False), (at(6), at(7), O, False)])
	assert r2.planned_downtime == 3600 and r2.running_time == 25200 and r2.overlap_time == 3600
	assert r2.flags == ["overlapping_intervals"]
	# Off outside the window is outside time; inside a break, break time.
	r3 = both(window(breaks=[(at(6), at(7))]), [(at(5), at(7), O, False), (at(7), at(14), R, False)])
	assert r3.off_time == 0 and r3.outside_time == 3600 and r3.break_time == 3600
	assert r3.pbt == r3.running_time == 25200
	# A whole shift Off has no planned busy time.
	r4 = both(window(), [(at(6), at(14), O, False)])
	assert r4.pbt == 0 and r4.availability is None and r4.flags == ["no_planned_time"]


def test_overlapping_intervals_are_flagged_and_counted_once():
	intervals = [(at(6), at(10), R, False), (at(9), at(11), D, False), (at(11), at(14), R, False)]
	r = both(window(), intervals)
	assert r.overlap_time == 3600
	assert r.running_time == 3 * 3600 + 3 * 3600 and r.down_time == 7200  # Down wins the overlap
	assert r.running_time + r.adot == r.pbt and r.availability == pytest.approx(0.75)
	assert r.flags == ["overlapping_intervals"]
	assert "overlap for 3600 s" in r.messages[0]


def test_performance_over_one_is_returned_and_flagged():
	r = both(window(), [(at(6), at(14), R, False)], produced=2000, good=2000, ideal_cycle_time=20)
	assert r.performance == pytest.approx(40000 / 28800)
	assert r.oee == pytest.approx(40000 / 28800)
	assert r.loss_reduced_speed == 0
	assert r.flags == ["performance_over_1"]
	assert "ideal cycle time is probably too long" in r.messages[0]


def test_small_stops_are_a_performance_loss():
	intervals = [
		(at(6), at(7), R, False),
		(at(7), at(7, 0, 40), D, True),  # micro stop
		(at(7, 0, 40), at(7, 2, 40), I, False),  # 120 s idle, below downtime_seconds: small stop
		(at(7, 2, 40), at(14), R, False),
	]
	r = both(window(), intervals, downtime_seconds=300, produced=100, good=100, ideal_cycle_time=60)
	assert r.adet == 160 and r.idle_time == 0 and r.availability == 1
	assert r.loss_small_stops == 160 and r.performance == pytest.approx(6000 / 28800)
	# With no downtime threshold the 120 s idle is down time (an availability loss).
	r = both(window(), intervals, produced=100, good=100, ideal_cycle_time=60)
	assert r.adet == 40 and r.idle_time == 120 and r.availability == pytest.approx(28680 / 28800)
	# A setup that is a micro stop is a small stop.
	r = both(window(), [(at(6), at(6, 0, 10), S, True), (at(6, 0, 10), at(14), R, False)])
	assert r.asut == 0 and r.adet == 10


def test_quality_losses_split_startup_and_production():
	r = both(
		window(),
		[(at(6), at(14), R, False)],
		produced=1000,
		good=940,
		scrap=40,
		rework=20,
		scrap_startup=10,
		ideal_cycle_time=20,
	)
	assert r.loss_startup_rejects == 200 and r.loss_production_rejects == 20 * 50
	assert r.first_pass_yield == pytest.approx(0.94) and r.rework_ratio == pytest.approx(0.02)
	assert r.fully_productive_time + r.loss_startup_rejects + r.loss_production_rejects == r.ideal_time


@pytest.mark.parametrize(
	"kwargs, intervals, code",
	[
		({"produced": 10, "good": 11, "ideal_cycle_time": 1}, None, "good_exceeds_produced"),
		(
			{"produced": 10, "good": 8, "scrap": 3, "ideal_cycle_time": 1},
			None,
			"good_and_scrap_exceed_produced",
		),
		(
			{"produced": 10, "good": 8, "scrap": 2, "scrap_startup": 3, "ideal_cycle_time": 1},
			None,
			"startup_scrap_exceeds_scrap",
		),
		({"produced": -1, "ideal_cycle_time": 1}, None, "negative_quantity"),
		({"produced": 1, "good": 1, "ideal_cycle_time": -5}, None, "negative_quantity"),
		({"produced": 10, "good": 10}, None, "missing_ideal_cycle_time"),
		({"produced": 10, "good": 10, "ideal_cycle_time": 0}, None, "missing_ideal_cycle_time"),
		({}, [(at(6), at(14), R, False), (at(2), at(3), D, False)], "intervals_outside_window"),
		({}, [(at(6), at(14), R, False), (at(9), at(8), D, False)], "reversed_intervals"),
		(
			{"produced": 5, "good": 5, "ideal_cycle_time": 1},
			[(at(6), at(14), D, False)],
			"produced_without_running",
		),
		({}, [], "unaccounted_time"),
	],
)
def test_flags(kwargs, intervals, code):
	if intervals is None:
		intervals = [(at(6), at(14), R, False)]
	r = both(window(), intervals, **kwargs)
	assert code in r.flags
	assert len(r.messages) == len(r.flags) and all(r.messages)
	assert set(r.flags) <= set(FLAGS)


def test_no_planned_time():
	r = both(window(breaks=[(at(6), at(10))], planned=[(at(10), at(14))]), [(at(6), at(14), R, False)])
	assert r.pbt == 0 and r.availability is None and r.oee is None and r.teep is None
	assert r.flags == ["no_planned_time"]
	r = both(window(end=at(6)), [])
	assert r.shift_time == 0 and "no_planned_time" in r.flags


def test_ratios_above_one_are_not_hidden_nor_undefined_ratios_invented():
	r = compute_window(window(), [(at(6), at(14), R, False)], produced=10, good=20, ideal_cycle_time=1)
	assert r.quality == 2.0 and "good_exceeds_produced" in r.flags


def test_manual_data():
	logs = [(at(6), at(10)), (at(8), at(12))]  # two operators, overlapping logs
	entries = [
		(at(9), at(9, 30), False, "Breakdown"),
		(at(12), at(12, 30), False, "setup"),
		(at(13), at(14), True, "Maintenance"),
	]
	r = compute_window(window(), downtime_entries=entries, time_logs=logs, produced=0)
	assert r.machine_data is False
	assert r.pbt == 25200 and r.planned_downtime == 3600
	assert r.running_time == 6 * 3600 - 1800 and r.down_time == 1800 and r.asut == 1800
	assert r.unaccounted_time == 1800 and r.overlap_time == 0
	assert r.flags == []  # unaccounted time is normal without machine data
	intervals, planned = manual_intervals(entries, logs)
	assert planned == [(at(13), at(14), "Maintenance")]
	assert intervals == [
		(at(6), at(9), R, False),
		(at(9), at(9, 30), D, False),
		(at(9, 30), at(12), R, False),
		(at(12), at(12, 30), S, False),
	]
	# The bulk path gives the same with the converted data.
	w, i, x = pack([window()], [intervals], planned=[planned], machine_data=[False])
	assert_same(to_records(compute_many(w, i, x), [window()])[0], r)


def test_machine_data_ignores_manual_unplanned_entries_and_logs():
	r = compute_window(
		window(),
		[(at(6), at(14), R, False)],
		downtime_entries=[(at(9), at(10), False, "Breakdown")],
		time_logs=[(at(6), at(7))],
	)
	assert r.running_time == 28800 and r.adot == 0


def test_accepts_machine_state_intervals_and_epoch_seconds():
	t0 = 1_700_000_000.0
	win = {"start": t0, "end": t0 + 3600, "breaks": [(t0 + 600, t0 + 900)]}
	ivs = [Interval(R, t0, t0 + 1800, False, False), Interval(D, t0 + 1800, t0 + 3600, False, True)]
	r = compute_window(win, ivs)
	assert r.pbt == 3300 and r.running_time == 1500 and r.down_time == 1800


def test_calendar_time_and_teep():
	r = compute_window(
		window(),
		[(at(6), at(14), R, False)],
		produced=1440,
		good=1440,
		ideal_cycle_time=20,
		calendar_time=86400,
	)
	assert r.oee == 1 and r.loading == pytest.approx(1 / 3) and r.teep == pytest.approx(1 / 3)


def test_rejects_bad_input():
	with pytest.raises(ValueError, match="unknown machine state"):
		compute_window(window(), [(at(6), at(7), "Running fast", False)])
	with pytest.raises(ValueError, match="must be a number"):
		compute_window(window(), [], produced="ten")
	with pytest.raises(ValueError, match="before it starts"):
		compute_window(window(start=at(14), end=at(6)), [])


# -- several windows at once ----------------------------------------------------------------------------


def test_compute_windows_gives_each_window_its_own_record():
	early = window()
	late = window(start=at(14), end=at(22), shift="Late")
	night = window(start=at(22), end=at(6, day=1), shift="Night")
	items = [
		{
			"window": early,
			"intervals": [(at(6), at(14), R, False)],
			"produced": 1440,
			"good": 1440,
			"ideal_cycle_time": 20,
		},
		{  # no machine data: the time logs and downtime entries
			"window": late,
			"downtime_entries": [(at(18), at(19), False, "Setup"), (at(21), at(22), True, "PM")],
			"time_logs": [(at(14), at(21))],
			"produced": 360,
			"good": 180,
			"ideal_cycle_time": 40,
		},
		{"window": night, "intervals": [], "calendar_time": 86400},
	]
	records = compute_windows(items, setup_categories=("Setup",))
	assert [r.shift for r in records] == ["Early", "Late", "Night"]
	assert records[0].oee == 1 and records[0].machine_data
	assert not records[1].machine_data and records[1].asut == 3600 and records[1].planned_downtime == 3600
	assert records[2].unaccounted_time == 28800 and records[2].calendar_time == 86400
	for item, record in zip(items, records, strict=True):
		kwargs = {k: v for k, v in item.items() if k != "window"}
		kwargs.setdefault("intervals", None)
		intervals = kwargs.pop("intervals")
		assert_same(
			record, reference_window(item["window"], intervals, setup_categories=("Setup",), **kwargs)
		)
		assert_same(record, compute_window(item["window"], intervals, setup_categories=("Setup",), **kwargs))
	assert compute_windows([]) == []


# -- assign ---------------------------------------------------------------------------------------------


def test_assign_pairs_intervals_with_the_windows_they_overlap():
	ws = np.array([0, 100, 200, 0, 150], dtype=float)
	we = np.array([100, 200, 300, 100, 250], dtype=float)
	wk = np.array([1, 1, 1, 2, 2])
	s = np.array([50, 100, 290, 20, 120, 300, 10], dtype=float)
	e = np.array([150, 100, 400, 90, 160, 350, 20], dtype=float)
	k = np.array([1, 1, 1, 2, 2, 2, 3])
	iv, w = assign(ws, we, wk, s, e, k)
	assert sorted(zip(iv.tolist(), w.tolist(), strict=True)) == [(0, 0), (0, 1), (2, 2), (3, 3), (4, 4)]


# -- properties -----------------------------------------------------------------------------------------

T0 = 1_700_000_000.0
STATES = [R, I, D, S, O]


@st.composite
def windows_with_data(draw, contiguous=False):
	length = draw(st.integers(min_value=0, max_value=20000))
	start = T0 + draw(st.integers(min_value=0, max_value=10**6))
	end = start + length

	def spans(n_max, lo, hi):
		out = []
		for _ in range(draw(st.integers(0, n_max))):
			a = draw(st.integers(lo, hi))
			b = draw(st.integers(lo, hi))
			out.append((min(a, b), max(a, b)))
		return out

	breaks = [(start + a, start + b) for a, b in spans(2, 0, length)]
	planned = [(start + a, start + b, "PM") for a, b in spans(2, 0, length)]
	if contiguous:
		cuts = sorted(draw(st.lists(st.integers(-3000, length + 3000), min_size=2, max_size=30)))
		intervals = [
			(start + a, start + b, draw(st.sampled_from(STATES)), draw(st.booleans()))
			for a, b in pairwise(cuts)
		]
	else:
		intervals = []
		for _ in range(draw(st.integers(0, 25))):
			a = draw(st.integers(-3000, length + 3000))
			d = draw(st.integers(-50, 6000))
			intervals.append((start + a, start + a + d, draw(st.sampled_from(STATES)), draw(st.booleans())))
	pq = draw(st.integers(0, 2000))
	good = draw(st.integers(0, pq))
	scrap = draw(st.integers(0, pq - good))
	production = {
		"produced": pq,
		"good": good,
		"scrap": scrap,
		"rework": draw(st.integers(0, pq - good - scrap)),
		"scrap_startup": draw(st.integers(0, scrap)),
		"ideal_cycle_time": draw(st.one_of(st.none(), st.floats(0.5, 30))),
	}
	win = {"start": start, "end": end, "breaks": breaks, "planned_downtime": planned}
	return win, intervals, production


@settings(max_examples=300, deadline=None)
@given(windows_with_data(), st.sampled_from([0.0, 100.0, 1000.0]))
def test_time_model_adds_up(data, downtime_seconds):
	win, intervals, production = data
	r = compute_window(win, intervals, downtime_seconds=downtime_seconds, **production)
	for name in ("running_time", "adet", "asut", "idle_time", "down_time", "pbt", "overlap_time"):
		assert getattr(r, name) >= 0, name
	assert r.unaccounted_time >= -1e-6
	assert r.running_time + r.adet + r.asut + r.adot + r.unaccounted_time == pytest.approx(r.pbt, abs=1e-6)
	assert r.apt + r.asut + r.adot + r.unaccounted_time == pytest.approx(r.pbt, abs=1e-6)
	assert r.pbt + r.planned_downtime + r.break_time == pytest.approx(r.shift_time)
	if r.availability is not None:
		assert 0 <= r.availability <= 1 + 1e-12  # overlaps are counted once
	if None not in (r.availability, r.performance, r.quality):
		assert r.oee == pytest.approx(r.availability * r.performance * r.quality)
		assert r.nee == pytest.approx(r.aupt / r.pbt * r.performance * r.quality)
		assert r.teep == pytest.approx(r.oee * r.pbt / r.calendar_time)
	if r.ideal_time is not None and r.running_time >= r.ideal_time:
		losses = (
			r.loss_breakdowns
			+ r.loss_setup
			+ r.loss_small_stops
			+ r.loss_reduced_speed
			+ r.loss_startup_rejects
			+ r.loss_production_rejects
		)
		assert r.fully_productive_time + losses + r.unaccounted_time == pytest.approx(r.pbt, abs=1e-6)
	assert len(r.flags) == len(r.messages)


@settings(max_examples=200, deadline=None)
@given(windows_with_data(contiguous=True))
def test_consistent_intervals_give_availability_in_range(data):
	win, intervals, production = data
	r = compute_window(win, intervals, **production)
	assert r.overlap_time == 0 and "overlapping_intervals" not in r.flags
	if r.availability is not None:
		assert 0 <= r.availability <= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(windows_with_data(), min_size=1, max_size=6), st.sampled_from([0.0, 300.0]))
def test_the_engine_equals_the_reference_sweep(batch, downtime_seconds):
	wins = [w for w, _, _ in batch]
	reference = [
		reference_window(w, ivs, downtime_seconds=downtime_seconds, **prod) for w, ivs, prod in batch
	]
	bulk = via_many(
		wins, [ivs for _, ivs, _ in batch], [p for _, _, p in batch], downtime_seconds=downtime_seconds
	)
	together = compute_windows(
		[{"window": w, "intervals": ivs, **prod} for w, ivs, prod in batch], downtime_seconds=downtime_seconds
	)
	assert len(bulk) == len(together) == len(reference)
	for a, b, c in zip(reference, bulk, together, strict=True):
		assert_same(a, b)
		assert_same(a, c)


def stored(r: OEERecord) -> dict:
	"""A record as the OEE Record keeps it: times in minutes, OEE in percent."""
	return {
		"pbt": r.pbt / 60,
		"apt": r.apt / 60,
		"oee": None if r.oee is None else r.oee * 100,
		"produced": r.produced,
		"good": r.good,
		"ideal_cycle_time": r.ideal_cycle_time,
		"calendar_time": r.calendar_time / 60,
	}


@settings(max_examples=150, deadline=None)
@given(windows_with_data(), st.floats(0, 1), st.floats(0, 1))
def test_rollup_of_a_split_equals_the_whole(data, cut_at, share):
	win, intervals, production = data
	pru = production["ideal_cycle_time"] or 10.0
	cut = win["start"] + round((win["end"] - win["start"]) * cut_at)
	halves = [dict(win, end=cut), dict(win, start=cut)]
	# Units are made while the machine runs: a half without production time gets none (its stored OEE
	# would be 0 whatever it made, as A is 0), and without production time in either half nothing is made.
	running = [compute_window(h, intervals).apt > 0 for h in halves]
	shares = [share, 1 - share] if all(running) else [float(r) for r in running]
	parts = [{}, {}]
	for name in ("produced", "good", "scrap", "rework", "scrap_startup"):
		parts[0][name] = math.floor(production[name] * shares[0])
		parts[1][name] = (
			math.floor(production[name] * shares[1])
			if not all(running)
			else production[name] - parts[0][name]
		)
	total = {name: parts[0][name] + parts[1][name] for name in parts[0]}
	whole = compute_window(win, intervals, ideal_cycle_time=pru, **total)
	records = [
		compute_window(h, intervals, ideal_cycle_time=pru, **p) for h, p in zip(halves, parts, strict=True)
	]
	split, one = rollup([stored(r) for r in records]), rollup([stored(whole)])
	for key in ("oee", "availability", "performance", "quality", "teep", "produced", "good", "pbt"):
		if one[key] is None or split[key] is None:
			assert one[key] == split[key], key
		else:
			assert split[key] == pytest.approx(one[key], abs=0.11), key  # one decimal each


@settings(max_examples=100, deadline=None)
@given(
	st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5000), st.integers(1, 3000)), max_size=20),
	st.lists(st.tuples(st.integers(0, 4), st.integers(-1000, 30000), st.integers(0, 8000)), max_size=40),
)
def test_assign_matches_brute_force(win_specs, iv_specs):
	# Non-overlapping windows per key: lay each key's windows end to end with gaps.
	ws, we, wk = [], [], []
	cursor = {}
	for key, gap, length in win_specs:
		begin = cursor.get(key, 0) + gap
		ws.append(T0 + begin)
		we.append(T0 + begin + length)
		wk.append(key)
		cursor[key] = begin + length
	s = [T0 + a for _, a, _ in iv_specs]
	e = [T0 + a + d for _, a, d in iv_specs]
	k = [key for key, _, _ in iv_specs]
	iv, w = assign(ws, we, wk, s, e, k)
	expected = sorted(
		(i, j)
		for i in range(len(s))
		for j in range(len(ws))
		if k[i] == wk[j] and s[i] < we[j] and e[i] > ws[j]
	)
	assert sorted(zip(iv.tolist(), w.tolist(), strict=True)) == expected


def test_compute_many_on_assigned_intervals_equals_the_reference_per_window():
	patterns = [
		{"name": "A", "start": "06:00", "end": "14:00", "breaks": [{"start": "10:00", "end": "10:30"}]},
		{"name": "B", "start": "14:00", "end": "22:00"},
		{
			"name": "C",
			"start": "22:00",
			"end": "06:00",
			"planned_downtime": [{"start": "02:00", "end": "03:00"}],
		},
	]
	wins = expand(patterns, DAY, DAY + timedelta(days=1))
	rng = np.random.default_rng(7)
	t = oee.to_seconds(at(5))
	timeline = []
	while t < oee.to_seconds(at(8, day=2)):
		d = float(rng.integers(10, 3000))
		timeline.append((t, t + d, STATES[rng.integers(0, len(STATES))], bool(d < 60)))
		t += d
	w_arrays, _, x_arrays = pack(wins, [[] for _ in wins])
	iv_index, w_index = assign(
		w_arrays["start"],
		w_arrays["end"],
		np.zeros(len(wins), dtype=int),
		[iv[0] for iv in timeline],
		[iv[1] for iv in timeline],
		np.zeros(len(timeline), dtype=int),
	)
	intervals = {
		"window": w_index,
		"start": np.array([timeline[i][0] for i in iv_index]),
		"end": np.array([timeline[i][1] for i in iv_index]),
		"state": np.array([oee.STATE_CODES[timeline[i][2]] for i in iv_index]),
		"micro_stop": np.array([timeline[i][3] for i in iv_index]),
	}
	bulk = to_records(compute_many(w_arrays, intervals, x_arrays), wins)
	for j, win in enumerate(wins):
		mine = [
			iv for iv in timeline if iv[0] < oee.to_seconds(win.end) and iv[1] > oee.to_seconds(win.start)
		]
		assert_same(reference_window(win, mine), bulk[j])
		assert bulk[j].unaccounted_time == 0 and bulk[j].flags == []


# ---------------------------------------------------------------------------------------- rollup of stored records
def test_rollup_weights_by_time_not_by_record():
	long_shift = {
		"pbt": 420,
		"apt": 300,
		"oee": 60,
		"produced": 100,
		"good": 90,
		"ideal_cycle_time": 120,
		"calendar_time": 480,
	}
	short_shift = {
		"pbt": 60,
		"apt": 0,
		"oee": 0,
		"produced": 0,
		"good": 0,
		"ideal_cycle_time": 120,
		"calendar_time": 60,
	}
	r = rollup([long_shift, short_shift])
	assert r["oee"] == 52.5  # 0.6 x 420 / 480, where the average of 60 and 0 would say 30
	assert r["availability"] == 62.5  # 300 / 480
	assert r["performance"] == 66.7  # 100 x 2 min / 300 min
	assert r["quality"] == 90.0
	assert r["teep"] == round(252 / 540 * 100, 1)
	assert (r["produced"], r["good"], r["pbt"]) == (100, 90, 480)


def test_rollup_of_nothing_and_of_missing_figures():
	empty = rollup([])
	assert empty["oee"] is None and empty["quality"] is None and empty["pbt"] == 0
	r = rollup([{"pbt": 100, "oee": None, "apt": "", "produced": None}])
	assert r["oee"] == 0.0 and r["availability"] == 0.0
	assert r["performance"] is None and r["quality"] is None  # no run time, nothing produced
