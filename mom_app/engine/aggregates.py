"""Per-minute aggregates of tag readings.

Raw readings are kept for a short time; trends and reports read one row per series and minute: count,
minimum, maximum, total (so means combine exactly: mean = total / count) and the last value with its time.
A minute is named by its first second, in Unix seconds (``minute_of(1700000059.9) == 1699999980.0``).

Aggregates combine: `merge(a, b)` of the aggregates of two sets of readings is the aggregate of their
union, so a minute that receives readings in several batches is updated, not recomputed. `last` is the
value with the greatest timestamp; on a tie (two readings of one series at the same instant) the greater
value is last. That makes `merge` commutative and associative: whatever order batches arrive in, and however
they are split, the merged aggregate is the one computed from all the readings at once.

Values may be floats or `decimal.Decimal`s (the database adapter merges the decimals it stores, so its
totals are exact sums: `minute_buckets` adds decimals with DECIMAL_DIGITS significant digits, enough for
the 42-digit totals column; call `merge` on decimals inside `decimal_context()` too); timestamps are
numbers.
"""

import decimal
import math
from collections.abc import Iterable
from dataclasses import dataclass

MINUTE = 60.0
# significant digits of decimal sums: more than the widest total stored (decimal(42,9))
DECIMAL_DIGITS = 60


def decimal_context() -> decimal.Context:
	"""A context in which sums of stored decimals are exact."""
	return decimal.Context(prec=DECIMAL_DIGITS, rounding=decimal.ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Agg:
	count: int
	minimum: float
	maximum: float
	total: float
	last_ts: float
	last: float

	@property
	def mean(self) -> float:
		return self.total / self.count

	@classmethod
	def of(cls, ts: float, value: float) -> "Agg":
		"""The aggregate of one reading."""
		return cls(count=1, minimum=value, maximum=value, total=value, last_ts=ts, last=value)


def minute_of(ts: float) -> float:
	"""The start of the minute `ts` falls in (floor to a multiple of 60 s), as float Unix seconds."""
	if not math.isfinite(ts):
		raise ValueError(f"time {ts!r} is not finite")
	# Float % is exact, and so is the subtraction (its result, a multiple of 60, is representable); a
	# division could round ts / 60 up to the next whole minute.
	return float(ts - ts % MINUTE)


def is_later(ts: float, value: float, than_ts: float, than_value: float) -> bool:
	"""Whether the reading (ts, value) replaces (than_ts, than_value) as a minute's last: a later time, or the
	same time and a greater value."""
	return ts > than_ts or (ts == than_ts and value > than_value)


def merge(a: Agg, b: Agg) -> Agg:
	"""The aggregate of the readings behind `a` and `b` together (merge(a, b) == merge(b, a))."""
	newer = b if is_later(b.last_ts, b.last, a.last_ts, a.last) else a
	return Agg(
		count=a.count + b.count,
		minimum=min(a.minimum, b.minimum),
		maximum=max(a.maximum, b.maximum),
		total=a.total + b.total,
		last_ts=newer.last_ts,
		last=newer.last,
	)


def minute_buckets(rows: Iterable[tuple[str, float, float]]) -> dict[tuple[str, float], Agg]:
	"""(series key, minute start) -> Agg, from (series key, ts, value) rows in any order; the same as merging
	the rows' `Agg.of` one by one, in one pass per minute.

	Values and times must be finite (ValueError otherwise): one NaN would poison a minute's min, max and
	mean for good."""
	groups: dict[tuple[str, float], list[tuple[float, float]]] = {}
	for key, ts, value in rows:
		if not math.isfinite(value):
			raise ValueError(f"{key} at {ts}: value {value!r} is not finite")
		bucket = (key, minute_of(ts))
		points = groups.get(bucket)
		if points is None:
			groups[bucket] = [(ts, value)]
		else:
			points.append((ts, value))
	with decimal.localcontext(decimal_context()):
		return {bucket: _aggregate(points) for bucket, points in groups.items()}


def _aggregate(points: list[tuple[float, float]]) -> Agg:
	values = [value for _ts, value in points]
	last_ts, last = max(points)  # the greatest time, and on a tie the greatest value: `is_later`
	return Agg(
		count=len(values),
		minimum=min(values),
		maximum=max(values),
		total=sum(values),
		last_ts=last_ts,
		last=last,
	)
