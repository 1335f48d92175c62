"""The maintenance technician's work list: which open orders a technician sees, in which order, and when each
is due.

API::

    due_time(order) -> datetime | None
    worklist(orders, user, now) -> Worklist(mine, unassigned)
    sort_key(order) -> tuple

An order is a mapping with "name", "priority" (orders.PRIORITIES), "state" (the workflow state), "assigned"
(the users it is assigned to), "reported", and, where the order has them, "acknowledged",
"back_in_service", "completed", "response_due", "repair_due" (naive datetimes) and "due_date" (a date: the
day a PM order is due by).

Due time: the earliest deadline the order still has to meet -

    response_due    while nobody has acknowledged the order
    repair_due      while the machine is not back in service
    due_date        (a PM order) the end of that day, 23:59:59, while the order is not completed

None when it has none left. An order is overdue when its due time is before `now`.

Lists: `mine` holds the open orders assigned to `user`, `unassigned` the open orders nobody is assigned to;
an order assigned only to others is in neither (the asset's view shows it). Closed orders (done, cancelled,
rejected: lifecycle.is_open) are left out. Both lists are sorted by priority (Emergency first; a priority
the engine does not know after Low), then due time (the earliest first, orders without one last), then
report time (the oldest first), then name. Each row is the order's mapping with "due" (its due time) and
"overdue" (bool) added.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from mom_app.engine.maintenance.lifecycle import is_open
from mom_app.engine.maintenance.orders import PRIORITIES

_RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}
_LAST = datetime.max


@dataclass(frozen=True)
class Worklist:
	mine: list = field(default_factory=list)
	unassigned: list = field(default_factory=list)


def _datetime(value, name: str) -> datetime | None:
	if value is None:
		return None
	if isinstance(value, datetime):
		return value
	raise ValueError(f"{name} must be a datetime or None, got {value!r}")


def due_time(order: Mapping) -> datetime | None:
	"""The earliest deadline the order still has to meet (see the module docstring)."""
	deadlines = []
	if order.get("acknowledged") is None:
		deadlines.append(_datetime(order.get("response_due"), "response_due"))
	if order.get("back_in_service") is None:
		deadlines.append(_datetime(order.get("repair_due"), "repair_due"))
	due_date = order.get("due_date")
	if due_date is not None and order.get("completed") is None:
		if isinstance(due_date, datetime):
			due_date = due_date.date()
		if not isinstance(due_date, date):
			raise ValueError(f"due_date must be a date or None, got {due_date!r}")
		deadlines.append(datetime.combine(due_date, time(23, 59, 59)))
	deadlines = [d for d in deadlines if d is not None]
	return min(deadlines) if deadlines else None


def sort_key(order: Mapping) -> tuple:
	"""Priority, due time (none last), report time, name (see the module docstring)."""
	due = order["due"] if "due" in order else due_time(order)
	reported = _datetime(order.get("reported"), "reported")
	return (
		_RANK.get(order.get("priority"), len(PRIORITIES)),
		due is None,
		due or _LAST,
		reported or _LAST,
		str(order.get("name") or ""),
	)


def worklist(orders: Iterable[Mapping], user: str, now: datetime) -> Worklist:
	"""The open orders assigned to `user` and those nobody is assigned to, each sorted (module docstring)."""
	now = _datetime(now, "now")
	if now is None:
		raise ValueError("now must be a datetime")
	mine, unassigned = [], []
	for order in orders:
		if not is_open(order.get("state")):
			continue
		assigned = [u for u in (order.get("assigned") or ()) if u]
		if assigned and user not in assigned:
			continue
		due = due_time(order)
		row = {**order, "due": due, "overdue": due is not None and due < now}
		(mine if assigned else unassigned).append(row)
	mine.sort(key=sort_key)
	unassigned.sort(key=sort_key)
	return Worklist(mine=mine, unassigned=unassigned)
