"""A maintenance order's life (engine.maintenance.lifecycle), checklist entries (checklist), technicians' time
(labour) and what a completed order writes into ERPNext and costs (repairs)."""

import math
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.maintenance import checklist, labour, lifecycle, repairs
from mom_app.engine.maintenance.orders import breakdown_order_key, rule_order_key

T0 = datetime(2024, 3, 1, 8, 0)


def at(minutes: float) -> datetime:
	return T0 + timedelta(minutes=minutes)


# -- lifecycle ----------------------------------------------------------------------------------------------


def test_open_and_done_states():
	assert (
		lifecycle.is_open(None) and lifecycle.is_open("Requested") and lifecycle.is_open("Waiting for Parts")
	)
	assert lifecycle.is_open("Some State An Admin Added")
	for state in ("Completed", "Verified", "Cancelled", "Rejected"):
		assert not lifecycle.is_open(state)
	assert lifecycle.is_done("Completed") and lifecycle.is_done("Verified")
	assert not lifecycle.is_done("Cancelled")


def test_starting_records_acknowledgement_and_repair_start_once():
	now = at(30)
	assert lifecycle.stamps("Approved", "In Progress", now, {}) == {"acknowledged": now, "repair_start": now}
	# acknowledged earlier (the acknowledge action): kept
	assert lifecycle.stamps("Scheduled", "In Progress", now, {"acknowledged": at(5)}) == {"repair_start": now}
	# resuming after waiting for parts keeps both
	assert (
		lifecycle.stamps(
			"Waiting for Parts", "In Progress", now, {"acknowledged": at(5), "repair_start": at(10)}
		)
		== {}
	)
	assert lifecycle.stamps("In Progress", "In Progress", now, {}) == {}
	assert lifecycle.stamps("In Progress", "Waiting for Parts", now, {}) == {}


def test_completing_and_verifying():
	now = at(90)
	started = {"acknowledged": at(5), "repair_start": at(10)}
	assert lifecycle.stamps("In Progress", "Completed", now, started) == {
		"completed": now,
		"back_in_service": now,
	}
	# the machine ran again before the technician finished (from its state log): kept
	assert lifecycle.stamps("In Progress", "Completed", now, {**started, "back_in_service": at(80)}) == {
		"completed": now
	}
	done = {**started, "back_in_service": at(80), "completed": at(90)}
	assert lifecycle.stamps("Completed", "Verified", at(120), done) == {"verified": at(120)}
	# completed without ever being started: the times are filled, never left empty
	assert lifecycle.stamps("Approved", "Completed", now, {}) == {
		"completed": now,
		"acknowledged": now,
		"repair_start": now,
		"back_in_service": now,
	}


def test_reopening_clears_the_completion():
	done = {"acknowledged": at(5), "repair_start": at(10), "back_in_service": at(80), "completed": at(90)}
	assert lifecycle.stamps("Completed", "In Progress", at(100), done) == {
		"completed": None,
		"verified": None,
		"back_in_service": None,
	}


def test_unknown_states_record_nothing():
	assert lifecycle.stamps("Requested", "Awaiting Budget", at(1), {}) == {}
	assert lifecycle.stamps(None, "Requested", at(1), {}) == {}


@pytest.mark.parametrize(
	"roles, state, owner, allowed",
	[
		({"System Manager"}, "Verified", False, True),
		({"MOM Manager"}, "Cancelled", False, True),
		({"Maintenance Technician"}, "In Progress", False, True),
		({"Maintenance Technician"}, "Completed", False, True),
		({"Maintenance Technician"}, "Verified", False, False),
		({"Production Supervisor"}, "Rejected", False, False),
		({"Production Supervisor"}, "Requested", False, True),
		({"MOM Operator"}, "Requested", True, True),
		({"MOM Operator"}, None, True, True),
		({"MOM Operator"}, "Requested", False, False),
		({"MOM Operator"}, "Approved", True, False),
		({"MOM Operator"}, "In Progress", True, False),
		({"Quality Inspector"}, "Requested", True, False),
		(set(), "Requested", True, False),
	],
)
def test_who_may_edit(roles, state, owner, allowed):
	assert lifecycle.may_edit(roles, state, owner) is allowed


def test_only_rule_keys_are_released_and_only_when_closed():
	rule = rule_order_key("RULE-1", "AST-1")
	breakdown = breakdown_order_key("WS-1", 1_700_000_000)
	assert lifecycle.releases_key(rule, "Completed") and lifecycle.releases_key(rule, "Rejected")
	assert not lifecycle.releases_key(rule, "In Progress")
	assert not lifecycle.releases_key(breakdown, "Verified")
	assert not lifecycle.releases_key("MPLAN-0001/AST-1|2024-03-01|", "Completed")
	assert not lifecycle.releases_key(None, "Completed")


@given(
	st.sampled_from([None, *lifecycle.STATES, "Other"]), st.sampled_from([None, *lifecycle.STATES, "Other"])
)
def test_stamps_never_invent_fields(old, new):
	out = lifecycle.stamps(old, new, at(1), {})
	assert set(out) <= set(lifecycle.TIME_FIELDS)
	if lifecycle.is_done(new) and old != new:
		assert out["completed"] == at(1)


# -- checklist ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"value, low, high, done, out",
	[
		(5, 1, 10, True, False),
		(1, 1, 10, True, False),  # the limits themselves are inside
		(10.0, 1, 10, True, False),
		(10.01, 1, 10, True, True),
		(0.99, 1, 10, True, True),
		("12.5", None, "12", True, True),  # typed text, a high limit only
		("-3", "-5", None, True, False),
		(Decimal("7.5"), "7.5", "7.5", True, False),
		("1,200", None, 1000, True, True),
		("abc", 1, 10, False, False),
		(None, 1, 10, False, False),
		("", 1, 10, False, False),
		(True, 0, 2, False, False),  # a bool is not a number
		(float("nan"), None, None, False, False),
		("inf", None, None, False, False),
	],
)
def test_number_steps(value, low, high, done, out):
	result = checklist.evaluate_step("Number", value, low, high)
	assert (result.done, result.out_of_limit) == (done, out)
	assert result.flagged is out


def test_pass_fail_text_photo():
	assert checklist.evaluate_step("Pass/Fail", "Pass") == checklist.StepResult(done=True)
	failed = checklist.evaluate_step("Pass/Fail", "Fail")
	assert failed.done and failed.failed and failed.flagged and not failed.out_of_limit
	assert not checklist.evaluate_step("Pass/Fail", "OK").done
	assert checklist.evaluate_step("Text", " worn belt ").done
	assert not checklist.evaluate_step("Text", "   ").done
	assert not checklist.evaluate_step("Text", None).done
	assert checklist.evaluate_step("Photo", "/files/belt.jpg").done
	assert not checklist.evaluate_step("Photo", "").done
	with pytest.raises(ValueError, match="step kind"):
		checklist.evaluate_step("Colour", "red")


def test_limits():
	checklist.check_limits(None, None)
	checklist.check_limits("1", 2)
	checklist.check_limits(2, "2")
	with pytest.raises(ValueError, match="above the high limit"):
		checklist.check_limits(3, 2)
	with pytest.raises(ValueError, match="must be a number"):
		checklist.check_limits("low", None)


def test_mandatory_steps_not_done_block_completion():
	steps = [
		{"kind": "Number", "value": "42", "mandatory": 1, "low": 0, "high": 40},  # out of limit, but done
		{"kind": "Pass/Fail", "value": None, "mandatory": 1},
		{"kind": "Text", "value": "", "mandatory": 0},
		{"kind": "Photo", "value": None, "mandatory": True},
		{"kind": "Pass/Fail", "value": "Fail", "mandatory": 1},  # failed, but done
	]
	assert checklist.blockers(steps) == [1, 3]
	assert checklist.blockers([]) == []


@given(st.one_of(st.none(), st.text(max_size=8), st.floats(allow_nan=True), st.integers(), st.booleans()))
def test_any_entry_gives_an_answer_never_an_error(value):
	for kind in checklist.KINDS:
		result = checklist.evaluate_step(kind, value, 0, 100)
		assert isinstance(result.done, bool)
		if result.out_of_limit:
			assert kind == "Number" and result.done


# -- labour -------------------------------------------------------------------------------------------------


def test_start_pause_resume_finish_and_totals():
	logs = []
	logs.append(labour.start(logs, "tech-a", at(0)))
	logs.append(labour.start(logs, "tech-b", at(10)))
	with pytest.raises(labour.LabourError) as e:
		labour.start(logs, "tech-a", at(5))
	assert e.value.code == labour.ALREADY_RUNNING
	index = labour.stop(logs, "tech-a", at(30))  # pause
	logs[index]["end"] = at(30)
	logs.append(labour.start(logs, "tech-a", at(45)))  # resume: a new log
	assert labour.totals(logs).hours == pytest.approx(0.5)
	assert labour.totals(logs).running == 2
	totals = labour.totals(logs, now=at(75))
	assert totals.by_technician == {"tech-a": pytest.approx(1.0), "tech-b": pytest.approx(65 / 60)}
	assert totals.hours == pytest.approx(1.0 + 65 / 60)
	for index in labour.stop_all(logs, at(75)):
		logs[index]["end"] = at(75)
	assert labour.totals(logs).running == 0
	assert labour.totals(logs).hours == pytest.approx(totals.hours)


def test_labour_refusals():
	with pytest.raises(labour.LabourError) as e:
		labour.stop([], "tech-a", at(0))
	assert e.value.code == labour.NOT_RUNNING
	logs = [{"technician": "tech-a", "start": at(10), "end": None}]
	with pytest.raises(labour.LabourError) as e:
		labour.stop(logs, "tech-a", at(5))
	assert e.value.code == labour.END_BEFORE_START
	with pytest.raises(labour.LabourError) as e:
		labour.start(logs, "", at(20))
	assert e.value.code == labour.NO_TECHNICIAN
	with pytest.raises(labour.LabourError) as e:
		labour.totals([{"technician": "x", "start": at(10), "end": at(5)}])
	assert e.value.code == labour.END_BEFORE_START


def test_typed_in_logs_must_not_overlap():
	logs = [
		{"technician": "tech-a", "start": at(0), "end": at(60)},
		{"technician": "tech-b", "start": at(0), "end": at(60)},
		{"technician": "tech-a", "start": at(120), "end": None},
	]
	labour.check_log(logs, "tech-a", at(60), at(90))  # touching an end point is no overlap
	labour.check_log(logs, "tech-b", at(60), at(200))
	with pytest.raises(labour.LabourError) as e:
		labour.check_log(logs, "tech-a", at(30), at(70))
	assert (e.value.code, e.value.details) == (labour.OVERLAP, {"index": 0})
	with pytest.raises(labour.LabourError) as e:
		labour.check_log(logs, "tech-a", at(500), at(600))  # the running log reaches on
	assert e.value.details == {"index": 2}
	labour.check_log(logs, "tech-a", at(0), at(60), skip=0)  # the log itself
	with pytest.raises(labour.LabourError) as e:
		labour.check_log(logs, "tech-a", at(90), at(90))
	assert e.value.code == labour.END_BEFORE_START


def test_unix_seconds_work_too():
	logs = [{"technician": "a", "start": 0.0, "end": 5400.0}]
	assert labour.totals(logs).hours == 1.5


# -- repairs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"order_type, asset, status, parts, other, route, reason",
	[
		("Corrective", "AST-1", "Submitted", 50, 0, repairs.ASSET_REPAIR, "repair"),
		("Corrective", "AST-1", "Partially Depreciated", 0, 300, repairs.ASSET_REPAIR, "repair"),
		("Corrective", "AST-1", "Fully Depreciated", 50, 0, repairs.MATERIAL_ISSUE, "asset_status"),
		("Corrective", "AST-1", "Scrapped", 0, 10, repairs.MATERIAL_ISSUE, "asset_status"),
		("Corrective", "AST-1", "Submitted", 0, 0, repairs.NOTHING, "no_parts_or_cost"),
		("Preventive", "AST-1", "Submitted", 50, 0, repairs.NOTHING, "not_corrective"),
		("Corrective", None, None, 50, 0, repairs.NOTHING, "no_asset"),
	],
)
def test_completion_route(order_type, asset, status, parts, other, route, reason):
	assert repairs.completion_route(order_type, asset, status, parts, other) == repairs.Route(route, reason)


def test_costs():
	result = repairs.costs([{"qty": 2, "rate": 12.5}, {"qty": Decimal("1"), "rate": None}], 100)
	assert (result.parts, result.other, result.total) == (25.0, 100.0, 125.0)
	assert repairs.costs([]).total == 0
	with pytest.raises(ValueError, match="part 1 qty"):
		repairs.costs([{"qty": -1, "rate": 3}])
	with pytest.raises(ValueError, match="other cost"):
		repairs.costs([], math.nan)
	with pytest.raises(ValueError, match="order type"):
		repairs.completion_route("Repair", "A", None, 1, 0)


def log(state, start, end):
	return {"state": state, "start": at(start), "end": None if end is None else at(end)}


def test_state_log_times():
	intervals = [
		log("Running", 0, 50),
		log("Down", 50, 55),
		log("Idle", 55, 58),  # the operator tried a reset
		log("Down", 58, 120),
		log("Setup", 120, 130),  # the technician's test run
		log("Running", 130, None),
	]
	times = repairs.state_log_times(intervals, reported=at(60), completed=at(140))
	assert times == {"failure_time": at(50), "back_in_service": at(130)}
	# the machine had not run again by the completion
	assert repairs.state_log_times(intervals, at(60), completed=at(125))["back_in_service"] is None
	# reported while it ran: no failure in the log, back in service after the report
	assert repairs.state_log_times(intervals[:1], at(20)) == {"failure_time": None, "back_in_service": None}
	# order of the rows does not matter
	assert repairs.state_log_times(list(reversed(intervals)), at(60), at(140)) == times


def test_state_log_times_after_an_earlier_stop():
	intervals = [log("Down", 0, 10), log("Running", 10, 40), log("Down", 40, None)]
	assert repairs.state_log_times(intervals, at(45))["failure_time"] == at(40)
	seconds = [{"state": "Down", "start": 100.0, "end": None}]
	assert repairs.state_log_times(seconds, 160.0) == {"failure_time": 100.0, "back_in_service": None}
