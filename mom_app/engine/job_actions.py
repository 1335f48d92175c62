"""Operator-terminal rules for an ERPNext Job Card: what a start, pause, resume, complete or downtime report
changes, or why it is refused.

`plan_action(snapshot, action, now)` reads a plain snapshot of the Job Card and returns a `Plan` - the exact
changes to make - or raises `ActionError(code, message)`. It changes nothing itself: the adapter loads the
snapshot, applies the plan to the real Job Card (inside one transaction, after locking the card) and
translates the message by its stable code.

Snapshot (the Job Card's fields of the same names, plus `hold_reason` from quality and `lockout` from
maintenance)::

    {
        "status": "Open" | "Work In Progress" | "On Hold" | "Material Transferred" | "Completed" | ...,
        "docstatus": 0 | 1 | 2,
        "for_quantity": 100,
        "total_completed_qty": 40,
        "process_loss_qty": 2,
        "workstation": "Press 1",
        "is_paused": False,
        "hold_reason": None,
        "lockout": None,  # or {"order": "MWO-2026-00012", "workstation": "Press 1"}
        "time_logs": [
            {
                "employee": "HR-EMP-0001",
                "from_time": datetime,
                "to_time": None,
                "completed_qty": 0,
                "name": "row name (optional)",
            }
        ],
    }

Action::

    {
        "action": "start" | "pause" | "resume" | "complete" | "downtime",
        "employee": "HR-EMP-0001",
        "workstation": "Press 1",
        "good_qty": 10,
        "scrap_qty": 1,
        "rework_qty": 0,
        "reason": "No material",
    }

The rules:
  - a submitted or cancelled job card accepts nothing; nor does one whose status is Completed;
  - the terminal's workstation, when it sends one, must be the job card's;
  - a quality hold (`hold_reason`) refuses start, resume and complete, with the hold's reason; pause and
    downtime stay possible (stopping is always allowed);
  - a maintenance lockout (`lockout`: an open Emergency maintenance order locks the card's workstation)
    refuses start and resume, naming the order; complete stays possible but ends the employee's work on
    the card (what was made before the lockout is reported; no new time log opens on a locked machine);
    pause and downtime stay possible. A quality hold is said first when both apply;
  - start opens a time log for the employee at `now`; refused while the employee's own log is open, and
    while the job is paused (resume it instead);
  - pause closes every open time log at `now` with nothing completed and marks the job paused ("On Hold")
    with the reason; refused when no time log is open or the job is already paused;
  - resume opens a time log for the employee and clears the pause; refused when the job is not paused;
  - complete reports quantities: it closes the employee's open time log at `now` with the good quantity as
    its completed_qty, adds the scrap to process_loss_qty and reports the rework quantity. A partial report
    (something is still left to make, or the card has no quantity) opens a new time log for the employee
    at the same `now`: the job keeps running until the operator pauses, and each log carries what was made
    in it. The report that leaves nothing to make ends the employee's work on the card (no new log).
    Refused when the employee has no open log, when the job is paused, when nothing is reported (good,
    scrap and rework all 0) while something is left to make, and when good + scrap exceed what is left:
    for_quantity x (1 + allowed_overproduction_pct / 100) - total_completed_qty - process_loss_qty;
    the plan says what is then left to make (`remaining_qty`) and whether nothing is (`fully_completed`);
  - downtime records a stop of the workstation at `now` with its reason (required), and pauses the job like
    pause does when it is running;
  - quantities must be numbers (numeric strings are accepted) and not negative; missing means 0.

`action_options(snapshot, employee, workstation=None)` says, for every action, whether the employee may take
it on the card now (None) or the ActionError that refuses it - the same rules as plan_action, without the
quantities and reasons an action carries. The terminal offers only the allowed actions, and says why the
others are not (a quality hold's reason, say).

`remaining_qty(for_quantity, completed_qty, lost_qty)` is what is left to make on a card - its quantity less
what is completed and what is lost (scrap), never below 0: an allowed overproduction leaves nothing to make,
not a negative quantity. The plan's `remaining_qty` and the terminal's view of a card both use it.
"""

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

ACTIONS = ("start", "pause", "resume", "complete", "downtime")

# Stable error codes and their English message templates.
ERRORS = {
	"unknown_action": "Unknown action {action!r}; use one of start, pause, resume, complete, downtime.",
	"job_card_submitted": "Job card is already submitted; nothing can be recorded on it any more.",
	"job_card_cancelled": "Job card is cancelled.",
	"job_card_completed": "Job card is completed.",
	"wrong_workstation": "This job card is for workstation {expected}, not {given}.",
	"missing_employee": "Scan or choose the employee first.",
	"quality_hold": "The job is on quality hold: {reason}",
	"lockout": (
		"Workstation {workstation} is locked out by maintenance order {order}; jobs start there again when "
		"the order is completed."
	),
	"already_running": "Employee {employee} is already working on this job.",
	"job_paused": "The job is paused; resume it first.",
	"not_running": "The job is not running, so it cannot be paused.",
	"not_paused": "The job is not paused, so it cannot be resumed.",
	"not_started": "Employee {employee} has not started this job, so there is nothing to complete.",
	"invalid_quantity": "The {field} must be a number of zero or more, not {value!r}.",
	"over_completion": (
		"{good:g} good and {scrap:g} scrap is more than the {remaining:g} still to make (quantity "
		"{for_quantity:g}, {done:g} already completed or lost, {allowed_pct:g}% overproduction allowed)."
	),
	"missing_reason": "Give the reason for the downtime.",
	"nothing_reported": (
		"No quantity is reported: enter the good, scrap or rework quantity; to stop working, pause."
	),
	"time_before_start": (
		"The time now ({now}) is before the start of the open time log ({start}); check the clock."
	),
}


class ActionError(ValueError):
	"""A refused action: `code` is a key of ERRORS (stable, for translation), the message is in English."""

	def __init__(self, code: str, **values):
		self.code = code
		self.values = values  # what the message was filled with, for the adapter's translation
		self.message = ERRORS[code].format(**values)
		super().__init__(self.message)


@dataclass(frozen=True)
class Plan:
	"""What to change on the Job Card.

	open_logs:  time log rows to append: {"employee", "from_time"}.
	close_logs: open rows to close: {"index" (position in the snapshot's time_logs), "name" (the row's name
	            when the snapshot had it), "employee", "to_time", "completed_qty"}.
	is_paused:  the new value of is_paused, or None to leave it.
	status:     the status to set, or None to leave it (ERPNext recomputes it on save, except On Hold).
	reason:     why the job was paused or stopped.
	completed_qty, process_loss_qty: added to total_completed_qty (through the closed log) and to
	            process_loss_qty. rework_qty: reported for quality, nothing on the job card counts it.
	downtime:   a workstation stop to record: {"workstation", "from_time", "reason", "employee"}.
	remaining_qty: what is left to make after this action, never below 0 (None when the card has no
	            quantity);
	fully_completed: whether nothing is left (the adapter may offer to submit the card)."""

	action: str
	employee: str | None = None
	open_logs: tuple[dict, ...] = ()
	close_logs: tuple[dict, ...] = ()
	is_paused: bool | None = None
	status: str | None = None
	reason: str | None = None
	completed_qty: float = 0.0
	process_loss_qty: float = 0.0
	rework_qty: float = 0.0
	downtime: dict | None = None
	remaining_qty: float | None = None
	fully_completed: bool = False


def _quantity(action: Mapping, name: str, label: str) -> float:
	value = action.get(name)
	if value is None or (isinstance(value, str) and not value.strip()):
		return 0.0
	number = None
	if isinstance(value, numbers.Real) and not isinstance(value, bool):
		number = float(value)
	elif isinstance(value, str):
		try:
			number = float(value.strip())
		except ValueError:
			number = None
	if number is None or not math.isfinite(number) or number < 0:
		raise ActionError("invalid_quantity", field=label, value=value)
	return number


def _open_logs(snapshot: Mapping) -> list[tuple[int, Mapping]]:
	return [(i, log) for i, log in enumerate(snapshot.get("time_logs") or ()) if not log.get("to_time")]


def _close(i: int, log: Mapping, now: datetime, completed_qty: float) -> dict:
	start = log.get("from_time")
	if start is not None and isinstance(start, datetime) and now < start:
		raise ActionError("time_before_start", now=now, start=start)
	return {
		"index": i,
		"name": log.get("name"),
		"employee": log.get("employee"),
		"to_time": now,
		"completed_qty": completed_qty,
	}


def _float(value) -> float:
	try:
		return float(value or 0)
	except (TypeError, ValueError):
		return 0.0


def remaining_qty(for_quantity, completed_qty, lost_qty) -> float | None:
	"""What is left to make: for_quantity - completed_qty - lost_qty, never below 0; None when the card has
	no quantity (for_quantity None). Missing or non-numeric quantities count as 0."""
	if for_quantity is None:
		return None
	return max(_float(for_quantity) - _float(completed_qty) - _float(lost_qty), 0.0)


def _refusal(snapshot: Mapping, kind: str, employee, given_workstation=None) -> ActionError | None:
	"""The error that refuses action `kind` on the card in its present state, or None (quantities and
	reasons are checked by plan_action)."""
	docstatus = int(snapshot.get("docstatus") or 0)
	if docstatus == 1:
		return ActionError("job_card_submitted")
	if docstatus == 2:
		return ActionError("job_card_cancelled")
	if snapshot.get("status") == "Completed":
		return ActionError("job_card_completed")

	expected = snapshot.get("workstation")
	if given_workstation and expected and given_workstation != expected:
		return ActionError("wrong_workstation", expected=expected, given=given_workstation)

	if kind in ("start", "resume", "complete") and not employee:
		return ActionError("missing_employee")

	hold = snapshot.get("hold_reason")
	if hold and kind in ("start", "resume", "complete"):
		return ActionError("quality_hold", reason=hold)

	lockout = snapshot.get("lockout")
	if lockout and kind in ("start", "resume"):
		return ActionError(
			"lockout",
			order=lockout.get("order"),
			workstation=lockout.get("workstation") or snapshot.get("workstation"),
		)

	open_logs = _open_logs(snapshot)
	paused = bool(snapshot.get("is_paused"))
	mine = any(log.get("employee") == employee for _, log in open_logs)
	if kind == "start":
		if paused:
			return ActionError("job_paused")
		if mine:
			return ActionError("already_running", employee=employee)
	elif kind == "resume":
		if not paused:
			return ActionError("not_paused")
	elif kind == "pause":
		if paused or not open_logs:
			return ActionError("not_running")
	elif kind == "complete":
		if paused:
			return ActionError("job_paused")
		if not mine:
			return ActionError("not_started", employee=employee)
	return None


def action_options(snapshot: Mapping, employee, workstation=None) -> dict[str, ActionError | None]:
	"""For every action in ACTIONS order: None when `employee` may take it on the card now, else the
	ActionError that refuses it (see the module docstring)."""
	return {kind: _refusal(snapshot, kind, employee or None, workstation) for kind in ACTIONS}


def plan_action(
	snapshot: Mapping,
	action: Mapping,
	now: datetime,
	*,
	allowed_overproduction_pct: float = 0.0,
) -> Plan:
	"""The changes `action` makes to the job card `snapshot` at `now`, or ActionError (see the module
	docstring for the rules and ERRORS for the codes)."""
	kind = str(action.get("action") or "").strip().lower()
	if kind not in ACTIONS:
		raise ActionError("unknown_action", action=action.get("action"))

	employee = action.get("employee") or None
	refused = _refusal(snapshot, kind, employee, action.get("workstation"))
	if refused:
		raise refused

	expected = snapshot.get("workstation")
	open_logs = _open_logs(snapshot)
	paused = bool(snapshot.get("is_paused"))
	reason = (action.get("reason") or "").strip() or None

	if kind == "start":
		return Plan(
			action=kind,
			employee=employee,
			open_logs=({"employee": employee, "from_time": now},),
			status="Work In Progress",
		)

	if kind == "resume":
		if any(log.get("employee") == employee for _, log in open_logs):
			# Paused with the employee's log still open (edited by hand): resume without a second log.
			return Plan(action=kind, employee=employee, is_paused=False, status="Work In Progress")
		return Plan(
			action=kind,
			employee=employee,
			open_logs=({"employee": employee, "from_time": now},),
			is_paused=False,
			status="Work In Progress",
		)

	if kind == "pause":
		return Plan(
			action=kind,
			employee=employee,
			close_logs=tuple(_close(i, log, now, 0.0) for i, log in open_logs),
			is_paused=True,
			status="On Hold",
			reason=reason,
		)

	if kind == "downtime":
		if not reason:
			raise ActionError("missing_reason")
		downtime = {
			"workstation": expected or action.get("workstation"),
			"from_time": now,
			"reason": reason,
			"employee": employee,
		}
		if paused or not open_logs:
			return Plan(action=kind, employee=employee, reason=reason, downtime=downtime)
		return Plan(
			action=kind,
			employee=employee,
			close_logs=tuple(_close(i, log, now, 0.0) for i, log in open_logs),
			is_paused=True,
			status="On Hold",
			reason=reason,
			downtime=downtime,
		)

	# complete
	good = _quantity(action, "good_qty", "good quantity")
	scrap = _quantity(action, "scrap_qty", "scrap quantity")
	rework = _quantity(action, "rework_qty", "rework quantity")
	index, log = [(i, log) for i, log in open_logs if log.get("employee") == employee][-1]
	for_quantity = snapshot.get("for_quantity")
	done = _float(snapshot.get("total_completed_qty")) + _float(snapshot.get("process_loss_qty"))
	remaining = None
	if for_quantity is not None:
		target = _float(for_quantity)
		allowed = target * (1 + float(allowed_overproduction_pct) / 100.0) - done
		if good + scrap > allowed + 1e-9:
			raise ActionError(
				"over_completion",
				good=good,
				scrap=scrap,
				remaining=max(allowed, 0.0),
				for_quantity=target,
				done=done,
				allowed_pct=float(allowed_overproduction_pct),
			)
		remaining = remaining_qty(target, done + good, scrap)
	fully_completed = remaining is not None and remaining <= 1e-9
	if not (good or scrap or rework) and not fully_completed:
		raise ActionError("nothing_reported", remaining=remaining)
	closed = _close(index, log, now, good)
	# a partial report: the employee goes on working on the card, in a new log from the same moment - unless
	# the workstation is locked out (its work stops; it resumes once the maintenance order is completed)
	goes_on = not fully_completed and not snapshot.get("lockout")
	return Plan(
		action=kind,
		employee=employee,
		close_logs=(closed,),
		open_logs=({"employee": employee, "from_time": now},) if goes_on else (),
		status="Work In Progress",
		completed_qty=good,
		process_loss_qty=scrap,
		rework_qty=rework,
		remaining_qty=remaining,
		fully_completed=fully_completed,
	)
