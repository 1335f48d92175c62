"""Store a batch of readings: raw rows, minute aggregates, machine state, condition rules, device health
(Frappe adapter).

`store_readings(rows)` is what the stream writer, the collector and the webhook's fallback call. It never
commits; the caller commits (and only then acknowledges the stream entries). A row whose uid is already
stored is skipped, so a redelivered batch changes nothing.

Several writers may store overlapping batches at once (a writer that took over the entries of one it
thought dead, the webhook's fallback beside the stream writer). Each batch's minute aggregates are merged
incrementally (mom_app.iot.minute_aggregates), so each writer must merge exactly the rows its own INSERT
inserted: `insert_new` checks the statement's count of inserted rows and, when another writer stored some of
the uids meanwhile, finds which ones by undoing to a savepoint and inserting halves.

Times: see mom_app.iot.clock (rows carry Unix seconds; the database holds the site's local time).
"""

import json
import math
from datetime import datetime

import frappe
from frappe.utils import add_days, now_datetime

from mom_app.engine.readings import BadValue, reading_value
from mom_app.iot import machine_state, minute_aggregates
from mom_app.iot.clock import local_times, system_zone, to_local, to_unix
from mom_app.plant_maintenance import condition_rules
from mom_app.plant_maintenance.meters.feed import feed_readings

# to_local, to_unix and system_zone are imported from here by the collector, the demo and the tests
__all__ = ["purge_old_readings", "store_readings", "system_zone", "to_local", "to_unix"]

# timestamps outside this range are clock errors, not readings
MIN_TS = datetime(2000, 1, 1).timestamp()
MAX_TS = datetime(2200, 1, 1).timestamp()
MAX_UID = 200
MAX_TAG = 64
INSERT_CHUNK = 1000
# a reading this recent marks its device Online
ONLINE_WITHIN_SECONDS = 300
SAVEPOINT = "mom_iot_insert"


# ---------------------------------------------------------------------------------------------- entry
def store_readings(rows: list[dict]) -> dict:
	"""Store reading rows {uid, device, tag, ts (Unix seconds), value}; return what happened:
	{inserted, duplicates, rejected, intervals_closed, downtime_entries, rule_events}. Does not commit."""
	counts = {
		"inserted": 0,
		"duplicates": 0,
		"rejected": 0,
		"intervals_closed": 0,
		"downtime_entries": 0,
		"rule_events": 0,
	}
	clean, rejected, repeated = _sanitise(rows)
	counts["rejected"] = rejected
	if rejected:
		frappe.logger("mom_iot").warning(f"store_readings: {rejected} malformed reading row(s) dropped")
	new = insert_new(clean)
	counts["inserted"] = len(new)
	counts["duplicates"] = repeated + len(clean) - len(new)
	if new:
		minute_aggregates.merge_rows(new)
		closed, downtime = machine_state.derive_states(new)
		counts["intervals_closed"] = closed
		counts["downtime_entries"] = downtime
		# plant maintenance: condition rules on the stored readings (they may open maintenance orders)
		counts["rule_events"] = condition_rules.evaluate_stored(new)
		# plant maintenance: asset meters fed by Meter and Good Count tags (one row per meter and minute)
		counts["meters"] = feed_readings(new)
	if clean:
		_mark_devices_seen(clean)
	return counts


def _sanitise(rows: list[dict]) -> tuple[list[dict], int, int]:
	"""(valid rows, unique by uid; how many were malformed; how many repeated a uid of this batch)."""
	named = {str(r.get("device")) for r in rows if isinstance(r, dict) and r.get("device")}
	devices = (
		set(frappe.get_all("IoT Device", filters={"name": ("in", list(named))}, pluck="name"))
		if named
		else set()
	)
	clean, seen = [], set()
	rejected = repeated = 0
	for row in rows:
		try:
			uid, device, tag = str(row["uid"]), str(row["device"]), str(row["tag"])
			ts, value = float(row["ts"]), reading_value(row["value"])
		except (KeyError, TypeError, ValueError, BadValue):
			rejected += 1
			continue
		if (
			not uid
			or len(uid) > MAX_UID
			or device not in devices
			or not tag
			or len(tag) > MAX_TAG
			or not math.isfinite(ts)
			or not MIN_TS <= ts <= MAX_TS
		):
			rejected += 1
			continue
		if uid in seen:
			repeated += 1
			continue
		seen.add(uid)
		clean.append({"uid": uid, "device": device, "tag": tag, "ts": ts, "value": value})
	return clean, rejected, repeated


# ---------------------------------------------------------------------------------------------- raw rows
# One statement per chunk, its rows in one JSON parameter: [[uid, device, tag, "Y-m-d H:M:S.f", "value"], ...]
# (times and values as text, so the database stores exactly what the writer aggregates). `name` comes from
# the doctype's sequence (autoincrement doctypes in Frappe v15 on MariaDB).
INSERT_READINGS = """insert ignore into `tabIoT Reading`
	(name, uid, device, tag, ts, value, creation, modified, owner, modified_by)
select nextval(`iot_reading_id_seq`), j.uid, j.device, j.tag, j.ts, j.value,
	%(now)s, %(now)s, %(user)s, %(user)s
from json_table(%(rows)s, '$[*]' columns(
	uid varchar(200) path '$[0]',
	device varchar(140) path '$[1]',
	tag varchar(64) path '$[2]',
	ts datetime(6) path '$[3]',
	value decimal(36,9) path '$[4]'
)) as j"""


def insert_new(rows: list[dict]) -> list[dict]:
	"""Insert the rows whose uid is not stored yet; return exactly the rows this transaction inserted, each
	with `at` (the stored local datetime) and `stored` (the stored decimal value) added.

	Rows go in the order given, a chunk per INSERT IGNORE (writers that store the same stream entries get
	them in the stream's order, so they take the uid locks in the same order). A chunk the statement
	inserted whole is this writer's; a chunk it skipped whole was stored before (a redelivered batch).
	Otherwise some uids were stored by others: the chunk is undone to a savepoint, the uids committed
	before this transaction are left out, and the rest is inserted again, in halves when another writer
	stored some of them meanwhile (INSERT IGNORE waited for it and skipped them), until each part is
	inserted whole or skipped whole."""
	todo = list(rows)
	if not todo:
		return []
	times = local_times([r["ts"] for r in todo])
	values = minute_aggregates.stored_values([r["value"] for r in todo])
	for r, at, value in zip(todo, times, values, strict=True):
		r["at"], r["stored"] = at, value
	now, user = now_datetime(), frappe.session.user or "Administrator"
	inserted: list[dict] = []
	for start in range(0, len(todo), INSERT_CHUNK):
		chunk = todo[start : start + INSERT_CHUNK]
		count = _insert(chunk, now, user)
		if count == len(chunk):
			inserted.extend(chunk)
		elif count:
			frappe.db.rollback(save_point=SAVEPOINT)
			stored = set(
				frappe.db.sql(
					"select uid from `tabIoT Reading` where uid in %s",
					(tuple(r["uid"] for r in chunk),),
					pluck=True,
				)
			)
			inserted.extend(_insert_exactly([r for r in chunk if r["uid"] not in stored], now, user))
	return inserted


def _insert_exactly(rows: list[dict], now: datetime, user: str) -> list[dict]:
	"""Insert `rows`; return those inserted, halving until each statement inserts all or none of its rows."""
	if not rows:
		return []
	count = _insert(rows, now, user)
	if count == len(rows):
		return rows
	if count == 0:
		return []
	frappe.db.rollback(save_point=SAVEPOINT)
	half = len(rows) // 2
	return _insert_exactly(rows[:half], now, user) + _insert_exactly(rows[half:], now, user)


def _insert(rows: list[dict], now: datetime, user: str) -> int:
	"""Set the savepoint, INSERT IGNORE the rows in one statement; how many it inserted."""
	frappe.db.savepoint(SAVEPOINT)
	document = json.dumps(
		[
			[
				r["uid"],
				r["device"],
				r["tag"],
				minute_aggregates.sql_datetime(r["at"]),
				minute_aggregates.sql_decimal(r["stored"]),
			]
			for r in rows
		],
		ensure_ascii=False,
		separators=(",", ":"),
	)
	frappe.db.sql(INSERT_READINGS, {"rows": document, "now": now, "user": user})
	return frappe.db.sql("select row_count()")[0][0]


# ---------------------------------------------------------------------------------------------- devices
def _mark_devices_seen(rows: list[dict]) -> None:
	now = now_datetime()
	newest: dict[str, float] = {}
	for r in rows:
		newest[r["device"]] = max(newest.get(r["device"], r["ts"]), r["ts"])
	current = {
		d.name: d
		for d in frappe.get_all(
			"IoT Device", filters={"name": ("in", list(newest))}, fields=["name", "last_seen", "health"]
		)
	}
	for device, ts in sorted(newest.items()):  # writers lock device rows in the same order
		seen = min(to_local(ts), now)
		values = {}
		old = current.get(device)
		if old is None:
			continue
		if not old.last_seen or frappe.utils.get_datetime(old.last_seen) < seen:
			values["last_seen"] = seen
		if (
			old.health in ("Unknown", "Offline", None, "")
			and (now - seen).total_seconds() < ONLINE_WITHIN_SECONDS
		):
			values["health"] = "Online"
		if values:
			frappe.db.set_value("IoT Device", device, values, update_modified=False)


# ---------------------------------------------------------------------------------------------- retention
def purge_old_readings(chunk: int = 5000, max_chunks: int = 2000, commit: bool = True) -> int:
	"""Daily job: delete raw readings older than the retention period, a chunk per transaction (minute
	aggregates stay). Returns how many were deleted."""
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	cutoff = add_days(now_datetime(), -get_settings().reading_retention_days)
	deleted = 0
	for _i in range(max_chunks):
		names = frappe.db.sql(
			"select name from `tabIoT Reading` where ts < %s order by ts limit %s",
			(cutoff, chunk),
			pluck=True,
		)
		if not names:
			break
		frappe.db.sql("delete from `tabIoT Reading` where name in %s", (tuple(names),))
		if commit:
			frappe.db.commit()
		deleted += len(names)
	return deleted
