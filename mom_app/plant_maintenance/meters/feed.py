"""Asset meters fed by the IoT writer path: `feed_readings(rows)` is called by
mom_app.iot.storage.store_readings with the rows it has just inserted (each uid once, so a re-delivered batch
feeds nothing twice).

Per batch: one query finds the enabled meters whose source is a tag of the batch's devices (Asset Meter:
source IoT Tag, IoT device, tag key; the tag's data type gives the rollover). Each meter with samples in the
batch - in name order, so writers lock meters in the same order - is locked, its counter advanced by the
engine (meters.advance_counter: baseline, counted, rollover, reset, rebased, refused), and its state, total
and last reading stored.

Rows written: not one per sample. The batch's results are grouped per minute, kind and reason
(engine.maintenance.plans.reading_rows); a group of the same minute, kind and reason as the meter's last IoT
row (the previous batch's) is added to that row, so a tag polled every second writes one Counted row a
minute per meter, plus a row for each rollover, reset, rebase or refusal. Samples at or before the last one
seen (already counted) write nothing.
"""

import frappe

from mom_app.engine.maintenance.meters import advance_counter
from mom_app.engine.maintenance.plans import merge_row, reading_rows
from mom_app.iot.clock import to_local, to_unix
from mom_app.plant_maintenance.meters.state import (
	KIND_LABELS,
	KINDS_OF_LABELS,
	READING,
	config_of,
	insert_reading,
	lock,
	save_state,
	state_of,
)

IOT = "IoT"
METERS_OF_DEVICES = """select m.name, m.iot_device, m.tag_key, t.data_type
	from `tabAsset Meter` m
	left join `tabIoT Tag` t on t.parent = m.iot_device and t.parenttype = 'IoT Device'
		and t.tag_key = m.tag_key
	where m.enabled = 1 and m.source = 'IoT Tag' and m.iot_device in %(devices)s"""


def feed_readings(rows: list[dict]) -> int:
	"""Advance the meters fed by these stored rows ({device, tag, ts (Unix seconds), value}); how many
	meters moved. Does not commit."""
	if not rows:
		return 0
	devices = tuple(sorted({r["device"] for r in rows}))
	meters = frappe.db.sql(METERS_OF_DEVICES, {"devices": devices}, as_dict=True)
	if not meters:
		return 0
	of_series: dict[tuple, list] = {}
	for m in meters:
		of_series.setdefault((m.iot_device, m.tag_key), []).append(m)
	samples: dict[str, list] = {}
	data_types: dict[str, str | None] = {}
	for r in rows:
		for m in of_series.get((r["device"], r["tag"]), ()):
			samples.setdefault(m.name, []).append((r["ts"], r["value"]))
			data_types[m.name] = m.data_type
	moved = 0
	for name in sorted(samples):
		moved += advance(name, samples[name], data_types.get(name))
	return moved


def advance(name: str, samples: list[tuple], data_type: str | None = None) -> int:
	"""Feed (ts, raw) samples to one meter under its row lock; 1 when it wrote anything."""
	meter = lock(name)
	if meter is None or not meter.enabled:
		return 0
	state = state_of(meter)
	new_state, results = advance_counter(config_of(meter, data_type), state, samples)
	rows = reading_rows(results)
	if not rows and new_state == state:
		return 0
	last_row = meter.last_row
	stored = last_stored_row(last_row) if rows and last_row else None
	for row in rows:
		if stored and same_group(stored, row):
			merged = merge_row(stored, row)
			update_reading(last_row, merged)
			stored = merged
			continue
		last_row = insert_reading(meter, IOT, row["kind"], row)
		stored = {**row}
	values = {"last_row": last_row}
	if rows:
		values["last_reading_at"] = to_local(rows[-1]["ts"])
		values["last_raw"] = rows[-1]["raw"]
	save_state(name, new_state, **values)
	return 1


def same_group(stored: dict, row: dict) -> bool:
	return (stored["minute"], stored["kind"], stored["reason"]) == (row["minute"], row["kind"], row["reason"])


def last_stored_row(name) -> dict | None:
	"""The meter's last IoT reading row as a reading_rows() row."""
	stored = frappe.db.get_value(
		READING,
		name,
		[
			"reading_time",
			"source",
			"kind",
			"reason",
			"samples",
			"increase",
			"first_raw",
			"raw_value",
			"total",
		],
		as_dict=True,
	)
	if not stored or stored.source != IOT or stored.kind not in KINDS_OF_LABELS:
		return None
	ts = to_unix(stored.reading_time)
	return {
		"minute": int(ts // 60),
		"ts": ts,
		"kind": KINDS_OF_LABELS[stored.kind],
		"reason": stored.reason or None,
		"samples": stored.samples or 0,
		"increase": stored.increase or 0.0,
		"first_raw": stored.first_raw,
		"raw": stored.raw_value,
		"total": stored.total,
	}


def update_reading(name, row: dict) -> None:
	frappe.db.set_value(
		READING,
		name,
		{
			"reading_time": to_local(row["ts"]),
			"kind": KIND_LABELS[row["kind"]],
			"samples": row["samples"],
			"increase": row["increase"],
			"raw_value": row["raw"],
			"total": row["total"],
		},
		update_modified=False,
	)
