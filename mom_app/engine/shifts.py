"""Shift patterns to planned windows: when a workstation is meant to work, day by day.

A shift pattern is plain data (the adapter builds it from the Shift Type / workstation shift rows)::

    {
        "name": "Night",
        "start": "22:00",
        "end": "06:00",  # end <= start: the shift crosses midnight
        "breaks": [{"start": "02:00", "end": "02:30"}],
        "planned_downtime": [{"start": "05:30", "end": "06:00", "reason": "Cleaning"}],  # optional
        "weekdays": {0, 1, 2, 3, 4},  # Monday = 0 ... Sunday = 6; all days when missing
        "workstation": "Press 1",  # optional
    }

Times are "HH:MM" or "HH:MM:SS" strings, `datetime.time` or `timedelta` since midnight (what Frappe returns
for a Time field). A break or a planned downtime may cross midnight as well; it belongs to the shift it lies
in, counted from the shift's start, and must lie entirely inside it.

`expand()` turns patterns into `Window`s for a range of days. A window is named by the day the shift
STARTS on: a night shift 22:00-06:00 on Monday is Monday's window and ends on Tuesday. A holiday skips the
shifts that start on it (the night shift starting the evening before a holiday still runs into it).

`validate()` (called by `expand()`) refuses, with a `ShiftError` in plain English:
  - a zero-length shift (end == start), a zero-length break or planned downtime;
  - a break or planned downtime outside its shift, two breaks (or two planned downtimes) that overlap;
  - two shifts of the same workstation that overlap on some weekday, including a shift crossing midnight
    into the next day's first shift. Patterns given together are taken as one workstation's unless they
    carry a "workstation" key; overlaps are only looked for within one workstation.

Datetimes are naive, in the site's timezone, and counted as wall-clock time: across a daylight-saving change
a window is an hour longer or shorter than its pattern says, and nothing here corrects that.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

DAY = 86400
WEEK = 7 * DAY
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ShiftError(ValueError):
	"""A shift pattern that cannot be expanded; the message says which and why."""


@dataclass(frozen=True)
class Window:
	"""One planned shift of one workstation: [start, end) with its breaks and planned downtime.

	`day` is the date the shift starts on. `breaks` are (start, end) pairs, `planned_downtime` are
	(start, end, reason) triples, all inside [start, end) and sorted by start."""

	shift: str
	day: date
	start: datetime
	end: datetime
	breaks: list[tuple[datetime, datetime]]
	planned_downtime: list[tuple[datetime, datetime, str]]
	workstation: str | None = None

	@property
	def seconds(self) -> float:
		"""Length of the window (shift time), in seconds."""
		return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class _Pattern:
	name: str
	workstation: str | None
	start: int  # seconds after midnight
	duration: int  # seconds, 0 < duration < DAY
	breaks: tuple[tuple[int, int], ...]  # (offset from the shift's start, duration)
	planned: tuple[tuple[int, int, str], ...]  # (offset, duration, reason)
	weekdays: frozenset[int]


def _seconds_of_day(value, what: str) -> int:
	"""Seconds after midnight of a "HH:MM[:SS]" string, a time or a timedelta; "24:00" is midnight."""
	if isinstance(value, timedelta):
		seconds = value.total_seconds()
		if not 0 <= seconds <= DAY or seconds != int(seconds):
			raise ShiftError(f"{what} {value} is not a time of day in whole seconds")
		return int(seconds) % DAY
	if isinstance(value, time):
		return value.hour * 3600 + value.minute * 60 + value.second
	if isinstance(value, str):
		parts = value.strip().split(":")
		if 2 <= len(parts) <= 3 and all(p.isdigit() and len(p) <= 2 for p in parts):
			h, m, s = (int(p) for p in [*parts, "0"][:3])
			if (h < 24 and m < 60 and s < 60) or (h == 24 and m == 0 and s == 0):
				return (h * 3600 + m * 60 + s) % DAY
	raise ShiftError(f"{what} {value!r} is not a time of day; write it as HH:MM, e.g. 06:00 or 22:30")


def _hhmm(seconds: int) -> str:
	seconds %= DAY
	h, rest = divmod(seconds, 3600)
	m, s = divmod(rest, 60)
	return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _span(start: int, duration: int) -> str:
	return f"{_hhmm(start)}-{_hhmm(start + duration)}"


def _inner(entries, shift: str, start: int, duration: int, kind: str, with_reason: bool) -> tuple:
	"""Breaks or planned downtime of one shift as sorted (offset, duration[, reason]) tuples, checked."""
	out = []
	for entry in entries or ():
		if not isinstance(entry, Mapping):
			raise ShiftError(f"a {kind} of shift {shift!r} must have a start and an end, got {entry!r}")
		b_start = _seconds_of_day(entry.get("start"), f"{kind} start of shift {shift!r}:")
		b_end = _seconds_of_day(entry.get("end"), f"{kind} end of shift {shift!r}:")
		b_duration = (b_end - b_start) % DAY
		if b_duration == 0:
			raise ShiftError(
				f"the {kind} {_hhmm(b_start)}-{_hhmm(b_end)} of shift {shift!r} has no length; "
				"its end must differ from its start"
			)
		offset = (b_start - start) % DAY
		if offset + b_duration > duration:
			raise ShiftError(
				f"the {kind} {_span(b_start, b_duration)} lies outside shift {shift!r} "
				f"({_span(start, duration)})"
			)
		if with_reason:
			out.append((offset, b_duration, str(entry.get("reason") or "")))
		else:
			out.append((offset, b_duration))
	out.sort()
	for previous, current in pairwise(out):
		if current[0] < previous[0] + previous[1]:
			raise ShiftError(
				f"the {kind}s {_span(start + previous[0], previous[1])} and "
				f"{_span(start + current[0], current[1])} of shift {shift!r} overlap"
			)
	return tuple(out)


def _pattern(raw: Mapping) -> _Pattern:
	if not isinstance(raw, Mapping):
		raise ShiftError(f"a shift pattern must be a mapping with name, start and end, got {raw!r}")
	name = raw.get("name")
	if not name:
		raise ShiftError(f"a shift pattern has no name: {dict(raw)!r}")
	name = str(name)
	start = _seconds_of_day(raw.get("start"), f"start of shift {name!r}:")
	end = _seconds_of_day(raw.get("end"), f"end of shift {name!r}:")
	duration = (end - start) % DAY
	if duration == 0:
		raise ShiftError(
			f"shift {name!r} starts and ends at {_hhmm(start)}: it has no length (a shift of 24 hours "
			"is not supported; split it in two)"
		)
	weekdays = raw.get("weekdays")
	if weekdays is None:
		weekdays = range(7)
	days = set()
	for d in weekdays:
		if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6:
			raise ShiftError(f"shift {name!r}: weekday {d!r} is not a number from 0 (Monday) to 6 (Sunday)")
		days.add(d)
	return _Pattern(
		name=name,
		workstation=raw.get("workstation") or None,
		start=start,
		duration=duration,
		breaks=_inner(raw.get("breaks"), name, start, duration, "break", with_reason=False),
		planned=_inner(
			raw.get("planned_downtime"), name, start, duration, "planned downtime", with_reason=True
		),
		weekdays=frozenset(days),
	)


def validate(patterns: Iterable[Mapping]) -> list[_Pattern]:
	"""Check shift patterns (see the module docstring) and return them parsed; raises ShiftError."""
	parsed = [_pattern(raw) for raw in patterns]
	by_workstation: dict[str | None, list[_Pattern]] = {}
	for p in parsed:
		by_workstation.setdefault(p.workstation, []).append(p)
	for workstation, group in by_workstation.items():
		where = f" of workstation {workstation!r}" if workstation else ""
		names = set()
		for p in group:
			if p.name in names:
				raise ShiftError(f"shift {p.name!r}{where} is defined twice")
			names.add(p.name)
		# Every occurrence of every shift on the circle of one week; a piece that runs past the end of
		# Sunday continues at the start of Monday.
		pieces = []
		for p in group:
			for d in p.weekdays:
				begin = d * DAY + p.start
				end = begin + p.duration
				if end <= WEEK:
					pieces.append((begin, end, p, d))
				else:
					pieces.append((begin, WEEK, p, d))
					pieces.append((0, end - WEEK, p, d))
		pieces.sort(key=lambda piece: (piece[0], piece[1]))
		for (_, prev_end, prev, prev_day), (begin, _, cur, cur_day) in pairwise(pieces):
			if begin < prev_end:
				raise ShiftError(
					f"shifts {prev.name!r} ({WEEKDAY_NAMES[prev_day]} {_span(prev.start, prev.duration)}) "
					f"and {cur.name!r} ({WEEKDAY_NAMES[cur_day]} {_span(cur.start, cur.duration)}){where} "
					"overlap"
				)
	return parsed


def _as_date(value) -> date:
	return value.date() if isinstance(value, datetime) else value


def expand(
	patterns: Iterable[Mapping],
	date_from: date,
	date_to: date,
	holidays: Iterable[date] = (),
) -> list[Window]:
	"""The windows of all shifts that start on a day from `date_from` to `date_to` (both included).

	Days in `holidays` get no shift starting on them. Windows are sorted by workstation, start, shift."""
	parsed = validate(patterns)
	date_from, date_to = _as_date(date_from), _as_date(date_to)
	if date_to < date_from:
		raise ShiftError(f"the range of days ends ({date_to}) before it starts ({date_from})")
	off = {_as_date(h) for h in holidays}
	windows = []
	day = date_from
	while day <= date_to:
		if day not in off:
			midnight = datetime.combine(day, time())
			for p in parsed:
				if day.weekday() not in p.weekdays:
					continue
				start = midnight + timedelta(seconds=p.start)
				windows.append(
					Window(
						shift=p.name,
						day=day,
						start=start,
						end=start + timedelta(seconds=p.duration),
						breaks=[
							(start + timedelta(seconds=o), start + timedelta(seconds=o + d))
							for o, d in p.breaks
						],
						planned_downtime=[
							(start + timedelta(seconds=o), start + timedelta(seconds=o + d), reason)
							for o, d, reason in p.planned
						],
						workstation=p.workstation,
					)
				)
		day += timedelta(days=1)
	windows.sort(key=lambda w: (w.workstation or "", w.start, w.shift))
	return windows


def working_hours_pattern(rows: Iterable[Mapping], name: str, workstation: str | None = None) -> dict | None:
	"""One shift pattern made of a workstation's working hours (ERPNext's Workstation Working Hour rows,
	{"start_time", "end_time"}, any comparable times): from the earliest start to the latest end, the gaps
	between consecutive rows are breaks. Rows without both times, or ending before they start, are
	skipped; None when no row is left."""
	rows = sorted(
		(
			r
			for r in rows
			if r.get("start_time") is not None
			and r.get("end_time") is not None
			and r["end_time"] > r["start_time"]
		),
		key=lambda r: r["start_time"],
	)
	if not rows:
		return None
	breaks = [
		{"start": a["end_time"], "end": b["start_time"]}
		for a, b in pairwise(rows)
		if b["start_time"] > a["end_time"]
	]
	return {
		"name": name,
		"start": rows[0]["start_time"],
		"end": max(r["end_time"] for r in rows),
		"breaks": breaks,
		"workstation": workstation,
	}


def until(window: Window, now: datetime) -> dict | None:
	"""The part of a window up to `now` (a shift in progress counts until now), as a mapping with the
	window's workstation, shift, day, start, end, breaks and planned downtime cut at that end; None when the
	window has not begun."""
	if window.start >= now:
		return None
	end = min(window.end, now)
	return {
		"workstation": window.workstation,
		"shift": window.shift,
		"day": window.day,
		"start": window.start,
		"end": end,
		"breaks": [(s, min(e, end)) for s, e in window.breaks if s < end],
		"planned_downtime": [(s, min(e, end), r) for s, e, r in window.planned_downtime if s < end],
	}
