"""An Asset Meter's row, counter configuration and counter state, and the reading rows it writes.

The counter state (engine.maintenance.meters.CounterState, JSON in Asset Meter.counter_state) is read and
written under the meter's row lock (`lock`), so writers of one meter take turns and a restart continues
where the last commit left it. `current_total` always equals the state's total.
"""

import json

import frappe
from frappe.utils import flt

from mom_app.engine.maintenance.meters import (
	BASELINE,
	COUNTED,
	MANUAL,
	REBASED,
	REFUSED,
	RESET,
	ROLLOVER,
	CounterConfig,
	CounterState,
)
from mom_app.engine.maintenance.plans import counter_rollover
from mom_app.iot.clock import to_local
from mom_app.plant_maintenance.meters.strings import reason_text

METER = "Asset Meter"
READING = "Asset Meter Reading"
KIND_LABELS = {
	BASELINE: "Baseline",
	COUNTED: "Counted",
	ROLLOVER: "Rollover",
	RESET: "Reset",
	REBASED: "Rebased",
	REFUSED: "Refused",
	MANUAL: "Manual",
}
KINDS_OF_LABELS = {label: kind for kind, label in KIND_LABELS.items()}
FIELDS = (
	"name",
	"asset",
	"meter_name",
	"meter_type",
	"unit",
	"enabled",
	"source",
	"iot_device",
	"tag_key",
	"rollover",
	"scale",
	"max_rate_per_hour",
	"current_total",
	"last_reading_at",
	"counter_state",
	"last_row",
)
LOCK = """select name, asset, meter_name, meter_type, unit, enabled, source, iot_device, tag_key, rollover,
	scale, max_rate_per_hour, current_total, last_reading_at, counter_state, last_row
	from `tabAsset Meter` where name = %s for update"""


def lock(name: str) -> frappe._dict | None:
	"""The meter's row, locked until the transaction ends."""
	rows = frappe.db.sql(LOCK, name, as_dict=True)
	return rows[0] if rows else None


def config_of(meter, data_type: str | None = None) -> CounterConfig:
	"""The counter's configuration: the meter's rollover (else the tag's data type's), scale and rate limit."""
	return CounterConfig(
		rollover=flt(meter.rollover) or counter_rollover(data_type),
		scale=flt(meter.scale) or 1.0,
		max_rate_per_hour=flt(meter.max_rate_per_hour) or None,
	)


def state_of(meter) -> CounterState:
	"""The stored counter state; a meter without one starts at its current total."""
	data = meter.counter_state
	if isinstance(data, str):
		data = json.loads(data) if data.strip() else None
	if not data:
		return CounterState(total=flt(meter.current_total))
	return CounterState.from_dict(data)


def save_state(meter: str, state: CounterState, **values) -> None:
	"""Store the counter state and the total (and any further meter fields given)."""
	frappe.db.set_value(
		METER,
		meter,
		{
			"counter_state": json.dumps(state.to_dict()),
			"current_total": state.total,
			**values,
		},
		update_modified=False,
	)


def insert_reading(meter, source: str, kind: str, row: dict, **values) -> str:
	"""Insert one Asset Meter Reading; `row` has ts (Unix seconds), increase, total, raw and optionally
	first_raw, samples, reason."""
	doc = frappe.get_doc(
		{
			"doctype": READING,
			"asset_meter": meter.name,
			"asset": meter.asset,
			"reading_time": to_local(row["ts"]),
			"source": source,
			"kind": KIND_LABELS[kind],
			"increase": row["increase"],
			"total": row["total"],
			"raw_value": row["raw"],
			"first_raw": row.get("first_raw", row["raw"]),
			"samples": row.get("samples", 1),
			"reason": row.get("reason"),
			"reason_text": reason_text(row.get("reason")),
			**values,
		}
	)
	doc.flags.ignore_permissions = True
	doc.db_insert()
	return doc.name
