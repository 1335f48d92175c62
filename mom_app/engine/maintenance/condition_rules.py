"""Condition rules on a tag's readings: a small state machine that fires and clears.

A *Condition Rule* watches one IoT tag - its raw readings or its minute aggregates: the adapter chooses which
samples it feeds - and fires when the value (or its rate of change per minute) is above a limit, below a
limit or outside a band, optionally only after it held for an on-delay, only on the K-th time within a
window, and clears with a deadband and an off-delay (hysteresis).

API::

    Rule(key, condition, low=None, high=None, measure="Value", on_delay=0.0, off_delay=0.0, deadband=0.0,
         repeat_count=1, repeat_window=0.0, rate_seconds=60.0)
    RuleState(...)              .to_dict() / RuleState.from_dict(d)   (None or {}: a fresh rule)
    step(rule, state, samples) -> (RuleState, [Event])                 samples: (ts, value), any order
    hold_until(rule, state, now) -> (RuleState, [Event])               the last value held until now
    needs_saving(old, new) -> bool                                     more than time bookkeeping changed
    waits(state) -> bool                                               an on-delay or off-delay is running
    evaluate_readings(rules, rules_by_series, states, readings) -> (dict[key, RuleState], [Event])

`Event(rule, kind, ts, value, occurrences)`: kind FIRED or CLEARED, ts the time (Unix seconds) it happened,
value the measured value then (the reading, or the rate per minute), occurrences how many times the
condition occurred within the repeat window when it fired (1 without a repeat count; 0 for CLEARED).

Times are Unix seconds (floats; naive datetimes in the site's timezone are accepted too), delays and
windows are seconds, values are numbers in the tag's unit.

The rules (x is the measured value of a sample):

- condition: Above: x > high; Below: x < low; Outside: x < low or x > high.
- measure: Value: x is the sample's value. Rate: x is the change per minute, (v - v_ref) / (t - t_ref) x 60,
  computed when a sample is at least `rate_seconds` after the reference sample, which it then becomes
  (the first sample is the first reference); a sample in between keeps the last rate. Until a first rate
  exists nothing is judged.
- sample and hold: a measured value holds until the next sample. When the condition begins to hold (at a
  sample, `since`) and keeps holding for `on_delay` seconds, that is an *occurrence* at since + on_delay:
  with on_delay 0 at that sample itself, else seen at the first sample at or after since + on_delay - with
  the value held until then, whatever the new sample says (it is judged next). A sample where the condition
  no longer holds before the on-delay has run out ends the episode: nothing happened.
- repeat: the rule fires at the occurrence that makes `repeat_count` occurrences within `repeat_window`
  seconds (the first and the last at most repeat_window apart). With repeat_count 1 every occurrence fires.
  After an occurrence that did not fire, the next one needs the value back inside the clear limits first
  (so noise around the limit is not counted many times).
- clear: a fired rule clears when the value is back inside by the deadband - Above: x <= high - deadband;
  Below: x >= low + deadband; Outside: both - and stays there for `off_delay` (held like the on-delay: at
  the sample when off_delay is 0, else at clear_since + off_delay, seen at the first sample at or after it).
  A fired rule does not fire again until it cleared.
- order and idempotency: the samples of a call are sorted by time (of samples at the same time the first
  counts); a sample at or before the last one seen (`last_ts`) is ignored - a re-delivered sample changes
  nothing. A sample with a non-finite time or value is skipped (a value that is not a number - a string,
  None, a bool - counts as not finite; int and Decimal are numbers). So the same samples give the same
  events whether they come in one call or many, and a state saved with to_dict() and read back with
  from_dict() between two calls (a collector restart) continues exactly as if nothing had happened.
- hold_until(rule, state, now) feeds the last value again at `now`: readings sampled with a deadband come
  only when the value changes, so an on-delay in progress (or an off-delay) can be completed by a clock
  tick or a device heartbeat without a new value. It is an ordinary sample: a later reading at or before
  `now` is then ignored.

Cost: a sample in a quiet state (not fired, condition not holding) of a Value rule is one comparison; the
new state is built once per call. `needs_saving(old, new)` tells the adapter when the state must be
written: when the rule fired, cleared, or an on-delay, off-delay or repeat count is in progress. When only
the time bookkeeping moved (last_ts, last value, rate reference) the rule stayed quiet, and a restart from
the older saved state gives the same events for a Value rule (the samples it missed were all quiet); a Rate
rule then takes its first rate over the longer span since its saved reference. So the writer need not store
every rule's state on every batch.
"""

import math
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from operator import itemgetter

from mom_app.engine.maintenance._values import (
	as_float,
	non_negative,
	number,
	one_of,
	optional_number,
	positive,
	seconds,
	whole,
)

ABOVE, BELOW, OUTSIDE = "Above", "Below", "Outside"
CONDITIONS = (ABOVE, BELOW, OUTSIDE)
VALUE, RATE = "Value", "Rate"
MEASURES = (VALUE, RATE)
FIRED, CLEARED = "FIRED", "CLEARED"
MAX_REPEAT_COUNT = 1000
_INF = math.inf
_MAX = sys.float_info.max
_first = itemgetter(0)


@dataclass(frozen=True)
class Rule:
	"""One condition rule (see the module docstring). Limits and deadband are in the tag's unit (per minute for
	Rate rules); delays, the repeat window and rate_seconds in seconds."""

	key: str
	condition: str
	low: float | None = None
	high: float | None = None
	measure: str = VALUE
	on_delay: float = 0.0
	off_delay: float = 0.0
	deadband: float = 0.0
	repeat_count: int = 1
	repeat_window: float = 0.0
	rate_seconds: float = 60.0

	def __post_init__(self):
		name = f"rule {self.key}"
		if not isinstance(self.key, str) or not self.key:
			raise ValueError(f"a rule needs a key, got {self.key!r}")
		one_of(self.condition, f"{name}: condition", CONDITIONS)
		one_of(self.measure, f"{name}: measure", MEASURES)
		low = optional_number(self.low, f"{name}: low")
		high = optional_number(self.high, f"{name}: high")
		if self.condition in (ABOVE, OUTSIDE) and high is None:
			raise ValueError(f"{name}: {self.condition} needs a high limit")
		if self.condition in (BELOW, OUTSIDE) and low is None:
			raise ValueError(f"{name}: {self.condition} needs a low limit")
		if self.condition == ABOVE:
			low = None
		if self.condition == BELOW:
			high = None
		object.__setattr__(self, "low", low)
		object.__setattr__(self, "high", high)
		for field in ("on_delay", "off_delay", "deadband", "repeat_window"):
			object.__setattr__(self, field, non_negative(getattr(self, field), f"{name}: {field}"))
		object.__setattr__(self, "rate_seconds", positive(self.rate_seconds, f"{name}: rate_seconds"))
		count = whole(self.repeat_count, f"{name}: repeat_count", 1)
		if count > MAX_REPEAT_COUNT:
			raise ValueError(f"{name}: repeat_count must be at most {MAX_REPEAT_COUNT}, got {count}")
		object.__setattr__(self, "repeat_count", count)
		if count > 1 and self.repeat_window <= 0:
			raise ValueError(f"{name}: a repeat count needs a repeat window (seconds)")
		if self.condition == OUTSIDE:
			if not low < high:
				raise ValueError(f"{name}: the low limit ({low:g}) must be below the high limit ({high:g})")
			if low + self.deadband > high - self.deadband:
				raise ValueError(
					f"{name}: a deadband of {self.deadband:g} leaves no value inside {low:g}..{high:g} "
					"to clear at"
				)

	@property
	def limits(self) -> tuple[float, float, float, float]:
		"""(lo, hi, clear_lo, clear_hi): the condition is x < lo or x > hi; clear is clear_lo <= x <= clear_hi."""
		lo = -_INF if self.low is None else self.low
		hi = _INF if self.high is None else self.high
		return lo, hi, lo + self.deadband, hi - self.deadband


@dataclass(frozen=True)
class RuleState:
	"""What a rule remembers between calls: JSON-safe through to_dict()/from_dict()."""

	last_ts: float | None = None  # the last sample taken
	last_value: float | None = None  # its value
	measured: float | None = None  # the measured value held since then (the value, or the rate)
	active: bool = False  # fired and not cleared
	since: float | None = None  # not active: the condition has held since
	counted: bool = False  # the episode since `since` has made its occurrence
	clear_since: float | None = None  # active: back inside the clear limits since
	occurrences: tuple = ()  # times of recent occurrences that did not fire (repeat rules)
	ref_ts: float | None = None  # Rate rules: the reference sample
	ref_value: float | None = None

	def __post_init__(self):
		for name in ("last_ts", "last_value", "measured", "since", "clear_since", "ref_ts", "ref_value"):
			object.__setattr__(self, name, optional_number(getattr(self, name), f"rule state {name}"))
		for name in ("active", "counted"):
			if not isinstance(getattr(self, name), bool):
				raise ValueError(f"rule state {name} must be true or false, got {getattr(self, name)!r}")
		occurrences = self.occurrences
		if not isinstance(occurrences, list | tuple) or len(occurrences) > MAX_REPEAT_COUNT:
			raise ValueError("rule state occurrences must be a list of at most 1000 times")
		object.__setattr__(
			self, "occurrences", tuple(number(o, "rule state occurrence") for o in occurrences)
		)
		if self.active and self.since is not None:
			raise ValueError("rule state: an active rule has no pending since")
		if not self.active and self.clear_since is not None:
			raise ValueError("rule state: clear_since belongs to an active rule")
		if self.counted and self.since is None:
			raise ValueError("rule state: counted needs since")

	@property
	def quiet(self) -> bool:
		"""Not fired and the condition not holding: only time bookkeeping would change."""
		return not self.active and self.since is None

	def to_dict(self) -> dict:
		"""A JSON-serialisable dict; `from_dict` reads it back."""
		data = asdict(self)
		data["occurrences"] = list(self.occurrences)
		return data

	@classmethod
	def from_dict(cls, data: Mapping | None) -> "RuleState":
		"""The state saved by to_dict(); None or {} is a fresh rule."""
		if data is None:
			return cls()
		if not isinstance(data, Mapping):
			raise ValueError(f"a rule state must be a dict, got {type(data).__name__}")
		unknown = sorted(set(data) - set(cls.__dataclass_fields__))
		if unknown:
			raise ValueError(f"unknown rule state keys: {', '.join(map(str, unknown))}")
		return cls(**data)


@dataclass(frozen=True)
class Event:
	rule: str
	kind: str  # FIRED or CLEARED
	ts: float
	value: float
	occurrences: int = 0


_SIGNIFICANT = ("active", "since", "counted", "clear_since", "occurrences")


def needs_saving(old: RuleState | None, new: RuleState) -> bool:
	"""True when `new` differs from `old` in more than the time bookkeeping (module docstring)."""
	old = old or _FRESH
	return any(getattr(old, name) != getattr(new, name) for name in _SIGNIFICANT)


def waits(state: RuleState) -> bool:
	"""An on-delay or off-delay is running: the condition holds and has not made its occurrence yet, or a
	fired rule is back inside its clear limits and waiting to clear. hold_until() may complete it without a
	new sample (the adapter's heartbeat calls it for these rules only)."""
	if state.active:
		return state.clear_since is not None
	return state.since is not None and not state.counted


def _time(ts) -> float:
	if type(ts) is float:
		return ts
	if isinstance(ts, datetime):
		return seconds(ts, "sample time")
	if isinstance(ts, bool) or not isinstance(ts, int | float):
		raise ValueError(f"sample time must be Unix seconds or a datetime, got {ts!r}")
	try:
		return float(ts)
	except OverflowError:
		return _INF  # skipped as not finite


def step(rule: Rule, state: RuleState | Mapping | None, samples: Iterable[tuple]) -> tuple[RuleState, list]:
	"""Feed (ts, value) samples into the rule. Returns the new state and the events, oldest first. The state
	passed in (a RuleState, its to_dict(), or None) is not modified."""
	if not isinstance(state, RuleState):
		state = RuleState.from_dict(state)
	ordered = []
	append = ordered.append
	for ts, v in samples:
		t = ts if type(ts) is float else _time(ts)
		if -_INF < t < _INF:  # a sample without a finite time is skipped (and cannot upset the sort)
			append((t, v if type(v) is float else as_float(v)))
	ordered.sort(key=_first)  # by time only: of samples at the same time the first one counts
	return _run(rule, state, ordered)


def _run(rule: Rule, state: RuleState, ordered: list) -> tuple[RuleState, list]:
	"""step() on samples already (float ts, float value), finite times, sorted by time."""
	lo, hi, clear_lo, clear_hi = rule.limits
	# the quiet test in finite bounds: an infinite or NaN value never passes it
	quiet_lo, quiet_hi = max(lo, -_MAX), min(hi, _MAX)
	on_delay, off_delay = rule.on_delay, rule.off_delay
	is_rate = rule.measure == RATE
	rate_seconds = rule.rate_seconds
	repeat, window = rule.repeat_count, rule.repeat_window
	key = rule.key

	last = -_INF if state.last_ts is None else state.last_ts
	last_value, measured = state.last_value, state.measured
	active, since, counted = state.active, state.since, state.counted
	clear_since, occurrences = state.clear_since, list(state.occurrences)
	ref_ts, ref_value = state.ref_ts, state.ref_value
	events: list[Event] = []
	quiet_value = not is_rate and not active and since is None

	for ts, v in ordered:
		if ts <= last:  # late or re-delivered
			continue
		if (
			quiet_value and quiet_lo <= v <= quiet_hi
		):  # the common case: nothing to do but remember the sample
			last = ts
			last_value = measured = v
			continue
		if not -_INF < v < _INF:  # NaN or infinite: skipped
			continue

		# The time since the last sample, with the measured value held.
		if measured is not None:
			if active:
				if clear_since is not None and clear_since + off_delay <= ts:
					events.append(Event(key, CLEARED, clear_since + off_delay, measured))
					active, clear_since = False, None
			elif since is not None and not counted and since + on_delay <= ts:
				at = since + on_delay
				counted, fired, occurrences = _occur(at, occurrences, repeat, window)
				if fired:
					events.append(Event(key, FIRED, at, measured, fired))
					active, since, counted, clear_since = True, None, False, None

		# The sample itself.
		last, last_value = ts, v
		if is_rate:
			if ref_ts is None:
				ref_ts, ref_value = ts, v
				x = measured
			elif ts - ref_ts >= rate_seconds:
				x = (v - ref_value) / (ts - ref_ts) * 60.0
				ref_ts, ref_value = ts, v
			else:
				x = measured
			if x is None:
				continue
		else:
			x = v
		measured = x
		if active:
			if clear_lo <= x <= clear_hi:
				if clear_since is None:
					clear_since = ts
				if clear_since + off_delay <= ts:
					events.append(Event(key, CLEARED, ts, x))
					active, clear_since = False, None
			else:
				clear_since = None
		elif x > hi or x < lo:
			if since is None:
				since, counted = ts, False
			if not counted and since + on_delay <= ts:
				counted, fired, occurrences = _occur(ts, occurrences, repeat, window)
				if fired:
					events.append(Event(key, FIRED, ts, x, fired))
					active, since, counted, clear_since = True, None, False, None
		elif not counted or clear_lo <= x <= clear_hi:
			since, counted = None, False
		quiet_value = not is_rate and not active and since is None

	new_state = _trusted_state(
		None if last == -_INF else last,
		last_value,
		measured,
		active,
		since,
		counted,
		clear_since,
		tuple(occurrences),
		ref_ts,
		ref_value,
	)
	return new_state, events


_FIELDS = tuple(RuleState.__dataclass_fields__)
_set = object.__setattr__


def _trusted_state(*values) -> RuleState:
	"""A RuleState built by _run() itself, without the checks of __post_init__ (they are for states that come
	from outside: the database, the adapter)."""
	state = object.__new__(RuleState)
	for name, value in zip(_FIELDS, values, strict=True):
		_set(state, name, value)
	return state


def _occur(at: float, occurrences: list, repeat: int, window: float) -> tuple[bool, int, list]:
	"""An occurrence at `at`: (counted, fired with how many occurrences or 0, the occurrences kept)."""
	if repeat == 1:
		return True, 1, []
	kept = [o for o in occurrences if at - o <= window]
	kept.append(at)
	if len(kept) >= repeat:
		return True, len(kept), []
	return True, 0, kept


def hold_until(rule: Rule, state: RuleState | Mapping | None, now) -> tuple[RuleState, list]:
	"""The last value fed again at `now` (see the module docstring); nothing happens without a last value."""
	if not isinstance(state, RuleState):
		state = RuleState.from_dict(state)
	if state.last_value is None:
		return state, []
	return step(rule, state, [(now, state.last_value)])


def evaluate_readings(
	rules: Mapping[str, Rule],
	rules_by_series: Mapping[Hashable, Sequence[str]],
	states: Mapping[str, RuleState | Mapping | None],
	readings: Iterable[tuple],
) -> tuple[dict, list]:
	"""The writer's call: readings (series, ts, value) - a series being what the adapter keys tags by, e.g.
	(device, tag) - go to the rules of their series. Returns the new state of every rule that got a sample
	(keyed by rule key; write those where needs_saving(old, new)) and all events, oldest first. A rule
	missing from `states` starts fresh."""
	grouped: dict = {}
	get = grouped.get
	for series, ts, value in readings:
		samples = get(series)
		if samples is None:
			if series not in rules_by_series:
				continue
			samples = grouped[series] = []
		t = ts if type(ts) is float else _time(ts)
		if -_INF < t < _INF:
			samples.append((t, value if type(value) is float else as_float(value)))
	new_states: dict = {}
	events: list = []
	for series, samples in grouped.items():
		samples.sort(key=_first)
		for rule_key in rules_by_series[series]:
			state = states.get(rule_key)
			if not isinstance(state, RuleState):
				state = RuleState.from_dict(state)
			new_states[rule_key], fired = _run(rules[rule_key], state, samples)
			events.extend(fired)
	events.sort(key=lambda e: e.ts)
	return new_states, events


_FRESH = RuleState()
