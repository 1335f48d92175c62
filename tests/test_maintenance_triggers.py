"""The pure rules behind the maintenance triggers: the andon and quality keys, the terminal's lockout, what a
completed order does to its workstation's downtime (OEE), the rules whose delay a heartbeat completes, and
the simulator's Off state."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine import job_actions
from mom_app.engine.machine_state import OFF, parse_state_map
from mom_app.engine.maintenance import condition_rules, downtime, lifecycle
from mom_app.engine.maintenance.orders import (
	ORDER_TYPES,
	andon_order_key,
	breakdown_order_key,
	quality_order_key,
	rule_order_key,
)
from mom_app.iot.sim.machine import OFF as OFF_CODE
from mom_app.iot.sim.machine import STATE_MAP

T = datetime(2026, 3, 2, 8, 0)
ANA = "HR-EMP-0001"
LOCK = {"order": "MWO-2026-00007", "workstation": "Press 1"}


def at(minutes: float) -> datetime:
	return T + timedelta(minutes=minutes)


# -- dedup keys -------------------------------------------------------------------------------------------


def test_andon_and_quality_keys():
	assert andon_order_key("Press 1") == "andon|Press 1"
	assert quality_order_key("QH-2026-00003") == "quality|QH-2026-00003"
	with pytest.raises(ValueError):
		andon_order_key("")
	with pytest.raises(ValueError):
		quality_order_key(None)


def test_andon_key_is_one_open_request_per_workstation():
	key = andon_order_key("Press 1")
	assert not lifecycle.releases_key(key, "Requested")
	assert not lifecycle.releases_key(key, "In Progress")
	for closed in ("Completed", "Verified", "Cancelled", "Rejected"):
		assert lifecycle.releases_key(key, closed)
	# one order per quality hold and per breakdown, for good
	assert not lifecycle.releases_key(quality_order_key("QH-1"), "Verified")
	assert not lifecycle.releases_key(breakdown_order_key("Press 1", at(0)), "Verified")
	assert lifecycle.releases_key(rule_order_key("CR-1", "AST-1"), "Completed")


# -- lockout at the terminal ------------------------------------------------------------------------------


def card(**extra):
	snapshot = {
		"status": "Open",
		"docstatus": 0,
		"for_quantity": 100,
		"total_completed_qty": 0,
		"process_loss_qty": 0,
		"time_logs": [],
		"workstation": "Press 1",
		"is_paused": False,
		"hold_reason": None,
		"lockout": None,
	}
	snapshot.update(extra)
	return snapshot


def log(employee, start, end=None, qty=0):
	return {"employee": employee, "from_time": start, "to_time": end, "completed_qty": qty}


def act(action, **extra):
	return {"action": action, "employee": ANA, "workstation": "Press 1", **extra}


def test_lockout_refuses_start_and_resume_naming_the_order():
	with pytest.raises(job_actions.ActionError) as e:
		job_actions.plan_action(card(lockout=LOCK), act("start"), at(0))
	assert e.value.code == "lockout"
	assert str(e.value) == (
		"Workstation Press 1 is locked out by maintenance order MWO-2026-00007; jobs start there again when "
		"the order is completed."
	)
	paused = card(lockout=LOCK, is_paused=True, status="On Hold", time_logs=[log(ANA, at(0), at(5))])
	with pytest.raises(job_actions.ActionError) as e:
		job_actions.plan_action(paused, act("resume"), at(10))
	assert e.value.code == "lockout"
	assert e.value.values == {"order": "MWO-2026-00007", "workstation": "Press 1"}


def test_lockout_lets_the_operator_stop_and_report_what_was_made():
	running = card(lockout=LOCK, time_logs=[log(ANA, at(0))])
	options = job_actions.action_options(running, ANA)
	assert options["start"].code == "lockout"
	assert options["pause"] is None and options["downtime"] is None and options["complete"] is None
	plan = job_actions.plan_action(running, act("complete", good_qty=5), at(30))
	assert plan.completed_qty == 5
	assert plan.close_logs[0]["to_time"] == at(30)
	assert plan.open_logs == ()  # the work on a locked machine stops; no new time log
	without = job_actions.plan_action(card(time_logs=[log(ANA, at(0))]), act("complete", good_qty=5), at(30))
	assert len(without.open_logs) == 1  # the same report without a lockout keeps the job running
	assert job_actions.plan_action(running, act("downtime", reason="Breakdown"), at(31)).is_paused


def test_quality_hold_is_said_before_the_lockout():
	both = card(lockout=LOCK, hold_reason="NCR-0042: burrs")
	with pytest.raises(job_actions.ActionError) as e:
		job_actions.plan_action(both, act("start"), at(0))
	assert e.value.code == "quality_hold"


def test_no_lockout_no_change():
	plan = job_actions.plan_action(card(), act("start"), at(0))
	assert plan.open_logs == ({"employee": ANA, "from_time": at(0)},)


# -- downtime of an order's work --------------------------------------------------------------------------


def test_kind_planned_maintenance_is_planned_downtime_a_breakdown_is_not():
	assert downtime.kind("Preventive") == downtime.PLANNED
	assert downtime.kind("Calibration") == downtime.PLANNED
	assert downtime.kind("Inspection") == downtime.PLANNED
	assert downtime.kind("Condition-based") == downtime.PLANNED
	assert downtime.kind("Corrective", True) == downtime.UNPLANNED
	assert downtime.kind("Corrective", False) == downtime.UNPLANNED
	assert downtime.kind("Preventive", True) == downtime.UNPLANNED  # it restored a failed machine
	with pytest.raises(ValueError):
		downtime.kind("Repair")


def test_work_window():
	failure = {
		"order_type": "Corrective",
		"is_failure": True,
		"failure_time": at(0),
		"reported": at(3),
		"repair_start": at(20),
		"back_in_service": at(50),
	}
	assert downtime.work_window(failure) == (at(0), at(50))  # the machine was lost from the failure
	assert downtime.work_window({**failure, "failure_time": None}) == (at(3), at(50))
	pm = {"order_type": "Preventive", "reported": at(-600), "repair_start": at(10), "back_in_service": at(70)}
	assert downtime.work_window(pm) == (at(10), at(70))  # the work itself, not the wait since the plan
	assert downtime.work_window({**pm, "repair_start": None, "acknowledged": at(5)}) == (at(5), at(70))
	assert downtime.work_window({**pm, "back_in_service": None}) is None
	assert downtime.work_window({**pm, "back_in_service": at(10)}) is None  # empty


def entry(name, start, end, reason=None):
	return {
		"name": name,
		"from_time": at(start),
		"to_time": None if end is None else at(end),
		"reason": reason,
	}


def test_plan_classifies_the_machines_stops_and_leaves_peoples_reasons():
	pm = {"order_type": "Preventive", "repair_start": at(10), "back_in_service": at(70)}
	entries = [
		entry("DT-1", 5, 40),  # the machine's stop, overlapping the start of the work
		entry("DT-2", 40, 75, "Cleaning"),  # classified by a person: left alone
		entry("DT-3", 69, None),  # still open, began inside the window
	]
	plan = downtime.plan(pm, entries)
	assert plan.kind == downtime.PLANNED
	assert plan.window == (at(10), at(70))
	assert plan.classify == ("DT-1", "DT-3")
	assert plan.record is None


def test_plan_records_the_work_when_no_stop_overlaps():
	failure = {"order_type": "Corrective", "is_failure": 1, "failure_time": at(0), "back_in_service": at(45)}
	plan = downtime.plan(failure, [entry("DT-9", 45, 60), entry("DT-8", -30, 0)])  # touching, not overlapping
	assert plan.kind == downtime.UNPLANNED
	assert plan.classify == ()
	assert plan.record == (at(0), at(45))
	assert downtime.plan(
		{**failure, "back_in_service": None}, [entry("DT-1", 0, 5)]
	) == downtime.DowntimePlan(downtime.UNPLANNED, None)


@given(
	st.sampled_from(ORDER_TYPES),
	st.booleans(),
	st.lists(st.tuples(st.integers(-100, 200), st.one_of(st.none(), st.integers(1, 100)), st.booleans())),
)
def test_plan_properties(order_type, failure, spans):
	order = {"order_type": order_type, "is_failure": failure, "repair_start": at(0), "failure_time": at(0)}
	order["back_in_service"] = at(60)
	entries = [
		{
			"name": f"DT-{i}",
			"from_time": at(s),
			"to_time": None if length is None else at(s + length),
			"reason": "x" if classified else None,
		}
		for i, (s, length, classified) in enumerate(spans)
	]
	plan = downtime.plan(order, entries)
	overlapping = [
		e for e in entries if e["from_time"] < at(60) and (e["to_time"] is None or e["to_time"] > at(0))
	]
	assert set(plan.classify) == {e["name"] for e in overlapping if not e["reason"]}
	assert (plan.record is None) == bool(overlapping)


# -- condition rules: which states a heartbeat completes --------------------------------------------------


def test_waits_on_a_running_on_delay_or_off_delay_only():
	rule = condition_rules.Rule("R", "Above", high=80, on_delay=60, off_delay=30, deadband=2)
	state, _events = condition_rules.step(rule, None, [(0.0, 70.0)])
	assert not condition_rules.waits(state)  # quiet
	state, _events = condition_rules.step(rule, state, [(10.0, 85.0)])
	assert condition_rules.waits(state)  # the on-delay runs
	state, events = condition_rules.hold_until(rule, state, 70.0)
	assert [e.kind for e in events] == [condition_rules.FIRED]
	assert not condition_rules.waits(state)  # fired, still above
	state, _events = condition_rules.step(rule, state, [(80.0, 75.0)])
	assert condition_rules.waits(state)  # the off-delay runs
	state, events = condition_rules.hold_until(rule, state, 110.0)
	assert [e.kind for e in events] == [condition_rules.CLEARED]
	assert not condition_rules.waits(state)
	repeat = condition_rules.Rule("K", "Above", high=80, repeat_count=3, repeat_window=600)
	state, _events = condition_rules.step(repeat, None, [(0.0, 85.0)])
	assert not condition_rules.waits(state)  # an occurrence counted: only a new sample can go on


# -- the machine state Off --------------------------------------------------------------------------------


def test_simulator_reports_off_shift_hours_as_off():
	assert parse_state_map(STATE_MAP)[float(OFF_CODE)] == OFF
