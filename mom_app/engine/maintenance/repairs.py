"""What a completed maintenance order writes into ERPNext, what it cost, and the machine's own times.

API::

    REFUSED_ASSET_STATUSES                  asset statuses ERPNext's Asset Repair refuses
    ASSET_REPAIR, MATERIAL_ISSUE, NOTHING   routes
    completion_route(order_type, asset, asset_status, parts_cost, other_cost) -> Route(route, reason)
    costs(parts, other_cost=0) -> Costs(parts, other, total)
    state_log_times(intervals, reported, completed=None) -> dict(failure_time, back_in_service)

Route of a completed order (`reason` a code for the adapter's sentence):

- a Corrective order on an asset with parts or cost -> ASSET_REPAIR ("repair"): ERPNext's Asset Repair,
  submitted, with the cost (the parts were issued already, by the order's Material Issues: the repair
  records their value as its repair cost and consumes no stock a second time);
- the same on an asset ERPNext refuses to repair (status Sold, Fully Depreciated, Scrapped: see ERPNext's
  AssetRepair.validate_asset) -> MATERIAL_ISSUE ("asset_status"): no Asset Repair; the parts stay issued
  by the order's Material Issues against the asset's cost centre, and the order says so;
- otherwise NOTHING: "no_asset", "not_corrective" (planned work: a calendar PM order completes its ERPNext
  Asset Maintenance Log instead), "no_parts_or_cost".

Costs: parts = sum of qty x rate of the issued parts (each a mapping {"qty", "rate"}; a missing rate is 0),
other = the order's other cost (services, external work); total = parts + other. Negative figures raise
ValueError.

The machine's own times, from its state log (intervals {"state", "start", "end"}; "end" None while it
lasts; times as naive datetimes or Unix seconds, any order):

- failure_time: the start of the stop the order was reported in - the first Down interval after the last
  Running that ended at or before `reported`, starting at or before `reported` (a machine Down, then Idle
  while the operator tried a reset, then Down again failed at the first Down). None when the log shows no
  Down before the report since the machine last ran.
- back_in_service: the start of the first Running interval after the failure (or after `reported` without
  one), at or before `completed` when it is given (the machine test-run before the technician finished).
  None when the machine did not run again by then: the adapter takes the completion time.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from mom_app.engine.machine_state import DOWN, RUNNING
from mom_app.engine.maintenance._values import non_negative, seconds
from mom_app.engine.maintenance.orders import CORRECTIVE, ORDER_TYPES

REFUSED_ASSET_STATUSES = ("Sold", "Fully Depreciated", "Scrapped")
ASSET_REPAIR, MATERIAL_ISSUE, NOTHING = "asset_repair", "material_issue", "nothing"


@dataclass(frozen=True)
class Route:
	route: str
	reason: str


@dataclass(frozen=True)
class Costs:
	parts: float
	other: float
	total: float


def completion_route(
	order_type: str, asset: str | None, asset_status: str | None, parts_cost, other_cost
) -> Route:
	if order_type not in ORDER_TYPES:
		raise ValueError(f"order type must be one of {', '.join(ORDER_TYPES)}, got {order_type!r}")
	if not asset:
		return Route(NOTHING, "no_asset")
	if order_type != CORRECTIVE:
		return Route(NOTHING, "not_corrective")
	if non_negative(parts_cost or 0, "parts cost") <= 0 and non_negative(other_cost or 0, "other cost") <= 0:
		return Route(NOTHING, "no_parts_or_cost")
	if asset_status in REFUSED_ASSET_STATUSES:
		return Route(MATERIAL_ISSUE, "asset_status")
	return Route(ASSET_REPAIR, "repair")


def costs(parts: Iterable[Mapping], other_cost=0) -> Costs:
	total_parts = 0.0
	for index, part in enumerate(parts):
		qty = non_negative(part.get("qty") or 0, f"part {index + 1} qty")
		rate = non_negative(part.get("rate") or 0, f"part {index + 1} rate")
		total_parts += qty * rate
	other = non_negative(other_cost or 0, "other cost")
	return Costs(parts=total_parts, other=other, total=total_parts + other)


def state_log_times(intervals: Iterable[Mapping], reported, completed=None) -> dict:
	t_rep = seconds(reported, "reported")
	t_done = None if completed is None else seconds(completed, "completed")
	rows = []
	for row in intervals:
		start = seconds(row["start"], "start")
		end = None if row.get("end") is None else seconds(row["end"], "end")
		rows.append((start, end, row.get("state")))
	rows.sort(key=lambda r: r[0])
	last_run_end = max(
		(end for start, end, state in rows if state == RUNNING and end is not None and end <= t_rep),
		default=None,
	)
	failure = None
	for start, _end, state in rows:
		if state == DOWN and start <= t_rep and (last_run_end is None or start >= last_run_end):
			failure = start
			break
	after = failure if failure is not None else t_rep
	back = None
	for start, _end, state in rows:
		if state == RUNNING and start > after and (t_done is None or start <= t_done):
			back = start
			break
	like = reported
	return {"failure_time": _as(failure, like), "back_in_service": _as(back, like)}


def _as(value, like):
	if value is None:
		return None
	if isinstance(like, datetime):
		return datetime(1970, 1, 1) + timedelta(seconds=value)
	return value
