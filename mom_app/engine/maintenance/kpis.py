"""Maintenance KPIs per asset, workstation, asset category and period, from plain rows.

API::

    compute(orders, operating=(), assets=None, *, group_by=("asset",), period=None, start=None, end=None,
            as_of=None) -> list[dict]
    period_start(day, period) -> date;  period_end(day, period) -> date
    DIMENSIONS = ("asset", "workstation", "category");  PERIODS = (None, "day", "week", "month", "quarter", "year")

Inputs (times: naive datetimes in the site's timezone or Unix seconds; dates: `datetime.date`):

- `orders`: one mapping per Maintenance Work Order (not cancelled): "name", "asset", "type" (an
  orders.ORDER_TYPES value), "failure" (bool: the order restores a failed machine; missing: type is
  Corrective), "reported" (required: the failure or request time), "acknowledged", "repair_start",
  "back_in_service", "completed", "due" (date, PM orders), "estimated_hours", "labour_hours" (the
  technicians' logged time), "downtime_hours" (missing: computed, see below), "cost"; "workstation" and
  "category" when the order says them (else taken from `assets`).
- `operating`: rows of the assets' operating time, at any granularity (a day per asset, as the OEE Records
  give it, or already summed per asset and month): "asset", "day" (date; of a sum, its first day),
  "running_hours" (Running time from the machine state log; None where there is no state log),
  "planned_busy_hours" (used where running_hours is None). They are grouped through their asset.
- `assets`: asset -> {"workstation", "category"}: the group of an asset's operating rows and of orders that
  do not say theirs, and the number of assets per group for the cost per asset (missing: the assets seen
  in the group's rows).

Grouping: `group_by` is a tuple of DIMENSIONS (() for all together); `period` buckets by the day of each
row (weeks start on Monday; a row's period is given by its first day). Rows outside [start, end] (dates,
both included; None: open) are left out. A failure, repair, acknowledgement, labour hours, downtime and cost
belong to the period of the order's `reported` date; a PM order to the period of its `due` date.

Each result row: the group's dimensions, "period" (its first day, or None) and:

    operating_hours        sum of running_hours where there is a state log, else planned_busy_hours
    failures               orders with failure reported in the period
    mtbf_hours             MTBF = operating_hours / failures                      (None without failures,
                           and None without operating time: no operating row, or rows of 0 hours, means
                           the time is not known, not that the machine failed at once)
    repairs                failure orders back in service
    repair_hours           sum of back_in_service - repair_start (missing repair_start: acknowledged,
                           then reported) of the repairs: the active repair time
    mttr_hours             MTTR = repair_hours / repairs                           (None without repairs)
    mdt_hours              mean downtime = sum(back_in_service - reported) / repairs
    acknowledged           unplanned orders acknowledged
    mtta_hours             MTTA = sum(acknowledged - reported) / acknowledged
    inherent_availability  Ai = MTBF / (MTBF + MTTR)                               (None when either is)
    pm_due                 planned orders with a due date in the period that are completed or whose due
                           date is before `as_of` (an order due today is not late yet)
    pm_on_time             of them, completed on or before the due date
    pm_compliance          PM compliance = pm_on_time / pm_due
    backlog_hours          sum of estimated_hours of the orders open at the end of the period (or at
                           `as_of` if earlier): reported by then and not completed by then
    planned_hours, unplanned_hours      labour_hours of planned / unplanned orders (orders.is_planned)
    planned_share          planned_hours / (planned_hours + unplanned_hours)
    planned_downtime_hours, unplanned_downtime_hours    downtime_hours of planned / unplanned orders:
                           given, else back_in_service - reported for a failure and back_in_service -
                           repair_start for other orders
    planned_downtime_share planned_downtime_hours / (planned + unplanned downtime hours)
    cost, assets           sum of cost; number of assets in the group
    cost_per_asset         maintenance cost per asset = cost / assets
    orders                 names of the group's orders (reported in the period, or due in it), for drill-down
    inconsistent           names of orders whose times run backwards (a negative span): their spans are
                           left out of the sums above, never counted negative

A ratio without a denominator is None. Bad values (a NaN or negative hour figure, a missing `reported`, an
unknown type or dimension) raise ValueError naming the row. The rows are read once (O(rows): operating rows
are summed per asset and period first); the backlog is one sorted sweep per group.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from itertools import accumulate

from mom_app.engine.maintenance._values import as_date, as_float, is_number, one_of, seconds
from mom_app.engine.maintenance.orders import CORRECTIVE, ORDER_TYPES, PLANNED_TYPES

DIMENSIONS = ("asset", "workstation", "category")
DAY, WEEK, MONTH, QUARTER, YEAR = "day", "week", "month", "quarter", "year"
PERIODS = (None, DAY, WEEK, MONTH, QUARTER, YEAR)
_EPOCH = datetime(1970, 1, 1)
_INF = math.inf
_MISSING = object()

# Accumulator slots.
(
	_OPERATING,
	_FAILURES,
	_REPAIRS,
	_REPAIR_S,
	_RESTORE_S,
	_ACKS,
	_ACK_S,
	_PM_DUE,
	_PM_ON_TIME,
	_PLANNED_H,
	_UNPLANNED_H,
	_PLANNED_DT,
	_UNPLANNED_DT,
	_COST,
) = range(14)
_N = 14


def period_start(day: date, period: str | None) -> date | None:
	"""The first day of the period `day` lies in (None for no period)."""
	if period is None:
		return None
	if period == DAY:
		return day
	if period == WEEK:
		return day - timedelta(days=day.weekday())
	if period == MONTH:
		return day.replace(day=1)
	if period == QUARTER:
		return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
	if period == YEAR:
		return date(day.year, 1, 1)
	raise ValueError(f"period must be one of {', '.join(map(str, PERIODS))}, got {period!r}")


def period_end(day: date, period: str) -> date:
	"""The last day of the period `day` lies in."""
	first = period_start(day, period)
	if period == DAY:
		return first
	if period == WEEK:
		return first + timedelta(days=6)
	months = {MONTH: 1, QUARTER: 3, YEAR: 12}[period]
	index = first.year * 12 + first.month - 1 + months
	return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _ts(value, what: str) -> float | None:
	"""Unix seconds of a naive datetime or a number; None stays None."""
	if value is None:
		return None
	if type(value) is datetime and value.tzinfo is None:
		return (value - _EPOCH).total_seconds()
	return seconds(value, what)


def _row_ts(row: Mapping, field: str, name) -> float | None:
	value = row.get(field)
	if value is None:
		return None
	if type(value) is datetime and value.tzinfo is None:
		return (value - _EPOCH).total_seconds()
	return seconds(value, f"order {name}: {field}")


def _row_hours(row: Mapping, field: str, name) -> float:
	value = row.get(field)
	if type(value) is float and 0 <= value < _INF:
		return value
	return _hours(value, f"order {name}: {field}")


def _moment(value, what: str) -> tuple[float, date]:
	"""(Unix seconds, date) of a naive datetime or Unix seconds."""
	if isinstance(value, datetime):
		return _ts(value, what), value.date()
	ts = seconds(value, what)
	return ts, (_EPOCH + timedelta(seconds=ts)).date()


def _hours(value, what: str) -> float:
	if value is None:
		return 0.0
	if type(value) is not float:
		if not is_number(value):
			raise ValueError(f"{what} must be a number of at least 0, got {value!r}")
		value = as_float(value)  # int, Decimal from the database
	if not 0 <= value < _INF:
		raise ValueError(f"{what} must be a finite number of at least 0, got {value!r}")
	return value


def _end_seconds(day: date) -> float:
	"""Unix seconds of the end of `day` (the start of the next day)."""
	return (datetime(day.year, day.month, day.day) - _EPOCH).total_seconds() + 86400.0


def compute(
	orders: Iterable[Mapping],
	operating: Iterable[Mapping] = (),
	assets: Mapping[str, Mapping] | None = None,
	*,
	group_by: tuple = ("asset",),
	period: str | None = None,
	start=None,
	end=None,
	as_of=None,
) -> list[dict]:
	"""The KPI rows of the groups (see the module docstring), sorted by group and period."""
	group_by = tuple(group_by)
	for dim in group_by:
		one_of(dim, "group_by dimension", DIMENSIONS)
	if period not in PERIODS:
		raise ValueError(f"period must be one of {', '.join(map(str, PERIODS))}, got {period!r}")
	start = None if start is None else as_date(start, "start")
	end = None if end is None else as_date(end, "end")
	if start is not None and end is not None and end < start:
		raise ValueError(f"the end ({end}) is before the start ({start})")
	if as_of is None:
		as_of_s, as_of_day = _INF, None
	elif isinstance(as_of, datetime):
		as_of_s, as_of_day = seconds(as_of, "as_of"), as_of.date()
	else:
		as_of_day = as_date(as_of, "as_of")
		as_of_s = _end_seconds(as_of_day)
	assets = assets or {}
	lo = start or date.min
	hi = end or date.max

	period_of: dict = {}

	def bucket(day: date):
		p = period_of.get(day)
		if p is None and day not in period_of:
			p = period_of[day] = period_start(day, period)
		return p

	group_cache: dict = {}

	row_dims = tuple(dim for dim in group_by if dim != "asset")

	def group_of(row: Mapping) -> tuple:
		"""The row's group: its asset's (from `assets`), where the row does not name its own."""
		asset = row.get("asset")
		cached = group_cache.get(asset)
		if cached is None:
			info = (assets.get(asset) if asset is not None else None) or {}
			cached = group_cache[asset] = tuple(
				asset if dim == "asset" else info.get(dim) for dim in group_by
			)
		if not row_dims or all(row.get(dim) is None for dim in row_dims):
			return cached
		return tuple(
			c if dim == "asset" or row.get(dim) is None else row.get(dim)
			for dim, c in zip(group_by, cached, strict=True)
		)

	def see(group: tuple, asset):
		seen = seen_assets.get(group)
		if seen is None:
			seen = seen_assets[group] = set()
		seen.add(asset)

	acc: dict = {}
	names: dict = {}
	bad: dict = {}
	seen_assets: dict = {}

	def slot(key):
		a = acc.get(key)
		if a is None:
			a = acc[key] = [0.0] * _N
			names[key] = []
			bad[key] = []
		return a

	# Operating time: summed per asset and period first (one dict update a row), then into the groups.
	per_asset: dict = {}
	for row in operating:
		day = row.get("day")
		if type(day) is not date:
			day = as_date(day, "operating day")
		if day < lo or day > hi:
			continue
		hours = row.get("running_hours")
		if hours is None:
			hours = row.get("planned_busy_hours")
		if type(hours) is not float or not 0 <= hours < _INF:
			hours = _hours(hours, f"operating hours of {row.get('asset')} on {day}")
		p = period_of.get(day, _MISSING)
		if p is _MISSING:
			p = bucket(day)
		asset = row.get("asset")
		sums = per_asset.get(asset)  # nested dicts: no tuple (no garbage-collector work) per row
		if sums is None:
			sums = per_asset[asset] = {}
		sums[p] = sums.get(p, 0.0) + hours
	for asset, sums in per_asset.items():
		group = group_of({"asset": asset})
		see(group, asset)
		for p, hours in sums.items():
			slot((group, p))[_OPERATING] += hours

	backlog_events: dict = {}
	for row in orders:
		name = row.get("name")
		order_type = row.get("type")
		if order_type not in ORDER_TYPES:
			one_of(order_type, f"order {name}: type", ORDER_TYPES)
		planned = order_type in PLANNED_TYPES
		failure = row.get("failure")
		failure = order_type == CORRECTIVE if failure is None else bool(failure)
		if row.get("reported") is None:
			raise ValueError(f"order {name} has no reported time")
		t_rep, d_rep = _moment(row["reported"], f"order {name}: reported")
		t_ack = _row_ts(row, "acknowledged", name)
		t_start = _row_ts(row, "repair_start", name)
		t_back = _row_ts(row, "back_in_service", name)
		done = row.get("completed")
		t_done, d_done = (None, None) if done is None else _moment(done, f"order {name}: completed")
		estimated = _row_hours(row, "estimated_hours", name)
		group = group_of(row)
		see(group, row.get("asset"))

		if estimated:
			events = backlog_events.setdefault(group, [])
			events.append((t_rep, estimated))
			if t_done is not None:
				events.append((max(t_done, t_rep), -estimated))

		if lo <= d_rep <= hi:
			key = (group, bucket(d_rep))
			a = slot(key)
			names[key].append(name)
			inconsistent = False
			if failure:
				a[_FAILURES] += 1
				if t_back is not None:
					began = t_start if t_start is not None else t_ack if t_ack is not None else t_rep
					repair, restore = t_back - began, t_back - t_rep
					if repair < 0 or restore < 0:
						inconsistent = True
					else:
						a[_REPAIRS] += 1
						a[_REPAIR_S] += repair
						a[_RESTORE_S] += restore
			if not planned and t_ack is not None:
				if t_ack < t_rep:
					inconsistent = True
				else:
					a[_ACKS] += 1
					a[_ACK_S] += t_ack - t_rep
			labour = _row_hours(row, "labour_hours", name)
			a[_PLANNED_H if planned else _UNPLANNED_H] += labour
			downtime = row.get("downtime_hours")
			if downtime is not None:
				downtime = _row_hours(row, "downtime_hours", name)
			elif t_back is not None and (failure or t_start is not None):
				span = t_back - (t_rep if failure else t_start)
				if span < 0:
					inconsistent = True
					span = 0.0
				downtime = span / 3600.0
			else:
				downtime = 0.0
			a[_PLANNED_DT if planned else _UNPLANNED_DT] += downtime
			a[_COST] += _row_hours(row, "cost", name)
			if inconsistent:
				bad[key].append(name)

		due = row.get("due")
		if planned and due is not None:
			if type(due) is not date:
				due = as_date(due, f"order {name}: due")
			if lo <= due <= hi and (d_done is not None or as_of_day is None or due < as_of_day):
				key = (group, bucket(due))
				a = slot(key)
				if not (lo <= d_rep <= hi and bucket(d_rep) == key[1]):
					names[key].append(name)
				a[_PM_DUE] += 1
				if d_done is not None and d_done <= due:
					a[_PM_ON_TIME] += 1

	backlog = {}
	for group, events in backlog_events.items():
		events.sort(key=lambda e: e[0])
		times = [e[0] for e in events]
		backlog[group] = (times, list(accumulate(e[1] for e in events)))

	asset_count: dict = {}
	if assets:
		for asset, info in assets.items():
			g = tuple(asset if dim == "asset" else (info or {}).get(dim) for dim in group_by)
			asset_count[g] = asset_count.get(g, 0) + 1

	cutoffs: dict = {}

	def cutoff_of(first: date | None) -> float:
		"""The backlog's moment for a period: its end, or the end of the range or as_of if earlier."""
		cutoff = cutoffs.get(first)
		if cutoff is None:
			cutoff_day = end if period is None else period_end(first, period)
			if end is not None and end < cutoff_day:
				cutoff_day = end
			cutoff = min(_end_seconds(cutoff_day) if cutoff_day is not None else _INF, as_of_s)
			cutoffs[first] = cutoff
		return cutoff

	group_order = {group: _group_sort_key(group) for group in {key[0] for key in acc}}
	rows = []
	for key in sorted(acc, key=lambda k: (group_order[k[0]], k[1] or date.min)):
		group, first = key
		a = acc[key]
		cutoff = cutoff_of(first)
		open_hours = 0.0
		if group in backlog:
			times, sums = backlog[group]
			i = bisect_left(times, cutoff)  # the events before the cutoff
			open_hours = max(sums[i - 1], 0.0) if i else 0.0
		n_assets = asset_count.get(group) or len(seen_assets.get(group, ()) - {None})
		row = dict(zip(group_by, group, strict=True))
		row["period"] = first
		row.update(_figures(a, open_hours, n_assets))
		row["orders"] = names[key]
		row["inconsistent"] = bad[key]
		rows.append(row)
	return rows


def _div(a: float, b: float) -> float | None:
	return a / b if b else None


def _figures(a: list, backlog_hours: float, n_assets: int) -> dict:
	mtbf = _div(a[_OPERATING], a[_FAILURES]) if a[_OPERATING] > 0 else None
	mttr = _div(a[_REPAIR_S] / 3600.0, a[_REPAIRS])
	availability = mtbf / (mtbf + mttr) if mtbf is not None and mttr is not None and mtbf + mttr > 0 else None
	labour = a[_PLANNED_H] + a[_UNPLANNED_H]
	downtime = a[_PLANNED_DT] + a[_UNPLANNED_DT]
	return {
		"operating_hours": a[_OPERATING],
		"failures": int(a[_FAILURES]),
		"mtbf_hours": mtbf,
		"repairs": int(a[_REPAIRS]),
		"repair_hours": a[_REPAIR_S] / 3600.0,
		"mttr_hours": mttr,
		"mdt_hours": _div(a[_RESTORE_S] / 3600.0, a[_REPAIRS]),
		"acknowledged": int(a[_ACKS]),
		"mtta_hours": _div(a[_ACK_S] / 3600.0, a[_ACKS]),
		"inherent_availability": availability,
		"pm_due": int(a[_PM_DUE]),
		"pm_on_time": int(a[_PM_ON_TIME]),
		"pm_compliance": _div(a[_PM_ON_TIME], a[_PM_DUE]),
		"backlog_hours": backlog_hours,
		"planned_hours": a[_PLANNED_H],
		"unplanned_hours": a[_UNPLANNED_H],
		"planned_share": _div(a[_PLANNED_H], labour),
		"planned_downtime_hours": a[_PLANNED_DT],
		"unplanned_downtime_hours": a[_UNPLANNED_DT],
		"planned_downtime_share": _div(a[_PLANNED_DT], downtime),
		"cost": a[_COST],
		"assets": n_assets,
		"cost_per_asset": _div(a[_COST], n_assets),
	}


def _group_sort_key(group: tuple) -> tuple:
	"""Groups in the order of their names, a missing name (None) last."""
	return tuple((v is None, str(v) if v is not None else "") for v in group)
