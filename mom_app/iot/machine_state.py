"""Machine state from stored readings: the Machine State Log, automatic Downtime Entries and the ERPNext
Workstation status (Frappe adapter; the state machine is mom_app.engine.machine_state).

`derive_states(rows)` is called by mom_app.iot.storage.store_readings with the rows it has just inserted:
each touched workstation's state advances from the samples of its one source tag (its Machine State tag,
else its first Good Count tag). Writers lock the workstations they advance, in name order. A Down interval
that lasted (or, still open, has lasted until the batch's last sample) the workstation's breakdown time
opens a corrective maintenance order (mom_app.plant_maintenance.breakdowns).
"""

import frappe
from frappe import _

from mom_app.engine.machine_state import (
	DOWN,
	IDLE,
	OFF,
	RUNNING,
	SETUP,
	OpenState,
	StateMapError,
	advance,
	map_state,
	parse_state_map,
	states_from_counter,
)
from mom_app.iot.clock import to_local, to_unix
from mom_app.plant_maintenance import breakdowns

# ERPNext Workstation.status for each machine state
WORKSTATION_STATUS = {RUNNING: "Production", IDLE: "Idle", DOWN: "Problem", SETUP: "Setup", OFF: "Off"}
REALTIME_EVENT = "mom_workstation_status"


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


def derive_states(rows: list[dict]) -> tuple[int, int]:
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
	closed_logs = []
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
		closed_logs.append(log)
	still_open_log = open_log.name if open_log else None
	if still_open and not (open_state and abs(still_open.start - open_state.start) < 1e-3):
		log = new_log(workstation, source.device, still_open.state, still_open.start)
		log.flags.from_iot = True
		log.insert(ignore_permissions=True)
		still_open_log = log.name
	if still_open:
		set_workstation_status(workstation, still_open.state, still_open.start)
	# plant maintenance: a Down interval long enough is a breakdown (closed here, or still open)
	breakdowns.after_advance(
		workstation,
		closed_logs,
		(still_open_log, still_open.state, to_local(still_open.start)) if still_open else None,
		to_local(max(ts for ts, _value in series)),
	)
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
