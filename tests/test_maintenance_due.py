"""PM due dates: calendar (fixed and floating, month ends, leap years), meter, whichever comes first, lead
time in days and in units, the reason, and the idempotency key a scanner relies on."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance import due, meters
from mom_app.engine.maintenance.due import Plan, add_interval, add_months, evaluate, scan

D = date


# -- calendar arithmetic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"day, months, expected",
	[
		(D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
		(D(2023, 1, 31), 1, D(2023, 2, 28)),
		(D(2024, 1, 31), 2, D(2024, 3, 31)),
		(D(2024, 1, 31), 3, D(2024, 4, 30)),
		(D(2024, 12, 15), 1, D(2025, 1, 15)),
		(D(2024, 2, 29), 12, D(2025, 2, 28)),
		(D(2024, 2, 29), 48, D(2028, 2, 29)),
		(D(2024, 3, 31), -1, D(2024, 2, 29)),
		(D(2024, 1, 1), 0, D(2024, 1, 1)),
	],
)
def test_add_months(day, months, expected):
	assert add_months(day, months) == expected


def test_add_months_outside_the_calendar_is_a_value_error():
	with pytest.raises(ValueError, match="outside the calendar"):
		add_months(D(9999, 12, 1), 1)
	with pytest.raises(ValueError, match="outside the calendar"):
		add_interval(D(9999, 12, 30), 5, "Day")


def test_add_interval():
	assert add_interval(D(2024, 1, 1), 2, "Week") == D(2024, 1, 15)
	assert add_interval(D(2024, 1, 1), 10, "Day", times=3) == D(2024, 1, 31)
	assert add_interval(D(2024, 1, 31), 1, "Month", times=3) == D(2024, 4, 30)


# -- calendar plans ---------------------------------------------------------------------------------------


def monthly_fixed(**kw):
	return Plan("PM-1/A1", every=1, unit="Month", schedule="Fixed", start=D(2024, 1, 31), **kw)


def test_fixed_monthly_schedule_from_the_31st_does_not_drift():
	plan = monthly_fixed()
	dates = []
	last = None
	for _ in range(6):
		r = evaluate(plan, D(2024, 1, 1), last_done=last, last_done_due=last)
		dates.append(r.calendar_due)
		last = r.calendar_due
	assert dates == [
		D(2024, 1, 31),
		D(2024, 2, 29),
		D(2024, 3, 31),
		D(2024, 4, 30),
		D(2024, 5, 31),
		D(2024, 6, 30),
	]


def test_floating_monthly_follows_the_completion():
	plan = Plan("PM-2/A1", every=1, unit="Month", start=D(2023, 1, 31))
	assert evaluate(plan, D(2023, 1, 1)).calendar_due == D(2023, 1, 31)  # never done: start
	assert evaluate(plan, D(2023, 2, 1), last_done=D(2023, 1, 31)).calendar_due == D(2023, 2, 28)
	assert evaluate(plan, D(2023, 3, 1), last_done=D(2023, 2, 28)).calendar_due == D(2023, 3, 28)


def test_fixed_does_not_move_when_done_late_floating_does():
	fixed = Plan("F/A1", every=1, unit="Week", schedule="Fixed", start=D(2024, 1, 1))
	floating = Plan("L/A1", every=1, unit="Week", start=D(2024, 1, 1))
	# The Jan 1 occurrence done two days late, on Jan 3.
	assert evaluate(
		fixed, D(2024, 1, 3), last_done=D(2024, 1, 3), last_done_due=D(2024, 1, 1)
	).calendar_due == D(2024, 1, 8)
	assert evaluate(floating, D(2024, 1, 3), last_done=D(2024, 1, 3)).calendar_due == D(2024, 1, 10)


def test_fixed_done_before_its_date_does_not_reopen_the_same_occurrence():
	plan = Plan("F/A1", every=1, unit="Week", schedule="Fixed", start=D(2024, 1, 1))
	# The Jan 15 occurrence done early, on Jan 13: the order's due date says which occurrence it closed.
	r = evaluate(plan, D(2024, 1, 13), last_done=D(2024, 1, 13), last_done_due=D(2024, 1, 15))
	assert r.calendar_due == D(2024, 1, 22) and not r.open_now
	# Without it, the completion alone leaves Jan 15 due again.
	assert evaluate(plan, D(2024, 1, 13), last_done=D(2024, 1, 13)).calendar_due == D(2024, 1, 15)


def test_fixed_work_done_inside_the_lead_window_covers_the_occurrence():
	plan = Plan("F/A1", every=1, unit="Month", schedule="Fixed", start=D(2024, 1, 5), lead_days=3)
	# Jan 5 done on Feb 3: inside the lead window of Feb 5, so that one is covered too.
	r = evaluate(plan, D(2024, 2, 3), last_done=D(2024, 2, 3), last_done_due=D(2024, 1, 5))
	assert r.calendar_due == D(2024, 3, 5)
	# Done on Feb 1, before Feb 5's window (Feb 2): Feb 5 is still due.
	r = evaluate(plan, D(2024, 2, 1), last_done=D(2024, 2, 1), last_done_due=D(2024, 1, 5))
	assert r.calendar_due == D(2024, 2, 5) and not r.open_now


def test_fixed_done_after_the_next_date_skips_to_the_following_one():
	plan = monthly_fixed()
	r = evaluate(plan, D(2024, 3, 10), last_done=D(2024, 3, 10), last_done_due=D(2024, 1, 31))
	assert r.calendar_due == D(2024, 3, 31)


def test_fixed_every_ten_days_and_on_the_schedule_date_itself():
	plan = Plan("T/A1", every=10, unit="Day", schedule="Fixed", start=D(2024, 1, 1))
	assert evaluate(plan, D(2024, 1, 1), last_done=D(2024, 1, 21)).calendar_due == D(2024, 1, 31)
	assert evaluate(plan, D(2024, 1, 1), last_done=D(2024, 1, 20)).calendar_due == D(2024, 1, 21)
	assert evaluate(plan, D(2024, 1, 1), last_done=D(2023, 12, 1)).calendar_due == D(2024, 1, 1)


def test_yearly_fixed_on_feb_29():
	plan = Plan("Y/A1", every=12, unit="Month", schedule="Fixed", start=D(2024, 2, 29))
	seen = [D(2024, 2, 29)]
	for _ in range(4):
		seen.append(evaluate(plan, seen[-1], last_done=seen[-1], last_done_due=seen[-1]).calendar_due)
	assert seen == [D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29)]


def test_calendar_lead_days_and_reasons():
	plan = Plan("C/A1", every=30, unit="Day", start=D(2027, 1, 5), lead_days=7)
	r = evaluate(plan, D(2026, 12, 28))
	assert (r.open_now, r.reason, r.overdue) == (False, "not_due", False)
	assert r.details == {"due_date": "2027-01-05", "days_left": 8, "trigger": "calendar"}
	r = evaluate(plan, D(2026, 12, 29))
	assert (r.open_now, r.reason, r.overdue) == (True, "lead_by_calendar", False)
	assert r.details == {"due_date": "2027-01-05", "days_left": 7}
	assert due.describe(r) == "due by calendar on 2027-01-05, in 7 days"
	r = evaluate(plan, D(2027, 1, 5))
	assert (r.open_now, r.reason, r.overdue) == (True, "due_by_calendar", False)
	assert due.describe(r) == "due by calendar on 2027-01-05"
	r = evaluate(plan, D(2027, 1, 6))
	assert (r.open_now, r.reason, r.overdue) == (True, "due_by_calendar", True)
	assert r.due_date == D(2027, 1, 5) and r.key == "C/A1|2027-01-05|-"


def test_datetime_today_is_taken_by_its_date():
	from datetime import datetime

	plan = Plan("C/A1", every=1, unit="Day", start=D(2027, 1, 5))
	assert evaluate(plan, datetime(2027, 1, 5, 23, 59)).reason == "due_by_calendar"


# -- meter plans ------------------------------------------------------------------------------------------


def test_meter_due_value_lead_units_and_projection():
	plan = Plan("M/A1", meter_every=5000, lead_units=100)
	r = evaluate(plan, D(2027, 1, 3), last_done_meter=0, meter=4930, rate_per_day=30)
	assert (r.open_now, r.reason, r.due_value, r.overdue) == (True, "lead_by_meter", 5000, False)
	assert r.projected_date == D(2027, 1, 5) == r.due_date  # 70 h at 30 h/day: 2.33 days
	assert r.details["units_left"] == 70 and r.details["days_left"] == pytest.approx(70 / 30)
	assert due.describe(r) == "due at 5,000 on the meter, now 4,930, 70 to go, 2.3 days at the current rate"
	assert r.key == "M/A1|-|5000"
	r = evaluate(plan, D(2027, 1, 3), last_done_meter=0, meter=4899, rate_per_day=30)
	assert (r.open_now, r.reason) == (False, "not_due")
	r = evaluate(plan, D(2027, 1, 3), last_done_meter=0, meter=5000)
	assert (r.open_now, r.reason, r.overdue, r.due_date) == (True, "due_by_meter", True, D(2027, 1, 3))
	assert due.describe(r) == "due at 5,000 on the meter, now 5,000"


def test_meter_counts_from_the_last_completion_or_the_plans_start_reading():
	plan = Plan("M/A1", meter_every=500, meter_start=1200)
	assert evaluate(plan, D(2024, 1, 1), meter=1300).due_value == 1700
	assert evaluate(plan, D(2024, 1, 1), meter=1800, last_done_meter=1650).due_value == 2150


def test_meter_overdue_is_dated_back_at_the_rate():
	plan = Plan("M/A1", meter_every=100)
	r = evaluate(plan, D(2024, 1, 10), last_done_meter=0, meter=130, rate_per_day=10)
	assert r.projected_date == D(2024, 1, 7) and r.overdue  # 30 units past at 10/day: 3 days ago


def test_meter_lead_days_by_projection():
	plan = Plan("M/A1", meter_every=1000, lead_days=5)
	r = evaluate(plan, D(2024, 1, 1), last_done_meter=0, meter=900, rate_per_day=25)  # 4 days left
	assert (r.open_now, r.reason) == (True, "lead_by_projection")
	assert r.details["projected_date"] == "2024-01-05" and r.details["rate_per_day"] == 25
	assert due.describe(r) == "due at 1,000 on the meter, now 900, 4 days at the current rate"
	r = evaluate(plan, D(2024, 1, 1), last_done_meter=0, meter=900, rate_per_day=10)  # 10 days left
	assert (r.open_now, r.reason) == (False, "not_due")
	r = evaluate(plan, D(2024, 1, 1), last_done_meter=0, meter=900)  # no rate: no projection
	assert (r.open_now, r.projected_date, r.due_date) == (False, None, None)


def test_meter_reading_from_an_earlier_day_projects_from_that_day():
	plan = Plan("M/A1", meter_every=1000)
	r = evaluate(plan, D(2024, 1, 5), last_done_meter=0, meter=900, rate_per_day=25, meter_date=D(2024, 1, 1))
	assert r.projected_date == D(2024, 1, 5) and r.open_now and r.details["days_left"] == 0


def test_meter_plan_without_a_reading():
	r = evaluate(Plan("M/A1", meter_every=100), D(2024, 1, 1))
	assert (r.open_now, r.reason, r.due_value) == (False, "no_meter_reading", 100)


def test_meter_below_the_last_completion_is_a_warning():
	r = evaluate(Plan("M/A1", meter_every=100), D(2024, 1, 1), last_done_meter=500, meter=20)
	assert r.warnings == ("meter_below_last_completion",) and not r.open_now


# -- whichever comes first --------------------------------------------------------------------------------


def both(**kw):
	return Plan("B/A1", every=3, unit="Month", start=D(2024, 1, 1), meter_every=500, **kw)


def test_whichever_first_calendar_wins():
	r = evaluate(
		both(), D(2024, 4, 1), last_done=D(2024, 1, 1), last_done_meter=1000, meter=1200, rate_per_day=1
	)
	assert (r.open_now, r.reason, r.calendar_due, r.due_value) == (
		True,
		"due_by_calendar",
		D(2024, 4, 1),
		1500,
	)
	assert r.due_date == D(2024, 4, 1)


def test_whichever_first_meter_wins():
	r = evaluate(both(), D(2024, 2, 1), last_done=D(2024, 1, 1), last_done_meter=1000, meter=1500)
	assert (r.open_now, r.reason, r.overdue) == (True, "due_by_meter", True)


def test_whichever_first_due_date_is_the_earlier_of_calendar_and_projection():
	r = evaluate(
		both(), D(2024, 2, 1), last_done=D(2024, 1, 1), last_done_meter=1000, meter=1300, rate_per_day=20
	)
	assert r.projected_date == D(2024, 2, 11) and r.calendar_due == D(2024, 4, 1)
	assert r.due_date == D(2024, 2, 11) and not r.open_now
	assert r.details["trigger"] == "meter"


def test_equal_strength_prefers_calendar():
	r = evaluate(both(), D(2024, 4, 1), last_done=D(2024, 1, 1), last_done_meter=1000, meter=1500)
	assert r.reason == "due_by_calendar" and r.overdue


def test_key_is_stable_until_a_completion_and_changes_after_it():
	history = {"last_done": D(2024, 1, 1), "last_done_meter": 1000}
	keys = {evaluate(both(), D(2024, 2, d), meter=1400 + d * 10, **history).key for d in range(1, 29)}
	assert keys == {"B/A1|2024-04-01|1500"}
	after = evaluate(both(), D(2024, 3, 1), last_done=D(2024, 2, 28), last_done_meter=1680, meter=1680)
	assert after.key == "B/A1|2024-05-28|2180"


def test_a_scanner_opens_each_occurrence_once():
	"""A year of daily scans over a whichever-first plan with lead time; each order is done 4 days after it
	opened. The scanner opens an order for every key it has not opened yet: while an order is open the key
	stays that order's, so no occurrence is opened twice and none while another is open."""
	plan = Plan(
		"S/A1", every=1, unit="Month", schedule="Fixed", start=D(2024, 1, 15), meter_every=400, lead_days=3
	)
	opened: dict = {}
	history: dict = {}
	open_order = None
	meter_value = 0.0
	for offset in range(366):
		today = D(2024, 1, 1) + timedelta(days=offset)
		meter_value += 12.5 if offset < 180 else 25.0  # twice as fast from July
		if open_order and today >= open_order["done_on"]:
			history = {
				"last_done": today,
				"last_done_due": open_order["due_date"],
				"last_done_meter": meter_value,
			}
			open_order = None
		r = evaluate(plan, today, meter=meter_value, rate_per_day=25.0, **history)
		if open_order is not None:
			assert r.key == open_order["key"], today
		elif r.open_now:
			assert r.key not in opened, today
			opened[r.key] = r.reason
			open_order = {"key": r.key, "due_date": r.due_date, "done_on": today + timedelta(days=4)}
	reasons = list(opened.values())
	assert len(opened) == 20
	assert reasons[0] == "lead_by_calendar" and "lead_by_projection" in reasons
	assert [k.split("|")[1] for k in opened][:3] == ["2024-01-15", "2024-02-15", "2024-03-15"]


# -- meters feeding due dates: resets and rollovers -----------------------------------------------------


def test_due_from_a_16_bit_cycle_counter_with_a_rollover_and_a_reset():
	config = meters.CounterConfig(rollover=65536)
	samples = [(0, 60000), (3600, 65000), (7200, 3000), (10800, 9000), (14400, 100), (18000, 2100)]
	state, results = meters.advance_counter(config, None, samples)
	assert [r.kind for r in results] == ["baseline", "counted", "rollover", "counted", "reset", "counted"]
	# 5000 + (3000 + 65536 - 65000) + 6000 + 100 + 2000
	assert state.total == 5000 + 3536 + 6000 + 100 + 2000 == 16636
	plan = Plan("M/A1", meter_every=15000, lead_units=1000)
	assert evaluate(plan, D(2024, 1, 1), last_done_meter=0, meter=state.total).reason == "due_by_meter"
	r = evaluate(plan, D(2024, 1, 1), last_done_meter=2000, meter=state.total)
	assert (r.reason, r.details["units_left"]) == ("lead_by_meter", 364)


# -- scan and validation --------------------------------------------------------------------------------


def test_scan_evaluates_each_plan_with_its_history():
	plans = [
		(Plan("A", every=1, unit="Day", start=D(2024, 1, 1)), {}),
		(Plan("B", meter_every=10), {"meter": 11}),
		(Plan("C", meter_every=10), {"meter": 1}),
	]
	assert [(r.plan, r.open_now) for r in scan(plans, D(2024, 1, 1))] == [
		("A", True),
		("B", True),
		("C", False),
	]
	with pytest.raises(ValueError, match="history must be a mapping"):
		scan([(Plan("A", meter_every=1), None)], D(2024, 1, 1))


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({}, "has no trigger"),
		({"every": 1}, "needs both every and unit"),
		({"every": 0, "unit": "Day", "start": D(2024, 1, 1)}, "at least 1"),
		({"every": 1.5, "unit": "Day", "start": D(2024, 1, 1)}, "whole number"),
		({"every": 1, "unit": "Fortnight", "start": D(2024, 1, 1)}, "unit must be one of"),
		({"every": 1, "unit": "Day"}, "needs a start date"),
		({"every": 1, "unit": "Day", "start": "2024-01-01"}, "must be a date"),
		({"meter_every": 0}, "greater than 0"),
		({"meter_every": math.nan}, "finite"),
		({"meter_every": 10, "lead_units": -1}, "must not be negative"),
		({"meter_every": 10, "lead_days": -1}, "at least 0"),
		({"meter_every": 10, "schedule": "Sometimes"}, "schedule must be one of"),
	],
)
def test_bad_plans_are_refused(kwargs, message):
	with pytest.raises(ValueError, match=message):
		Plan("X", **kwargs)


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"meter": math.nan}, "meter must be a finite number"),
		({"meter": 10**400}, "meter must be a finite number"),
		({"meter": "12"}, "meter must be a number"),
		({"rate_per_day": math.inf}, "finite"),
		({"last_done": "yesterday"}, "last_done must be a date"),
		({"last_done_meter": True}, "must be a number"),
	],
)
def test_bad_history_is_refused(kwargs, message):
	with pytest.raises(ValueError, match=message):
		evaluate(both(), D(2024, 1, 1), **kwargs)


# -- properties -------------------------------------------------------------------------------------------

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))


@st.composite
def plans(draw):
	calendar = draw(st.booleans())
	meter = draw(st.booleans()) or not calendar
	return Plan(
		"P",
		every=draw(st.integers(1, 24)) if calendar else None,
		unit=draw(st.sampled_from(due.UNITS)) if calendar else None,
		schedule=draw(st.sampled_from(due.SCHEDULES)),
		start=draw(days) if calendar else None,
		meter_every=draw(st.floats(0.5, 1e5)) if meter else None,
		meter_start=draw(st.floats(0, 1e6)),
		lead_days=draw(st.integers(0, 60)),
		lead_units=draw(st.floats(0, 1e4)),
	)


@settings(max_examples=400, deadline=None)
@given(
	plans(),
	days,
	st.one_of(st.none(), days),
	st.one_of(st.none(), days),
	st.one_of(st.none(), st.floats(0, 1e7)),
	st.one_of(st.none(), st.floats(0, 1e7)),
	st.one_of(st.none(), st.floats(0, 1e4)),
)
def test_properties(plan, today, last_done, last_done_due, last_done_meter, meter, rate):
	history = {"last_done": last_done, "last_done_due": last_done_due, "last_done_meter": last_done_meter}
	r = evaluate(plan, today, meter=meter, rate_per_day=rate, **history)
	assert r.reason in due.REASON_TEXT
	assert isinstance(due.describe(r), str)
	if r.overdue:
		assert r.open_now
	if plan.by_calendar:
		assert r.calendar_due is not None
		if last_done is not None:
			assert r.calendar_due > last_done
		if last_done_due is not None and plan.schedule == "Fixed":
			assert r.calendar_due > last_done_due
		if plan.schedule == "Fixed":
			# on the schedule: start + k intervals
			k = 0
			while add_interval(plan.start, plan.every, plan.unit, k) < r.calendar_due:
				k += 1
			assert add_interval(plan.start, plan.every, plan.unit, k) == r.calendar_due
	if plan.by_meter:
		basis = last_done_meter if last_done_meter is not None else plan.meter_start
		assert r.due_value == pytest.approx(basis + plan.meter_every)
	# the key depends on the plan and the history only, not on today or the meter
	again = evaluate(plan, today + timedelta(days=1), **history)
	assert again.key == r.key
