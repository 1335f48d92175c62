"""Maintenance Work Orders: the vocabulary, priority targets, an order's timing against them, dedup keys and
what a breakdown is.

API::

    ORDER_TYPES, SOURCES, PRIORITIES, PLANNED_TYPES;  is_planned(order_type) -> bool
    Target(response_minutes, repair_minutes);  DEFAULT_TARGETS
    targets(rows=None, defaults=DEFAULT_TARGETS) -> dict[priority, Target]
    evaluate_order(priority, targets, now, *, reported, acknowledged=None, repair_start=None,
                   back_in_service=None, completed=None, due=None) -> OrderTiming
    rule_order_key(rule, asset) -> str;  breakdown_order_key(workstation, down_since) -> str
    andon_order_key(workstation) -> str;  quality_order_key(hold) -> str
    breakdown_threshold_seconds(workstation_minutes, settings_minutes) -> float
    is_breakdown(state, start, end, threshold_seconds) -> bool
    breakdown_open_since(state, start, now, threshold_seconds) -> bool

Priority targets (the settings table: one row per priority): `response_minutes` from the report (for a
breakdown: the failure time) to the acknowledgement, `repair_minutes` from the report to back in service -
the time the machine was lost, delays included, as the requester sees it. A target of None (or 0 in a row)
means none. Defaults: Emergency 15 / 240, High 60 / 480, Medium 240 / 1440, Low 1440 / 4320 minutes.

`evaluate_order` (times: naive datetimes in the site's timezone, or Unix seconds - the due times come back
of the same kind as `reported`; `due` is the date a PM order is due by; `now` is the scan's time):

    response_due       reported + response target (None without a target)
    repair_due         reported + repair target
    response_minutes   acknowledged - reported; while unacknowledged, now - reported so far
    restore_minutes    back_in_service - reported; while not back in service, now - reported so far
    repair_minutes     back_in_service - repair_start: the active repair (None until both are known)
    response_missed    acknowledged after response_due, or still unacknowledged after it
    repair_missed      back in service after repair_due, or still not back in service after it
    late               a PM order completed after its due date (the date, whole day counted)
    overdue            still open (no `completed`) and a target or the due date has passed
    problems           codes of impossible orders of times, e.g. "acknowledged_before_reported",
                       "back_in_service_before_repair_start", "completed_before_reported": the figures
                       are still computed as given (negative minutes show the error), never hidden

Breakdowns: a Down interval lasting at least the threshold. The threshold is the workstation's own
(minutes, when set and > 0), else the settings' one. `breakdown_open_since` says whether a Down interval
still open at `now` has already lasted long enough (so the order opens while the machine is still down).
One order per breakdown: `breakdown_order_key(workstation, down_since)`; one open order per condition rule and
asset: `rule_order_key(rule, asset)` (a rule that fires again while its order is open adds to that order); one
open request per workstation from the terminal's maintenance andon: `andon_order_key(workstation)` (a call
while the request is open adds to it; once it is closed a call opens a new one); one order per quality hold
whose cause is the machine: `quality_order_key(hold)`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mom_app.engine.machine_state import DOWN
from mom_app.engine.maintenance._values import non_negative, one_of, optional_date, seconds

CORRECTIVE, PREVENTIVE, CONDITION_BASED, CALIBRATION, INSPECTION = (
	"Corrective",
	"Preventive",
	"Condition-based",
	"Calibration",
	"Inspection",
)
ORDER_TYPES = (CORRECTIVE, PREVENTIVE, CONDITION_BASED, CALIBRATION, INSPECTION)
# Planned maintenance: scheduled before a failure (preventive, calibration, inspection) or predicted from the
# machine's condition; corrective work after a failure or a request is unplanned.
PLANNED_TYPES = (PREVENTIVE, CONDITION_BASED, CALIBRATION, INSPECTION)
SOURCES = (
	"Request",
	"Terminal andon",
	"Machine breakdown",
	"Calendar PM",
	"Meter PM",
	"Condition rule",
	"Quality",
)
EMERGENCY, HIGH, MEDIUM, LOW = "Emergency", "High", "Medium", "Low"
PRIORITIES = (EMERGENCY, HIGH, MEDIUM, LOW)


def is_planned(order_type: str) -> bool:
	"""Planned maintenance (PLANNED_TYPES) or not (Corrective)."""
	return one_of(order_type, "order type", ORDER_TYPES) in PLANNED_TYPES


@dataclass(frozen=True)
class Target:
	"""Minutes from the report to the acknowledgement and to back in service; None: no target."""

	response_minutes: float | None
	repair_minutes: float | None

	def __post_init__(self):
		for name in ("response_minutes", "repair_minutes"):
			value = getattr(self, name)
			if value is not None:
				object.__setattr__(self, name, non_negative(value, name) or None)


DEFAULT_TARGETS = {
	EMERGENCY: Target(15, 240),
	HIGH: Target(60, 480),
	MEDIUM: Target(240, 1440),
	LOW: Target(1440, 4320),
}


def targets(rows: Iterable[Mapping] | None = None, defaults: Mapping = DEFAULT_TARGETS) -> dict:
	"""Priority -> Target: the settings rows {"priority", "response_minutes", "repair_minutes"} over the
	defaults. A row names a priority once; 0 or None in a row means no target."""
	out = dict(defaults)
	seen = set()
	for row in rows or ():
		priority = one_of(row.get("priority"), "priority", PRIORITIES)
		if priority in seen:
			raise ValueError(f"priority {priority} has two target rows")
		seen.add(priority)
		out[priority] = Target(row.get("response_minutes"), row.get("repair_minutes"))
	return out


@dataclass(frozen=True)
class OrderTiming:
	response_due: datetime | float | None
	repair_due: datetime | float | None
	response_minutes: float
	restore_minutes: float
	repair_minutes: float | None
	response_missed: bool
	repair_missed: bool
	late: bool
	overdue: bool
	problems: tuple = ()


def _back(value: float, like) -> datetime | float:
	"""Unix seconds as the kind of `like` (a naive datetime or a number)."""
	if isinstance(like, datetime):
		return datetime(1970, 1, 1) + timedelta(seconds=value)
	return value


def evaluate_order(
	priority: str,
	targets: Mapping,
	now,
	*,
	reported,
	acknowledged=None,
	repair_start=None,
	back_in_service=None,
	completed=None,
	due=None,
) -> OrderTiming:
	"""An order's timing against its priority's targets (see the module docstring)."""
	one_of(priority, "priority", PRIORITIES)
	target = targets.get(priority) or Target(None, None)
	t_now = seconds(now, "now")
	t_rep = seconds(reported, "reported")
	t_ack = None if acknowledged is None else seconds(acknowledged, "acknowledged")
	t_start = None if repair_start is None else seconds(repair_start, "repair_start")
	t_back = None if back_in_service is None else seconds(back_in_service, "back_in_service")
	t_done = None if completed is None else seconds(completed, "completed")
	due = optional_date(due, "due")

	problems = []
	for name, value in (
		("acknowledged", t_ack),
		("repair_start", t_start),
		("back_in_service", t_back),
		("completed", t_done),
	):
		if value is not None and value < t_rep:
			problems.append(f"{name}_before_reported")
	if t_start is not None and t_back is not None and t_back < t_start:
		problems.append("back_in_service_before_repair_start")
	if t_ack is not None and t_start is not None and t_start < t_ack:
		problems.append("repair_start_before_acknowledged")

	response_due = None if target.response_minutes is None else t_rep + target.response_minutes * 60
	repair_due = None if target.repair_minutes is None else t_rep + target.repair_minutes * 60
	response_missed = response_due is not None and (t_ack if t_ack is not None else t_now) > response_due
	repair_missed = repair_due is not None and (t_back if t_back is not None else t_now) > repair_due
	late = due is not None and t_done is not None and _date_of(t_done) > due
	open_order = t_done is None
	overdue = open_order and (
		(response_due is not None and t_ack is None and t_now > response_due)
		or (repair_due is not None and t_back is None and t_now > repair_due)
		or (due is not None and _date_of(t_now) > due)
	)
	return OrderTiming(
		response_due=None if response_due is None else _back(response_due, reported),
		repair_due=None if repair_due is None else _back(repair_due, reported),
		response_minutes=((t_ack if t_ack is not None else t_now) - t_rep) / 60,
		restore_minutes=((t_back if t_back is not None else t_now) - t_rep) / 60,
		repair_minutes=None if t_start is None or t_back is None else (t_back - t_start) / 60,
		response_missed=response_missed,
		repair_missed=repair_missed,
		late=late,
		overdue=overdue,
		problems=tuple(problems),
	)


def _date_of(ts: float) -> date:
	return (datetime(1970, 1, 1) + timedelta(seconds=ts)).date()


# -- dedup keys and breakdowns ----------------------------------------------------------------------------


def rule_order_key(rule: str, asset: str) -> str:
	"""The key of the one open order per condition rule and asset."""
	if not rule or not asset:
		raise ValueError("a rule order key needs the rule and the asset")
	return f"rule|{rule}|{asset}"


def breakdown_order_key(workstation: str, down_since) -> str:
	"""The key of the one order per breakdown: the workstation and the start of its Down interval."""
	if not workstation:
		raise ValueError("a breakdown order key needs the workstation")
	start = seconds(down_since, "down_since")
	return f"breakdown|{workstation}|{start:.3f}"


def andon_order_key(workstation: str) -> str:
	"""The key of the one open maintenance request per workstation from the terminal's andon."""
	if not workstation:
		raise ValueError("an andon order key needs the workstation")
	return f"andon|{workstation}"


def quality_order_key(hold: str) -> str:
	"""The key of the one order a quality hold whose cause is the machine opens."""
	if not hold:
		raise ValueError("a quality order key needs the quality hold")
	return f"quality|{hold}"


def breakdown_threshold_seconds(workstation_minutes, settings_minutes) -> float:
	"""The workstation's threshold (minutes) when set and > 0, else the settings' one; in seconds."""
	if workstation_minutes not in (None, "", 0):
		value = non_negative(workstation_minutes, "workstation breakdown minutes")
		if value > 0:
			return value * 60
	return non_negative(settings_minutes or 0, "breakdown minutes") * 60


def is_breakdown(state: str, start, end, threshold_seconds) -> bool:
	"""A closed interval is a breakdown: Down for at least the threshold."""
	duration = seconds(end, "end") - seconds(start, "start")
	return state == DOWN and duration >= non_negative(threshold_seconds, "threshold_seconds")


def breakdown_open_since(state: str, start, now, threshold_seconds) -> bool:
	"""An interval still open at `now` is already a breakdown: Down for at least the threshold by now."""
	return is_breakdown(state, start, now, threshold_seconds)
