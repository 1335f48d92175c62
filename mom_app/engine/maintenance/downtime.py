"""What a maintenance order's work means for its workstation's downtime (and so for OEE): planned or
unplanned, which stops it classifies, and whether it records a stop of its own.

API::

    PLANNED, UNPLANNED
    kind(order_type, is_failure) -> "Planned" | "Unplanned"
    work_window(order) -> (start, end) | None
    plan(order, entries) -> DowntimePlan(kind, window, classify, record)

Rules:

- kind: planned maintenance (orders.PLANNED_TYPES: preventive, condition-based, calibration, inspection)
  is planned downtime; a corrective order is unplanned downtime - a failure repair (a breakdown) always is,
  and so is a corrective repair nobody planned. OEE (engine.oee) counts planned downtime outside planned busy
  time (no loss) and unplanned downtime as the breakdown loss.
- work_window: the time the machine was lost to the order, [start, end): for a failure from the failure
  time (else the report) to back in service - the breakdown's downtime; for other orders from the start of
  the repair (else the acknowledgement, else the report) to back in service - the work itself. None while
  the machine is not back in service or when the window is empty (end <= start). `order` is a mapping with
  "order_type", "is_failure", "failure_time", "reported", "acknowledged", "repair_start",
  "back_in_service" (naive datetimes in the site's timezone, or Unix seconds; missing keys are None).
- plan(order, entries): `entries` are the workstation's downtime entries overlapping the window, mappings
  with "name", "from_time", "to_time" (None: still open) and "reason" (the reason chosen, None when nobody
  classified it); an entry overlaps when it starts before the window ends and ends after it starts:
    classify  the entries without a reason that overlap the window: the machine's own stops during the
              work (an automatic entry) take the order's kind of reason (planned maintenance or breakdown);
              an entry a person classified is left as it is; an entry overlapping only in part is
              classified whole (the stop belongs to the order);
    record    the window itself when no entry overlaps it at all, to be recorded as a stop with the
              order's reason: so the work counts in OEE also where the machine reports no state (manual
              workstations count stops from downtime entries) - preventive work inside a shift's planned
              downtime stays planned downtime, and a breakdown is never mistaken for available time;
              None when an entry overlaps (the machine's stop says it already).
  Without a window nothing is classified or recorded.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mom_app.engine.maintenance._values import one_of, seconds
from mom_app.engine.maintenance.orders import ORDER_TYPES, PLANNED_TYPES

PLANNED, UNPLANNED = "Planned", "Unplanned"


@dataclass(frozen=True)
class DowntimePlan:
	kind: str  # PLANNED or UNPLANNED
	window: tuple | None  # (start, end) as given, or None
	classify: tuple = ()  # names of the entries to classify with the order's reason
	record: tuple | None = None  # (start, end) of a stop to record, or None


def kind(order_type: str, is_failure=False) -> str:
	"""Planned downtime for planned maintenance; unplanned for corrective work and any failure repair."""
	one_of(order_type, "order type", ORDER_TYPES)
	if is_failure or order_type not in PLANNED_TYPES:
		return UNPLANNED
	return PLANNED


def work_window(order: Mapping):
	"""(start, end) the machine was lost to the order, or None (see the module docstring). The times come
	back as given (datetimes stay datetimes)."""
	end = order.get("back_in_service")
	if end is None:
		return None
	if order.get("is_failure"):
		candidates = ("failure_time", "reported")
	else:
		candidates = ("repair_start", "acknowledged", "reported")
	start = next((order.get(name) for name in candidates if order.get(name) is not None), None)
	if start is None:
		return None
	if seconds(end, "back_in_service") <= seconds(start, "work start"):
		return None
	return start, end


def plan(order: Mapping, entries: Iterable[Mapping]) -> DowntimePlan:
	"""What the order's work does to its workstation's downtime entries (see the module docstring)."""
	order_kind = kind(order.get("order_type"), bool(order.get("is_failure")))
	window = work_window(order)
	if window is None:
		return DowntimePlan(order_kind, None)
	w_start, w_end = (seconds(t, "work window") for t in window)
	overlapping = []
	for entry in entries:
		start = seconds(entry["from_time"], f"downtime entry {entry.get('name')} from_time")
		end = entry.get("to_time")
		end = math.inf if end is None else seconds(end, f"downtime entry {entry.get('name')} to_time")
		if start < w_end and end > w_start:
			overlapping.append(entry)
	classify = tuple(e["name"] for e in overlapping if not e.get("reason"))
	return DowntimePlan(order_kind, window, classify, None if overlapping else window)
