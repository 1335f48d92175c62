"""Machine breakdowns open corrective maintenance orders.

A machine Down for at least its breakdown time - the workstation's Breakdown After (Minutes), else the
Maintenance Settings' one (engine.maintenance.orders.breakdown_threshold_seconds; 0 in both: breakdowns open
no orders) - is a breakdown: a closed Down interval that lasted that long (orders.is_breakdown), or a Down
interval still open that has lasted that long by now (orders.breakdown_open_since), so the order opens
while the machine is still down.

    after_advance(workstation, closed_logs, still_open, seen_until)
        the writer path (mom_app.iot.machine_state): the Machine State Logs a batch closed, the interval
        still open (log name, state, start) and the time of the batch's last state sample
    check_open(now=None)
        scheduler, every minute: IoT Down intervals still open, Down until now when their device is Online
        (the collector reports only changes, and marks a device it lost Offline), else until the device was
        last heard from

The order: open_order("Corrective", "Machine breakdown", workstation=..., dedup_key=breakdown_order_key(
workstation, start of the Down interval)) - one order per breakdown, kept for good - with the settings'
Breakdown Priority, the failure time (the start of the Down interval, also the time it is reported from, for
the response target), the Machine State Log and the automatic Downtime Entry when the interval made one.
When the interval closes after its order was opened, the order gets the interval's Downtime Entry; nothing
else changes (it is the same breakdown, not a second occurrence).

On a Breakdown = "Open an Order": the order is approved as other system orders are (Approve System Orders).
"Propose Only": the order waits in Requested for a supervisor to approve or reject it. A proposed order
rather than a notification: it carries the failure time, the state log and the downtime entry, it is the
one order of that breakdown (its key), the workflow tells who may approve it, and the decision is recorded
on it.

An order that cannot be opened is logged (Error Log) and undone to a savepoint, so the writer still stores
the readings.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from mom_app.engine.machine_state import DOWN
from mom_app.engine.maintenance.orders import (
	breakdown_open_since,
	breakdown_order_key,
	breakdown_threshold_seconds,
	is_breakdown,
)

DOCTYPE = "Maintenance Work Order"
SOURCE = "Machine breakdown"
PROPOSE_ONLY = "Propose Only"
SAVEPOINT = "mom_breakdown_order"


def settings() -> dict:
	return frappe.db.get_singles_dict("Maintenance Settings")


def threshold_seconds(workstation: str, config: dict | None = None) -> float:
	"""The workstation's breakdown time in seconds (0: no orders)."""
	config = settings() if config is None else config
	minutes = frappe.db.get_value("Workstation", workstation, "mom_breakdown_minutes")
	default = config.get("breakdown_minutes")
	return breakdown_threshold_seconds(flt(minutes), 10 if default is None else flt(default))


def after_advance(workstation: str, closed_logs: list, still_open: tuple | None, seen_until) -> list[str]:
	"""Orders for the breakdowns among the intervals a batch closed and the one still open; their names."""
	down_closed = [log for log in closed_logs if log.state == DOWN]
	down_open = still_open if still_open and still_open[1] == DOWN else None
	if not down_closed and not down_open:
		return []
	config = settings()
	threshold = threshold_seconds(workstation, config)
	if threshold <= 0:
		return []
	orders = []
	for log in down_closed:
		start, end = get_datetime(log.start), get_datetime(log.end)
		if is_breakdown(DOWN, start, end, threshold):
			orders.append(open_breakdown(workstation, log.name, start, log.get("downtime_entry"), config))
	if down_open:
		name, _state, start = down_open
		start = get_datetime(start)
		if breakdown_open_since(DOWN, start, get_datetime(seen_until), threshold):
			orders.append(open_breakdown(workstation, name, start, None, config))
	return [o for o in orders if o]


def open_breakdown(
	workstation: str, log: str, start, downtime_entry: str | None, config: dict | None = None
) -> str | None:
	"""The order of the breakdown of `workstation` that began at `start` (opened once; see the module
	docstring)."""
	from mom_app.plant_maintenance.orders import open_order

	key = breakdown_order_key(workstation, start)
	existing = frappe.db.get_value(DOCTYPE, {"dedup_key": key}, ["name", "downtime_entry"], as_dict=True)
	if existing:
		if downtime_entry and not existing.downtime_entry:
			frappe.db.set_value(DOCTYPE, existing.name, "downtime_entry", downtime_entry)
		return existing.name
	config = settings() if config is None else config
	propose = config.get("breakdown_mode") == PROPOSE_ONLY
	references = {
		"trigger_doctype": "Machine State Log",
		"trigger_name": log,
		"machine_state_log": log,
		"failure_time": start,
		"reported_at": start,
	}
	if downtime_entry:
		references["downtime_entry"] = downtime_entry
	frappe.db.savepoint(SAVEPOINT)
	try:
		name, _created = open_order(
			"Corrective",
			SOURCE,
			workstation=workstation,
			priority=config.get("breakdown_priority") or "High",
			dedup_key=key,
			reason=_("Machine {0} is down since {1}.").format(
				workstation, start.strftime("%Y-%m-%d %H:%M:%S")
			),
			references=references,
			approve=False if propose else None,
			ignore_permissions=True,
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=f"Breakdown of {workstation} at {start}: no maintenance order was opened")
		return None
	return name


def check_open(now=None) -> list[str]:
	"""Scheduler: orders for the Down intervals still open that have lasted the breakdown time (module
	docstring); their names."""
	now = get_datetime(now) if now else now_datetime()
	config = settings()
	rows = frappe.db.sql(
		"""select l.name, l.workstation, l.start, d.health, d.last_seen
		from `tabMachine State Log` l left join `tabIoT Device` d on d.name = l.device
		where l.`end` is null and l.state = %(down)s and l.source = 'IoT'
		order by l.workstation""",
		{"down": DOWN},
		as_dict=True,
	)
	orders = []
	for row in rows:
		until = now if row.health == "Online" else (get_datetime(row.last_seen) if row.last_seen else None)
		if until is None:
			continue
		threshold = threshold_seconds(row.workstation, config)
		start = get_datetime(row.start)
		if threshold > 0 and breakdown_open_since(DOWN, start, min(until, now), threshold):
			name = open_breakdown(row.workstation, row.name, start, None, config)
			if name:
				orders.append(name)
	return orders
