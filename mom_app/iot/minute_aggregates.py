"""IoT Minute Aggregate rows: merged batch by batch as readings are stored, rebuilt exactly on request
(Frappe adapter; the arithmetic is mom_app.engine.aggregates).

`merge_rows(rows)` folds the readings a writer has just inserted into their minutes: the engine sums each
(device, tag, minute) of the batch, and one multi-row INSERT ... ON DUPLICATE KEY UPDATE adds the counts and
totals, keeps the lower minimum, the higher maximum and the later last value (on equal times the greater
value, the engine's tie rule, so the order in which writers commit does not matter). The caller passes only
the rows its own INSERT inserted (mom_app.iot.storage), so no reading is counted twice, and it commits the
readings and their aggregates together.

`rebuild()` recomputes the aggregates from the raw readings: the exact version, for repairs
(`bench --site S mom-iot-rebuild-aggregates`).
"""

import json
import time
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import frappe
from frappe.utils import add_days, get_datetime, now_datetime

from mom_app.engine.aggregates import decimal_context, minute_buckets

# IoT Reading.value and the aggregates' minimum/maximum/last_value are decimal(36,9)
SCALE = Decimal("1e-9")
UPSERT_CHUNK = 1000
_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


def stored_values(values: list[float]) -> list[Decimal]:
	"""The decimal(36,9) the database stores for each value (the writer sends these decimals, as text, not
	the floats): the float's shortest decimal form, rounded half up to 9 places."""
	with localcontext(decimal_context()):
		return [Decimal(repr(value)).quantize(SCALE, rounding=ROUND_HALF_UP) for value in values]


def sql_decimal(value: Decimal) -> str:
	"""A decimal as a plain numeric string ('0.000000123', never '1.23E-7', which SQL reads as a double)."""
	return format(value, "f")


def wall_seconds(moment: datetime) -> float:
	"""A naive local datetime as seconds since 1970-01-01 00:00 on the same wall clock: minutes are whole
	multiples of 60, as in the database, and the datetime comes back exactly (`from_wall_seconds`)."""
	return (moment - _EPOCH) / _SECOND


def from_wall_seconds(seconds: float) -> datetime:
	return _EPOCH + timedelta(seconds=seconds)


# One statement per chunk of (device, tag, minute) rows, in one JSON parameter:
# [[device, tag, "minute", count, "minimum", "maximum", "total", "last value", "last time"], ...]
# Assignments run left to right and see the columns already assigned: last_value before last_ts.
UPSERT = """insert into `tabIoT Minute Aggregate`
	(name, device, tag, minute, sample_count, minimum, maximum, total, last_value, last_ts,
	creation, modified, owner, modified_by)
select nextval(`iot_minute_aggregate_id_seq`), j.b_device, j.b_tag, j.b_minute, j.b_count,
	j.b_minimum, j.b_maximum, j.b_total, j.b_last_value, j.b_last_ts, %(now)s, %(now)s, %(user)s, %(user)s
from json_table(%(rows)s, '$[*]' columns(
	b_device varchar(140) path '$[0]',
	b_tag varchar(64) path '$[1]',
	b_minute datetime(6) path '$[2]',
	b_count int path '$[3]',
	b_minimum decimal(36,9) path '$[4]',
	b_maximum decimal(36,9) path '$[5]',
	b_total decimal(42,9) path '$[6]',
	b_last_value decimal(36,9) path '$[7]',
	b_last_ts datetime(6) path '$[8]'
)) as j
on duplicate key update
	last_value = if(last_ts is null or values(last_ts) > last_ts
		or (values(last_ts) = last_ts and values(last_value) > last_value), values(last_value), last_value),
	last_ts = if(last_ts is null, values(last_ts), greatest(last_ts, values(last_ts))),
	sample_count = sample_count + values(sample_count),
	minimum = least(minimum, values(minimum)),
	maximum = greatest(maximum, values(maximum)),
	total = total + values(total),
	modified = values(modified), modified_by = values(modified_by)"""


def merge_rows(rows: list[dict]) -> int:
	"""Merge rows {device, tag, at (naive local datetime as stored), stored (Decimal as stored)} into their
	minute aggregates; return how many (device, tag, minute) rows were written. Does not commit.

	Only pass rows this transaction inserted: a row merged twice is counted twice."""
	buckets = minute_buckets(((r["device"], r["tag"]), wall_seconds(r["at"]), r["stored"]) for r in rows)
	if not buckets:
		return 0
	now, user = now_datetime(), frappe.session.user or "Administrator"
	ordered = sorted(buckets.items())  # writers lock aggregate rows in the same order
	for start in range(0, len(ordered), UPSERT_CHUNK):
		document = json.dumps(
			[
				[
					device,
					tag,
					sql_datetime(from_wall_seconds(minute)),
					agg.count,
					sql_decimal(agg.minimum),
					sql_decimal(agg.maximum),
					sql_decimal(agg.total),
					sql_decimal(agg.last),
					sql_datetime(from_wall_seconds(agg.last_ts)),
				]
				for ((device, tag), minute), agg in ordered[start : start + UPSERT_CHUNK]
			],
			ensure_ascii=False,
			separators=(",", ":"),
		)
		frappe.db.sql(UPSERT, {"rows": document, "now": now, "user": user})
	return len(ordered)


def sql_datetime(moment: datetime) -> str:
	"""A naive datetime as the text MariaDB reads into a datetime(6), to the microsecond
	('2024-03-01 08:00:00.250000', or without the fraction when it is 0)."""
	return moment.isoformat(" ")


# ---------------------------------------------------------------------------------------------- exact rebuild
# Every minute of one series with readings in [start, end), recomputed from the readings. `last_value` is
# the value at the greatest time, the greatest value on a tie (the engine's rule).
RECOMPUTE_MINUTES = """
insert into `tabIoT Minute Aggregate`
	(name, device, tag, minute, sample_count, minimum, maximum, total, last_value, last_ts,
	creation, modified, owner, modified_by)
select nextval(`iot_minute_aggregate_id_seq`), g.*, %(now)s, %(now)s, %(user)s, %(user)s
from (
	select r.device, r.tag,
		r.ts - interval second(r.ts) second - interval microsecond(r.ts) microsecond as minute,
		count(*) as sample_count, min(r.value) as minimum, max(r.value) as maximum, sum(r.value) as total,
		group_concat(r.value order by r.ts desc, r.value desc limit 1) as last_value, max(r.ts) as last_ts
	from `tabIoT Reading` r
	where r.device = %(device)s and r.tag = %(tag)s and r.ts >= %(start)s and r.ts < %(end)s
	group by minute
) as g
on duplicate key update
	sample_count = values(sample_count), minimum = values(minimum), maximum = values(maximum),
	total = values(total), last_value = values(last_value), last_ts = values(last_ts),
	modified = values(modified), modified_by = values(modified_by)
"""
REBUILD_SPAN = timedelta(days=1)
DEADLOCK_RETRIES = 5


def rebuild_window(start=None, end=None) -> tuple[datetime, datetime]:
	"""The span `rebuild` may recompute, in whole minutes: from the later of `start` (rounded down) and the
	retention cutoff (rounded up) to `end` (rounded up; default: a day from now, for clocks ahead).

	Raw readings older than *Keep Raw Readings* are deleted every night, a chunk at a time, so the minutes
	before the cutoff may have no readings left, or only some of them: their aggregates are the only record
	and are never recomputed."""
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	cutoff = _ceil_minute(add_days(now_datetime(), -get_settings().reading_retention_days))
	start = max(_floor_minute(get_datetime(start)), cutoff) if start else cutoff
	end = _ceil_minute(get_datetime(end)) if end else _floor_minute(now_datetime()) + timedelta(days=1)
	return start, end


def rebuild(
	device: str | None = None, start=None, end=None, progress=None, commit: bool = True
) -> dict[str, int]:
	"""Recompute, from the raw readings, every minute aggregate of `device` (all devices by default) in
	`rebuild_window(start, end)` that has readings; the result is what merging every reading gives.

	Minutes without raw readings keep their aggregate (they may be older than the raw readings kept). One
	transaction per series and day (retried on a deadlock with a live writer), committed unless `commit` is
	false. `progress(done, total)` is called after each. Returns {series, spans, minutes, start, end}."""
	start, end = rebuild_window(start, end)
	# the series of the readings kept (a walk of the (device, tag, ts) index); a span without readings
	# costs one empty index range below
	if device:
		series = frappe.db.sql(
			"select distinct device, tag from `tabIoT Reading` where device = %s order by tag", device
		)
	else:
		series = frappe.db.sql("select distinct device, tag from `tabIoT Reading` order by device, tag")
	spans = []
	for series_device, tag in series:
		moment = start
		while moment < end:
			spans.append((series_device, tag, moment, min(moment + REBUILD_SPAN, end)))
			moment += REBUILD_SPAN
	user = frappe.session.user or "Administrator"
	minutes = 0
	for done, (series_device, tag, span_start, span_end) in enumerate(spans, start=1):
		params = {
			"device": series_device,
			"tag": tag,
			"start": span_start,
			"end": span_end,
			"now": now_datetime(),
			"user": user,
		}
		minutes += _recompute(params, commit)
		if progress:
			progress(done, len(spans))
	return {"series": len(series), "spans": len(spans), "minutes": minutes, "start": start, "end": end}


# Locks the span's readings (and the gaps between them) against writers until the commit, and reads what is
# committed now: a writer that stores a reading of the span afterwards merges it into the rebuilt minute.
LOCK_SPAN = """select count(distinct r.ts - interval second(r.ts) second - interval microsecond(r.ts) microsecond)
from `tabIoT Reading` r
where r.device = %(device)s and r.tag = %(tag)s and r.ts >= %(start)s and r.ts < %(end)s
lock in share mode"""


def _recompute(params: dict, commit: bool) -> int:
	"""One series and span, in one transaction; how many minutes have readings in it."""
	for attempt in range(DEADLOCK_RETRIES):
		try:
			minutes = frappe.db.sql(LOCK_SPAN, params)[0][0]
			if minutes:
				frappe.db.sql(RECOMPUTE_MINUTES, params)
			if commit:
				frappe.db.commit()
			return int(minutes)
		except frappe.QueryDeadlockError:
			if not commit or attempt == DEADLOCK_RETRIES - 1:
				raise
			frappe.db.rollback()
			time.sleep(0.1 * (attempt + 1))
	return 0


def _floor_minute(moment: datetime) -> datetime:
	return moment.replace(second=0, microsecond=0)


def _ceil_minute(moment: datetime) -> datetime:
	floor = _floor_minute(moment)
	return floor if floor == moment else floor + timedelta(minutes=1)
