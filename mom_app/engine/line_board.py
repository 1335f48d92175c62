"""The shop-floor boards' periods and the line board's (电子看板) target vs actual, shift and hour by hour.

Periods. The boards show a workstation's figures for "this shift" or "today":

- `current_window(windows, now)` picks the shift a board means by "this shift": the window running at `now`;
  between shifts the one that ended last (its results stay up until the next shift starts); before any has
  started, the next one (its plan, nothing made yet). Each answer says which of the three it is.
- `day_windows(windows, day)` are the windows of a day, by the day a shift starts on (a night shift that
  runs past midnight belongs to the day it started).

Plan. A shift is cut into clock-hour slots (`hour_slots`: 08:00-09:00, ...; the first and last cut at the
shift's edges). A slot's available time is its length minus the breaks and planned downtime in it.
`plan(slots, jobs)` fills the available time with the workstation's jobs in the order they run, each job
taking quantity x cycle time: a slot plans what fits of the current job, then of the next. A job is
{"job": name, "quantity": units still to make at the shift's start, "cycle_seconds": ideal seconds per unit}
(the adapter takes a job card's for_quantity less what it completed before the shift, and the ideal cycle
time ERPNext's routing gives it). A job without a cycle time or quantity cannot be planned: it is listed in
`unplanned` and the jobs after it are still planned. Planned quantities are floats; `whole()` turns a
series into whole units whose running total is the floor of the exact running total, so the hours add up
to the shift's target and no hour promises a part that is not finished yet.

Target until now (`target_until`): the planned quantity of the slots already over, plus the share of the
current slot's plan that its available time elapsed so far gives (a break does not raise the target).

Actual (`actual_by_slot`): reported quantities [(moment, qty)], each counted in the slot its moment lies in
([start, end)); those outside the shift are returned apart and not counted.

Times are naive datetimes in one timezone; nothing here reads a clock.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mom_app.engine.oee import rollup

RUNNING, ENDED, UPCOMING = "running", "ended", "upcoming"
LOSS_KEYS = (
	"loss_breakdowns",
	"loss_setup",
	"loss_small_stops",
	"loss_reduced_speed",
	"loss_startup_rejects",
	"loss_production_rejects",
)
_EPS = 1e-9


# -- periods --------------------------------------------------------------------------------------------


def _start(window):
	return window["start"] if isinstance(window, Mapping) else window.start


def _end(window):
	return window["end"] if isinstance(window, Mapping) else window.end


def _day(window):
	return window["day"] if isinstance(window, Mapping) else window.day


def current_window(windows: Iterable, now: datetime) -> tuple[object | None, str | None]:
	"""(window, how) of "this shift" at `now`: the window running (how = "running"), else the one that ended
	last ("ended"), else the next to start ("upcoming"); (None, None) without windows. Windows are
	mappings or objects with start, end and day (engine.shifts.Window)."""
	windows = sorted(windows, key=_start)
	running = [w for w in windows if _start(w) <= now < _end(w)]
	if running:
		return running[-1], RUNNING
	ended = [w for w in windows if _end(w) <= now]
	if ended:
		return max(ended, key=_end), ENDED
	upcoming = [w for w in windows if _start(w) > now]
	if upcoming:
		return upcoming[0], UPCOMING
	return None, None


def day_windows(windows: Iterable, day: date) -> list:
	"""The windows of `day` (by the day each shift starts on), in order."""
	return sorted((w for w in windows if _day(w) == day), key=_start)


def period_oee(records: Iterable) -> dict:
	"""OEE, availability, performance, quality (percent, one decimal) and the six losses (minutes) of
	engine records (engine.oee.OEERecord: times in seconds, ratios as fractions) taken together: the
	ratios of their summed times (engine.oee.rollup), never an average of ratios. Ratios without a
	denominator are None; so are all of them without records."""
	records = list(records)
	stored = [
		{
			"pbt": r.pbt / 60.0,
			"apt": r.apt / 60.0,
			"produced": r.produced,
			"good": r.good,
			"ideal_cycle_time": r.ideal_cycle_time,
			"oee": None if r.oee is None else r.oee * 100.0,
			"calendar_time": r.calendar_time / 60.0,
		}
		for r in records
	]
	out = rollup(stored)
	out["losses"] = {
		key: round(sum((getattr(r, key) or 0.0) for r in records) / 60.0, 1) for key in LOSS_KEYS
	}
	out["records"] = len(records)
	return out


# -- plan -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
	"""One clock hour of a shift (cut at the shift's edges): [start, end) and the parts of it that are not
	planned to run (breaks and planned downtime, merged, inside the slot)."""

	start: datetime
	end: datetime
	blocked: tuple[tuple[datetime, datetime], ...] = field(default_factory=tuple)

	@property
	def available(self) -> float:
		"""Seconds planned to run."""
		return self.available_until(self.end)

	def available_until(self, moment: datetime) -> float:
		"""Seconds planned to run from the slot's start until `moment` (clipped to the slot)."""
		moment = min(max(moment, self.start), self.end)
		total = (moment - self.start).total_seconds()
		for s, e in self.blocked:
			if s < moment:
				total -= (min(e, moment) - s).total_seconds()
		return max(total, 0.0)


def _merged(pairs: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
	out: list[list[datetime]] = []
	for s, e in sorted((p[0], p[1]) for p in pairs if p[1] > p[0]):
		if out and s <= out[-1][1]:
			out[-1][1] = max(out[-1][1], e)
		else:
			out.append([s, e])
	return [(s, e) for s, e in out]


def hour_slots(
	start: datetime, end: datetime, breaks: Iterable = (), planned_downtime: Iterable = ()
) -> list[Slot]:
	"""The clock-hour slots of a shift [start, end) with its breaks ((start, end) pairs) and planned
	downtime ((start, end[, reason])) cut into them."""
	if end <= start:
		return []
	blocked = _merged([(b[0], b[1]) for b in breaks] + [(p[0], p[1]) for p in planned_downtime])
	slots = []
	cursor = start
	while cursor < end:
		next_hour = cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
		stop = min(next_hour, end)
		inside = tuple((max(s, cursor), min(e, stop)) for s, e in blocked if s < stop and e > cursor)
		slots.append(Slot(cursor, stop, inside))
		cursor = stop
	return slots


def _units(value) -> float:
	if value in (None, ""):
		return 0.0
	value = float(value)
	return value if math.isfinite(value) else 0.0


def plan(slots: Sequence[Slot], jobs: Iterable[Mapping]) -> dict:
	"""What the slots can make of the jobs, in their order (see the module docstring).

	Returns {"slots": [planned units per slot], "jobs": [{"job", "quantity", "planned"}], "unplanned":
	[names of jobs without a cycle time or quantity], "spare": seconds of available time left over}."""
	planned = [0.0] * len(slots)
	queue = []
	unplanned = []
	for job in jobs:
		quantity = max(_units(job.get("quantity")), 0.0)
		cycle = _units(job.get("cycle_seconds"))
		if quantity <= 0:
			continue  # nothing left to make
		if cycle <= 0:
			unplanned.append(job.get("job"))
			continue
		queue.append({"job": job.get("job"), "quantity": quantity, "cycle": cycle, "planned": 0.0})
	q = 0
	spare = 0.0
	for i, slot in enumerate(slots):
		time_left = slot.available
		while time_left > _EPS and q < len(queue):
			job = queue[q]
			remaining = job["quantity"] - job["planned"]
			units = min(remaining, time_left / job["cycle"])
			job["planned"] += units
			planned[i] += units
			time_left -= units * job["cycle"]
			if job["quantity"] - job["planned"] <= _EPS:
				job["planned"] = job["quantity"]
				q += 1
		spare += max(time_left, 0.0)
	return {
		"slots": planned,
		"jobs": [{"job": j["job"], "quantity": j["quantity"], "planned": j["planned"]} for j in queue],
		"unplanned": unplanned,
		"spare": spare,
	}


def whole(values: Sequence[float]) -> list[int]:
	"""Whole units per slot whose running total is the floor of the exact running total."""
	out = []
	previous = 0
	total = 0.0
	for v in values:
		total += v
		floor = math.floor(total + _EPS)
		out.append(floor - previous)
		previous = floor
	return out


def target_until(slots: Sequence[Slot], planned: Sequence[float], now: datetime) -> float:
	"""Units planned until `now`: whole slots already over, and the current slot's share by the available
	time elapsed in it."""
	total = 0.0
	for slot, units in zip(slots, planned, strict=True):
		if now >= slot.end:
			total += units
		elif now > slot.start and slot.available > 0:
			total += units * slot.available_until(now) / slot.available
	return total


def actual_by_slot(
	slots: Sequence[Slot], reports: Iterable[tuple[datetime, float]]
) -> tuple[list[float], float]:
	"""(units per slot, units outside the slots) of reported quantities [(moment, units)]."""
	per_slot = [0.0] * len(slots)
	outside = 0.0
	starts = [s.start for s in slots]
	for moment, qty in reports:
		qty = _units(qty)
		i = _slot_index(slots, starts, moment)
		if i is None:
			outside += qty
		else:
			per_slot[i] += qty
	return per_slot, outside


def _slot_index(slots: Sequence[Slot], starts: list[datetime], moment: datetime) -> int | None:
	if not slots or moment < slots[0].start or moment >= slots[-1].end:
		return None
	lo, hi = 0, len(starts) - 1
	while lo < hi:  # the last slot that starts at or before the moment
		mid = (lo + hi + 1) // 2
		if starts[mid] <= moment:
			lo = mid
		else:
			hi = mid - 1
	return lo


def shift_board(
	slots: Sequence[Slot], jobs: Iterable[Mapping], reports: Iterable[tuple[datetime, float]], now: datetime
) -> dict:
	"""Everything the line board shows of one workstation's shift: per slot its start, end, planned (whole
	units) and actual units, and for the shift the target (whole units), the target until now, the actual
	and the gap (actual - target until now, negative when behind)."""
	p = plan(slots, jobs)
	actual, outside = actual_by_slot(slots, reports)
	planned_whole = whole(p["slots"])
	target_now = target_until(slots, p["slots"], now)
	total_actual = sum(actual)
	return {
		"slots": [
			{
				"start": slot.start,
				"end": slot.end,
				"available": slot.available,
				"planned": planned_whole[i],
				"actual": actual[i],
				"past": now >= slot.end,
				"current": slot.start <= now < slot.end,
			}
			for i, slot in enumerate(slots)
		],
		"target": sum(planned_whole),
		"target_now": math.floor(target_now + _EPS),
		"actual": total_actual,
		"gap": total_actual - math.floor(target_now + _EPS),
		"outside": outside,
		"jobs": p["jobs"],
		"unplanned": p["unplanned"],
	}
