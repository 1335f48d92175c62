"""Maintenance plans around the due engine: plan fields checked and turned into due.Plan, the meter a plan
reads, the history from the plan's latest closed order, the scan's decision (one open order per plan and
asset, an occurrence handled once), and meter reading rows per minute, kind and reason."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance import due, meters, plans
from mom_app.engine.maintenance.meters import CounterConfig, MeterResult, advance_counter

D = date
CAL = {
	"name": "MPLAN-00001",
	"trigger": "Calendar",
	"every": 1,
	"every_unit": "Month",
	"schedule": "Fixed",
	"start_date": D(2027, 1, 31),
	"lead_days": 3,
}
METER = {
	"name": "MPLAN-00002",
	"trigger": "Meter",
	"meter_type": "Run Hours",
	"meter_every": 500,
	"meter_start": 1000,
	"lead_units": 20,
}
EITHER = {**CAL, **METER, "name": "MPLAN-00003", "trigger": "Calendar or Meter"}


# -- plan fields ----------------------------------------------------------------------------------------------


def test_usable_plans_have_no_problems():
	for fields in (CAL, METER, EITHER):
		assert plans.problems(fields) == []


@pytest.mark.parametrize(
	"change, expected",
	[
		({"every": 0}, ["calendar_needs_interval"]),
		({"every": 1.5}, ["calendar_needs_interval"]),
		({"every_unit": "Year"}, ["calendar_needs_interval"]),
		({"start_date": None}, ["calendar_needs_start"]),
		({"lead_days": 28}, ["lead_days_not_below_interval"]),  # 1 month: the shortest month is 28 days
		({"every_unit": "Week", "every": 2, "lead_days": 14}, ["lead_days_not_below_interval"]),
		({"every_unit": "Day", "every": 10, "lead_days": 9}, []),
		({"lead_days": -1}, ["negative_lead"]),
	],
)
def test_calendar_problems(change, expected):
	assert plans.problems({**CAL, **change}) == expected


@pytest.mark.parametrize(
	"change, expected",
	[
		({"meter_every": 0}, ["meter_needs_interval"]),
		({"meter_every": None}, ["meter_needs_interval"]),
		({"meter_type": None}, ["meter_needs_type"]),
		({"lead_units": 500}, ["lead_units_not_below_interval"]),
		({"lead_units": 499.9}, []),
	],
)
def test_meter_problems(change, expected):
	assert plans.problems({**METER, **change}) == expected


def test_whichever_first_checks_both_and_an_unknown_trigger_is_an_error():
	assert plans.problems({**EITHER, "every": None, "meter_every": None}) == [
		"calendar_needs_interval",
		"meter_needs_interval",
	]
	with pytest.raises(ValueError, match="trigger"):
		plans.problems({**CAL, "trigger": "Sometimes"})


def test_engine_plan_takes_only_the_trigger_fields():
	cal = plans.engine_plan({**CAL, "meter_every": 100}, "ASSET-1")
	assert (cal.key, cal.every, cal.unit, cal.schedule, cal.start) == (
		"pm|MPLAN-00001|ASSET-1",
		1,
		"Month",
		"Fixed",
		D(2027, 1, 31),
	)
	assert cal.meter_every is None and cal.lead_days == 3
	meter = plans.engine_plan({**METER, "every": 3, "every_unit": "Day"}, "ASSET-1")
	assert meter.every is None and meter.meter_every == 500 and meter.meter_start == 1000
	assert meter.lead_units == 20
	both = plans.engine_plan(EITHER, "ASSET-2")
	assert both.by_calendar and both.by_meter
	with pytest.raises(ValueError, match="calendar_needs_start"):
		plans.engine_plan({**CAL, "start_date": None}, "ASSET-1")


def test_keys():
	assert plans.plan_key("MPLAN-00001", "A-1") == "pm|MPLAN-00001|A-1"
	assert plans.erpnext_task_key("ACC-AML-2027-00001") == "aml|ACC-AML-2027-00001"
	with pytest.raises(ValueError):
		plans.plan_key("", "A-1")


def test_in_service():
	assert plans.in_service("Submitted") and plans.in_service("Fully Depreciated")
	assert plans.in_service("In Maintenance")
	assert not plans.in_service("Scrapped") and not plans.in_service("Sold")


# -- meters ---------------------------------------------------------------------------------------------------

ASSET_METERS = [
	{"name": "AMTR-1", "meter_type": "Run Hours", "meter_name": "Spindle Hours"},
	{"name": "AMTR-2", "meter_type": "Run Hours", "meter_name": "Machine Hours"},
	{"name": "AMTR-3", "meter_type": "Cycles", "meter_name": "Cycles"},
]


def test_pick_meter():
	assert plans.pick_meter(ASSET_METERS, "Cycles") == (ASSET_METERS[2], None)
	assert plans.pick_meter(ASSET_METERS, "Run Hours") == (None, plans.SEVERAL_METERS)
	assert plans.pick_meter(ASSET_METERS, "Run Hours", " spindle hours ") == (ASSET_METERS[0], None)
	assert plans.pick_meter(ASSET_METERS, "Produced Parts") == (None, plans.NO_METER)
	assert plans.pick_meter(ASSET_METERS, "Cycles", "Strokes") == (None, plans.NO_METER)


def test_counter_rollover_by_data_type():
	assert plans.counter_rollover("uint16") == 65536
	assert plans.counter_rollover("uint32") == 2**32
	assert plans.counter_rollover("float32") is None
	assert plans.counter_rollover("int16") is None
	assert plans.counter_rollover(None) is None


# -- history and decision -------------------------------------------------------------------------------------


CAL_PLAN = plans.engine_plan(CAL, "A-1")
METER_PLAN = plans.engine_plan(METER, "A-1")
EITHER_PLAN = plans.engine_plan(EITHER, "A-1")


def test_history_of_a_done_order():
	last = {
		"done": True,
		"completed": D(2027, 3, 2),
		"calendar_due": D(2027, 3, 5),
		"due_value": 1500.0,
		"meter_at_completion": 1480.0,
	}
	assert plans.history(EITHER_PLAN, last) == {
		"last_done": D(2027, 3, 2),
		"last_done_due": D(2027, 3, 5),
		"last_done_meter": 1480.0,
	}
	# no meter at completion: count from the occurrence's due value
	assert plans.history(EITHER_PLAN, {**last, "meter_at_completion": None})["last_done_meter"] == 1500.0
	with pytest.raises(ValueError, match="completion"):
		plans.history(EITHER_PLAN, {**last, "completed": None})


def test_history_of_a_skipped_occurrence_counts_from_it():
	last = {"done": False, "calendar_due": D(2027, 3, 5), "due_value": 1500.0}
	assert plans.history(EITHER_PLAN, last) == {
		"last_done": D(2027, 3, 5),
		"last_done_due": D(2027, 3, 5),
		"last_done_meter": 1500.0,
	}


def test_history_before_the_plan_and_none():
	assert plans.history(EITHER_PLAN, None, {"last_done": D(2027, 1, 10), "meter": 900}) == {
		"last_done": D(2027, 1, 10),
		"last_done_due": None,
		"last_done_meter": 900.0,
	}
	assert plans.history(CAL_PLAN) == {"last_done": None, "last_done_due": None, "last_done_meter": None}
	# a closed order wins over the service before the plan
	last = {"done": True, "completed": D(2027, 2, 1), "calendar_due": None, "due_value": None}
	assert plans.history(CAL_PLAN, last, {"last_done": D(2027, 1, 10)})["last_done"] == D(2027, 2, 1)


def test_work_done_before_an_interval_counts_on_the_occurrence():
	"""A plan whose interval was shortened while its order was open: the work was done more than one new
	interval before the occurrence; the next occurrence still comes after the one done."""
	daily = plans.engine_plan(
		{**CAL, "every": 1, "every_unit": "Day", "schedule": "Floating", "lead_days": 0}, "A-1"
	)
	last = {"done": True, "completed": D(2027, 1, 20), "calendar_due": D(2027, 1, 31)}
	assert plans.history(daily, last)["last_done"] == D(2027, 1, 31)
	meter = plans.engine_plan({**METER, "meter_every": 10, "lead_units": 0}, "A-1")
	last = {"done": True, "completed": D(2027, 1, 20), "due_value": 1500.0, "meter_at_completion": 1400.0}
	assert plans.history(meter, last)["last_done_meter"] == 1500.0
	# done within one interval before the occurrence: counted as done
	assert plans.history(METER_PLAN, last)["last_done_meter"] == 1400.0


def evaluate(fields, today, asset="A-1", **history):
	return due.evaluate(plans.engine_plan(fields, asset), today, **history)


def history_of(fields, last):
	return plans.history(plans.engine_plan(fields, "A-1"), last)


def test_fixed_calendar_done_then_next_occurrence():
	first = evaluate(CAL, D(2027, 1, 28))  # lead 3 days before Jan 31
	assert first.open_now and first.reason == due.LEAD_BY_CALENDAR
	assert plans.decide(first) == plans.OPEN
	assert plans.decide(first, {"open": True, "key": first.key}) == plans.ORDER_OPEN
	done = {"done": True, "completed": D(2027, 2, 3), "calendar_due": first.calendar_due}
	after = evaluate(CAL, D(2027, 2, 3), **history_of(CAL, done))
	assert after.calendar_due == D(2027, 2, 28) and not after.open_now
	assert after.key != first.key
	assert plans.decide(after, {"open": False, "key": first.key}) == plans.NOT_DUE


def test_whichever_first_a_meter_completion_covers_the_calendar_occurrence():
	# the meter makes the occurrence due before its calendar date; completing it restarts both
	fields = {**EITHER, "schedule": "Fixed", "start_date": D(2027, 3, 5), "lead_days": 0, "lead_units": 0}
	first = evaluate(fields, D(2027, 3, 1), meter=1500.0)
	assert first.reason == due.DUE_BY_METER and first.calendar_due == D(2027, 3, 5)
	done = {
		"done": True,
		"completed": D(2027, 3, 1),
		"calendar_due": first.calendar_due,
		"due_value": first.due_value,
		"meter_at_completion": 1502.0,
	}
	after = evaluate(fields, D(2027, 3, 5), meter=1510.0, **history_of(fields, done))
	assert after.calendar_due == D(2027, 4, 5)
	assert after.due_value == 2002.0
	assert not after.open_now


def test_a_cancelled_occurrence_is_skipped_not_reopened():
	fields = {**CAL, "schedule": "Floating", "lead_days": 0}
	first = evaluate(fields, D(2027, 2, 1))
	assert first.open_now and first.calendar_due == D(2027, 1, 31)
	skipped = {"done": False, "calendar_due": first.calendar_due}
	after = evaluate(fields, D(2027, 2, 1), **history_of(fields, skipped))
	assert after.calendar_due == D(2027, 2, 28) and not after.open_now


def test_same_occurrence_is_not_opened_again():
	first = evaluate(METER, D(2027, 1, 1), meter=1490.0)
	assert first.open_now
	assert plans.decide(first, {"open": False, "key": first.key}) == plans.SAME_OCCURRENCE


@settings(max_examples=200, deadline=None)
@given(
	every=st.integers(1, 12),
	unit=st.sampled_from(due.UNITS),
	schedule=st.sampled_from(due.SCHEDULES),
	lead=st.integers(0, 27),
	late=st.integers(-27, 60),
	skip=st.booleans(),
)
def test_each_closed_occurrence_moves_the_schedule_on(every, unit, schedule, lead, late, skip):
	"""Whatever the schedule, closing an occurrence (done early, on time or late, or skipped) never leaves
	the same occurrence due again: the next evaluation has another key and a later calendar due date."""
	fields = {
		**CAL,
		"every": every,
		"every_unit": unit,
		"schedule": schedule,
		"lead_days": min(lead, every * plans.DAYS_PER_UNIT[unit] - 1),
	}
	first = evaluate(fields, D(2027, 1, 31))
	closed_on = max(D(2027, 1, 1), due.add_interval(first.calendar_due, late, "Day"))
	last = {"done": not skip, "completed": closed_on, "calendar_due": first.calendar_due}
	after = evaluate(fields, closed_on, **history_of(fields, last))
	assert after.key != first.key
	assert after.calendar_due > first.calendar_due


# -- reading rows ---------------------------------------------------------------------------------------------


def test_reading_rows_one_per_minute_kind_and_reason():
	config = CounterConfig(rollover=65536)
	t0 = 1_800_000_000 - 1_800_000_000 % 60  # a minute's start
	samples = [(t0 + 1, 65000), (t0 + 2, 65100), (t0 + 3, 65300), (t0 + 4, 100), (t0 + 61, 200)]
	samples += [(t0 + 62, 150)]  # a small drop: refused (decrease)
	state, results = advance_counter(config, None, samples)
	rows = plans.reading_rows(results)
	assert [(r["kind"], r["samples"], r["increase"]) for r in rows] == [
		("baseline", 1, 0.0),
		("counted", 2, 300.0),
		("rollover", 1, 336.0),
		("counted", 1, 100.0),
		("refused", 1, 0.0),
	]
	assert rows[1]["first_raw"] == 65100 and rows[1]["raw"] == 65300
	assert rows[-1]["reason"] == "decrease" and rows[-1]["total"] == state.total == 736.0
	# re-delivered samples are ignored: no rows
	_state, again = advance_counter(config, state, samples)
	assert plans.reading_rows(again) == []


def test_merge_row_adds_a_later_row_of_the_same_minute():
	a = {"minute": 5, "ts": 301.0, "kind": "counted", "reason": None, "samples": 2, "increase": 3.0}
	a.update(first_raw=10.0, raw=13.0, total=100.0)
	b = {**a, "ts": 330.0, "samples": 1, "increase": 2.0, "first_raw": 14.0, "raw": 15.0, "total": 102.0}
	merged = plans.merge_row(a, b)
	assert (merged["samples"], merged["increase"], merged["first_raw"], merged["raw"]) == (3, 5.0, 10.0, 15.0)
	assert (merged["ts"], merged["total"]) == (330.0, 102.0)
	with pytest.raises(ValueError):
		plans.merge_row(a, {**b, "kind": "rollover"})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.integers(0, 70000)), max_size=60))
def test_reading_rows_keep_every_increase(samples):
	"""The rows' increases add up to what the counter counted, and their samples to the samples not ignored."""
	results = advance_counter(CounterConfig(rollover=65536), None, samples)[1]
	rows = plans.reading_rows(results)
	assert sum(r["increase"] for r in rows) == pytest.approx(sum(r.increase for r in results))
	assert sum(r["samples"] for r in rows) == sum(1 for r in results if r.kind != meters.IGNORED)
	assert [r["ts"] for r in rows] == sorted(r["ts"] for r in rows)


def test_meter_result_without_ignored_kinds_makes_no_row():
	assert plans.reading_rows([MeterResult(60.0, 1.0, meters.IGNORED, 0.0, 0.0, "late")]) == []
