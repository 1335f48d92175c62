"""The demo plant's machines, simulated: IoT Devices for them, and the servers that play them.

    bench --site <site> mom-simulate [--modbus-port 5020] [--opcua-port 4840] [--duration SECONDS]
                                     [--speed FACTOR] [--secure]

- CNC-01..CNC-04 answer Modbus TCP on one port, as unit ids 1..4 (CNC-03 and CNC-04 put the low word of
  32-bit values first: word order Little), with their signals in holding registers 0..11;
- ASM-01 is an OPC UA server with one variable per signal, node ids ``ns=2;s=ASM-01.<signal>``; with
  `--secure` it offers only Basic256Sha256 SignAndEncrypt / Sign, with certificates generated under
  sites/<site>/private/mom_iot_sim/ and attached (as private files) to the device.

`ensure_devices()` creates or updates the matching IoT Devices (host 127.0.0.1) so that
`bench --site <site> mom-collector` collects from the simulator right away. A device is saved only when
something changed, so a running collector does not reload for nothing. The machine models start from the
counters last stored for each device, so live data continues the demo's history.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import time
from pathlib import Path

import frappe
from frappe import _

from mom_app.iot.sim.machine import DEMO_MACHINES, SIGNALS, STATE_MAP, Machine, fast, signal_unit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_MODBUS_PORT = 5020
DEFAULT_OPCUA_PORT = 4840
POLL_INTERVAL_MS = 1000

# workstation -> (unit id, word order)
MODBUS_MACHINES = {
	"CNC-01": (1, "Big"),
	"CNC-02": (2, "Big"),
	"CNC-03": (3, "Little"),
	"CNC-04": (4, "Little"),
}
OPCUA_MACHINES = ("ASM-01",)
OPCUA_NAMESPACE_INDEX = 2  # the simulator's namespace is the first one it registers


def device_name(workstation: str) -> str:
	return f"{workstation}-PLC" if workstation in MODBUS_MACHINES else f"{workstation}-UA"


def opcua_endpoint(host: str, port: int) -> str:
	return f"opc.tcp://{host}:{port}/mom/simulator"


def opcua_node_id(workstation: str, key: str) -> str:
	return f"ns={OPCUA_NAMESPACE_INDEX};s={workstation}.{key}"


def tag_rows(workstation: str) -> list[dict]:
	profile = DEMO_MACHINES[workstation][0]
	rows = []
	for signal_ in SIGNALS:
		row = {
			"tag_key": signal_.key,
			"signal_role": signal_.role,
			"unit": signal_unit(signal_, profile),
			"meter_name": signal_.meter_name,
			"state_map": STATE_MAP if signal_.role == "Machine State" else "",
			"scale": 1,
			"offset": 0,
		}
		if workstation in MODBUS_MACHINES:
			row.update(
				register_type="Holding Register",
				address=str(signal_.address),
				data_type=signal_.data_type,
				word_order=MODBUS_MACHINES[workstation][1],
			)
		else:
			row["opcua_node_id"] = opcua_node_id(workstation, signal_.key)
		rows.append(row)
	return rows


TAG_FIELDS = (
	"tag_key",
	"signal_role",
	"unit",
	"meter_name",
	"state_map",
	"register_type",
	"address",
	"data_type",
	"word_order",
	"scale",
	"offset",
	"opcua_node_id",
)


def _tags_differ(doc, rows: list[dict]) -> bool:
	if len(doc.tags) != len(rows):
		return True
	for tag, row in zip(doc.tags, rows, strict=True):
		for fieldname in TAG_FIELDS:
			want = row.get(fieldname)
			have = tag.get(fieldname)
			if fieldname in ("scale", "offset"):
				if float(have or 0) != float(want or 0):
					return True
			elif (have or "") != (want or ""):
				return True
	return False


def ensure_devices(
	host: str = DEFAULT_HOST,
	modbus_port: int = DEFAULT_MODBUS_PORT,
	opcua_port: int = DEFAULT_OPCUA_PORT,
	certificates=None,
	workstations: list[str] | None = None,
	enabled: bool = True,
) -> dict[str, str]:
	"""Create or update the IoT Devices of the simulated machines. Returns {device: "created" | "updated" |
	"unchanged"}. `certificates` (sim.servers.Certificates) switches ASM-01 to Basic256Sha256
	SignAndEncrypt; without them it uses no security."""
	result = {}
	for workstation in workstations or [*MODBUS_MACHINES, *OPCUA_MACHINES]:
		name = device_name(workstation)
		values = {
			"device_name": name,
			"enabled": int(enabled),
			"workstation": workstation if frappe.db.exists("Workstation", workstation) else None,
			"poll_interval_ms": POLL_INTERVAL_MS,
		}
		if workstation in MODBUS_MACHINES:
			values.update(
				protocol="Modbus TCP", host=host, port=modbus_port, unit_id=MODBUS_MACHINES[workstation][0]
			)
		else:
			values.update(
				protocol="OPC UA",
				opcua_endpoint=opcua_endpoint(host, opcua_port),
				security_policy="Basic256Sha256" if certificates else "None",
				security_mode="SignAndEncrypt" if certificates else "None",
			)
		exists = frappe.db.exists("IoT Device", name)
		doc = frappe.get_doc("IoT Device", name) if exists else frappe.new_doc("IoT Device")
		changed = not exists
		for fieldname, value in values.items():
			if (doc.get(fieldname) or None) != (value or None):
				doc.set(fieldname, value)
				changed = True
		rows = tag_rows(workstation)
		if _tags_differ(doc, rows):
			doc.set("tags", rows)
			changed = True
		if workstation in OPCUA_MACHINES:
			files = (
				{
					"client_certificate": certificates.client_certificate,
					"client_private_key": certificates.client_private_key,
					"server_certificate": certificates.server_certificate,
				}
				if certificates
				else {"client_certificate": None, "client_private_key": None, "server_certificate": None}
			)
			for fieldname, path in files.items():
				url = attach_private_file(doc, path) if path else None
				if (doc.get(fieldname) or None) != url:
					doc.set(fieldname, url)
					changed = True
		if changed:
			doc.save(ignore_permissions=True) if exists else doc.insert(ignore_permissions=True)
		result[name] = "updated" if exists and changed else ("created" if changed else "unchanged")
	frappe.db.commit()
	return result


def attach_private_file(doc, path: str | Path) -> str:
	"""The URL of a private File holding the bytes of `path` (reused when the same content is there)."""
	path = Path(path)
	content = path.read_bytes()
	digest = hashlib.md5(content).hexdigest()
	existing = frappe.db.get_value(
		"File", {"content_hash": digest, "is_private": 1, "file_name": ("like", f"%{path.stem}%")}, "file_url"
	)
	if existing:
		return existing
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"mom-sim-{path.name}",
			"is_private": 1,
			"content": content,
			"attached_to_doctype": "IoT Device" if not doc.is_new() else None,
			"attached_to_name": doc.name if not doc.is_new() else None,
		}
	)
	file.insert(ignore_permissions=True)
	return file.file_url


def last_values(device: str) -> dict[str, float]:
	"""The latest stored value of each tag of `device`."""
	rows = frappe.db.sql(
		"""select r.tag, r.value from `tabIoT Reading` r
		join (select tag, max(ts) as ts from `tabIoT Reading` where device = %(device)s group by tag) m
			on m.tag = r.tag and m.ts = r.ts
		where r.device = %(device)s""",
		{"device": device},
	)
	return {tag: float(value) for tag, value in rows}


def build_machines(workstations, speed: float = 1.0, now: float | None = None, continue_counters=True):
	"""Machine models for the workstations, counters continued from the stored readings."""
	now = now or time.time()
	machines = {}
	for workstation in workstations:
		profile, seed = DEMO_MACHINES[workstation]
		if speed != 1:
			profile = fast(profile, speed)
		last = last_values(device_name(workstation)) if continue_counters else {}
		machines[workstation] = Machine(
			workstation,
			profile,
			seed + int(now) % 100_000,  # a new run of the plant, not a replay of the previous one
			now,
			good=int(last.get("good", 0)),
			reject=int(last.get("reject", 0)),
			run_seconds=float(last.get("run_hours", 0)) * 3600,
		)
	return machines


async def serve(
	machines: dict[str, Machine],
	host: str,
	modbus_port: int | None,
	opcua_port: int | None,
	certificates=None,
	duration: float | None = None,
	stop: asyncio.Event | None = None,
	install_signals: bool = False,
	started=None,
):
	"""Run the Modbus and OPC UA servers for `machines` until `duration` passes or `stop` is set."""
	from mom_app.iot.sim.servers import ModbusSimServer, OpcUaSimServer, SimModbusMachine, run_machines

	stop = stop or asyncio.Event()
	if install_signals:
		loop = asyncio.get_running_loop()
		for signum in (signal.SIGTERM, signal.SIGINT):
			loop.add_signal_handler(signum, stop.set)
	servers = []
	try:
		modbus = [
			SimModbusMachine(m, *MODBUS_MACHINES[ws]) for ws, m in machines.items() if ws in MODBUS_MACHINES
		]
		if modbus and modbus_port:
			server = ModbusSimServer(modbus, host=host, port=modbus_port)
			await server.start()
			servers.append(server)
		opcua = [m for ws, m in machines.items() if ws in OPCUA_MACHINES]
		if opcua and opcua_port:
			server = OpcUaSimServer(opcua, host=host, port=opcua_port, certificates=certificates)
			await server.start()
			if server.ns != OPCUA_NAMESPACE_INDEX:
				raise RuntimeError(f"simulator namespace index is {server.ns}, not {OPCUA_NAMESPACE_INDEX}")
			servers.append(server)
		if started:
			started(servers)
		await run_machines(servers, duration=duration, stop=stop)
	finally:
		for server in servers:
			with contextlib.suppress(Exception):
				await server.stop()


def certificate_dir() -> Path:
	return Path(frappe.get_site_path("private", "mom_iot_sim"))


def run_simulator(
	host: str = DEFAULT_HOST,
	modbus_port: int = DEFAULT_MODBUS_PORT,
	opcua_port: int = DEFAULT_OPCUA_PORT,
	duration: float | None = None,
	speed: float = 1.0,
	secure: bool = False,
	echo=print,
):
	"""The `bench mom-simulate` entry point (the site is connected)."""
	from mom_app.iot.sim.servers import generate_certificates

	certificates = asyncio.run(generate_certificates(certificate_dir())) if secure else None
	devices = ensure_devices(host, modbus_port, opcua_port, certificates)
	outcome = {"created": _("created"), "updated": _("updated"), "unchanged": _("unchanged")}
	for name, what in devices.items():
		echo(_("IoT Device {0}: {1}").format(name, outcome[what]))
	machines = build_machines([*MODBUS_MACHINES, *OPCUA_MACHINES], speed=speed)
	frappe.db.commit()

	def started(servers):
		echo(
			_("Modbus TCP: {0}:{1}, units {2}").format(
				host, modbus_port, ", ".join(f"{ws}={unit}" for ws, (unit, _order) in MODBUS_MACHINES.items())
			)
		)
		echo(
			_("OPC UA: {0} ({1})").format(
				opcua_endpoint(host, opcua_port),
				_("Basic256Sha256 SignAndEncrypt") if secure else _("no security"),
			)
		)
		echo(
			_("Simulating; stop with Ctrl+C.")
			if duration is None
			else _("Simulating for {0} s.").format(duration)
		)

	asyncio.run(
		serve(
			machines,
			host,
			modbus_port,
			opcua_port,
			certificates,
			duration,
			install_signals=True,
			started=started,
		)
	)
