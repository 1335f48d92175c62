"""Maintenance plans on assets and asset meters: the rules of the due-date scan around `due.evaluate`, and how
counter samples become meter reading rows.

A *Maintenance Plan* covers one asset or every asset of an asset category that is in service. For each
(plan, asset) the scan builds the engine's `due.Plan` (`engine_plan`), the plan's history on that asset from
its latest closed order (`history`), picks the asset's meter for a meter plan (`pick_meter`), evaluates, and
`decide`s whether to open an order.

API::

    CALENDAR, METER, EITHER = "Calendar", "Meter", "Calendar or Meter";  TRIGGERS
    METER_TYPES = ("Run Hours", "Cycles", "Produced Parts")
    in_service(asset_status) -> bool
    plan_key(plan, asset) -> str                 "pm|<plan>|<asset>" (due.Plan.key; the occurrence key
                                                 due.occurrence_key adds the calendar due and meter due value)
    erpnext_task_key(log) -> str                 "aml|<Asset Maintenance Log>": one order per ERPNext log
    problems(fields) -> [code]                   what makes a plan's fields unusable (PLAN_PROBLEMS)
    engine_plan(fields, asset) -> due.Plan
    pick_meter(meters, meter_type, meter_name=None) -> (meter or None, problem code or None)
    history(plan, last=None, before_plan=None) -> dict   evaluate()'s last_done, last_done_due,
                                                 last_done_meter
    decide(due, latest=None) -> str              OPEN, ORDER_OPEN, SAME_OCCURRENCE or NOT_DUE
    counter_rollover(data_type) -> float | None
    reading_rows(results) -> [dict];  merge_row(stored, new) -> dict

Plan fields (`fields`, a mapping as the Maintenance Plan stores them): trigger, every, every_unit, schedule,
start_date, meter_type, meter_every, meter_start, lead_days, lead_units. A Calendar plan ignores the meter
fields, a Meter plan the calendar ones; "Calendar or Meter" is whichever comes first.

Problems (`problems`): calendar_needs_interval (every >= 1 and a unit), calendar_needs_start,
meter_needs_interval (meter_every > 0), meter_needs_type, lead_days_not_below_interval (the lead time must be
shorter than the interval - days, 7 x weeks, 28 x months - or the next order opens as soon as the last one
is done), lead_units_not_below_interval, negative_lead.

History (`history`): the scan keeps one order open per plan and asset, so the plan's latest order on the
asset tells what happened to the last occurrence. `last` is that order when it is closed:
{"done": bool, "completed": date, "calendar_due": date | None, "due_value": float | None,
"meter_at_completion": float | None}.

- done (Completed, Verified): last_done = the completion date, last_done_due = the occurrence's calendar due
  date (a fixed schedule continues after the occurrence the order was opened for, also when a meter made it
  due first), last_done_meter = the meter at completion (else the occurrence's due value). The next
  occurrence always comes after the one done: work done so early that one interval from it does not pass
  the occurrence's calendar due date (or due value) - a plan whose interval was shortened while its order
  was open - counts as done on that date (at that value);
- cancelled or rejected: the occurrence is skipped - the next one counts from it: last_done = last_done_due =
  its calendar due date, last_done_meter = its due value;
- no closed order: `before_plan`, the service done before the plan ({"last_done": date, "meter": float},
  the plan's "Service Before the Plan" row for the asset), else nothing (calendar: the start date is the
  first due date; meter: meter_start + meter_every).

Decision (`decide`; `latest` is the plan's latest order on the asset, {"open": bool, "key": str}):
ORDER_OPEN while it is open (one open order per plan and asset: an edited plan does not open a second one
beside it), SAME_OCCURRENCE when its key is the due occurrence's (that occurrence was handled), else OPEN when
the Due says open_now, else NOT_DUE.

Meter readings: the writer stores no row per counter sample. `reading_rows` groups a batch's MeterResults
(times in Unix seconds) per minute, kind and reason, in time order; `ignored` samples (re-delivered, already
counted) make no row. A row: {"minute", "ts" (its last sample), "kind", "reason", "samples", "increase"
(summed), "first_raw", "raw" (its last), "total" (after its last)}. `merge_row` adds a row to the stored row
of the same minute, kind and reason (the previous batch's last row), so a meter fed every second still
writes one row a minute.

Counter rollover by the tag's data type (engine.modbus_codec's names): uint16 65,536, uint32 2^32, uint64
2^64; signed and float registers and tags without a data type (webhooks): None (no wrap).
"""

from collections.abc import Iterable, Mapping
from datetime import date

from mom_app.engine.maintenance import due
from mom_app.engine.maintenance._values import optional_date, optional_number
from mom_app.engine.maintenance.meters import IGNORED

CALENDAR, METER, EITHER = "Calendar", "Meter", "Calendar or Meter"
TRIGGERS = (CALENDAR, METER, EITHER)
METER_TYPES = ("Run Hours", "Cycles", "Produced Parts")
# ERPNext Asset statuses of assets that are gone: no plan covers them
OUT_OF_SERVICE = ("Sold", "Scrapped", "Capitalized", "Decapitalized", "Draft", "Cancelled")

PLAN_PROBLEMS = (
	"calendar_needs_interval",
	"calendar_needs_start",
	"meter_needs_interval",
	"meter_needs_type",
	"negative_lead",
	"lead_days_not_below_interval",
	"lead_units_not_below_interval",
)
NO_METER, SEVERAL_METERS = "no_meter", "several_meters"
OPEN, ORDER_OPEN, SAME_OCCURRENCE, NOT_DUE = "open", "order_open", "same_occurrence", "not_due"

ROLLOVER_BY_DATA_TYPE = {"uint16": 65536.0, "uint32": 4294967296.0, "uint64": 18446744073709551616.0}
DAYS_PER_UNIT = {due.DAY: 1, due.WEEK: 7, due.MONTH: 28}  # the shortest month: lead must fit in it


def in_service(asset_status: str | None) -> bool:
	return asset_status not in OUT_OF_SERVICE


def plan_key(plan: str, asset: str) -> str:
	if not plan or not asset:
		raise ValueError("a plan key needs the plan and the asset")
	return f"pm|{plan}|{asset}"


def erpnext_task_key(log: str) -> str:
	if not log:
		raise ValueError("an ERPNext task key needs the Asset Maintenance Log")
	return f"aml|{log}"


def _by_calendar(fields: Mapping) -> bool:
	return fields.get("trigger") in (CALENDAR, EITHER)


def _by_meter(fields: Mapping) -> bool:
	return fields.get("trigger") in (METER, EITHER)


def _num(value) -> float:
	try:
		return float(value or 0)
	except (TypeError, ValueError):
		return 0.0


def problems(fields: Mapping) -> list[str]:
	"""Codes of what makes the plan's fields unusable (see the module docstring); [] when it is usable."""
	if fields.get("trigger") not in TRIGGERS:
		raise ValueError(f"trigger must be one of {', '.join(TRIGGERS)}, got {fields.get('trigger')!r}")
	out = []
	lead_days, lead_units = _num(fields.get("lead_days")), _num(fields.get("lead_units"))
	if lead_days < 0 or lead_units < 0:
		out.append("negative_lead")
	if _by_calendar(fields):
		every = _num(fields.get("every"))
		unit = fields.get("every_unit")
		if every < 1 or not float(every).is_integer() or unit not in due.UNITS:
			out.append("calendar_needs_interval")
		elif lead_days >= every * DAYS_PER_UNIT[unit]:
			out.append("lead_days_not_below_interval")
		if not fields.get("start_date"):
			out.append("calendar_needs_start")
	if _by_meter(fields):
		meter_every = _num(fields.get("meter_every"))
		if meter_every <= 0:
			out.append("meter_needs_interval")
		elif lead_units >= meter_every:
			out.append("lead_units_not_below_interval")
		if fields.get("meter_type") not in METER_TYPES:
			out.append("meter_needs_type")
	return out


def engine_plan(fields: Mapping, asset: str) -> due.Plan:
	"""The plan's fields on `asset` as the engine's due.Plan (ValueError when `problems` has any)."""
	found = problems(fields)
	if found:
		raise ValueError(f"plan {fields.get('name')}: {', '.join(found)}")
	calendar, meter = _by_calendar(fields), _by_meter(fields)
	return due.Plan(
		key=plan_key(fields.get("name"), asset),
		every=int(_num(fields.get("every"))) if calendar else None,
		unit=fields.get("every_unit") if calendar else None,
		schedule=fields.get("schedule") or due.FLOATING,
		start=optional_date(fields.get("start_date"), "start_date") if calendar else None,
		meter_every=_num(fields.get("meter_every")) if meter else None,
		meter_start=_num(fields.get("meter_start")) if meter else 0.0,
		lead_days=int(_num(fields.get("lead_days"))),
		lead_units=_num(fields.get("lead_units")) if meter else 0.0,
	)


def pick_meter(meters: Iterable[Mapping], meter_type: str, meter_name: str | None = None):
	"""The asset's meter a meter plan reads: of `meter_type`, named `meter_name` when given (case and spaces
	around it ignored). (meter, None), or (None, NO_METER / SEVERAL_METERS)."""
	wanted = (meter_name or "").strip().casefold()
	found = [
		m
		for m in meters
		if m.get("meter_type") == meter_type
		and (not wanted or (m.get("meter_name") or "").strip().casefold() == wanted)
	]
	if not found:
		return None, NO_METER
	if len(found) > 1:
		return None, SEVERAL_METERS
	return found[0], None


def _day(value, name: str) -> date | None:
	return optional_date(value, name)


def history(plan: due.Plan, last: Mapping | None = None, before_plan: Mapping | None = None) -> dict:
	"""evaluate()'s history keywords (last_done, last_done_due, last_done_meter) of `plan` from its latest
	closed order on the asset, else the service before the plan (see the module docstring)."""
	if last:
		calendar_due = _day(last.get("calendar_due"), "calendar_due")
		due_value = optional_number(last.get("due_value"), "due_value")
		if not last.get("done"):
			return {"last_done": calendar_due, "last_done_due": calendar_due, "last_done_meter": due_value}
		completed = _day(last.get("completed"), "completed")
		if completed is None:
			raise ValueError("a done order needs its completion date")
		meter = optional_number(last.get("meter_at_completion"), "meter_at_completion")
		if meter is None:
			meter = due_value
		# the next occurrence comes after the one done, also when the work was done before it could fall
		# due by the plan's present interval (a plan edited while its order was open)
		if (
			plan.by_calendar
			and calendar_due is not None
			and due.add_interval(completed, plan.every, plan.unit) <= calendar_due
		):
			completed = calendar_due
		if (
			plan.by_meter
			and meter is not None
			and due_value is not None
			and meter + plan.meter_every <= due_value
		):
			meter = due_value
		return {"last_done": completed, "last_done_due": calendar_due, "last_done_meter": meter}
	if before_plan:
		return {
			"last_done": _day(before_plan.get("last_done"), "last_done"),
			"last_done_due": None,
			"last_done_meter": optional_number(before_plan.get("meter"), "meter"),
		}
	return {"last_done": None, "last_done_due": None, "last_done_meter": None}


def decide(evaluation: due.Due, latest: Mapping | None = None) -> str:
	"""What the scan does with one evaluation (see the module docstring)."""
	if latest:
		if latest.get("open"):
			return ORDER_OPEN
		if latest.get("key") == evaluation.key:
			return SAME_OCCURRENCE
	return OPEN if evaluation.open_now else NOT_DUE


# -- meter readings -------------------------------------------------------------------------------------------


def counter_rollover(data_type: str | None) -> float | None:
	return ROLLOVER_BY_DATA_TYPE.get(data_type or "")


def reading_rows(results: Iterable) -> list[dict]:
	"""A batch's MeterResults (engine.maintenance.meters) as reading rows per minute, kind and reason."""
	rows: dict[tuple, dict] = {}
	for r in results:
		if r.kind == IGNORED:
			continue
		minute = int(r.ts // 60)
		key = (minute, r.kind, r.reason)
		row = rows.get(key)
		if row is None:
			rows[key] = {
				"minute": minute,
				"ts": r.ts,
				"kind": r.kind,
				"reason": r.reason,
				"samples": 1,
				"increase": r.increase,
				"first_raw": r.raw,
				"raw": r.raw,
				"total": r.total,
			}
		else:
			row["samples"] += 1
			row["increase"] += r.increase
			row["ts"], row["raw"], row["total"] = r.ts, r.raw, r.total
	return sorted(rows.values(), key=lambda row: row["ts"])


def merge_row(stored: Mapping, new: Mapping) -> dict:
	"""`new` added to `stored` (same minute, kind and reason; `new` is later)."""
	if (stored["minute"], stored["kind"], stored["reason"]) != (new["minute"], new["kind"], new["reason"]):
		raise ValueError("only rows of the same minute, kind and reason merge")
	return {
		**stored,
		"samples": stored["samples"] + new["samples"],
		"increase": stored["increase"] + new["increase"],
		"ts": new["ts"],
		"raw": new["raw"],
		"total": new["total"],
	}
