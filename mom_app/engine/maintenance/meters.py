"""Asset meters (run hours, cycles, produced parts): running totals from counter samples and manual readings,
the average usage rate, and when a value will be reached.

A meter's value is a running total that never goes down. It is fed by

- counter samples, `(ts, raw)`, from an IoT tag with the role *Meter* or the *Good Count* counter: the
  device's counter may be reset to 0 or wrap around at its size (a 16-bit register wraps at 65,536), and
  may glitch. `advance_counter(config, state, samples)` turns them into increases of the total;
- manual readings typed in by a technician ("the hour meter shows 12,345.6"): `apply_manual(...)`.

API (times: naive datetimes in the site's timezone or Unix seconds; dates: `datetime.date`)::

    CounterConfig(rollover=None, scale=1.0, max_rate_per_hour=None, jitter_seconds=60.0,
                  reset_below_fraction=0.5, rebase_after=3)
    CounterState(total=0.0, seen_ts=None, base_ts=None, base_raw=None, suspect_ts=None,
                 suspect_raw=None, suspects=0, suspect_gain=0.0)   .to_dict() / CounterState.from_dict(d)
    advance_counter(config, state, samples) -> (CounterState, [MeterResult])   one result per sample
    apply_manual(state, ts, value, max_rate_per_hour=None, jitter_seconds=60.0) -> (CounterState, MeterResult)
    usage_rate(readings, now, window_days=30.0, min_span_hours=1.0) -> float | None   units per day
    days_to_reach(current, target, rate_per_day) -> float | None
    project_date(current, target, rate_per_day, today) -> date | None

`MeterResult(ts, raw, kind, increase, total, reason)`: `kind` is one of KINDS, `increase` what this sample
added to the total (meter units), `total` the total after it, `reason` a code of REASONS when the sample was
refused or ignored, or - for `rebased` - why the jump to the new level was not counted (else None). Values
are numbers (int, float, Decimal); anything else (a string, None, a bool) is `not_finite`.

Rollover by the tag's data type (engine.modbus_codec): uint16 65536, uint32 4294967296; a float register
does not wrap (None).

Counter rules, per sample in time order (a batch may come in any order: it is sorted first):

- a sample at or before the last sample seen (`seen_ts`) is ignored (`late`): re-delivering a batch adds
  nothing; a value that is not finite is refused (`not_finite`), a negative one (`negative`), one at or
  above `rollover` (`above_rollover`): none of these moves the counter;
- the first sample is the baseline (`baseline`): nothing is counted, the counter's earlier counts are not
  the asset's usage since the meter was set up (start the total at the asset's reading with `total=`);
- a value at or above the baseline counts the difference x `scale` (`counted`);
- a drop of more than half the `rollover` is a wrap (`rollover`): counted as raw + rollover - baseline;
- otherwise a drop to at most `reset_below_fraction` of the baseline is a reset (`reset`): the counter
  restarted from 0, so the new value itself is counted;
- any other drop is refused (`decrease`: a glitch, or float noise of a float register);
- with `max_rate_per_hour`, an increase above max_rate_per_hour x (hours since the baseline +
  jitter_seconds / 3600) is refused (`implausible_increase`): a wrong wrap, a bad read, a counter preset;
- refused `decrease` / `implausible_increase` samples are suspects. When `rebase_after` suspects in a row
  agree with each other (each one counted from the one before would be accepted), the counter is rebased
  onto the last one (`rebased`): what they counted among themselves is added, the jump to the first one is
  not. So a counter replaced by one with another count, or a reset seen too late, costs one jump and never
  stalls the meter. An accepted sample in between ends the run (the suspects were glitches).

The state is a small frozen dataclass; `to_dict()` is JSON-safe and `CounterState.from_dict()` reads it back,
so the adapter keeps it in the database between batches (a restart continues exactly where it stopped).

Manual readings: the value is the meter's new total. Refused when not finite (`not_finite`), below the
current total (`below_total`: a meter never runs backwards; a replaced meter is a new baseline, set
`total=` in a fresh state), at or before the last sample seen (`late`), or - with `max_rate_per_hour` -
more above the total than the rate allows since the last sample (`implausible_increase`). A manual reading
does not move the counter's baseline: counting continues from the counter's own last value.

Usage rate: `usage_rate(readings, now, window_days)` is the average increase per calendar day over the
window [now - window_days, now], from (time, total) readings: (total at the last reading - total at the
window's start) / days between them, the total at the window's start interpolated linearly between the
readings around it (or the first reading in the window when there is none before it). None when fewer
than two readings fall in reach or they span less than `min_span_hours`. Readings may come in any order;
a reading with a non-finite time or total raises ValueError.

Projection: `days_to_reach` = (target - current) / rate_per_day (0 when already reached; None without a
positive rate); `project_date` = today + the whole days of it (the day during which the value is reached).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

from mom_app.engine.maintenance._values import (
	SECONDS_PER_DAY,
	as_date,
	as_float,
	non_negative,
	number,
	optional_number,
	positive,
	seconds,
	whole,
)

BASELINE, COUNTED, ROLLOVER, RESET, REBASED, REFUSED, IGNORED, MANUAL = (
	"baseline",
	"counted",
	"rollover",
	"reset",
	"rebased",
	"refused",
	"ignored",
	"manual",
)
KINDS = (BASELINE, COUNTED, ROLLOVER, RESET, REBASED, REFUSED, IGNORED, MANUAL)
REASONS = {
	"late": "at or before the last sample seen: already counted",
	"not_finite": "the value is not a finite number",
	"negative": "a counter value below 0",
	"above_rollover": "a counter value at or above the counter's rollover",
	"decrease": "the counter went down, neither a reset to about 0 nor a wrap",
	"implausible_increase": "the increase is more than the meter's maximum rate allows",
	"below_total": "the reading is below the meter's current total",
}


@dataclass(frozen=True)
class CounterConfig:
	"""How to read one counter.

	rollover               the counter's modulus (65536 for 16 bits, 4294967296 for 32 bits); None: it
	                       does not wrap
	scale                  meter units per counter unit (1/3600 for a seconds counter read as hours)
	max_rate_per_hour      the most the meter can plausibly grow per hour, in meter units (e.g. 1.0 for
	                       run hours, the fastest cycle rate for cycles); None: no limit
	jitter_seconds         extra time allowed in the rate check (clocks of counter and timestamps differ)
	reset_below_fraction   a drop to at most this fraction of the last value is a reset
	rebase_after           suspects in a row that make the counter take the new level (at least 1)
	"""

	rollover: float | None = None
	scale: float = 1.0
	max_rate_per_hour: float | None = None
	jitter_seconds: float = 60.0
	reset_below_fraction: float = 0.5
	rebase_after: int = 3

	def __post_init__(self):
		if self.rollover is not None:
			object.__setattr__(self, "rollover", positive(self.rollover, "rollover"))
		object.__setattr__(self, "scale", positive(self.scale, "scale"))
		if self.max_rate_per_hour is not None:
			object.__setattr__(
				self, "max_rate_per_hour", positive(self.max_rate_per_hour, "max_rate_per_hour")
			)
		object.__setattr__(self, "jitter_seconds", non_negative(self.jitter_seconds, "jitter_seconds"))
		fraction = non_negative(self.reset_below_fraction, "reset_below_fraction")
		if fraction >= 1:
			raise ValueError(f"reset_below_fraction must be below 1, got {fraction!r}")
		object.__setattr__(self, "reset_below_fraction", fraction)
		object.__setattr__(self, "rebase_after", whole(self.rebase_after, "rebase_after", 1))


@dataclass(frozen=True)
class CounterState:
	"""A meter's running total and its counter's baseline (see the module docstring)."""

	total: float = 0.0
	seen_ts: float | None = None  # the last sample seen, of any kind
	base_ts: float | None = None  # the last accepted counter sample
	base_raw: float | None = None
	suspect_ts: float | None = None  # the last refused sample of the current run of suspects
	suspect_raw: float | None = None
	suspects: int = 0
	suspect_gain: float = 0.0  # what the run of suspects counted among themselves

	def __post_init__(self):
		object.__setattr__(self, "total", number(self.total, "total"))
		for name in ("seen_ts", "base_ts", "base_raw", "suspect_ts", "suspect_raw"):
			object.__setattr__(self, name, optional_number(getattr(self, name), name))
		object.__setattr__(self, "suspects", whole(self.suspects, "suspects"))
		object.__setattr__(self, "suspect_gain", non_negative(self.suspect_gain, "suspect_gain"))
		if (self.base_ts is None) != (self.base_raw is None):
			raise ValueError("base_ts and base_raw are set together")
		if (self.suspect_ts is None) != (self.suspect_raw is None) or (self.suspect_ts is None) != (
			self.suspects == 0
		):
			raise ValueError("suspect_ts, suspect_raw and suspects are set together")

	def to_dict(self) -> dict:
		"""A JSON-serialisable dict; `from_dict` reads it back."""
		return asdict(self)

	@classmethod
	def from_dict(cls, data: Mapping | None) -> "CounterState":
		"""The state saved by `to_dict`; None or {} is a fresh meter at 0."""
		if data is None:
			return cls()
		if not isinstance(data, Mapping):
			raise ValueError(f"a meter state must be a dict, got {type(data).__name__}")
		unknown = sorted(set(data) - set(cls.__dataclass_fields__))
		if unknown:
			raise ValueError(f"unknown meter state keys: {', '.join(map(str, unknown))}")
		return cls(**data)


@dataclass(frozen=True)
class MeterResult:
	"""What one sample or manual reading did."""

	ts: float
	raw: float
	kind: str
	increase: float
	total: float
	reason: str | None = None


def _allowed(config_rate: float | None, jitter: float, elapsed: float) -> float:
	if config_rate is None:
		return math.inf
	return config_rate * (elapsed + jitter) / 3600.0


def _increase(config: CounterConfig, base_ts: float, base_raw: float, ts: float, raw: float):
	"""(kind, increase) of raw at ts counted from the baseline, or (REFUSED, reason)."""
	if raw >= base_raw:
		kind, counts = COUNTED, raw - base_raw
	elif config.rollover is not None and base_raw - raw > config.rollover / 2:
		kind, counts = ROLLOVER, raw + config.rollover - base_raw
	elif raw <= base_raw * config.reset_below_fraction:
		kind, counts = RESET, raw
	else:
		return REFUSED, "decrease"
	increase = counts * config.scale
	if increase > _allowed(config.max_rate_per_hour, config.jitter_seconds, ts - base_ts):
		return REFUSED, "implausible_increase"
	return kind, increase


def advance_counter(
	config: CounterConfig, state: CounterState | None, samples: Iterable[tuple]
) -> tuple[CounterState, list[MeterResult]]:
	"""Feed (ts, raw) counter samples into the meter. Returns the new state and one MeterResult per sample,
	in time order. The state passed in is not modified."""
	state = state or CounterState()
	parsed = []
	for sample in samples:
		ts, raw = sample
		parsed.append((seconds(ts, "sample time"), raw))
	parsed.sort(key=lambda s: s[0])
	total, seen = state.total, state.seen_ts
	base_ts, base_raw = state.base_ts, state.base_raw
	s_ts, s_raw, suspects, gain = state.suspect_ts, state.suspect_raw, state.suspects, state.suspect_gain
	results: list[MeterResult] = []
	for ts, raw in parsed:
		raw = as_float(raw)
		if seen is not None and ts <= seen:
			results.append(MeterResult(ts, raw, IGNORED, 0.0, total, "late"))
			continue
		reason = _raw_problem(config, raw)
		if reason:
			seen = ts
			results.append(MeterResult(ts, raw, REFUSED, 0.0, total, reason))
			continue
		seen = ts
		if base_raw is None:
			base_ts, base_raw = ts, raw
			results.append(MeterResult(ts, raw, BASELINE, 0.0, total))
			continue
		kind, value = _increase(config, base_ts, base_raw, ts, raw)
		if kind != REFUSED:
			total += value
			base_ts, base_raw = ts, raw
			s_ts = s_raw = None
			suspects, gain = 0, 0.0
			results.append(MeterResult(ts, raw, kind, value, total))
			continue
		# A suspect: does it continue the run of suspects before it?
		follows = _increase(config, s_ts, s_raw, ts, raw) if s_ts is not None else (REFUSED, None)
		if follows[0] != REFUSED:
			suspects += 1
			gain += follows[1]
		else:
			suspects, gain = 1, 0.0
		s_ts, s_raw = ts, raw
		if suspects >= config.rebase_after:
			total += gain
			results.append(MeterResult(ts, raw, REBASED, gain, total, value))
			base_ts, base_raw = ts, raw
			s_ts = s_raw = None
			suspects, gain = 0, 0.0
		else:
			results.append(MeterResult(ts, raw, REFUSED, 0.0, total, value))
	new_state = CounterState(total, seen, base_ts, base_raw, s_ts, s_raw, suspects, gain)
	return new_state, results


def _raw_problem(config: CounterConfig, raw: float) -> str | None:
	if not math.isfinite(raw):
		return "not_finite"
	if raw < 0:
		return "negative"
	if config.rollover is not None and raw >= config.rollover:
		return "above_rollover"
	return None


def apply_manual(
	state: CounterState | None,
	ts,
	value,
	max_rate_per_hour: float | None = None,
	jitter_seconds: float = 60.0,
) -> tuple[CounterState, MeterResult]:
	"""A typed meter reading: the meter's total becomes `value` (see the module docstring for the refusals).
	A refused reading leaves the state as it was."""
	state = state or CounterState()
	ts = seconds(ts, "reading time")
	value = as_float(value)
	if not math.isfinite(value):
		return state, MeterResult(ts, value, REFUSED, 0.0, state.total, "not_finite")
	if state.seen_ts is not None and ts <= state.seen_ts:
		return state, MeterResult(ts, value, REFUSED, 0.0, state.total, "late")
	if value < state.total:
		return state, MeterResult(ts, value, REFUSED, 0.0, state.total, "below_total")
	if max_rate_per_hour is not None and state.seen_ts is not None:
		rate = positive(max_rate_per_hour, "max_rate_per_hour")
		allowed = _allowed(rate, non_negative(jitter_seconds, "jitter_seconds"), ts - state.seen_ts)
		if value - state.total > allowed:
			return state, MeterResult(ts, value, REFUSED, 0.0, state.total, "implausible_increase")
	increase = value - state.total
	new_state = replace(state, total=value, seen_ts=ts)
	return new_state, MeterResult(ts, value, MANUAL, increase, new_state.total)


# -- usage rate and projection ----------------------------------------------------------------------------


def usage_rate(
	readings: Iterable[tuple], now, window_days: float = 30.0, min_span_hours: float = 1.0
) -> float | None:
	"""Average increase of the total per calendar day over [now - window_days, now] (module docstring)."""
	end = seconds(now, "now")
	window = positive(window_days, "window_days") * SECONDS_PER_DAY
	min_span = non_negative(min_span_hours, "min_span_hours") * 3600.0
	start = end - window
	points = sorted((seconds(ts, "reading time"), number(total, "reading total")) for ts, total in readings)
	before = None
	inside = []
	for ts, total in points:
		if ts < start:
			before = (ts, total)
		elif ts <= end:
			inside.append((ts, total))
	if not inside:
		return None
	t1, v1 = inside[-1]
	if before is not None:
		t0 = start
		ta, va = before
		tb, vb = inside[0]
		v0 = va + (vb - va) * (start - ta) / (tb - ta)
	else:
		t0, v0 = inside[0]
	span = t1 - t0
	if span <= 0 or span < min_span:
		return None
	return (v1 - v0) / (span / SECONDS_PER_DAY)


def days_to_reach(current, target, rate_per_day) -> float | None:
	"""Days until `current` grows to `target` at `rate_per_day`: 0 when reached, None without a positive rate."""
	current, target = number(current, "current"), number(target, "target")
	if current >= target:
		return 0.0
	if rate_per_day is None:
		return None
	rate = number(rate_per_day, "rate_per_day")
	if rate <= 0:
		return None
	return (target - current) / rate


def project_date(current, target, rate_per_day, today) -> date | None:
	"""The date during which `target` is reached at `rate_per_day` from `current` on `today`, or None."""
	today = as_date(today, "today")
	days = days_to_reach(current, target, rate_per_day)
	if days is None:
		return None
	try:
		return today + timedelta(days=math.floor(days))
	except OverflowError:
		return None
