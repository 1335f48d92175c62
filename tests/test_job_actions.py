from datetime import datetime, timedelta

import pytest

from mom_app.engine.job_actions import (
	ACTIONS,
	ERRORS,
	ActionError,
	Plan,
	action_options,
	plan_action,
	remaining_qty,
)

T = datetime(2024, 3, 4, 8, 0)
ANA, BEN = "HR-EMP-0001", "HR-EMP-0002"


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
	}
	snapshot.update(extra)
	return snapshot


def log(employee, start, end=None, qty=0, name=None):
	return {"employee": employee, "from_time": start, "to_time": end, "completed_qty": qty, "name": name}


def act(action, employee=ANA, **extra):
	return {"action": action, "employee": employee, "workstation": "Press 1", **extra}


def apply(snapshot, plan: Plan):
	"""What the adapter does with a plan, on the snapshot (enough to chain actions in the tests)."""
	snapshot = dict(snapshot, time_logs=[dict(row) for row in snapshot["time_logs"]])
	for closed in plan.close_logs:
		row = snapshot["time_logs"][closed["index"]]
		row["to_time"] = closed["to_time"]
		row["completed_qty"] = closed["completed_qty"]
	for opened in plan.open_logs:
		snapshot["time_logs"].append(log(opened["employee"], opened["from_time"]))
	if plan.is_paused is not None:
		snapshot["is_paused"] = plan.is_paused
	if plan.status:
		snapshot["status"] = plan.status
	snapshot["total_completed_qty"] = sum(row["completed_qty"] or 0 for row in snapshot["time_logs"])
	snapshot["process_loss_qty"] += plan.process_loss_qty
	return snapshot


def test_happy_path_start_pause_resume_complete():
	snapshot = card()
	start = plan_action(snapshot, act("start"), T)
	assert start == Plan(
		action="start",
		employee=ANA,
		open_logs=({"employee": ANA, "from_time": T},),
		status="Work In Progress",
	)
	snapshot = apply(snapshot, start)

	pause = plan_action(snapshot, act("pause", reason="Waiting for material"), T + timedelta(minutes=30))
	assert pause.close_logs == (
		{
			"index": 0,
			"name": None,
			"employee": ANA,
			"to_time": T + timedelta(minutes=30),
			"completed_qty": 0.0,
		},
	)
	assert pause.is_paused is True and pause.status == "On Hold" and pause.reason == "Waiting for material"
	assert pause.open_logs == () and pause.downtime is None
	snapshot = apply(snapshot, pause)

	resume = plan_action(snapshot, act("resume"), T + timedelta(minutes=45))
	assert resume.open_logs == ({"employee": ANA, "from_time": T + timedelta(minutes=45)},)
	assert resume.is_paused is False and resume.status == "Work In Progress"
	snapshot = apply(snapshot, resume)

	complete = plan_action(
		snapshot, act("complete", good_qty=60, scrap_qty=2, rework_qty=3), T + timedelta(hours=2)
	)
	assert complete.close_logs == (
		{"index": 1, "name": None, "employee": ANA, "to_time": T + timedelta(hours=2), "completed_qty": 60.0},
	)
	assert (complete.completed_qty, complete.process_loss_qty, complete.rework_qty) == (60, 2, 3)
	assert complete.remaining_qty == 38 and complete.fully_completed is False
	# a partial report: Ana goes on working, in a new log from the same moment
	assert complete.open_logs == ({"employee": ANA, "from_time": T + timedelta(hours=2)},)
	snapshot = apply(snapshot, complete)
	assert snapshot["total_completed_qty"] == 60 and snapshot["process_loss_qty"] == 2
	assert action_options(snapshot, ANA)["complete"] is None
	assert action_options(snapshot, ANA)["start"].code == "already_running"

	# The report that finishes the card ends her work on it: no new log.
	done = plan_action(snapshot, act("complete", good_qty=38), T + timedelta(hours=4))
	assert done.remaining_qty == 0 and done.fully_completed is True
	assert done.open_logs == () and [c["index"] for c in done.close_logs] == [2]
	snapshot = apply(snapshot, done)
	assert all(row["to_time"] for row in snapshot["time_logs"])
	assert [row["completed_qty"] for row in snapshot["time_logs"]] == [0.0, 60.0, 38.0]


def test_partial_report_keeps_the_job_running_until_a_pause():
	snapshot = apply(card(for_quantity=10), plan_action(card(for_quantity=10), act("start"), T))
	for hour, good in ((1, 3), (2, 4)):
		plan = plan_action(snapshot, act("complete", good_qty=good), T + timedelta(hours=hour))
		assert not plan.fully_completed and plan.status == "Work In Progress"
		snapshot = apply(snapshot, plan)
		open_rows = [row for row in snapshot["time_logs"] if not row["to_time"]]
		assert [(row["employee"], row["from_time"]) for row in open_rows] == [
			(ANA, T + timedelta(hours=hour))
		]
	assert snapshot["total_completed_qty"] == 7
	pause = plan_action(snapshot, act("pause"), T + timedelta(hours=3))
	snapshot = apply(snapshot, pause)
	assert all(row["to_time"] for row in snapshot["time_logs"]) and snapshot["is_paused"]
	# a card without a quantity is never finished by a report: the job keeps running
	no_qty = card(for_quantity=None, time_logs=[log(ANA, T)])
	plan = plan_action(no_qty, act("complete", good_qty=5), T + timedelta(hours=1))
	assert plan.remaining_qty is None and plan.open_logs == (
		{"employee": ANA, "from_time": T + timedelta(hours=1)},
	)


def test_nothing_reported_is_refused_unless_the_card_is_done():
	running = card(time_logs=[log(ANA, T)])
	with pytest.raises(ActionError) as exc:
		plan_action(running, act("complete"), T + timedelta(hours=1))
	assert exc.value.code == "nothing_reported"
	# rework alone is a report
	assert plan_action(running, act("complete", rework_qty=2), T + timedelta(hours=1)).rework_qty == 2
	# nothing left to make: closing the log with nothing more is the end of the job
	full = card(total_completed_qty=100, time_logs=[log(ANA, T, qty=100)])
	full["time_logs"].append(log(ANA, T + timedelta(hours=1)))
	plan = plan_action(full, act("complete"), T + timedelta(hours=2))
	assert plan.fully_completed and plan.open_logs == ()


def test_options_follow_the_rules():
	def allowed(snapshot, employee=ANA):
		return [kind for kind, refusal in action_options(snapshot, employee).items() if refusal is None]

	assert allowed(card()) == ["start", "downtime"]
	assert allowed(card(time_logs=[log(ANA, T)], status="Work In Progress")) == [
		"pause",
		"complete",
		"downtime",
	]
	# Ben may join Ana's job (or stop it), but has nothing of his own to report
	assert allowed(card(time_logs=[log(ANA, T)]), BEN) == ["start", "pause", "downtime"]
	assert allowed(card(is_paused=True, status="On Hold", time_logs=[log(ANA, T, T)])) == [
		"resume",
		"downtime",
	]
	assert allowed(card(docstatus=1)) == []
	assert list(action_options(card(), ANA)) == list(ACTIONS)
	# every option plan_action would refuse is refused with the same code, and the reverse
	snapshots = [
		card(),
		card(time_logs=[log(ANA, T)]),
		card(time_logs=[log(BEN, T)]),
		card(is_paused=True, time_logs=[log(ANA, T, T)]),
		card(hold_reason="NCR-0042", is_paused=True, time_logs=[log(ANA, T, T)]),
		card(status="Completed"),
		card(docstatus=2),
	]
	request = {"good_qty": 1, "reason": "Hydraulic leak"}
	for snapshot in snapshots:
		for kind, refusal in action_options(snapshot, ANA).items():
			try:
				plan_action(snapshot, act(kind, **request), T + timedelta(hours=1))
				code = None
			except ActionError as e:
				code = e.code
			assert code == (refusal.code if refusal else None), (snapshot, kind)


def test_options_under_quality_hold_offer_only_stopping_with_the_reason():
	paused = card(hold_reason="NCR-0042: burrs", is_paused=True, status="On Hold", time_logs=[log(ANA, T, T)])
	options = action_options(paused, ANA)
	assert [kind for kind, refusal in options.items() if refusal is None] == ["downtime"]
	assert options["resume"].code == "quality_hold"
	assert options["resume"].values == {"reason": "NCR-0042: burrs"}
	running = card(hold_reason="NCR-0042: burrs", time_logs=[log(ANA, T)])
	options = action_options(running, ANA)
	assert [kind for kind, refusal in options.items() if refusal is None] == ["pause", "downtime"]
	assert options["complete"].code == options["start"].code == "quality_hold"


def test_two_employees_on_one_job():
	snapshot = apply(card(), plan_action(card(), act("start"), T))
	snapshot = apply(snapshot, plan_action(snapshot, act("start", BEN), T + timedelta(minutes=5)))
	assert len(snapshot["time_logs"]) == 2
	# Ben completes his part; Ana's log stays open.
	plan = plan_action(snapshot, act("complete", BEN, good_qty=10), T + timedelta(hours=1))
	assert [c["employee"] for c in plan.close_logs] == [BEN]
	assert plan.close_logs[0]["index"] == 1
	# A pause stops everyone.
	plan = plan_action(snapshot, act("pause"), T + timedelta(hours=1))
	assert [c["employee"] for c in plan.close_logs] == [ANA, BEN]


def test_row_names_are_passed_on():
	snapshot = card(time_logs=[log(ANA, T, name="row-1")], status="Work In Progress")
	plan = plan_action(snapshot, act("complete", good_qty="5"), T + timedelta(hours=1))
	assert plan.close_logs[0]["name"] == "row-1" and plan.completed_qty == 5.0


def test_overproduction_tolerance():
	snapshot = card(for_quantity=100, total_completed_qty=90, process_loss_qty=5, time_logs=[log(ANA, T)])
	plan = plan_action(snapshot, act("complete", good_qty=5), T + timedelta(hours=1))
	assert plan.fully_completed and plan.remaining_qty == 0
	with pytest.raises(ActionError) as exc:
		plan_action(snapshot, act("complete", good_qty=5, scrap_qty=1), T + timedelta(hours=1))
	assert exc.value.code == "over_completion"
	assert str(exc.value) == (
		"5 good and 1 scrap is more than the 5 still to make "
		"(quantity 100, 95 already completed or lost, 0% overproduction allowed)."
	)
	plan = plan_action(
		snapshot,
		act("complete", good_qty=9, scrap_qty=1),
		T + timedelta(hours=1),
		allowed_overproduction_pct=5,
	)
	# 5 over the quantity, as allowed: nothing left to make, not -5 (the terminal's view of the card says 0)
	assert plan.remaining_qty == 0 and plan.fully_completed


def test_remaining_quantity():
	assert remaining_qty(100, 40, 2) == 58
	assert remaining_qty(100, 98, 2) == 0
	assert remaining_qty(100, 103, 2) == 0  # an allowed overproduction leaves nothing, not a negative
	assert remaining_qty(100, None, "") == 100
	assert remaining_qty(None, 5, 0) is None  # a card without a quantity


def test_downtime_pauses_a_running_job_and_records_the_stop():
	snapshot = card(time_logs=[log(ANA, T)], status="Work In Progress")
	plan = plan_action(snapshot, act("downtime", reason="Hydraulic leak"), T + timedelta(minutes=10))
	assert plan.downtime == {
		"workstation": "Press 1",
		"from_time": T + timedelta(minutes=10),
		"reason": "Hydraulic leak",
		"employee": ANA,
	}
	assert plan.is_paused is True and plan.status == "On Hold" and len(plan.close_logs) == 1
	# On a job that is not running, only the stop is recorded.
	plan = plan_action(card(), act("downtime", reason="Hydraulic leak"), T)
	assert plan.downtime is not None and plan.close_logs == () and plan.is_paused is None


def test_stopping_is_allowed_under_quality_hold():
	snapshot = card(time_logs=[log(ANA, T)], hold_reason="NCR-0042 open")
	assert plan_action(snapshot, act("pause"), T + timedelta(minutes=1)).is_paused is True
	assert plan_action(snapshot, act("downtime", reason="QA"), T + timedelta(minutes=1)).downtime


@pytest.mark.parametrize(
	"snapshot, action, code",
	[
		(card(), act("dance"), "unknown_action"),
		(card(), {"action": None}, "unknown_action"),
		(card(docstatus=1), act("start"), "job_card_submitted"),
		(card(docstatus=2), act("start"), "job_card_cancelled"),
		(card(status="Completed"), act("start"), "job_card_completed"),
		(card(), dict(act("start"), workstation="Press 2"), "wrong_workstation"),
		(card(), act("start", employee=None), "missing_employee"),
		(card(), act("complete", employee=""), "missing_employee"),
		(card(hold_reason="NCR-0042 open"), act("start"), "quality_hold"),
		(
			card(hold_reason="NCR-0042 open", is_paused=True, time_logs=[log(ANA, T, T)]),
			act("resume"),
			"quality_hold",
		),
		(
			card(hold_reason="NCR-0042 open", time_logs=[log(ANA, T)]),
			act("complete", good_qty=1),
			"quality_hold",
		),
		(card(lockout={"order": "MWO-1", "workstation": "Press 1"}), act("start"), "lockout"),
		(card(time_logs=[log(ANA, T)]), act("start"), "already_running"),
		(card(is_paused=True, time_logs=[log(ANA, T, T)]), act("start"), "job_paused"),
		(card(is_paused=True, time_logs=[log(ANA, T, T)]), act("complete", good_qty=1), "job_paused"),
		(card(), act("pause"), "not_running"),
		(card(is_paused=True, time_logs=[log(ANA, T, T)]), act("pause"), "not_running"),
		(card(time_logs=[log(ANA, T)]), act("resume"), "not_paused"),
		(card(), act("complete", good_qty=1), "not_started"),
		(card(time_logs=[log(BEN, T)]), act("complete", good_qty=1), "not_started"),
		(card(time_logs=[log(ANA, T, T + timedelta(hours=1))]), act("complete", good_qty=1), "not_started"),
		(card(time_logs=[log(ANA, T)]), act("complete", good_qty=101), "over_completion"),
		(card(time_logs=[log(ANA, T)]), act("complete", good_qty=-1), "invalid_quantity"),
		(card(time_logs=[log(ANA, T)]), act("complete", scrap_qty="a few"), "invalid_quantity"),
		(card(time_logs=[log(ANA, T)]), act("complete", rework_qty=float("nan")), "invalid_quantity"),
		(card(time_logs=[log(ANA, T)]), act("complete", good_qty=True), "invalid_quantity"),
		(card(), act("downtime"), "missing_reason"),
		(card(time_logs=[log(ANA, T)]), act("complete", good_qty=0, scrap_qty=""), "nothing_reported"),
		(card(), act("downtime", reason="   "), "missing_reason"),
		(
			card(time_logs=[log(ANA, T + timedelta(hours=1))]),
			act("complete", good_qty=1),
			"time_before_start",
		),
	],
)
def test_errors(snapshot, action, code):
	with pytest.raises(ActionError) as exc:
		plan_action(snapshot, action, T)
	assert exc.value.code == code
	assert str(exc.value) and "{" not in str(exc.value)
	assert isinstance(exc.value, ValueError)


def test_every_error_code_is_tested():
	codes = {case[2] for case in test_errors.pytestmark[0].args[1]}
	assert codes == set(ERRORS)


def test_quality_hold_message_carries_the_reason():
	with pytest.raises(ActionError) as exc:
		plan_action(card(hold_reason="NCR-0042: burrs on edge"), act("start"), T)
	assert str(exc.value) == "The job is on quality hold: NCR-0042: burrs on edge"
	assert exc.value.values == {"reason": "NCR-0042: burrs on edge"}


def test_terminal_without_workstation_is_not_checked():
	plan = plan_action(card(), {"action": "start", "employee": ANA}, T)
	assert plan.open_logs


def test_action_names_are_case_insensitive():
	assert plan_action(card(), act("Start"), T).action == "start"
