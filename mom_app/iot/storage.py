"""Store a batch of readings: raw rows, minute aggregates, machine state, device health (Frappe adapter).

`store_readings(rows)` is what the stream writer and the webhook's fallback call. It never commits; the
caller commits (and only then acknowledges the stream entries). Everything it does is idempotent: a row
whose uid is already stored is skipped, so a redelivered batch changes nothing.

Time: rows carry Unix seconds (UTC). They are stored as naive datetimes in the site's System Settings time
zone, like every other Datetime in Frappe (`to_local`); the state machine works in Unix seconds
(`to_unix`). Around a daylight-saving fall-back hour the local wall clock repeats, so an interval stored
in that hour may read back one hour off; plants in China (no DST) are not affected.
"""

import math
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.utils import add_days, get_system_timezone, now_datetime

from mom_app.engine.aggregates import minute_of
from mom_app.engine.machine_state import (
	DOWN,
	IDLE,
	RUNNING,
	SETUP,
	OpenState,
	StateMapError,
	advance,
	map_state,
	parse_state_map,
	states_from_counter,
)

# decimal(36,9) columns (IoT Reading.value, aggregate min/max/last): keep values well inside them
MAX_ABS_VALUE = 1e26
# timestamps outside this range are clock errors, not readings
MIN_TS = datetime(2000, 1, 1).timestamp()
MAX_TS = datetime(2200, 1, 1).timestamp()
MAX_UID = 200
MAX_TAG = 64
INSERT_CHUNK = 1000
# a reading this recent marks its device Online
ONLINE_WITHIN_SECONDS = 300

# ERPNext Workstation.status for each machine state
WORKSTATION_STATUS = {RUNNING: "Production", IDLE: "Idle", DOWN: "Problem", SETUP: "Setup"}
REALTIME_EVENT = "mom_workstation_status"


# ---------------------------------------------------------------------------------------------- time
@lru_cache(maxsize=8)
def _zone(name: str):
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError):
		return ZoneInfo("UTC")


def system_zone():
	return _zone(get_system_timezone())


def to_local(ts: float) -> datetime:
	"""Unix seconds -> naive datetime in the system time zone (how Frappe stores Datetime)."""
	return datetime.fromtimestamp(ts, tz=system_zone()).replace(tzinfo=None)


def to_unix(moment) -> float:
	"""Naive system-time datetime (or its string) -> Unix seconds."""
	moment = frappe.utils.get_datetime(moment)
	return moment.replace(tzinfo=system_zone()).timestamp()


# ---------------------------------------------------------------------------------------------- entry
def store_readings(rows: list[dict]) -> dict:
	"""Store reading rows {uid, device, tag, ts (Unix seconds), value}; return what happened:
	{inserted, duplicates, rejected, intervals_closed, downtime_entries}. Does not commit."""
	counts = {"inserted": 0, "duplicates": 0, "rejected": 0, "intervals_closed": 0, "downtime_entries": 0}
	clean, rejected, repeated = _sanitise(rows)
	counts["rejected"] = rejected
	if rejected:
		frappe.logger("mom_iot").warning(f"store_readings: {rejected} malformed reading row(s) dropped")
	new = _insert_new(clean)
	counts["inserted"] = len(new)
	counts["duplicates"] = repeated + len(clean) - len(new)
	if new:
		_recompute_minutes(new)
		closed, downtime = _derive_states(new)
		counts["intervals_closed"] = closed
		counts["downtime_entries"] = downtime
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
			ts, value = float(row["ts"]), float(row["value"])
		except (KeyError, TypeError, ValueError):
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
			or not math.isfinite(value)
			or abs(value) >= MAX_ABS_VALUE
		):
			rejected += 1
			continue
		if uid in seen:
			repeated += 1
			continue
		seen.add(uid)
		clean.append({"uid": uid, "device": device, "tag": tag, "ts": ts, "value": value})
	return clean, rejected, repeated


# `name` comes from the doctype's sequence (autoincrement doctypes in Frappe v15 on MariaDB)
INSERT_READINGS = """insert ignore into `tabIoT Reading`
	(name, uid, device, tag, ts, value, creation, modified, owner, modified_by) values """
READING_ROW = "(nextval(`iot_reading_id_seq`), %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def insert_readings_query(count: int) -> str:
	"""INSERT IGNORE for `count` rows: only %s placeholders, the values travel as parameters."""
	return INSERT_READINGS + ", ".join([READING_ROW] * count)


def _insert_new(rows: list[dict]) -> list[dict]:
	"""Insert the rows whose uid is not stored yet; return those rows."""
	stored = set()
	uids = [r["uid"] for r in rows]
	for start in range(0, len(uids), INSERT_CHUNK):
		chunk = uids[start : start + INSERT_CHUNK]
		stored.update(frappe.get_all("IoT Reading", filters={"uid": ("in", chunk)}, pluck="uid"))
	new = [r for r in rows if r["uid"] not in stored]
	if not new:
		return []
	now, user = now_datetime(), frappe.session.user or "Administrator"
	for start in range(0, len(new), INSERT_CHUNK):
		chunk = new[start : start + INSERT_CHUNK]
		values = []
		for r in chunk:
			values.extend(
				(r["uid"], r["device"], r["tag"], to_local(r["ts"]), r["value"], now, now, user, user)
			)
		# one multi-row INSERT IGNORE: a uid another writer stored in the meantime is skipped, not an error
		frappe.db.sql(insert_readings_query(len(chunk)), values)
	return new


# ---------------------------------------------------------------------------------------------- aggregates
RECOMPUTE_MINUTES = """
insert into `tabIoT Minute Aggregate`
	(name, device, tag, minute, sample_count, minimum, maximum, total, last_value, last_ts,
	creation, modified, owner, modified_by)
select nextval(`iot_minute_aggregate_id_seq`), g.*, %(now)s, %(now)s, %(user)s, %(user)s
from (
	select r.device, r.tag,
		r.ts - interval second(r.ts) second - interval microsecond(r.ts) microsecond as minute,
		count(*) as sample_count, min(r.value) as minimum, max(r.value) as maximum, sum(r.value) as total,
		group_concat(r.value order by r.ts desc, r.name desc limit 1) as last_value, max(r.ts) as last_ts
	from `tabIoT Reading` r
	where r.device = %(device)s and r.tag = %(tag)s and r.ts >= %(start)s and r.ts < %(end)s
	group by minute
) as g
on duplicate key update
	sample_count = values(sample_count), minimum = values(minimum), maximum = values(maximum),
	total = values(total), last_value = values(last_value), last_ts = values(last_ts),
	modified = values(modified), modified_by = values(modified_by)
"""


def _recompute_minutes(rows: list[dict]) -> None:
	"""Recompute, from the readings table, the minute aggregates of every minute the rows fall in (idempotent).

	One query per series (device, tag) over the span of minutes the batch touched: a constant range on the
	(device, tag, ts) index, so the cost follows the readings in that span, not the series' whole history."""
	spans: dict[tuple[str, str], list[float]] = {}
	for r in rows:
		minute = minute_of(r["ts"])
		span = spans.setdefault((r["device"], r["tag"]), [minute, minute])
		span[0], span[1] = min(span[0], minute), max(span[1], minute)
	user = frappe.session.user or "Administrator"
	now = now_datetime()
	for (device, tag), (first, last) in sorted(spans.items()):
		frappe.db.sql(
			RECOMPUTE_MINUTES,
			{
				"device": device,
				"tag": tag,
				"start": to_local(first),
				"end": to_local(last + 60),
				"now": now,
				"user": user,
			},
		)


# ---------------------------------------------------------------------------------------------- machine state
def _state_sources(workstations: list[str]) -> dict[str, frappe._dict]:
	"""Workstation -> the one tag its state comes from: its Machine State tag, else its first Good Count tag
	(enabled devices, by device name and row)."""
	if not workstations:
		return {}
	tags = frappe.db.sql(
		"""select d.workstation, d.name as device, t.tag_key, t.signal_role, t.state_map
		from `tabIoT Device` d
		join `tabIoT Tag` t on t.parent = d.name and t.parenttype = 'IoT Device'
		where d.workstation in %(workstations)s and d.enabled = 1
			and t.signal_role in ('Machine State', 'Good Count')
		order by d.name, t.idx""",
		{"workstations": tuple(workstations)},
		as_dict=True,
	)
	sources: dict[str, frappe._dict] = {}
	for tag in tags:
		current = sources.get(tag.workstation)
		if current is None or (current.signal_role == "Good Count" and tag.signal_role == "Machine State"):
			sources[tag.workstation] = tag
	return sources


def _derive_states(rows: list[dict]) -> tuple[int, int]:
	"""Advance each touched workstation's state from the new rows; (intervals closed, downtime entries)."""
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	devices = {r["device"] for r in rows}
	workstation_of = dict(
		frappe.get_all(
			"IoT Device",
			filters={"name": ("in", list(devices)), "workstation": ("is", "set")},
			fields=["name", "workstation"],
			as_list=True,
		)
	)
	workstations = sorted({workstation_of[d] for d in devices if d in workstation_of})
	sources = _state_sources(workstations)
	settings = get_settings()
	closed_total = downtime_total = 0
	for workstation in workstations:  # sorted: writers lock workstations in the same order
		source = sources.get(workstation)
		if not source:
			continue
		series = [
			(r["ts"], r["value"]) for r in rows if (r["device"], r["tag"]) == (source.device, source.tag_key)
		]
		if not series:
			continue
		closed, downtime = _advance_workstation(workstation, source, series, settings)
		closed_total += closed
		downtime_total += downtime
	return closed_total, downtime_total


def _samples(source, series: list[tuple[float, float]], settings) -> list[tuple[float, str]]:
	if source.signal_role == "Machine State":
		try:
			mapping = parse_state_map(source.state_map or "")
		except StateMapError:
			return []  # the device form refuses such maps; an old bad one just yields no state
		samples = [(ts, map_state(value, mapping)) for ts, value in series]
		return [(ts, state) for ts, state in samples if state]
	# Good Count: start from the last count stored before this series, so an increase across batches counts
	first = min(ts for ts, _value in series)
	before = frappe.get_all(
		"IoT Reading",
		filters={"device": source.device, "tag": source.tag_key, "ts": ("<", to_local(first))},
		fields=["ts", "value"],
		order_by="ts desc",
		limit=1,
	)
	baseline = [(to_unix(before[0].ts), float(before[0].value))] if before else []
	return states_from_counter(baseline + series, settings.counter_idle_seconds)


def _advance_workstation(workstation: str, source, series, settings) -> tuple[int, int]:
	samples = _samples(source, series, settings)
	if not samples:
		return 0, 0
	# serialise writers per workstation, then read the open interval under that lock
	frappe.db.sql("select name from `tabWorkstation` where name = %s for update", workstation)
	open_log = frappe.db.sql(
		"""select name, state, start from `tabMachine State Log`
		where workstation = %s and source = 'IoT' and `end` is null
		order by start desc limit 1""",
		workstation,
		as_dict=True,
	)
	open_log = open_log[0] if open_log else None
	open_state = OpenState(open_log.state, to_unix(open_log.start)) if open_log else None
	intervals, still_open, _ignored = advance(
		open_state, samples, settings.micro_stop_seconds, settings.downtime_minutes * 60
	)
	downtime = 0
	for interval in intervals:
		if open_log and abs(interval.start - open_state.start) < 1e-3:
			log = frappe.get_doc("Machine State Log", open_log.name)
			open_log = None
		else:
			log = new_log(workstation, source.device, interval.state, interval.start)
		log.end = to_local(interval.end)
		log.micro_stop = int(interval.micro_stop)
		log.flags.from_iot = True
		if log.is_new():
			log.insert(ignore_permissions=True)
		else:
			log.save(ignore_permissions=True)
		if interval.downtime:
			create_downtime_entry(log)
			downtime += 1
	if still_open and not (open_state and abs(still_open.start - open_state.start) < 1e-3):
		log = new_log(workstation, source.device, still_open.state, still_open.start)
		log.flags.from_iot = True
		log.insert(ignore_permissions=True)
	if still_open:
		set_workstation_status(workstation, still_open.state, still_open.start)
	return len(intervals), downtime


def new_log(workstation: str, device: str, state: str, start: float):
	return frappe.get_doc(
		{
			"doctype": "Machine State Log",
			"workstation": workstation,
			"device": device,
			"state": state,
			"start": to_local(start),
			"source": "IoT",
		}
	)


def create_downtime_entry(log) -> str:
	"""An automatic Downtime Entry for a closed downtime interval, linked both ways. Its reason is left for a
	person to classify."""
	minutes = round(log.duration / 60, 1)
	entry = frappe.get_doc(
		{
			"doctype": "Downtime Entry",
			"workstation": log.workstation,
			"from_time": log.start,
			"to_time": log.end,
			"mom_source": "Automatic",
			"mom_machine_state_log": log.name,
			"remarks": _("Recorded from the machine signal: {0} for {1} minutes.").format(
				_(log.state), minutes
			),
		}
	)
	entry.flags.mom_automatic = True
	entry.insert(ignore_permissions=True)
	log.db_set("downtime_entry", entry.name, update_modified=False)
	return entry.name


def set_workstation_status(workstation: str, state: str, since: float) -> None:
	status = WORKSTATION_STATUS.get(state)
	if not status:
		return
	if frappe.db.get_value("Workstation", workstation, "status") == status:
		return
	frappe.db.set_value("Workstation", workstation, "status", status, update_modified=False)
	frappe.publish_realtime(
		REALTIME_EVENT,
		{"workstation": workstation, "status": status, "state": state, "since": str(to_local(since))},
		doctype="Workstation",
		docname=workstation,
		after_commit=True,
	)


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
	for device, ts in newest.items():
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
