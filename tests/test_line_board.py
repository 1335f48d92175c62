"""The boards' periods and the line board's plan: target vs actual, shift and hour by hour."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.line_board import (
	ENDED,
	RUNNING,
	UPCOMING,
	Slot,
	actual_by_slot,
	current_window,
	day_windows,
	hour_slots,
	period_oee,
	plan,
	shift_board,
	target_until,
	whole,
)
from mom_app.engine.oee import OEERecord
from mom_app.engine.shifts import expand

MON = date(2024, 1, 1)


def at(h, m=0, day=MON):
	return datetime(day.year, day.month, day.day) + timedelta(hours=h, minutes=m)


DAY = {"name": "Day", "start": "08:00", "end": "17:00", "breaks": [{"start": "12:00", "end": "13:00"}]}
EVENING = {"name": "Evening", "start": "18:00", "end": "22:00"}
NIGHT = {"name": "Night", "start": "22:00", "end": "06:00"}


# -- periods --------------------------------------------------------------------------------------------


def test_current_window_running_ended_upcoming():
	windows = expand([DAY, EVENING], MON, MON + timedelta(days=1))
	w, how = current_window(windows, at(10))
	assert (w.shift, w.day, how) == ("Day", MON, RUNNING)
	# between the shifts: the day shift's results stay up
	w, how = current_window(windows, at(17, 30))
	assert (w.shift, how) == ("Day", ENDED)
	w, how = current_window(windows, at(18))
	assert (w.shift, how) == ("Evening", RUNNING)
	# after the last shift of Monday, before Tuesday's first: Monday's evening shift
	w, how = current_window(windows, at(23))
	assert (w.shift, w.day, how) == ("Evening", MON, ENDED)
	# before anything started: the next one
	w, how = current_window(windows, at(7))
	assert (w.shift, w.day, how) == ("Day", MON, UPCOMING)
	assert current_window([], at(7)) == (None, None)


def test_current_window_at_the_edges():
	windows = expand([DAY, EVENING], MON, MON)
	assert current_window(windows, at(8))[1] == RUNNING  # a shift starts at its start
	w, how = current_window(windows, at(17))  # and is over at its end
	assert (w.shift, how) == ("Day", ENDED)


def test_night_shift_belongs_to_the_day_it_starts():
	windows = expand([DAY, NIGHT], MON - timedelta(days=1), MON)
	w, how = current_window(windows, at(3))  # Monday 03:00: Sunday's night shift
	assert (w.shift, w.day, how) == ("Night", MON - timedelta(days=1), RUNNING)
	assert [x.shift for x in day_windows(windows, MON)] == ["Day", "Night"]
	assert [x.shift for x in day_windows(windows, MON - timedelta(days=1))] == ["Day", "Night"]


def test_current_window_takes_mappings():
	w = {"start": at(8), "end": at(17), "day": MON}
	assert current_window([w], at(9)) == (w, RUNNING)


def record(**values):
	return OEERecord(**values)


def test_period_oee_is_the_oee_of_the_summed_times_not_an_average():
	# shift 1: 8 h planned, OEE 50 %; shift 2: 2 h planned, OEE 100 %. The average would say 75 %.
	a = record(
		pbt=8 * 3600,
		apt=6 * 3600,
		calendar_time=9 * 3600,
		produced=240,
		good=240,
		ideal_cycle_time=60,
		oee=0.5,
	)
	b = record(
		pbt=2 * 3600,
		apt=2 * 3600,
		calendar_time=2 * 3600,
		produced=120,
		good=120,
		ideal_cycle_time=60,
		oee=1.0,
	)
	out = period_oee([a, b])
	assert out["oee"] == 60.0  # (0.5 x 8 + 1 x 2) / 10
	assert out["availability"] == 80.0
	assert out["performance"] == 75.0  # 360 units x 1 min / 480 min running
	assert out["quality"] == 100.0
	assert out["records"] == 2


def test_period_oee_of_one_record_is_its_own():
	r = record(pbt=3600, apt=3000, produced=40, good=38, ideal_cycle_time=60, oee=0.6333, calendar_time=3600)
	out = period_oee([r])
	assert out["oee"] == 63.3
	assert out["availability"] == 83.3
	assert out["quality"] == 95.0


def test_period_oee_without_records_or_planned_time_is_none():
	out = period_oee([])
	assert out["oee"] is None and out["availability"] is None and out["records"] == 0
	assert out["losses"]["loss_breakdowns"] == 0
	out = period_oee([record(pbt=0, oee=None)])
	assert out["oee"] is None


def test_period_oee_losses_in_minutes():
	out = period_oee(
		[
			record(pbt=3600, loss_breakdowns=600, loss_setup=120, loss_reduced_speed=None),
			record(pbt=3600, loss_breakdowns=300, loss_reduced_speed=90),
		]
	)
	assert out["losses"]["loss_breakdowns"] == 15.0
	assert out["losses"]["loss_setup"] == 2.0
	assert out["losses"]["loss_reduced_speed"] == 1.5


# -- slots ----------------------------------------------------------------------------------------------


def test_hour_slots_cut_at_clock_hours_and_the_shift_edges():
	slots = hour_slots(at(7, 30), at(10, 15))
	assert [(s.start, s.end) for s in slots] == [
		(at(7, 30), at(8)),
		(at(8), at(9)),
		(at(9), at(10)),
		(at(10), at(10, 15)),
	]
	assert [s.available for s in slots] == [1800, 3600, 3600, 900]
	assert hour_slots(at(9), at(9)) == []


def test_breaks_and_planned_downtime_are_not_available():
	[w] = expand([DAY], MON, MON)
	slots = hour_slots(w.start, w.end, w.breaks, w.planned_downtime)
	assert len(slots) == 9
	assert slots[4].start == at(12) and slots[4].available == 0
	assert sum(s.available for s in slots) == 8 * 3600
	# a break and a planned downtime that overlap count once; one across an hour is split
	slots = hour_slots(at(8), at(11), [(at(9, 50), at(10, 10))], [(at(10), at(10, 20), "Cleaning")])
	assert [s.available for s in slots] == [3600, 3000, 2400]


def test_night_shift_slots_run_over_midnight():
	[w] = [x for x in expand([NIGHT], MON, MON) if x.day == MON]
	slots = hour_slots(w.start, w.end)
	assert len(slots) == 8
	assert slots[2].start == datetime(2024, 1, 2, 0, 0)


def test_available_until():
	slot = Slot(at(12), at(13), ((at(12, 15), at(12, 30)),))
	assert slot.available_until(at(12, 10)) == 600
	assert slot.available_until(at(12, 20)) == 900  # the break does not count
	assert slot.available_until(at(12, 40)) == 1500
	assert slot.available_until(at(11)) == 0
	assert slot.available_until(at(14)) == 2700


# -- plan -----------------------------------------------------------------------------------------------


def test_plan_fills_the_hours_with_the_jobs_in_order():
	slots = hour_slots(at(8), at(11))
	# 10 units at 6 min, then 50 units at 3 min: the first job ends at 09:00, the second fills the rest
	out = plan(
		slots,
		[
			{"job": "JC-1", "quantity": 10, "cycle_seconds": 360},
			{"job": "JC-2", "quantity": 50, "cycle_seconds": 180},
		],
	)
	assert out["slots"] == pytest.approx([10, 20, 20])
	assert [(j["job"], j["planned"]) for j in out["jobs"]] == [("JC-1", 10), ("JC-2", 40)]
	assert out["spare"] == pytest.approx(0)


def test_plan_switches_job_inside_an_hour():
	slots = hour_slots(at(8), at(10))
	out = plan(
		slots,
		[
			{"job": "A", "quantity": 5, "cycle_seconds": 360},
			{"job": "B", "quantity": 100, "cycle_seconds": 60},
		],
	)
	# A takes 30 min of the first hour (5 units), B the other 30 min (30 units), then 60 in the second hour
	assert out["slots"] == pytest.approx([35, 60])


def test_plan_stops_when_the_jobs_are_done():
	slots = hour_slots(at(8), at(12))
	out = plan(slots, [{"job": "A", "quantity": 15, "cycle_seconds": 360}])
	assert out["slots"] == pytest.approx([10, 5, 0, 0])
	assert out["spare"] == pytest.approx(30 * 60 + 2 * 3600)


def test_plan_skips_jobs_it_cannot_plan_and_says_so():
	slots = hour_slots(at(8), at(9))
	out = plan(
		slots,
		[
			{"job": "no-time", "quantity": 10, "cycle_seconds": None},
			{"job": "done", "quantity": 0, "cycle_seconds": 60},
			{"job": "ok", "quantity": 10, "cycle_seconds": 60},
		],
	)
	assert out["unplanned"] == ["no-time"]
	assert out["slots"] == pytest.approx([10])
	assert [j["job"] for j in out["jobs"]] == ["ok"]


def test_plan_without_jobs_is_zero():
	slots = hour_slots(at(8), at(10))
	assert plan(slots, [])["slots"] == [0, 0]


def test_plan_respects_breaks():
	[w] = expand([DAY], MON, MON)
	slots = hour_slots(w.start, w.end, w.breaks)
	out = plan(slots, [{"job": "A", "quantity": 1000, "cycle_seconds": 120}])
	assert out["slots"][4] == 0  # lunch
	assert sum(out["slots"]) == pytest.approx(8 * 30)


def test_whole_units_add_up_to_the_floor_of_the_total():
	assert whole([7.5, 7.5, 7.5, 7.5]) == [7, 8, 7, 8]
	assert whole([0.4, 0.4, 0.4]) == [0, 0, 1]
	assert whole([10.0, 10.0]) == [10, 10]  # exact values are not floored down by float noise
	assert whole([]) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), max_size=24))
def test_whole_never_promises_more_than_planned(values):
	out = whole(values)
	assert all(x >= 0 for x in out)
	running = 0.0
	total = 0
	for v, w in zip(values, out, strict=True):
		running += v
		total += w
		assert total <= running + 1e-6
		assert total > running - 1 - 1e-6


def test_target_until_counts_the_elapsed_available_time():
	[w] = expand([DAY], MON, MON)
	slots = hour_slots(w.start, w.end, w.breaks)
	planned = plan(slots, [{"job": "A", "quantity": 1000, "cycle_seconds": 120}])["slots"]
	assert target_until(slots, planned, at(7)) == 0
	assert target_until(slots, planned, at(8, 30)) == pytest.approx(15)
	assert target_until(slots, planned, at(12, 30)) == pytest.approx(120)  # lunch: no more
	assert target_until(slots, planned, at(13)) == pytest.approx(120)
	assert target_until(slots, planned, at(18)) == pytest.approx(240)


# -- actual ---------------------------------------------------------------------------------------------


def test_actual_by_slot():
	slots = hour_slots(at(8), at(11))
	per, outside = actual_by_slot(
		slots, [(at(8), 2), (at(8, 59), 3), (at(9), 4), (at(10, 59), 1), (at(11), 7), (at(7, 59), 5)]
	)
	assert per == [5, 4, 1]
	assert outside == 12
	assert actual_by_slot([], [(at(8), 1)]) == ([], 1)


def test_shift_board():
	[w] = expand([DAY], MON, MON)
	slots = hour_slots(w.start, w.end, w.breaks)
	board = shift_board(
		slots,
		[
			{"job": "A", "quantity": 100, "cycle_seconds": 360},
			{"job": "B", "quantity": 1000, "cycle_seconds": 240},
		],
		[(at(8, 50), 8), (at(9, 55), 11), (at(10, 20), 3)],
		at(10, 30),
	)
	assert board["target"] == 80 + 0  # 8 h x 10/h of A (A is not finished in the shift)
	assert [s["planned"] for s in board["slots"]] == [10, 10, 10, 10, 0, 10, 10, 10, 10]
	assert [s["actual"] for s in board["slots"]][:3] == [8, 11, 3]
	assert board["target_now"] == 25
	assert board["actual"] == 22
	assert board["gap"] == -3
	assert [s["current"] for s in board["slots"]][:4] == [False, False, True, False]
	assert [s["past"] for s in board["slots"]][:3] == [True, True, False]
	assert board["jobs"][0]["planned"] == pytest.approx(80)
	assert board["jobs"][1]["planned"] == 0
