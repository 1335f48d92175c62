"""Demo step "iot_history": a week of machine data for the demo plant.

The simulated machines (mom_app.iot.sim.machine) are run, time-compressed, over the seven days before the
first run, following each workstation's shifts in the site's time zone; their signals are sampled every
15 s of simulated time (a reading when a value changed, and a heartbeat every hour) and stored through
mom_app.iot.storage.store_readings, which derives the Machine State Log, the minute aggregates and the
automatic Downtime Entries as it does for live data.

The week is fixed by the first run (remembered as the default "mom_demo_iot_history_end"), and every uid
is derived from device, tag and time, so a second run stores nothing new.

The shifts' off hours are reported as state code 0, which the simulator's state map reads as Off (no
production planned): planned downtime in OEE, never a loss, never downtime.
"""

import time

import frappe
from frappe import _
from frappe.utils import get_system_timezone

from mom_app.iot.sim.machine import DEMO_MACHINES, Machine, sample_readings
from mom_app.iot.simulator import MODBUS_MACHINES, OPCUA_MACHINES, device_name, ensure_devices
from mom_app.iot.storage import store_readings, to_local
from mom_app.setup.demo import data
from mom_app.setup.demo.state import Demo

DAYS = 7
STEP_SECONDS = 15
HEARTBEAT_SECONDS = 3600
CHUNK = 5000
ANCHOR = "mom_demo_iot_history_end"


def history_window() -> tuple[float, float]:
	"""[start, end) of the demo week in Unix seconds: the week before the first run, on whole minutes."""
	end = frappe.db.get_default(ANCHOR)
	if not end:
		end = str(int(time.time() // 60 * 60))
		frappe.db.set_default(ANCHOR, end)
	end = float(end)
	return end - DAYS * 86400, end


def uid(device: str, key: str, ts: float) -> str:
	return f"{device}:hist:{key}:{int(ts)}"


def iot_history(demo: Demo):
	demo.track("IoT Device", "IoT Reading", "Machine State Log", "Downtime Entry")
	workstations = [ws for ws in (*MODBUS_MACHINES, *OPCUA_MACHINES) if frappe.db.exists("Workstation", ws)]
	if not workstations:
		demo.note(_("No demo workstations: machine history skipped."))
		return
	made = ensure_devices(workstations=workstations)
	demo.count("IoT Device", sum(1 for what in made.values() if what == "created"))
	frappe.db.commit()

	start, end = history_window()
	zone = get_system_timezone()
	for workstation in workstations:
		device = device_name(workstation)
		profile, seed = DEMO_MACHINES[workstation]
		shifts = data.WORKSTATIONS[workstation][3]
		# every signal has a reading at least every HEARTBEAT_SECONDS: one in the last such span means the
		# week is stored (an interrupted run is completed: uids already stored are skipped)
		if frappe.db.exists(
			"IoT Reading",
			{
				"device": device,
				"uid": ("like", f"{device}:hist:%"),
				"ts": (">=", to_local(end - HEARTBEAT_SECONDS - STEP_SECONDS)),
			},
		):
			continue  # in place (the step line says so when nothing at all was added)
		started = time.monotonic()
		machine = Machine(workstation, profile, seed, start, shifts=shifts, timezone=zone)
		rows, stored = [], {"inserted": 0, "intervals_closed": 0, "downtime_entries": 0}

		def flush():
			counts = store_readings(rows)
			frappe.db.commit()
			for key in stored:
				stored[key] += counts.get(key, 0)
			rows.clear()

		for key, ts, value in sample_readings(machine, start, end, STEP_SECONDS, HEARTBEAT_SECONDS):
			rows.append({"uid": uid(device, key, ts), "device": device, "tag": key, "ts": ts, "value": value})
			if len(rows) >= CHUNK:
				flush()
				done = (ts - start) / (end - start)
				demo.echo("  " + _("{0}: {1}% of the week stored").format(device, round(done * 100)))
		if rows:
			flush()
		demo.count("IoT Reading", stored["inserted"])
		demo.count("Machine State Log", stored["intervals_closed"])
		demo.count("Downtime Entry", stored["downtime_entries"])
		demo.echo(
			"  "
			+ _("{0}: {1} readings, {2} state intervals, {3} downtime entries in {4} s").format(
				device,
				stored["inserted"],
				stored["intervals_closed"],
				stored["downtime_entries"],
				round(time.monotonic() - started, 1),
			)
		)
