"""OEE and the ISO 22400-2 time model, per window (workstation x shift x day), one at a time or in bulk.

Sources. KPI names and formulas follow ISO 22400-2:2014 "Automation systems and integration - Key
performance indicators (KPIs) for manufacturing operations management - Part 2: Definitions and
descriptions", as transcribed in the ISO 22400-2 ontology of Helmut Schmidt University
(github.com/hsu-aut/IndustrialStandard-ODP-ISO22400-2, ISO22400-2.owl, v2.0.0):

  Availability                = APT / PBT
  Effectiveness (performance) = PRU x PQ / APT    (PRU: planned run time per unit, the ideal cycle time)
  Quality ratio               = GQ / PQ
  OEE index                   = Availability x Effectiveness x Quality ratio
  NEE index                   = AUPT / PBT x Effectiveness x Quality ratio, AUPT = APT + ASUT
                                (net equipment effectiveness: like OEE, but setup is not a loss; the same
                                definition in VDMA 66412-1, per giessereilexikon.com "NEE characteristic
                                value")
  Technical efficiency        = APT / (APT + ADET)
  Scrap ratio = SQ / PQ,  Rework ratio = RQ / PQ,  First pass yield = GP / IP

TEEP and "loading" are not ISO 22400-2 KPIs; they are the usual industry definitions (Nakajima / TPM):
loading = PBT / calendar time, TEEP = OEE x loading. Calendar time is the window's length unless the caller
gives one (e.g. 86,400 s for the TEEP of a whole day).
First pass yield is taken as (PQ - SQ - RQ) / PQ: every produced unit is inspected (IP = PQ) and a unit is
good at the first pass (GP) unless scrapped or sent to rework.

The time model of one window (all times in seconds):

  shift time        the window, [start, end)
  calendar time     shift time, or what the caller says (only TEEP and loading use it)
  POT               planned operation time = shift time - breaks
  PBT               planned busy time = POT - planned downtime (time in a planned downtime that is also in a
                    break counts once, as break)
  planned downtime  planned downtime entries and the machine's Off state (no production planned: off shift,
                    not scheduled); `off_time` says how much of the window outside breaks was Off (it is part
                    of planned_downtime, counted once where it meets a planned downtime entry)
  running_time      Running state inside PBT
  ADET              actual unit delay time: small stops inside PBT - micro stops (see machine_state) and
                    Down/Idle intervals shorter than `downtime_seconds`
  ASUT              actual setup time: Setup inside PBT (a Setup that is a micro stop is a small stop)
  ADOT              actual unit down time: Down (`down_time`) and Idle (`idle_time`) that are not small
                    stops
  unaccounted_time  PBT not covered by any state interval
  APT               actual production time = running_time + ADET

  running_time + ADET + ASUT + ADOT + unaccounted_time = PBT, so APT + ASUT + ADOT + unaccounted = PBT.

The one deliberate choice: APT here INCLUDES the small stops (ADET). ISO 22400-2 keeps ADET apart from APT
(its Technical efficiency, APT / (APT + ADET), says so), which would make small stops an availability loss.
This app treats micro stops as a performance loss, as machine_state does and as Nakajima's six big losses
do: they are short, frequent and rarely reported as downtime, so they lower Effectiveness, not
Availability. The ISO-literal APT is `running_time`, and `technical_efficiency` = running_time / APT is
ISO's Technical efficiency computed with it. AUPT = APT + ASUT.

Six big losses, in seconds (they add up: fully_productive_time + the six + unaccounted_time = PBT whenever
the machine was not faster than ideal while running, running_time >= PRU x PQ):
  loss_breakdowns          ADOT (unplanned Down and long Idle)
  loss_setup               ASUT
  loss_small_stops         ADET
  loss_reduced_speed       running_time - PRU x PQ, never below 0 (a faster-than-ideal window is flagged)
  loss_startup_rejects     PRU x scrap_startup (scrap reported for the start-up part; 0 by default)
  loss_production_rejects  PRU x (PQ - GQ - scrap_startup): every unit not good, rework included
fully_productive_time = PRU x GQ, and OEE = fully_productive_time / PBT.

Intervals and overlaps. Every interval is clipped to the window; the parts outside are counted in
`outside_time` and ignored (an interval entirely outside the window raises the `intervals_outside_window`
flag; one crossing the window's edge is normal). Time inside breaks and planned downtime is not classified.
Where intervals overlap, the overlapping time counts once, for the state with the greater loss: Down, then
Idle, then Setup, then small stop, then Running; an Off interval wins over all of them (its time is planned
downtime, as a planned downtime entry's is); `overlap_time` says how much time was overlapped and the
`overlapping_intervals` flag is raised. An interval whose end is before its start is ignored and flagged.

Without machine data (no Machine State Log for the workstation), `manual_intervals()` turns downtime
entries and job-card time logs into the same intervals: the time logs (united: several operators may log
the same time) are Running, except where an unplanned downtime entry says otherwise; unplanned entries are
Down, or Setup when their category is a setup category; planned entries are planned downtime. The
`unaccounted_time` flag is raised only with machine data: without it, time nobody logged is normal.

Nothing is hidden: ratios above 1 are returned as computed (and flagged), a division by zero gives None
(NaN in the arrays of `compute_many`). A window that produced nothing has OEE 0, not None, when it had
planned time: A x P x Q is 0 whatever Q would be (the same holds for NEE and TEEP).

One computation, in numpy, for many windows at once: `compute_many()` on epoch-second arrays (one sort of
all boundaries, cumulative counts per channel, sums per window; no Python loop over intervals).
`compute_windows()` takes the windows' data as plain Python (what the adapter loads); `pack()` builds
compute_many()'s arrays from those arguments, `assign()` pairs intervals kept per
workstation with the windows they overlap, and `to_records()` turns the columns into records. The tier-1
tests check it against a plain-Python sweep of each window (tests/oee_reference.py). `rollup()` rolls stored
records up (by day, by workstation) from their summed times and quantities - ratios are never averaged.
"""

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import numpy as np

from mom_app.engine.machine_state import DOWN, IDLE, OFF, RUNNING, SETUP

DEFAULT_TOLERANCE_SECONDS = 60.0
DEFAULT_SETUP_CATEGORIES = ("Setup",)
_EPOCH = datetime(1970, 1, 1)
_EPS = 1e-9

# Codes of machine states in the bulk arrays.
STATE_CODES = {RUNNING: 0, IDLE: 1, DOWN: 2, SETUP: 3, OFF: 4}

# Time classes; where intervals overlap, the higher class wins.
C_RUNNING, C_SMALL, C_SETUP, C_IDLE, C_DOWN = range(5)
_N_CLASSES = 5
# Sweep channels: inside the window, in a break, in planned downtime, in the Off state, then one per time class.
_CH_WINDOW, _CH_BREAK, _CH_PLANNED, _CH_OFF = 0, 1, 2, 3
_CH_CLASS = 4
_N_CHANNELS = _CH_CLASS + _N_CLASSES

FLAGS = {
	"performance_over_1": "performance is above 100%: the ideal cycle time is probably wrong (too long)",
	"overlapping_intervals": "state intervals overlap; the overlapping time was counted once",
	"good_exceeds_produced": "the good quantity is greater than the produced quantity",
	"good_and_scrap_exceed_produced": "good and scrap quantities together exceed the produced quantity",
	"startup_scrap_exceeds_scrap": "the start-up scrap is greater than the scrap quantity",
	"negative_quantity": "a quantity or the ideal cycle time is negative",
	"missing_ideal_cycle_time": "units were produced but the ideal cycle time is missing: no performance",
	"no_planned_time": "the window has no planned busy time (all of it is breaks or planned downtime)",
	"intervals_outside_window": "some state intervals lie entirely outside the window and were ignored",
	"reversed_intervals": "some intervals end before they start and were ignored",
	"unaccounted_time": "part of the planned busy time is covered by no machine state",
	"produced_without_running": "units were produced but the machine has no production time",
}
_BIT = {code: 1 << i for i, code in enumerate(FLAGS)}

_COUNTS = ("outside_intervals", "reversed_intervals")
_QUANTITIES = ("produced", "good", "scrap", "rework", "scrap_startup")
_PRU_TIMES = ("ideal_time", "fully_productive_time", "loss_startup_rejects", "loss_production_rejects")
_RATIOS = (
	"availability",
	"performance",
	"quality",
	"oee",
	"teep",
	"nee",
	"loading",
	"technical_efficiency",
	"first_pass_yield",
	"scrap_ratio",
	"rework_ratio",
)


@dataclass
class OEERecord:
	"""Times (seconds), quantities and ratios of one window.

	Ratios and PRU-based times are None when undefined (a division by zero, no ideal cycle time).
	`flags` are stable codes (keys of FLAGS), `messages` the matching English sentences, in the same order."""

	workstation: str | None = None
	shift: str | None = None
	day: date | None = None
	start: datetime | float | None = None
	end: datetime | float | None = None
	machine_data: bool = True
	# time model
	calendar_time: float = 0.0
	shift_time: float = 0.0
	break_time: float = 0.0
	planned_downtime: float = 0.0
	off_time: float = 0.0
	pot: float = 0.0
	pbt: float = 0.0
	running_time: float = 0.0
	adet: float = 0.0
	apt: float = 0.0
	asut: float = 0.0
	aupt: float = 0.0
	down_time: float = 0.0
	idle_time: float = 0.0
	adot: float = 0.0
	unaccounted_time: float = 0.0
	overlap_time: float = 0.0
	outside_time: float = 0.0
	outside_intervals: int = 0
	reversed_intervals: int = 0
	# production
	produced: float = 0.0
	good: float = 0.0
	scrap: float = 0.0
	rework: float = 0.0
	scrap_startup: float = 0.0
	ideal_cycle_time: float | None = None
	ideal_time: float | None = None
	fully_productive_time: float | None = None
	# ratios
	availability: float | None = None
	performance: float | None = None
	quality: float | None = None
	oee: float | None = None
	teep: float | None = None
	nee: float | None = None
	loading: float | None = None
	technical_efficiency: float | None = None
	first_pass_yield: float | None = None
	scrap_ratio: float | None = None
	rework_ratio: float | None = None
	# six big losses
	loss_breakdowns: float = 0.0
	loss_setup: float = 0.0
	loss_small_stops: float = 0.0
	loss_reduced_speed: float | None = None
	loss_startup_rejects: float | None = None
	loss_production_rejects: float | None = None
	flags: list[str] = field(default_factory=list)
	messages: list[str] = field(default_factory=list)

	def as_dict(self) -> dict:
		return asdict(self)


# -- inputs ---------------------------------------------------------------------------------------------


def to_seconds(value) -> float:
	"""Seconds since 1970-01-01 of a naive datetime (wall-clock, no timezone applied), or a number as is."""
	if isinstance(value, datetime):
		if value.tzinfo is not None:
			raise ValueError(f"expected a naive datetime in the site's timezone, got {value!r}")
		return (value - _EPOCH).total_seconds()
	if isinstance(value, bool) or not isinstance(value, numbers.Real):
		raise ValueError(f"expected a datetime or a number of seconds, got {value!r}")
	return float(value)


def _window_parts(window) -> tuple[float, float, list, list, dict]:
	"""(start, end, breaks, planned downtime, identity) of a shifts.Window or a mapping with those keys."""
	get = window.get if isinstance(window, Mapping) else lambda k, d=None: getattr(window, k, d)
	start, end = get("start"), get("end")
	ws, we = to_seconds(start), to_seconds(end)
	if we < ws:
		raise ValueError(f"window ends ({end}) before it starts ({start})")
	breaks = [(to_seconds(b[0]), to_seconds(b[1])) for b in get("breaks") or ()]
	planned = [(to_seconds(p[0]), to_seconds(p[1])) for p in get("planned_downtime") or ()]
	identity = {
		"workstation": get("workstation"),
		"shift": get("shift"),
		"day": get("day"),
		"start": start,
		"end": end,
	}
	return ws, we, breaks, planned, identity


def _interval_parts(interval) -> tuple:
	"""(start, end, state, micro_stop) of a tuple or of a machine_state.Interval."""
	if hasattr(interval, "state") and hasattr(interval, "start"):
		return interval.start, interval.end, interval.state, bool(getattr(interval, "micro_stop", False))
	start, end, state, *rest = interval
	return start, end, state, bool(rest[0]) if rest else False


def _union(pairs: Iterable[tuple]) -> list[list]:
	"""Sorted, merged [start, end] pairs (any comparable values); empty and reversed pairs are dropped."""
	merged: list[list] = []
	for s, e in sorted((s, e) for s, e in pairs if e > s):
		if merged and s <= merged[-1][1]:
			merged[-1][1] = max(merged[-1][1], e)
		else:
			merged.append([s, e])
	return merged


def manual_intervals(
	downtime_entries: Iterable[tuple],
	time_logs: Iterable[tuple],
	setup_categories: Iterable[str] = DEFAULT_SETUP_CATEGORIES,
) -> tuple[list[tuple], list[tuple]]:
	"""State intervals and planned downtime from manual data, for a workstation without machine data.

	`downtime_entries` are (start, end, planned, category); `time_logs` are (start, end) of job-card time
	logs. Returns ([(start, end, state, False)], [(start, end, reason)]): Running where some time log is open
	and no unplanned downtime entry is; each unplanned entry as Down, or Setup when its category is one of
	`setup_categories` (case-insensitive); planned entries as planned downtime. Reversed entries and logs are
	passed on unchanged, so that they are flagged."""
	setup = {c.strip().lower() for c in setup_categories}
	intervals: list[tuple] = []
	planned: list[tuple] = []
	stops = []
	for start, end, is_planned, category in downtime_entries:
		if is_planned:
			planned.append((start, end, category or ""))
			continue
		state = SETUP if str(category or "").strip().lower() in setup else DOWN
		intervals.append((start, end, state, False))
		stops.append((start, end))
	logs = [(s, e) for s, e, *_ in time_logs]
	intervals.extend((s, e, RUNNING, False) for s, e in logs if e < s)
	stopped = _union(stops)
	for s, e in _union(logs):
		# Subtract the stops from this run of logged time.
		cursor = s
		for stop_start, stop_end in stopped:
			if stop_end <= cursor or stop_start >= e:
				continue
			if stop_start > cursor:
				intervals.append((cursor, stop_start, RUNNING, False))
			cursor = max(cursor, stop_end)
		if cursor < e:
			intervals.append((cursor, e, RUNNING, False))
	intervals.sort(key=lambda iv: (iv[0], iv[1]))
	return intervals, planned


def _quantity(value, name: str) -> float:
	if value is None:
		return 0.0
	if isinstance(value, bool) or not isinstance(value, numbers.Real):
		raise ValueError(f"{name} must be a number, got {value!r}")
	return float(value)


def compute_windows(
	items: Iterable[Mapping],
	*,
	downtime_seconds: float = 0.0,
	tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
	setup_categories: Iterable[str] = DEFAULT_SETUP_CATEGORIES,
) -> list[OEERecord]:
	"""The OEE records of windows (of one workstation or of many), in one compute_many() call.

	Each item is a mapping for one window:
	- "window" (required): a shifts.Window, or a mapping with start, end, breaks, planned_downtime;
	- "intervals": the machine's state intervals, (start, end, state, micro_stop) tuples or
	  machine_state.Interval objects; with them (even an empty list) the window has machine data: planned
	  downtime entries still count, unplanned entries and time logs are ignored. Missing or None: no machine
	  data, the manual data is used instead (see manual_intervals());
	- "downtime_entries" (start, end, planned, category) and "time_logs" (start, end);
	- "produced", "good", "scrap", "rework", "scrap_startup" (missing: 0) and "ideal_cycle_time" (PRU in
	  seconds per unit; None or 0: unknown);
	- "calendar_time" (seconds; missing: the window's length).
	Datetimes are naive (site timezone); numbers are epoch seconds. Down/Idle intervals shorter than
	`downtime_seconds` are small stops. Unaccounted time above `tolerance_seconds` is flagged (machine data
	only)."""
	setup_categories = tuple(setup_categories)
	windows, interval_lists, production, planned, machine_data, calendar = [], [], [], [], [], []
	for item in items:
		intervals = item.get("intervals")
		entries = list(item.get("downtime_entries") or ())
		if intervals is not None:
			ivs = [_interval_parts(iv) for iv in intervals]
			extra = [(s, e) for s, e, is_planned, _ in entries if is_planned]
		else:
			ivs, manual_planned = manual_intervals(entries, item.get("time_logs") or (), setup_categories)
			extra = [(s, e) for s, e, _ in manual_planned]
		windows.append(item["window"])
		interval_lists.append(ivs)
		production.append({name: item.get(name) for name in (*_QUANTITIES, "ideal_cycle_time")})
		planned.append(extra)
		machine_data.append(intervals is not None)
		calendar.append(item.get("calendar_time"))
	if not windows:
		return []
	w, i, x = pack(
		windows,
		interval_lists,
		production,
		planned=planned,
		machine_data=machine_data,
		calendar_time=calendar,
	)
	columns = compute_many(w, i, x, downtime_seconds=downtime_seconds, tolerance_seconds=tolerance_seconds)
	return to_records(columns, windows)


# -- many windows: the same in numpy --------------------------------------------------------------------


def _array(mapping: Mapping, key: str, n: int, default, dtype=float) -> np.ndarray:
	value = mapping.get(key)
	if value is None:
		return np.full(n, default, dtype=dtype)
	out = np.asarray(value, dtype=dtype)
	if out.shape != (n,):
		raise ValueError(f"{key} has shape {out.shape}, expected ({n},)")
	return out


def compute_many(
	windows: Mapping[str, Sequence],
	intervals: Mapping[str, Sequence],
	excluded: Mapping[str, Sequence] | None = None,
	*,
	downtime_seconds: float = 0.0,
	tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
) -> dict[str, np.ndarray]:
	"""The records of many windows, on arrays of epoch seconds (see compute_windows()). Returns columns named like the
	fields of OEERecord (one value per window; NaN where the record has None) and "flags", a bit mask per
	window (bit i is the i-th code of FLAGS); to_records() makes records of them.

	windows:   "start", "end" (required); "calendar_time", "produced", "good", "scrap", "rework",
	           "scrap_startup", "ideal_cycle_time" (NaN: unknown), "machine_data" (bool, default True).
	intervals: "window" (index into the windows), "start", "end", "state" (STATE_CODES), "micro_stop" (bool).
	           An interval that covers several windows is given once per window (see assign()).
	excluded:  breaks and planned downtime: "window", "start", "end", "planned" (False: a break).

	The computation is one sort of all boundaries by (window, time), cumulative sums of +1/-1 per channel
	(inside the window, break, planned downtime, each time class) and sums of segment lengths per window
	and class with np.bincount; nothing loops over intervals in Python."""
	ws = np.asarray(windows["start"], dtype=float)
	we = np.asarray(windows["end"], dtype=float)
	n = ws.shape[0]
	if we.shape != (n,):
		raise ValueError("window start and end must have the same length")
	if np.any(we < ws):
		raise ValueError("a window ends before it starts")

	iw = np.asarray(intervals["window"], dtype=np.int64)
	i_start = np.asarray(intervals["start"], dtype=float)
	i_end = np.asarray(intervals["end"], dtype=float)
	m = iw.shape[0]
	state = _array(intervals, "state", m, 0, np.int64)
	micro = _array(intervals, "micro_stop", m, False, bool)
	if m and (iw.min() < 0 or iw.max() >= n):
		raise ValueError("an interval's window index is out of range")
	if m and (state.min() < 0 or state.max() > max(STATE_CODES.values())):
		raise ValueError("an interval's state code is not one of STATE_CODES")

	reversed_mask = i_end < i_start
	reversed_count = np.bincount(iw[reversed_mask], minlength=n)
	valid = i_end > i_start
	iw, i_start, i_end, state, micro = iw[valid], i_start[valid], i_end[valid], state[valid], micro[valid]
	outside_mask = (i_end <= ws[iw]) | (i_start >= we[iw])
	outside_count = np.bincount(iw[outside_mask], minlength=n)

	duration = i_end - i_start
	cls = np.full(iw.shape[0], C_DOWN, dtype=np.int64)
	cls[state == STATE_CODES[IDLE]] = C_IDLE
	cls[duration < float(downtime_seconds)] = C_SMALL
	cls[state == STATE_CODES[SETUP]] = C_SETUP
	cls[micro] = C_SMALL
	cls[state == STATE_CODES[RUNNING]] = C_RUNNING

	if excluded is None:
		excluded = {"window": [], "start": [], "end": [], "planned": []}
	xw = np.asarray(excluded["window"], dtype=np.int64)
	x_start = np.asarray(excluded["start"], dtype=float)
	x_end = np.asarray(excluded["end"], dtype=float)
	x_planned = _array(excluded, "planned", xw.shape[0], False, bool)
	keep = x_end > x_start
	xw, x_start, x_end, x_planned = xw[keep], x_start[keep], x_end[keep], x_planned[keep]
	if xw.size and (xw.min() < 0 or xw.max() >= n):
		raise ValueError("an excluded interval's window index is out of range")

	window_index = np.arange(n, dtype=np.int64)
	key = np.concatenate([window_index, window_index, xw, xw, iw, iw])
	time = np.concatenate([ws, we, x_start, x_end, i_start, i_end])
	x_channel = np.where(x_planned, _CH_PLANNED, _CH_BREAK)
	i_channel = np.where(state == STATE_CODES[OFF], _CH_OFF, _CH_CLASS + cls)
	channel = np.concatenate(
		[np.full(n, _CH_WINDOW), np.full(n, _CH_WINDOW), x_channel, x_channel, i_channel, i_channel]
	).astype(np.int64)
	delta = np.concatenate(
		[np.ones(n), -np.ones(n), np.ones(xw.size), -np.ones(xw.size), np.ones(iw.size), -np.ones(iw.size)]
	).astype(np.int32)

	order = np.lexsort((time, key))
	key, time, channel, delta = key[order], time[order], channel[order], delta[order]
	# Running count per channel after each event: the state of the segment from it to the next event.
	steps = np.zeros((key.size, _N_CHANNELS), dtype=np.int32)
	steps[np.arange(key.size), channel] = delta
	counts = np.cumsum(steps, axis=0)
	del steps

	seg_key = key[:-1]
	seg_len = np.where(key[1:] == seg_key, time[1:] - time[:-1], 0.0)
	counts = counts[:-1]
	inside = counts[:, _CH_WINDOW] > 0
	in_break = counts[:, _CH_BREAK] > 0
	in_off = counts[:, _CH_OFF] > 0
	in_planned = ((counts[:, _CH_PLANNED] > 0) | in_off) & ~in_break
	class_counts = counts[:, _CH_CLASS:]
	active = class_counts > 0
	any_active = active.any(axis=1)
	# The highest active class: the last True along the row.
	top = _N_CLASSES - 1 - np.argmax(active[:, ::-1], axis=1)
	n_active = class_counts.sum(axis=1) + counts[:, _CH_OFF]

	def per_window(mask):
		return np.bincount(seg_key, weights=np.where(mask, seg_len, 0.0), minlength=n)

	classified = inside & ~in_break & ~in_planned & any_active
	by_class = np.bincount(
		seg_key * _N_CLASSES + top, weights=np.where(classified, seg_len, 0.0), minlength=n * _N_CLASSES
	).reshape(n, _N_CLASSES)

	columns = {
		"start": ws,
		"end": we,
		"shift_time": we - ws,
		"break_time": per_window(inside & in_break),
		"planned_downtime": per_window(inside & in_planned),
		"off_time": per_window(inside & in_off & ~in_break),
		"running_time": by_class[:, C_RUNNING],
		"adet": by_class[:, C_SMALL],
		"asut": by_class[:, C_SETUP],
		"idle_time": by_class[:, C_IDLE],
		"down_time": by_class[:, C_DOWN],
		"overlap_time": per_window(inside & (n_active >= 2)),
		"outside_time": per_window(~inside & (any_active | in_off)),
		"outside_intervals": outside_count.astype(float),
		"reversed_intervals": reversed_count.astype(float),
	}
	columns["calendar_time"] = _array(windows, "calendar_time", n, np.nan)
	columns["calendar_time"] = np.where(
		np.isnan(columns["calendar_time"]), columns["shift_time"], columns["calendar_time"]
	)
	for name in _QUANTITIES:
		columns[name] = _array(windows, name, n, 0.0)
	columns["ideal_cycle_time"] = _array(windows, "ideal_cycle_time", n, np.nan)
	columns["machine_data"] = _array(windows, "machine_data", n, True, bool)
	return _derive(_with_pru_times(columns), tolerance_seconds)


def assign(
	window_start: Sequence[float],
	window_end: Sequence[float],
	window_key: Sequence[int],
	interval_start: Sequence[float],
	interval_end: Sequence[float],
	interval_key: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
	"""Pairs (interval index, window index) of every interval and every window of the same key (workstation)
	that it overlaps, for intervals kept per workstation rather than per window. Windows of one key must not
	overlap (shifts.validate() ensures it). Uses np.searchsorted on (key, time) order; the pairs are sorted by
	interval."""
	ws = np.asarray(window_start, dtype=float)
	we = np.asarray(window_end, dtype=float)
	wk = np.asarray(window_key, dtype=np.int64)
	s = np.asarray(interval_start, dtype=float)
	e = np.asarray(interval_end, dtype=float)
	k = np.asarray(interval_key, dtype=np.int64)
	if ws.size == 0 or s.size == 0:
		return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
	order = np.lexsort((ws, wk))
	ws_sorted, we_sorted, wk_sorted = ws[order], we[order], wk[order]
	# Position of each key's first window, and how many windows it has.
	keys, first, per_key = np.unique(wk_sorted, return_index=True, return_counts=True)
	at = np.searchsorted(keys, k)
	at_clipped = np.minimum(at, keys.size - 1)
	known = (at < keys.size) & (keys[at_clipped] == k)
	lo = np.zeros(s.size, dtype=np.int64)
	hi = np.zeros(s.size, dtype=np.int64)
	# Within a key, ends are sorted like starts (no overlap): search each interval against its key's slice
	# by shifting the key's times into a private band.
	span = float(max(we_sorted.max(), e.max()) - min(ws_sorted.min(), s.min())) + 1.0
	base = float(min(ws_sorted.min(), s.min()))
	band_of_window = np.repeat(np.arange(keys.size), per_key) * span
	w_end_banded = (we_sorted - base) + band_of_window
	w_start_banded = (ws_sorted - base) + band_of_window
	band = at_clipped * span
	lo_raw = np.searchsorted(w_end_banded, (s - base) + band, side="right")
	hi_raw = np.searchsorted(w_start_banded, (e - base) + band, side="left")
	# Rounding in the banded times can be off by one at an exact boundary: widen, clamp to the key, and
	# keep only the true overlaps below.
	lo = np.maximum(lo_raw - 1, first[at_clipped])
	hi = np.minimum(hi_raw + 1, first[at_clipped] + per_key[at_clipped])
	counts = np.where(known, np.maximum(hi - lo, 0), 0)
	iv_index = np.repeat(np.arange(s.size), counts)
	offsets = np.arange(iv_index.size) - np.repeat(np.cumsum(counts) - counts, counts)
	w_sorted_index = np.repeat(lo, counts) + offsets
	overlaps = (s[iv_index] < we_sorted[w_sorted_index]) & (e[iv_index] > ws_sorted[w_sorted_index])
	return iv_index[overlaps], order[w_sorted_index[overlaps]]


def pack(
	windows: Sequence,
	intervals: Sequence[Iterable],
	production: Sequence[Mapping] | None = None,
	*,
	planned: Sequence[Iterable] | None = None,
	machine_data: Sequence[bool] | None = None,
	calendar_time: Sequence[float | None] | None = None,
) -> tuple[dict, dict, dict]:
	"""The arrays compute_many() takes, from each window's data as compute_windows() takes it.

	`intervals[i]` are the state intervals of window i; `production[i]` has produced, good, scrap, rework,
	scrap_startup, ideal_cycle_time; `planned[i]` extra planned downtime (start, end[, reason])."""
	w_cols: dict[str, list] = {k: [] for k in ("start", "end", "calendar_time", *_QUANTITIES)}
	w_cols["ideal_cycle_time"] = []
	w_cols["machine_data"] = []
	i_cols: dict[str, list] = {"window": [], "start": [], "end": [], "state": [], "micro_stop": []}
	x_cols: dict[str, list] = {"window": [], "start": [], "end": [], "planned": []}
	for i, window in enumerate(windows):
		ws, we, breaks, planned_downtime, _ = _window_parts(window)
		w_cols["start"].append(ws)
		w_cols["end"].append(we)
		calendar = calendar_time[i] if calendar_time is not None else None
		w_cols["calendar_time"].append(np.nan if calendar is None else float(calendar))
		prod = production[i] if production is not None else {}
		for name in _QUANTITIES:
			w_cols[name].append(_quantity(prod.get(name), name))
		pru = prod.get("ideal_cycle_time")
		w_cols["ideal_cycle_time"].append(np.nan if pru is None else _quantity(pru, "ideal_cycle_time"))
		w_cols["machine_data"].append(True if machine_data is None else bool(machine_data[i]))
		extra = [(to_seconds(p[0]), to_seconds(p[1])) for p in (planned[i] if planned is not None else ())]
		excluded = [(s, e, False) for s, e in breaks] + [(s, e, True) for s, e in planned_downtime + extra]
		for s, e, is_planned in excluded:
			x_cols["window"].append(i)
			x_cols["start"].append(s)
			x_cols["end"].append(e)
			x_cols["planned"].append(is_planned)
		for iv in intervals[i]:
			s, e, state, micro = _interval_parts(iv)
			if state not in STATE_CODES:
				raise ValueError(f"unknown machine state {state!r}; expected one of {', '.join(STATE_CODES)}")
			i_cols["window"].append(i)
			i_cols["start"].append(to_seconds(s))
			i_cols["end"].append(to_seconds(e))
			i_cols["state"].append(STATE_CODES[state])
			i_cols["micro_stop"].append(bool(micro))
	return (
		{k: np.asarray(v) for k, v in w_cols.items()},
		{k: np.asarray(v) for k, v in i_cols.items()},
		{k: np.asarray(v) for k, v in x_cols.items()},
	)


# -- shared: ratios, losses and flags from the measured times -------------------------------------------


def _div(a, b) -> np.ndarray:
	a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
	with np.errstate(divide="ignore", invalid="ignore"):
		return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)


def _times_pru(pru: np.ndarray, count: np.ndarray) -> np.ndarray:
	"""PRU x count; 0 when the count is 0 (even without a PRU), NaN when the PRU is unknown."""
	return np.where(count == 0, 0.0, pru * count)


def _with_pru_times(c: dict) -> dict:
	"""Add the PRU-weighted times and the flags only the per-window inputs can show."""
	pru = np.where(c["ideal_cycle_time"] == 0, np.nan, c["ideal_cycle_time"])
	c["ideal_cycle_time"] = pru
	pq, gq, sq, rq, ss = (c[k] for k in _QUANTITIES)
	c["ideal_time"] = _times_pru(pru, pq)
	c["fully_productive_time"] = _times_pru(pru, gq)
	c["loss_startup_rejects"] = _times_pru(pru, ss)
	c["loss_production_rejects"] = _times_pru(pru, pq - gq - ss)
	flags = np.zeros(pq.shape, dtype=np.int64)
	negative = (pq < 0) | (gq < 0) | (sq < 0) | (rq < 0) | (ss < 0) | (pru < 0)
	flags |= np.where(negative, _BIT["negative_quantity"], 0)
	flags |= np.where(gq > pq, _BIT["good_exceeds_produced"], 0)
	flags |= np.where(gq + sq > pq + _EPS, _BIT["good_and_scrap_exceed_produced"], 0)
	flags |= np.where(ss > sq, _BIT["startup_scrap_exceeds_scrap"], 0)
	flags |= np.where((pq != 0) & np.isnan(pru), _BIT["missing_ideal_cycle_time"], 0)
	c["flags"] = flags
	return c


def _product(base: np.ndarray, *factors: np.ndarray) -> np.ndarray:
	"""base x factors; NaN when base is; else 0 when any factor is 0 (the product is 0 whatever an undefined
	factor would be); else NaN when any factor is."""
	out = base.copy()
	for f in factors:
		out = out * f
	zero = (base == 0) | np.any([f == 0 for f in factors], axis=0)
	return np.where(np.isnan(base), np.nan, np.where(zero, 0.0, out))


def _derive(c: dict, tolerance_seconds: float) -> dict:
	"""All columns of the records from the measured times, the quantities and the PRU-weighted times."""
	c = dict(c)
	c["pot"] = c["shift_time"] - c["break_time"]
	c["pbt"] = c["pot"] - c["planned_downtime"]
	c["adot"] = c["idle_time"] + c["down_time"]
	c["apt"] = c["running_time"] + c["adet"]
	c["aupt"] = c["apt"] + c["asut"]
	unaccounted = c["pbt"] - (c["apt"] + c["asut"] + c["adot"])
	c["unaccounted_time"] = np.where(np.abs(unaccounted) < 1e-6, 0.0, unaccounted)
	pq, gq, sq, rq = c["produced"], c["good"], c["scrap"], c["rework"]
	pbt_defined = np.where(c["pbt"] > 0, c["pbt"], 0.0)
	availability = _div(c["apt"], pbt_defined)
	performance = _div(c["ideal_time"], c["apt"])
	quality = _div(gq, pq)
	c["availability"] = availability
	c["performance"] = performance
	c["quality"] = quality
	c["oee"] = _product(availability, performance, quality)
	c["loading"] = _div(c["pbt"], c["calendar_time"])
	c["teep"] = _product(c["oee"], c["loading"])
	c["nee"] = _product(_div(c["aupt"], pbt_defined), performance, quality)
	c["technical_efficiency"] = _div(c["running_time"], c["apt"])
	c["first_pass_yield"] = _div(pq - sq - rq, pq)
	c["scrap_ratio"] = _div(sq, pq)
	c["rework_ratio"] = _div(rq, pq)
	c["loss_breakdowns"] = c["adot"]
	c["loss_setup"] = c["asut"]
	c["loss_small_stops"] = c["adet"]
	c["loss_reduced_speed"] = np.maximum(c["running_time"] - c["ideal_time"], 0.0)

	flags = c["flags"].copy()
	flags |= np.where(performance > 1 + _EPS, _BIT["performance_over_1"], 0)
	flags |= np.where(c["overlap_time"] > 0, _BIT["overlapping_intervals"], 0)
	flags |= np.where(c["pbt"] <= 0, _BIT["no_planned_time"], 0)
	flags |= np.where(c["outside_intervals"] > 0, _BIT["intervals_outside_window"], 0)
	flags |= np.where(c["reversed_intervals"] > 0, _BIT["reversed_intervals"], 0)
	flags |= np.where(
		c["machine_data"] & (c["unaccounted_time"] > tolerance_seconds), _BIT["unaccounted_time"], 0
	)
	flags |= np.where((pq > 0) & (c["apt"] <= 0), _BIT["produced_without_running"], 0)
	c["flags"] = flags
	return c


def _message(code: str, r: OEERecord) -> str:
	"""The English message of a flag, with the figures of the record."""
	if code == "performance_over_1":
		return (
			f"performance is {r.performance:.1%}, above 100%: {r.produced:g} units at an ideal cycle time of "
			f"{r.ideal_cycle_time:g} s need {r.ideal_time:.0f} s, more than the {r.apt:.0f} s of production "
			"time; the ideal cycle time is probably too long"
		)
	if code == "overlapping_intervals":
		return f"state intervals overlap for {r.overlap_time:.0f} s; that time was counted once"
	if code == "good_exceeds_produced":
		return f"the good quantity ({r.good:g}) is greater than the produced quantity ({r.produced:g})"
	if code == "good_and_scrap_exceed_produced":
		return (
			f"good ({r.good:g}) and scrap ({r.scrap:g}) together exceed the produced quantity "
			f"({r.produced:g})"
		)
	if code == "startup_scrap_exceeds_scrap":
		return f"the start-up scrap ({r.scrap_startup:g}) is greater than the scrap quantity ({r.scrap:g})"
	if code == "no_planned_time":
		return (
			f"the window has no planned busy time: its {r.shift_time:.0f} s are all breaks "
			f"({r.break_time:.0f} s) or planned downtime ({r.planned_downtime:.0f} s)"
		)
	if code == "intervals_outside_window":
		return (
			f"{r.outside_intervals} state interval(s) lie entirely outside the window and were ignored "
			f"({r.outside_time:.0f} s of interval time outside the window in all)"
		)
	if code == "reversed_intervals":
		return f"{r.reversed_intervals} interval(s) end before they start and were ignored"
	if code == "unaccounted_time":
		return (
			f"{r.unaccounted_time:.0f} s of the {r.pbt:.0f} s of planned busy time are covered by no machine "
			"state"
		)
	if code == "produced_without_running":
		return f"{r.produced:g} units were produced, but the machine has no production time in the window"
	return FLAGS[code]


def _none(value: float) -> float | None:
	return None if math.isnan(value) else float(value)


def _record(c: dict, i: int, identity: Mapping | None = None) -> OEERecord:
	identity = dict(identity) if identity else {}
	values = {}
	for name in OEERecord.__dataclass_fields__:
		if name in ("flags", "messages", "machine_data") or name in identity or name not in c:
			continue
		value = float(c[name][i])
		if name in _COUNTS:
			values[name] = int(value)
		elif name in _RATIOS or name in _PRU_TIMES or name in ("ideal_cycle_time", "loss_reduced_speed"):
			values[name] = _none(value)
		else:
			values[name] = value
	record = OEERecord(**identity, **values)
	record.machine_data = bool(c["machine_data"][i])
	bits = int(c["flags"][i])
	record.flags = [code for code in FLAGS if bits & _BIT[code]]
	record.messages = [_message(code, record) for code in record.flags]
	return record


def to_records(columns: Mapping[str, np.ndarray], windows: Sequence | None = None) -> list[OEERecord]:
	"""Records of the columns compute_many() returned; `windows` (shifts.Window) give them their identity,
	else start and end are the epoch seconds of the arrays."""
	return [
		_record(columns, i, _window_parts(windows[i])[4] if windows is not None else None)
		for i in range(columns["shift_time"].shape[0])
	]


# -- roll-up --------------------------------------------------------------------------------------------


def _stored(value) -> float:
	"""A stored figure as a float: missing (None, "") counts as 0, as the database keeps it."""
	return float(value) if value not in (None, "") else 0.0


def rollup(records: Iterable[Mapping]) -> dict:
	"""Ratios (percent, one decimal) of several stored OEE records, computed again from their summed times
	and quantities, never averaged: OEE x PBT is a record's fully productive time, so sum(OEE x PBT) / sum(PBT)
	is the OEE of the sum; likewise APT / PBT, ideal time / APT, good / produced and fully productive time /
	calendar time (TEEP). Each record is a mapping with the OEE Record's fields (oee in percent, times in
	minutes, ideal_cycle_time in seconds); a ratio without a denominator is None."""
	pbt = apt = produced = good = ideal = fully_productive = calendar = 0.0
	for r in records:
		pbt += _stored(r.get("pbt"))
		apt += _stored(r.get("apt"))
		produced += _stored(r.get("produced"))
		good += _stored(r.get("good"))
		ideal += _stored(r.get("ideal_cycle_time")) * _stored(r.get("produced")) / 60.0  # minutes
		fully_productive += _stored(r.get("oee")) / 100.0 * _stored(r.get("pbt"))
		calendar += _stored(r.get("calendar_time"))

	def pct(a, b):
		return round(a / b * 100, 1) if b else None

	return {
		"oee": pct(fully_productive, pbt),
		"availability": pct(apt, pbt),
		"performance": pct(ideal, apt),
		"quality": pct(good, produced),
		"teep": pct(fully_productive, calendar),
		"produced": produced,
		"good": good,
		"pbt": pbt,
	}
