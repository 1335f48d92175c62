"""Machine state: from a state signal (or a part counter) to closed state intervals.

A machine is in one of STATES at any time. A device reports it either as a number with a per-machine
state map ("1=Running", "2=Idle", ...), or not at all, in which case `states_from_counter()` derives
Running/Idle from its good-part counter.

`advance()` is a small state machine over time-stamped state samples. It carries the interval that is
still running (`OpenState`) from one call to the next:

- samples are sorted by time first, so a batch may arrive in any order;
- a sample whose state equals the open state extends it; a sample with another state closes the open
  interval at the sample's time and opens a new one there;
- a sample at or before the open interval's start is ignored and counted: it is late, re-delivered (the
  sample that opened the interval, delivered again, lands exactly on its start) or contradicts the open
  interval at the same instant. So processing the same samples twice changes nothing;
- a closed interval that is not Running or Off and lasted less than `micro_stop_seconds` is a micro stop (a
  performance loss, not downtime); a closed Down or Idle interval that is not a micro stop and lasted at
  least `downtime_seconds` is downtime. Setup, Running and Off are never downtime. An interval is never both.

Off is the planned "no production planned" state (off shift, not scheduled): it is neither a loss nor
downtime. In the OEE time model (engine.oee) Off time inside a window counts as planned downtime, so it is
outside planned busy time; it is never setup, a small stop or down time.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

RUNNING, IDLE, DOWN, SETUP, OFF = "Running", "Idle", "Down", "Setup", "Off"
STATES = (RUNNING, IDLE, DOWN, SETUP, OFF)
DOWNTIME_STATES = (DOWN, IDLE)
# States that are never a micro stop: producing, or no production planned.
NOT_STOPS = (RUNNING, OFF)

_CANONICAL = {state.lower(): state for state in STATES}
_MAP_LINE = re.compile(r"(?P<value>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*=\s*(?P<state>\S.*?)")


class StateMapError(ValueError):
	"""A state map line that cannot be read. `line` is its 1-based number."""

	def __init__(self, line: int, message: str):
		self.line = line
		super().__init__(f"line {line}: {message}")


def parse_state_map(text: str) -> dict[float, str]:
	"""Signal value -> state, from lines like ``1=Running`` or ``2 = Idle  # feed hold``.

	Blank lines and everything after ``#`` are ignored. State names are matched without regard to case and
	returned as in STATES. Several values may map to one state; one value may not appear twice."""
	mapping: dict[float, str] = {}
	first_seen: dict[float, int] = {}
	for number, raw in enumerate(text.splitlines(), start=1):
		line = raw.split("#", 1)[0].strip()
		if not line:
			continue
		m = _MAP_LINE.fullmatch(line)
		if not m:
			raise StateMapError(number, f"{line!r} is not of the form <number>=<state>, e.g. 1=Running")
		state = _CANONICAL.get(m["state"].lower())
		if state is None:
			raise StateMapError(
				number, f"{m['state']!r} is not a machine state; use one of {', '.join(STATES)}"
			)
		value = float(m["value"])
		if value in mapping:
			raise StateMapError(number, f"value {m['value']} is already mapped on line {first_seen[value]}")
		mapping[value] = state
		first_seen[value] = number
	return mapping


def map_state(value: float, mapping: dict[float, str]) -> str | None:
	"""The state a signal value stands for, or None when the map does not name it."""
	try:
		return mapping.get(float(value))
	except (TypeError, ValueError):
		return None


@dataclass
class OpenState:
	"""The interval still running: `state` since `start` (Unix seconds), with no end yet."""

	state: str
	start: float


@dataclass(frozen=True)
class Interval:
	"""A closed state interval [start, end)."""

	state: str
	start: float
	end: float
	micro_stop: bool
	downtime: bool

	@property
	def duration(self) -> float:
		return self.end - self.start


def advance(
	open_state: OpenState | None,
	samples: Iterable[tuple[float, str]],
	micro_stop_seconds: float,
	downtime_seconds: float,
) -> tuple[list[Interval], OpenState | None, int]:
	"""Feed (ts, state) samples into the open interval.

	Returns (intervals closed by these samples, oldest first; the interval still running afterwards,
	None only when there was none and no sample; how many samples were ignored as not after the open
	interval's start). The `open_state` passed in is not modified."""
	ordered = sorted(samples, key=lambda sample: sample[0])
	current = None if open_state is None else OpenState(open_state.state, open_state.start)
	closed: list[Interval] = []
	ignored = 0
	for ts, state in ordered:
		if state not in STATES:
			raise ValueError(f"unknown machine state {state!r} at {ts}; expected one of {', '.join(STATES)}")
		if not math.isfinite(ts):
			raise ValueError(f"sample time {ts!r} is not finite")
		if current is None:
			current = OpenState(state, ts)
		elif ts <= current.start:
			ignored += 1
		elif state != current.state:
			closed.append(_close(current, ts, micro_stop_seconds, downtime_seconds))
			current = OpenState(state, ts)
	return closed, current, ignored


def _close(open_state: OpenState, end: float, micro_stop_seconds: float, downtime_seconds: float) -> Interval:
	duration = end - open_state.start
	micro_stop = open_state.state not in NOT_STOPS and duration < micro_stop_seconds
	downtime = open_state.state in DOWNTIME_STATES and not micro_stop and duration >= downtime_seconds
	return Interval(open_state.state, open_state.start, end, micro_stop, downtime)


def states_from_counter(
	samples: Iterable[tuple[float, float]], idle_after_seconds: float
) -> list[tuple[float, str]]:
	"""(ts, state) change points derived from (ts, good count) samples, for machines without a state signal.

	The first sample (after sorting by time) is the baseline. A sample whose count is higher than the
	previous sample's means Running from that sample. When no increase has been seen for
	`idle_after_seconds` since the last increase (or since the baseline), the machine is Idle from that
	moment, as soon as a later sample proves it: one without an increase at or after that moment, or an
	increase strictly after it (then Idle, then Running). A count lower than the previous one (a reset or
	rollover) is not an increase; counting continues from the lower value.

	Only changes are returned. To continue across batches, start the next batch with the last sample of
	the previous one; repeated change points are harmless to advance()."""
	ordered = sorted(samples, key=lambda sample: sample[0])
	points: list[tuple[float, str]] = []
	if not ordered:
		return points
	state: str | None = None
	previous = ordered[0][1]
	idle_at = ordered[0][0] + idle_after_seconds
	for ts, count in ordered:
		if not (math.isfinite(ts) and math.isfinite(count)):
			raise ValueError(f"counter sample ({ts!r}, {count!r}) is not finite")
	for ts, count in ordered[1:]:
		increased = count > previous
		previous = count
		if state != IDLE and (ts > idle_at or (ts == idle_at and not increased)):
			points.append((idle_at, IDLE))
			state = IDLE
		if increased:
			idle_at = ts + idle_after_seconds
			if state != RUNNING:
				points.append((ts, RUNNING))
				state = RUNNING
	return points
