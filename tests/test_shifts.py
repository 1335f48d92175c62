from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.shifts import ShiftError, Window, expand, until, validate, working_hours_pattern

MON = date(2024, 1, 1)  # a Monday
WEEKDAYS = {0, 1, 2, 3, 4}


def early(**extra):
	return {
		"name": "Early",
		"start": "06:00",
		"end": "14:00",
		"breaks": [{"start": "10:00", "end": "10:30"}],
		"weekdays": WEEKDAYS,
		**extra,
	}


def night(**extra):
	return {
		"name": "Night",
		"start": "22:00",
		"end": "06:00",
		"breaks": [{"start": "23:45", "end": "00:15"}],
		"planned_downtime": [{"start": "05:30", "end": "06:00", "reason": "Cleaning"}],
		"weekdays": WEEKDAYS,
		**extra,
	}


def test_day_shift():
	[w] = expand([early()], MON, MON)
	assert w == Window(
		shift="Early",
		day=MON,
		start=datetime(2024, 1, 1, 6),
		end=datetime(2024, 1, 1, 14),
		breaks=[(datetime(2024, 1, 1, 10), datetime(2024, 1, 1, 10, 30))],
		planned_downtime=[],
	)
	assert w.seconds == 8 * 3600


def test_night_shift_crosses_midnight_and_belongs_to_its_start_day():
	[w] = expand([night()], MON, MON)
	assert w.day == MON
	assert w.start == datetime(2024, 1, 1, 22)
	assert w.end == datetime(2024, 1, 2, 6)
	# The break crosses midnight too.
	assert w.breaks == [(datetime(2024, 1, 1, 23, 45), datetime(2024, 1, 2, 0, 15))]
	assert w.planned_downtime == [(datetime(2024, 1, 2, 5, 30), datetime(2024, 1, 2, 6), "Cleaning")]


def test_weekdays_and_sorting():
	windows = expand([night(), early()], MON, MON + timedelta(days=6))
	assert [(w.day.weekday(), w.shift) for w in windows] == [
		(d, s) for d in range(5) for s in ("Early", "Night")
	]
	assert all(a.start < b.start for a, b in pairwise(windows))


def test_all_days_when_weekdays_missing():
	pattern = early()
	del pattern["weekdays"]
	assert len(expand([pattern], MON, MON + timedelta(days=6))) == 7


def test_holiday_skips_the_shift_starting_on_it_only():
	# Tuesday is a holiday: Monday's night shift still runs into it; nothing starts on Tuesday.
	windows = expand([early(), night()], MON, MON + timedelta(days=2), holidays={MON + timedelta(days=1)})
	assert [(w.day, w.shift) for w in windows] == [
		(MON, "Early"),
		(MON, "Night"),
		(MON + timedelta(days=2), "Early"),
		(MON + timedelta(days=2), "Night"),
	]
	assert windows[1].end == datetime(2024, 1, 2, 6)


def test_time_formats():
	pattern = {
		"name": "X",
		"start": time(7, 30),
		"end": timedelta(hours=15, minutes=30),  # what Frappe returns for a Time field
		"breaks": [{"start": "12:00:00", "end": "12:30"}],
	}
	[w] = expand([pattern], MON, MON)
	assert (w.start, w.end) == (datetime(2024, 1, 1, 7, 30), datetime(2024, 1, 1, 15, 30))
	assert w.breaks == [(datetime(2024, 1, 1, 12), datetime(2024, 1, 1, 12, 30))]
	# "24:00" as an end means midnight.
	[w] = expand([{"name": "Late", "start": "16:00", "end": "24:00"}], MON, MON)
	assert w.end == datetime(2024, 1, 2)


def test_three_shifts_fill_the_day_without_overlap():
	patterns = [
		{"name": "A", "start": "06:00", "end": "14:00"},
		{"name": "B", "start": "14:00", "end": "22:00"},
		{"name": "C", "start": "22:00", "end": "06:00"},
	]
	windows = expand(patterns, MON, MON + timedelta(days=6))
	assert len(windows) == 21
	assert all(a.end == b.start for a, b in pairwise(windows))


def test_workstations_are_independent():
	patterns = [early(workstation="Press 1"), early(workstation="Press 2")]
	windows = expand(patterns, MON, MON)
	assert [w.workstation for w in windows] == ["Press 1", "Press 2"]


@pytest.mark.parametrize(
	"patterns, fragment",
	[
		([{"name": "Z", "start": "08:00", "end": "08:00"}], "has no length"),
		(
			[early(breaks=[{"start": "13:30", "end": "14:30"}])],
			"break 13:30-14:30 lies outside shift 'Early'",
		),
		([early(breaks=[{"start": "05:00", "end": "05:30"}])], "lies outside shift 'Early' (06:00-14:00)"),
		([night(breaks=[{"start": "06:00", "end": "06:30"}])], "lies outside shift 'Night'"),
		(
			[early(planned_downtime=[{"start": "13:00", "end": "15:00", "reason": "PM"}])],
			"planned downtime 13:00-15:00 lies outside",
		),
		([early(breaks=[{"start": "10:00", "end": "10:00"}])], "has no length"),
		(
			[early(breaks=[{"start": "10:00", "end": "10:30"}, {"start": "10:15", "end": "10:45"}])],
			"breaks 10:00-10:30 and 10:15-10:45 of shift 'Early' overlap",
		),
		(
			[early(), {"name": "Mid", "start": "13:00", "end": "21:00", "weekdays": {0}}],
			"shifts 'Early' (Mon 06:00-14:00) and 'Mid' (Mon 13:00-21:00) overlap",
		),
		(
			# Monday's night shift runs into Tuesday's early shift.
			[early(start="05:00"), night()],
			"shifts 'Night' (Mon 22:00-06:00) and 'Early' (Tue 05:00-14:00) overlap",
		),
		(
			# Sunday's night shift runs into Monday morning (the week wraps around).
			[early(start="05:00", weekdays={0}), night(weekdays={6})],
			"'Early' (Mon 05:00-14:00)",
		),
		([early(), early()], "defined twice"),
		([early(start="6 am")], "is not a time of day"),
		([early(end="25:00")], "is not a time of day"),
		([early(weekdays={7})], "weekday 7 is not a number from 0"),
		([{"start": "06:00", "end": "14:00"}], "has no name"),
	],
)
def test_invalid_patterns(patterns, fragment):
	with pytest.raises(ShiftError) as exc:
		expand(patterns, MON, MON)
	assert fragment in str(exc.value)
	assert isinstance(exc.value, ValueError)


def test_same_times_on_different_workstations_do_not_overlap():
	validate([early(workstation="A"), early(workstation="B")])


def test_reversed_range():
	with pytest.raises(ShiftError, match="ends"):
		expand([early()], MON, MON - timedelta(days=1))


minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


def hhmm(m: int) -> str:
	return f"{m // 60:02d}:{m % 60:02d}"


@settings(max_examples=200, deadline=None)
@given(
	st.lists(st.tuples(minutes, st.integers(min_value=1, max_value=24 * 60 - 1)), min_size=1, max_size=4),
	st.sets(st.integers(0, 6), min_size=1),
	st.integers(min_value=1, max_value=20),
)
def test_valid_patterns_expand_to_disjoint_windows(shapes, weekdays, days):
	patterns = [
		{"name": f"S{i}", "start": hhmm(s), "end": hhmm((s + d) % 1440), "weekdays": weekdays}
		for i, (s, d) in enumerate(shapes)
	]
	try:
		validate(patterns)
	except ShiftError:
		return
	windows = expand(patterns, MON, MON + timedelta(days=days - 1))
	for w in windows:
		assert w.start.date() == w.day
		assert timedelta(0) < w.end - w.start < timedelta(days=1)
		assert w.day.weekday() in weekdays
	for a, b in pairwise(windows):
		assert a.end <= b.start


# -- a workstation without shift patterns: its working hours ---------------------------------------------


def test_working_hours_make_one_shift_with_the_gaps_as_breaks():
	rows = [
		{"start_time": timedelta(hours=13), "end_time": timedelta(hours=17)},
		{"start_time": timedelta(hours=8), "end_time": timedelta(hours=12)},
		{"start_time": timedelta(hours=17), "end_time": timedelta(hours=18)},  # no gap: no break
		{"start_time": None, "end_time": timedelta(hours=20)},
		{"start_time": timedelta(hours=21), "end_time": timedelta(hours=19)},  # ends before it starts
	]
	pattern = working_hours_pattern(rows, "Working Hours", "Press 1")
	assert pattern == {
		"name": "Working Hours",
		"start": timedelta(hours=8),
		"end": timedelta(hours=18),
		"breaks": [{"start": timedelta(hours=12), "end": timedelta(hours=13)}],
		"workstation": "Press 1",
	}
	[w] = expand([pattern], MON, MON)
	assert (w.start, w.end, w.breaks) == (
		datetime(2024, 1, 1, 8),
		datetime(2024, 1, 1, 18),
		[(datetime(2024, 1, 1, 12), datetime(2024, 1, 1, 13))],
	)
	assert working_hours_pattern([{"start_time": None, "end_time": None}], "Working Hours") is None
	assert working_hours_pattern([], "Working Hours") is None


def test_a_shift_in_progress_counts_until_now():
	[w] = expand([early(planned_downtime=[{"start": "12:00", "end": "13:00", "reason": "PM"}])], MON, MON)
	assert until(w, datetime(2024, 1, 1, 6)) is None  # not begun
	part = until(w, datetime(2024, 1, 1, 10, 15))
	assert (part["start"], part["end"]) == (datetime(2024, 1, 1, 6), datetime(2024, 1, 1, 10, 15))
	assert part["breaks"] == [(datetime(2024, 1, 1, 10), datetime(2024, 1, 1, 10, 15))]
	assert part["planned_downtime"] == []  # the planned downtime has not begun either
	whole = until(w, datetime(2024, 1, 2))
	assert whole["end"] == w.end
	assert whole["planned_downtime"] == [(datetime(2024, 1, 1, 12), datetime(2024, 1, 1, 13), "PM")]
	assert (whole["workstation"], whole["shift"], whole["day"]) == (None, "Early", MON)
