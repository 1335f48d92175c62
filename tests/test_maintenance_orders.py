"""Maintenance orders: priority targets, an order's timing against them, dedup keys, breakdowns."""

import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance.orders import (
	DEFAULT_TARGETS,
	ORDER_TYPES,
	PRIORITIES,
	SOURCES,
	Target,
	breakdown_open_since,
	breakdown_order_key,
	breakdown_threshold_seconds,
	evaluate_order,
	is_breakdown,
	is_planned,
	rule_order_key,
	targets,
)


def at(h, m=0, day=1):
	return datetime(2024, 3, day, h, m)


def test_vocabulary():
	assert PRIORITIES == ("Emergency", "High", "Medium", "Low")
	assert set(DEFAULT_TARGETS) == set(PRIORITIES)
	assert ORDER_TYPES == ("Corrective", "Preventive", "Condition-based", "Calibration", "Inspection")
	assert "Condition rule" in SOURCES and "Machine breakdown" in SOURCES
	assert not is_planned("Corrective")
	assert all(is_planned(t) for t in ("Preventive", "Condition-based", "Calibration", "Inspection"))
	with pytest.raises(ValueError, match="order type must be one of"):
		is_planned("Repair")


def test_targets_from_settings_rows():
	t = targets([{"priority": "High", "response_minutes": 30, "repair_minutes": 0}])
	assert t["High"] == Target(30, None)  # 0: no target
	assert t["Emergency"] == DEFAULT_TARGETS["Emergency"]
	with pytest.raises(ValueError, match="two target rows"):
		targets([{"priority": "Low", "response_minutes": 1}, {"priority": "Low", "response_minutes": 2}])
	with pytest.raises(ValueError, match="priority must be one of"):
		targets([{"priority": "Urgent", "response_minutes": 1}])
	with pytest.raises(ValueError, match="must not be negative"):
		targets([{"priority": "Low", "response_minutes": -1}])
	with pytest.raises(ValueError, match="finite"):
		Target(math.nan, 1)


def test_an_emergency_acknowledged_late_and_repaired_in_time():
	r = evaluate_order(
		"Emergency",
		DEFAULT_TARGETS,
		at(12),
		reported=at(8),
		acknowledged=at(8, 20),
		repair_start=at(8, 30),
		back_in_service=at(11),
		completed=at(11, 15),
	)
	assert r.response_due == at(8, 15) and r.repair_due == at(12)
	assert (r.response_minutes, r.restore_minutes, r.repair_minutes) == (20, 180, 150)
	assert r.response_missed and not r.repair_missed and not r.overdue and not r.late
	assert r.problems == ()


def test_an_open_order_past_its_targets_is_overdue():
	r = evaluate_order("High", DEFAULT_TARGETS, at(17), reported=at(8))
	assert r.response_missed and r.repair_missed and r.overdue
	assert r.response_minutes == 540 == r.restore_minutes and r.repair_minutes is None
	r = evaluate_order("High", DEFAULT_TARGETS, at(8, 30), reported=at(8))
	assert not (r.response_missed or r.repair_missed or r.overdue)
	# acknowledged in time, still down after the repair target
	r = evaluate_order("High", DEFAULT_TARGETS, at(17), reported=at(8), acknowledged=at(8, 10))
	assert not r.response_missed and r.repair_missed and r.overdue


def test_no_target_is_never_missed():
	r = evaluate_order("Low", {"Low": Target(None, None)}, at(23, day=20), reported=at(8))
	assert (r.response_due, r.repair_due, r.response_missed, r.repair_missed, r.overdue) == (
		None,
		None,
		False,
		False,
		False,
	)
	assert evaluate_order("Low", {}, at(9), reported=at(8)).response_due is None


def test_pm_order_due_date_late_and_overdue():
	r = evaluate_order("Low", {}, at(10, day=6), reported=at(8), completed=at(9, day=6), due=date(2024, 3, 5))
	assert r.late and not r.overdue
	r = evaluate_order(
		"Low", {}, at(23, 59, day=5), reported=at(8), completed=at(23, day=5), due=date(2024, 3, 5)
	)
	assert not r.late
	r = evaluate_order("Low", {}, at(0, 1, day=6), reported=at(8), due=date(2024, 3, 5))
	assert r.overdue and not r.late
	r = evaluate_order("Low", {}, at(23, day=5), reported=at(8), due=date(2024, 3, 5))
	assert not r.overdue


def test_times_running_backwards_are_reported_not_hidden():
	r = evaluate_order(
		"Medium",
		DEFAULT_TARGETS,
		at(12),
		reported=at(9),
		acknowledged=at(8),
		repair_start=at(10),
		back_in_service=at(9, 30),
	)
	assert r.problems == ("acknowledged_before_reported", "back_in_service_before_repair_start")
	assert r.response_minutes == -60 and r.repair_minutes == -30


def test_unix_seconds_give_unix_seconds_back():
	r = evaluate_order("Emergency", DEFAULT_TARGETS, 10_000.0, reported=1_000.0)
	assert r.response_due == 1_900.0 and r.repair_due == 1_000.0 + 240 * 60
	assert r.response_missed and not r.repair_missed


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"reported": None}, "reported must be a number"),
		({"reported": at(8), "acknowledged": "soon"}, "acknowledged must be a number"),
		({"reported": math.nan}, "finite"),
		({"reported": date(2024, 3, 1)}, "not a date"),
		({"reported": at(8), "due": "2024-03-05"}, "due must be a date"),
	],
)
def test_bad_times_are_refused(kwargs, message):
	with pytest.raises(ValueError, match=message):
		evaluate_order("High", DEFAULT_TARGETS, at(9), **kwargs)


def test_unknown_priority():
	with pytest.raises(ValueError, match="priority must be one of"):
		evaluate_order("Urgent", DEFAULT_TARGETS, at(9), reported=at(8))


# -- keys and breakdowns ----------------------------------------------------------------------------------


def test_dedup_keys():
	assert rule_order_key("CR-0001", "AST-7") == "rule|CR-0001|AST-7"
	assert breakdown_order_key("Press 1", 1_700_000_000.25) == "breakdown|Press 1|1700000000.250"
	assert breakdown_order_key("Press 1", datetime(1970, 1, 1, 0, 1)) == "breakdown|Press 1|60.000"
	with pytest.raises(ValueError):
		rule_order_key("", "AST-7")
	with pytest.raises(ValueError):
		breakdown_order_key("", 1.0)


def test_breakdown_threshold_and_detection():
	assert breakdown_threshold_seconds(None, 10) == 600
	assert breakdown_threshold_seconds(0, 10) == 600
	assert breakdown_threshold_seconds(3, 10) == 180
	assert breakdown_threshold_seconds(None, None) == 0
	with pytest.raises(ValueError):
		breakdown_threshold_seconds(-1, 10)
	assert is_breakdown("Down", at(8), at(8, 10), 600)
	assert not is_breakdown("Down", at(8), at(8, 9), 600)
	assert not is_breakdown("Idle", at(8), at(9), 600)
	assert not is_breakdown("Off", at(8), at(9), 600)
	assert breakdown_open_since("Down", 0, 600, 600) and not breakdown_open_since("Down", 0, 599, 600)


# -- properties -------------------------------------------------------------------------------------------

moment = st.one_of(st.none(), st.floats(0, 1e6))


@settings(max_examples=300, deadline=None)
@given(
	st.sampled_from(PRIORITIES),
	st.floats(0, 1e6),
	st.floats(0, 1e6),
	moment,
	moment,
	moment,
	moment,
	st.one_of(st.none(), st.dates(date(1970, 1, 1), date(1970, 2, 1))),
)
def test_timing_properties(priority, now, reported, ack, start, back, done, due):
	r = evaluate_order(
		priority,
		DEFAULT_TARGETS,
		now,
		reported=reported,
		acknowledged=ack,
		repair_start=start,
		back_in_service=back,
		completed=done,
		due=due,
	)
	if done is not None:
		assert not r.overdue
	if ack is not None:
		assert r.response_minutes == pytest.approx((ack - reported) / 60)
		assert r.response_missed == (ack > r.response_due)
	if r.problems:
		assert all(
			p.endswith(("_before_reported", "_before_repair_start", "_before_acknowledged"))
			for p in r.problems
		)
	else:
		for value in (ack, start, back, done):
			assert value is None or value >= reported


def test_dates_before_the_epoch_work():
	r = evaluate_order("Low", {}, datetime(1960, 1, 2), reported=datetime(1960, 1, 1), due=date(1960, 1, 1))
	assert r.overdue and r.response_minutes == 24 * 60
	assert r.repair_due is None
