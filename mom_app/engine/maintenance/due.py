"""When a preventive maintenance plan is due, whether its order should open now and why.

A plan (*Maintenance Plan*, expanded by the adapter to one `Plan` per plan and asset) triggers

- by calendar: every `every` days, weeks or months (`unit`), either on a *fixed* schedule - the dates
  start, start + 1 interval, start + 2 intervals, ... that do not move when the work is done late - or
  *floating* from the last completion (done + 1 interval). Months are calendar months: Jan 31 + 1 month is
  Feb 28 (Feb 29 in a leap year), and a fixed monthly schedule from Jan 31 is Jan 31, Feb 28/29, Mar 31,
  Apr 30 (each date counted from `start`, so the day does not drift). Dates only, never datetimes: no DST;
- by meter: every `meter_every` units (run hours, cycles, parts) since the meter reading at the last
  completion (`meter_start` before the first completion);
- or both, whichever comes first: a completion restarts both.

Lead time: the order opens `lead_days` days before the calendar due date (or before the date a meter plan is
projected to be due at the asset's usage rate), or `lead_units` meter units before the meter due value.

API::

    Plan(key, every=None, unit=None, schedule="Floating", start=None, meter_every=None, meter_start=0.0,
         lead_days=0, lead_units=0.0)
    evaluate(plan, today, *, last_done=None, last_done_due=None, last_done_meter=None, meter=None,
             rate_per_day=None, meter_date=None) -> Due
    scan(items, today) -> list[Due]   items: (plan, mapping of evaluate()'s keyword arguments)
    add_months(day, months) -> date;  add_interval(day, every, unit, times=1) -> date
    describe(due) -> str   an English sentence (the adapter translates REASON_TEXT itself)

Inputs of `evaluate` (the plan's history on this asset):

    today            the scan's date
    last_done        date of the last completion (None: never done)
    last_done_due    the due date of the order that completion closed (`Due.due_date` when it opened; the
                     order keeps it): a fixed schedule continues after it, so an order done before its
                     occurrence does not open that occurrence again
    last_done_meter  the meter reading at the last completion
    meter            the meter's current total (None: no reading yet: the meter trigger cannot be judged)
    rate_per_day     the asset's average usage per day (meters.usage_rate), for projections
    meter_date       the date of that reading (default: today)

Rules:

- calendar, fixed: the next due date is the first schedule date after both last_done_due and last_done +
  lead_days: work done inside an occurrence's lead window covers it, work done late does not leave an
  occurrence due at once behind it (Jan 5 done on Feb 3 with a lead of 3 days: next Mar 5); never done:
  start (set start to the first date the plan should fall due);
- calendar, floating: last_done + 1 interval; never done: start;
- meter: due_value = (last_done_meter, else meter_start) + meter_every; `projected_date` is when the meter
  reaches it at rate_per_day (meters.project_date from meter_date), the day it was reached - estimated
  back at the rate, else the reading's date - once it is;
- `due_date` of the Due is the earliest of the calendar due date and the meter's projected date: the date
  the order is due by;
- open now when today >= calendar due date - lead_days, or meter >= due_value - lead_units, or today >=
  projected_date - lead_days. `overdue` when the calendar due date has passed (today > it) or the meter is
  at or past its due value.

The reason is one code (the strongest trigger: due before lead, calendar before meter when both are equal),
with the figures in `details` for the adapter to put into its own translated sentence:

    due_by_calendar     {"due_date", "days_left"}  (0 or less: -days overdue)  today >= calendar due date
    due_by_meter        {"due_value", "meter"}                       meter >= due value
    lead_by_calendar    {"due_date", "days_left"}                    within lead_days of the calendar date
    lead_by_meter       {"due_value", "meter", "units_left", "days_left"}   within lead_units
    lead_by_projection  {"due_value", "meter", "units_left", "days_left", "rate_per_day", "projected_date"}
    not_due             the next trigger's figures (as the lead codes), "trigger": "calendar" or "meter"
    no_meter_reading    a meter-only plan without a reading

`days_left` is a float (2.3 days at the current rate) for meter codes and whole days for calendar codes;
dates in details are ISO strings ("2027-01-05"); numbers are floats. `warnings` lists oddities that do
not stop the evaluation: "meter_below_last_completion" (the meter was replaced or its total reset).

Idempotency: `Due.key` names the occurrence - plan key, calendar due date, meter due value - and stays the
same until a completion changes them, so a scanner that opens an order only when no order has this key opens
each due occurrence exactly once, whatever the meter does meanwhile.
"""

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from mom_app.engine.maintenance._values import (
	as_date,
	non_negative,
	number,
	one_of,
	optional_date,
	optional_number,
	positive,
	whole,
)
from mom_app.engine.maintenance.meters import days_to_reach

DAY, WEEK, MONTH = "Day", "Week", "Month"
UNITS = (DAY, WEEK, MONTH)
FIXED, FLOATING = "Fixed", "Floating"
SCHEDULES = (FIXED, FLOATING)

DUE_BY_CALENDAR, DUE_BY_METER = "due_by_calendar", "due_by_meter"
LEAD_BY_CALENDAR, LEAD_BY_METER, LEAD_BY_PROJECTION = (
	"lead_by_calendar",
	"lead_by_meter",
	"lead_by_projection",
)
NOT_DUE, NO_METER_READING = "not_due", "no_meter_reading"
REASON_TEXT = {
	DUE_BY_CALENDAR: "due by calendar on {due_date}",
	DUE_BY_METER: "due at {due_value} on the meter, now {meter}",
	LEAD_BY_CALENDAR: "due by calendar on {due_date}, in {days_left} days",
	LEAD_BY_METER: "due at {due_value} on the meter, now {meter}, {units_left} to go",
	LEAD_BY_PROJECTION: "due at {due_value} on the meter, now {meter}, {days_left} days at the current rate",
	NOT_DUE: "not due yet",
	NO_METER_READING: "no meter reading yet",
}
METER_BELOW_LAST_COMPLETION = "meter_below_last_completion"


@dataclass(frozen=True)
class Plan:
	"""One plan on one asset. `key` identifies it (e.g. "MPLAN-0001/ASSET-0003"); see the module docstring."""

	key: str
	every: int | None = None
	unit: str | None = None
	schedule: str = FLOATING
	start: date | None = None
	meter_every: float | None = None
	meter_start: float = 0.0
	lead_days: int = 0
	lead_units: float = 0.0

	def __post_init__(self):
		if not isinstance(self.key, str) or not self.key:
			raise ValueError(f"a plan needs a key, got {self.key!r}")
		if (self.every is None) != (self.unit is None):
			raise ValueError(f"plan {self.key}: a calendar trigger needs both every and unit")
		if self.every is not None:
			object.__setattr__(self, "every", whole(self.every, f"plan {self.key}: every", 1))
			one_of(self.unit, f"plan {self.key}: unit", UNITS)
		one_of(self.schedule, f"plan {self.key}: schedule", SCHEDULES)
		object.__setattr__(self, "start", optional_date(self.start, f"plan {self.key}: start"))
		if self.meter_every is not None:
			object.__setattr__(
				self, "meter_every", positive(self.meter_every, f"plan {self.key}: meter_every")
			)
		object.__setattr__(self, "meter_start", number(self.meter_start, f"plan {self.key}: meter_start"))
		object.__setattr__(self, "lead_days", whole(self.lead_days, f"plan {self.key}: lead_days"))
		object.__setattr__(self, "lead_units", non_negative(self.lead_units, f"plan {self.key}: lead_units"))
		if self.every is None and self.meter_every is None:
			raise ValueError(f"plan {self.key} has no trigger: give every and unit, or meter_every, or both")
		if self.every is not None and self.start is None:
			raise ValueError(f"plan {self.key}: a calendar trigger needs a start date")

	@property
	def by_calendar(self) -> bool:
		return self.every is not None

	@property
	def by_meter(self) -> bool:
		return self.meter_every is not None


@dataclass(frozen=True)
class Due:
	"""The evaluation of one plan on one day (see the module docstring)."""

	plan: str
	open_now: bool
	overdue: bool
	reason: str
	key: str
	due_date: date | None  # the earliest of calendar_due and projected_date
	calendar_due: date | None
	due_value: float | None
	projected_date: date | None
	details: dict = field(default_factory=dict)
	warnings: tuple = ()


# -- calendar arithmetic ----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
	"""`day` plus whole calendar months, the day of month cut to the month's length (Jan 31 + 1 = Feb 28/29)."""
	index = day.year * 12 + day.month - 1 + months
	year, month = divmod(index, 12)
	if not 1 <= year <= 9999:
		raise ValueError(f"{day} + {months} months is outside the calendar")
	return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_interval(day: date, every: int, unit: str, times: int = 1) -> date:
	"""`day` plus `times` intervals of `every` days, weeks or months (months: add_months from `day` at once)."""
	if unit == MONTH:
		return add_months(day, every * times)
	days = every * times * (7 if unit == WEEK else 1)
	try:
		return day + timedelta(days=days)
	except OverflowError:
		raise ValueError(f"{day} + {days} days is outside the calendar")


def _first_scheduled_after(start: date, every: int, unit: str, after: date | None) -> date:
	"""The first date start + k intervals (k >= 0) strictly after `after` (None: start itself)."""
	if after is None or after < start:
		return start
	if unit == MONTH:
		months = (after.year - start.year) * 12 + after.month - start.month
		k = max(months // every, 0)
		candidate = add_months(start, k * every)
		while candidate <= after:
			k += 1
			candidate = add_months(start, k * every)
		return candidate
	step = every * (7 if unit == WEEK else 1)
	k = (after - start).days // step + 1
	return add_interval(start, step, DAY, k)


def _calendar_due(plan: Plan, last_done: date | None, last_done_due: date | None) -> date:
	if plan.schedule == FLOATING:
		if last_done is None:
			return plan.start
		return add_interval(last_done, plan.every, plan.unit)
	closed = [d for d in (last_done_due,) if d is not None]
	if last_done is not None:
		# work done inside an occurrence's lead window covers that occurrence
		closed.append(add_interval(last_done, plan.lead_days, DAY))
	return _first_scheduled_after(plan.start, plan.every, plan.unit, max(closed) if closed else None)


# -- evaluation -------------------------------------------------------------------------------------------


def _fmt_number(value: float) -> str:
	return repr(float(value)) if not float(value).is_integer() else str(int(value))


def occurrence_key(plan_key: str, calendar_due: date | None, due_value: float | None) -> str:
	"""The idempotency key of one occurrence: "<plan key>|<calendar due or ->|<meter due value or ->"."""
	cal = calendar_due.isoformat() if calendar_due is not None else "-"
	value = _fmt_number(due_value) if due_value is not None else "-"
	return f"{plan_key}|{cal}|{value}"


def evaluate(
	plan: Plan,
	today,
	*,
	last_done=None,
	last_done_due=None,
	last_done_meter=None,
	meter=None,
	rate_per_day=None,
	meter_date=None,
) -> Due:
	"""Whether `plan` is due on `today` and why (see the module docstring)."""
	today = as_date(today, "today")
	last_done = optional_date(last_done, "last_done")
	last_done_due = optional_date(last_done_due, "last_done_due")
	last_done_meter = optional_number(last_done_meter, "last_done_meter")
	meter = optional_number(meter, "meter")
	rate = optional_number(rate_per_day, "rate_per_day")
	meter_date = as_date(meter_date, "meter_date") if meter_date is not None else today
	warnings = []

	calendar_due = _calendar_due(plan, last_done, last_done_due) if plan.by_calendar else None
	due_value = projected = None
	if plan.by_meter:
		basis = last_done_meter if last_done_meter is not None else plan.meter_start
		due_value = basis + plan.meter_every
		if meter is not None and meter < basis:
			warnings.append(METER_BELOW_LAST_COMPLETION)
		if meter is not None:
			projected = _projected(meter, due_value, rate, meter_date)

	candidates = []  # (strength, order, reason, details); lower strength is stronger
	if calendar_due is not None:
		days_left = (calendar_due - today).days
		details = {"due_date": calendar_due.isoformat(), "days_left": days_left}
		if days_left <= 0:
			candidates.append((0, 0, DUE_BY_CALENDAR, details))
		elif days_left <= plan.lead_days:
			candidates.append((1, 0, LEAD_BY_CALENDAR, details))
		else:
			candidates.append((2, days_left, NOT_DUE, {**details, "trigger": "calendar"}))
	if plan.by_meter and meter is not None:
		units_left = due_value - meter
		days = days_to_reach(meter, due_value, rate)
		if days is not None:
			days -= (today - meter_date).days  # a reading from an earlier day: days from today
		details = {
			"due_value": due_value,
			"meter": meter,
			"units_left": max(units_left, 0.0),
			"days_left": None if days is None else max(days, 0.0),
		}
		if units_left <= 0:
			candidates.append((0, 1, DUE_BY_METER, {"due_value": due_value, "meter": meter}))
		elif units_left <= plan.lead_units:
			candidates.append((1, 1, LEAD_BY_METER, details))
		elif projected is not None and (projected - today).days <= plan.lead_days:
			details.update(rate_per_day=rate, projected_date=projected.isoformat())
			candidates.append((1, 2, LEAD_BY_PROJECTION, details))
		else:
			rest = (projected - today).days if projected is not None else math.inf
			extra = {"rate_per_day": rate, "projected_date": projected.isoformat() if projected else None}
			candidates.append((2, rest, NOT_DUE, {**details, **extra, "trigger": "meter"}))
	elif plan.by_meter and not plan.by_calendar:
		candidates.append((2, 0, NO_METER_READING, {}))

	strength, _, reason, details = min(candidates, key=lambda c: (c[0], c[1]))
	dates = [d for d in (calendar_due, projected) if d is not None]
	overdue = (calendar_due is not None and today > calendar_due) or (
		due_value is not None and meter is not None and meter >= due_value
	)
	return Due(
		plan=plan.key,
		open_now=strength < 2,
		overdue=overdue,
		reason=reason,
		key=occurrence_key(plan.key, calendar_due, due_value),
		due_date=min(dates) if dates else None,
		calendar_due=calendar_due,
		due_value=due_value,
		projected_date=projected,
		details=details,
		warnings=tuple(warnings),
	)


def _projected(meter: float, due_value: float, rate: float | None, meter_date: date) -> date | None:
	"""The day the meter reaches (or reached) due_value."""
	if meter >= due_value:
		if rate is None or rate <= 0:
			return meter_date
		back = (meter - due_value) / rate
		try:
			return meter_date - timedelta(days=math.floor(back))
		except OverflowError:
			return meter_date
	days = days_to_reach(meter, due_value, rate)
	if days is None:
		return None
	try:
		return meter_date + timedelta(days=math.floor(days))
	except OverflowError:
		return None


def scan(items: Iterable[tuple], today) -> list[Due]:
	"""evaluate() for many (plan, history) pairs on one day; `history` is a mapping of evaluate()'s keyword
	arguments (missing keys: None). One pass, O(1) per plan."""
	today = as_date(today, "today")
	out = []
	for plan, history in items:
		if not isinstance(history, Mapping):
			raise ValueError(f"plan {getattr(plan, 'key', plan)}: history must be a mapping")
		out.append(evaluate(plan, today, **history))
	return out


def describe(due: Due) -> str:
	"""The reason in English with its figures, e.g. "due at 5,000 on the meter, now 4,930, 70 to go, 2.3 days
	at the current rate". The adapter builds the translated sentence from `due.reason` and `due.details` itself."""
	figures = {k: _show(v) for k, v in due.details.items()}
	template = REASON_TEXT[due.reason]
	if due.reason == NOT_DUE:
		when = figures.get("due_date") or figures.get("projected_date")
		if due.details.get("trigger") == "meter":
			return f"not due yet: due at {figures['due_value']} on the meter, now {figures['meter']}" + (
				f", about {when}" if when else ""
			)
		return f"not due yet: due by calendar on {when}"
	text = template.format(**figures)
	if due.reason == LEAD_BY_METER and due.details.get("days_left") is not None:
		text += f", {figures['days_left']} days at the current rate"
	return text


def _show(value) -> str:
	if isinstance(value, float):
		return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
	if isinstance(value, int):
		return f"{value:,}"
	return str(value)
