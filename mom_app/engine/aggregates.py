"""Per-minute aggregates of tag readings.

Raw readings are kept for a short time; trends and reports read one row per series and minute: count,
minimum, maximum, total (so means combine exactly: mean = total / count) and the last value with its time.
A minute is named by its first second, in Unix seconds (``minute_of(1700000059.9) == 1699999980.0``).

Aggregates combine: `merge(a, b)` of the aggregates of two sets of readings is the aggregate of their
union, so a minute that receives readings in several batches is updated, not recomputed. `last` is the
value with the greatest timestamp; on a tie the reading seen later wins (in `merge`, the one in `b`).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

MINUTE = 60.0


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


def merge(a: Agg, b: Agg) -> Agg:
	"""The aggregate of the readings behind `a` and `b` together."""
	newer = b if b.last_ts >= a.last_ts else a
	return Agg(
		count=a.count + b.count,
		minimum=min(a.minimum, b.minimum),
		maximum=max(a.maximum, b.maximum),
		total=a.total + b.total,
		last_ts=newer.last_ts,
		last=newer.last,
	)


def minute_buckets(rows: Iterable[tuple[str, float, float]]) -> dict[tuple[str, float], Agg]:
	"""(series key, minute start) -> Agg, from (series key, ts, value) rows in any order.

	Values and times must be finite (ValueError otherwise): one NaN would poison a minute's min, max and
	mean for good."""
	buckets: dict[tuple[str, float], Agg] = {}
	for key, ts, value in rows:
		if not math.isfinite(value):
			raise ValueError(f"{key} at {ts}: value {value!r} is not finite")
		bucket = (key, minute_of(ts))
		single = Agg.of(ts, value)
		buckets[bucket] = merge(buckets[bucket], single) if bucket in buckets else single
	return buckets
