"""The latest value of each tag of an IoT Device and how old it is, for the device's form.

Read from IoT Minute Aggregate (the last value and time of each tag's newest minute; written in the same
transaction as the raw readings, and kept longer than they are): one query over the (device, tag, minute)
unique index, whatever the number of readings.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from mom_app.engine.machine_state import StateMapError, parse_state_map

# a value older than this is shown as stale (the collector reports a value at least every minute)
STALE_SECONDS = 300


def latest_values(device) -> dict:
	"""{"tags": [{key, role, unit, value, ts, age_seconds, stale}], "stale_seconds"} in the device's tag order
	(value None: nothing received yet), or {"hidden": True} for a user who may not read IoT data."""
	if not frappe.has_permission("IoT Minute Aggregate", "read"):
		return {"hidden": True, "tags": []}
	rows = frappe.db.sql(
		"""select a.tag, a.last_value, a.last_ts
		from `tabIoT Minute Aggregate` a
		join (
			select tag, max(minute) minute from `tabIoT Minute Aggregate` where device = %(device)s group by tag
		) newest on a.device = %(device)s and a.tag = newest.tag and a.minute = newest.minute""",
		{"device": device.name},
		as_dict=True,
	)
	latest = {r.tag: r for r in rows}
	states = state_names(device)
	now = now_datetime()
	tags = []
	for tag in device.tags:
		row = latest.get(tag.tag_key)
		entry = {
			"key": tag.tag_key,
			"role": tag.signal_role,
			"unit": tag.unit or "",
			"value": None,
			"state": "",
			"ts": None,
			"age_seconds": None,
			"stale": True,
		}
		if row and row.last_ts:
			at = get_datetime(row.last_ts)
			age = max(0, int((now - at).total_seconds()))
			value = flt(row.last_value)
			entry.update(
				value=value,
				state=states.get(tag.tag_key, {}).get(value, ""),
				ts=str(at),
				age_seconds=age,
				stale=age > STALE_SECONDS,
			)
		tags.append(entry)
	return {"tags": tags, "stale_seconds": STALE_SECONDS}


def state_names(device) -> dict[str, dict[float, str]]:
	"""{tag key: {value: machine state in the reader's words}} of the device's Machine State tags."""
	out = {}
	for tag in device.tags:
		if tag.signal_role != "Machine State" or not tag.state_map:
			continue
		try:
			mapping = parse_state_map(tag.state_map)
		except StateMapError:
			continue
		out[tag.tag_key] = {value: _(state, context="Machine State Log") for value, state in mapping.items()}
	return out
