"""Protocol servers for simulated machines (frappe-free): Modbus TCP (pymodbus) and OPC UA (asyncua).

- `ModbusSimServer`: one Modbus TCP server on one port; each machine is a unit (device) id whose holding
  registers carry its `machine.SIGNALS`, encoded with engine.modbus_codec in the machine's word order.
- `OpcUaSimServer`: one OPC UA server; each machine is an object with one variable per signal, node ids
  ``ns=<idx>;s=<machine>.<signal key>``; optionally Basic256Sha256 (Sign, SignAndEncrypt) only, with
  certificates from `generate_certificates()`.
- `run_machines()` moves the machines' models to the wall clock every 100 ms and writes what changed.

Both bind to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from mom_app.engine import modbus_codec
from mom_app.iot.sim.machine import REGISTERS, SIGNALS, Machine

log = logging.getLogger("mom_app.iot.sim")

SERVER_URI = "urn:mom-app:simulator"
CLIENT_URI = "urn:mom-app:collector"
NAMESPACE = "urn:mom-app:simulator:machines"
UPDATE_SECONDS = 0.1

# Function codes the simulator writes values with (pymodbus maps them to the four tables).
WRITE_CODES = {"Holding Register": 16, "Input Register": 4, "Coil": 15, "Discrete Input": 2}


def free_port(host: str = "127.0.0.1") -> int:
	with socket.socket() as s:
		s.bind((host, 0))
		return s.getsockname()[1]


# --- Modbus -------------------------------------------------------------------------------------------


def modbus_device(unit_id: int, holding: int = 0, input: int = 0, coils: int = 0, discrete: int = 0):
	"""A pymodbus SimDevice with four separate tables of the given sizes, all starting at address 0."""
	from pymodbus.simulator import DataType, SimData, SimDevice

	def registers(n):
		return [SimData(0, count=max(n, 1), values=0, datatype=DataType.REGISTERS)]

	def bits(n):
		return [SimData(0, count=max(n, 16), values=False, datatype=DataType.BITS)]

	return SimDevice(unit_id, simdata=(bits(coils), bits(discrete), registers(holding), registers(input)))


async def start_modbus_server(devices: Sequence, host: str = "127.0.0.1", port: int = 502):
	"""Start a pymodbus TCP server for `devices` (SimDevice) in the background; returns the server."""
	from pymodbus.server import ModbusTcpServer

	server = ModbusTcpServer(list(devices), address=(host, port))
	await server.serve_forever(background=True)
	return server


async def set_values(server, unit_id: int, register_type: str, address: int, values: Sequence):
	"""Write values into a running server's table (bits as booleans for Coil / Discrete Input)."""
	if register_type in modbus_codec.BIT_TYPES:
		values = [bool(v) for v in values]
	else:
		values = [int(v) for v in values]
	error = await server.context.async_setValues(unit_id, WRITE_CODES[register_type], address, values)
	if error:
		raise ValueError(f"cannot write {register_type} {address}+{len(values)} of unit {unit_id}: {error}")


async def stop_modbus_server(server):
	with contextlib.suppress(Exception):
		await server.shutdown()


def machine_registers(snapshot: dict, word_order: str = "Big") -> list[int]:
	"""The holding registers 0..REGISTERS-1 of a machine snapshot."""
	words = [0] * REGISTERS
	for signal in SIGNALS:
		encoded = modbus_codec.encode(snapshot[signal.key], signal.data_type, word_order)
		words[signal.address : signal.address + len(encoded)] = encoded
	return words


@dataclass
class SimModbusMachine:
	machine: Machine
	unit_id: int
	word_order: str = "Big"


class ModbusSimServer:
	"""The Modbus TCP face of simulated machines: one port, one unit id per machine."""

	def __init__(self, machines: Sequence[SimModbusMachine], host: str = "127.0.0.1", port: int = 502):
		self.machines = list(machines)
		self.host, self.port = host, port
		self.server = None
		self._last: dict[int, list[int]] = {}

	async def start(self):
		devices = [modbus_device(m.unit_id, holding=REGISTERS) for m in self.machines]
		self.server = await start_modbus_server(devices, self.host, self.port)
		await self.update(time.time())
		log.info(
			"Modbus simulator on %s:%s (units %s)", self.host, self.port, [m.unit_id for m in self.machines]
		)

	async def update(self, now: float):
		if self.server is None:
			return
		for m in self.machines:
			words = machine_registers(m.machine.snapshot(now), m.word_order)
			if self._last.get(m.unit_id) != words:
				await set_values(self.server, m.unit_id, "Holding Register", 0, words)
				self._last[m.unit_id] = words

	async def stop(self):
		if self.server is not None:
			await stop_modbus_server(self.server)
			self.server = None


# --- OPC UA -------------------------------------------------------------------------------------------


@dataclass
class Certificates:
	server_certificate: Path
	server_private_key: Path
	client_certificate: Path
	client_private_key: Path


async def generate_certificates(directory: str | Path, host: str | None = None) -> Certificates:
	"""Self-signed application certificates (DER) and keys (PEM) for the simulator server and a client;
	kept when they exist and are still valid."""
	from asyncua.crypto.cert_gen import setup_self_signed_certificate
	from cryptography.x509.oid import ExtendedKeyUsageOID

	directory = Path(directory)
	directory.mkdir(parents=True, exist_ok=True)
	host = host or socket.gethostname()
	certs = Certificates(
		directory / "server-cert.der",
		directory / "server-key.pem",
		directory / "client-cert.der",
		directory / "client-key.pem",
	)
	subject = {"countryName": "CN", "organizationName": "MOM demo"}
	await setup_self_signed_certificate(
		certs.server_private_key,
		certs.server_certificate,
		SERVER_URI,
		host,
		[ExtendedKeyUsageOID.SERVER_AUTH],
		subject,
	)
	await setup_self_signed_certificate(
		certs.client_private_key,
		certs.client_certificate,
		CLIENT_URI,
		host,
		[ExtendedKeyUsageOID.CLIENT_AUTH],
		subject,
	)
	return certs


VARIANT_TYPES = {
	"uint16": "UInt16",
	"uint32": "UInt32",
	"int16": "Int16",
	"int32": "Int32",
	"float32": "Double",
	"float64": "Double",
	"bool": "Boolean",
}


class OpcUaSimServer:
	"""The OPC UA face of simulated machines: one object per machine, one variable per signal."""

	def __init__(
		self,
		machines: Sequence[Machine],
		host: str = "127.0.0.1",
		port: int = 4840,
		certificates: Certificates | None = None,
		allow_none: bool | None = None,
		signals: Sequence = SIGNALS,
	):
		"""With `certificates`, the server offers Basic256Sha256 Sign and SignAndEncrypt (and, when
		`allow_none`, no security as well); without, only no security."""
		self.machines = list(machines)
		self.host, self.port = host, port
		self.certificates = certificates
		self.allow_none = certificates is None if allow_none is None else allow_none
		self.signals = list(signals)
		self.server = None
		self.ns = 2
		self.nodes: dict[tuple[str, str], object] = {}  # (machine, key) -> NodeId
		self._last: dict[tuple[str, str], float] = {}

	@property
	def endpoint(self) -> str:
		return f"opc.tcp://{self.host}:{self.port}/mom/simulator"

	def node_id(self, machine: str, key: str) -> str:
		return f"ns={self.ns};s={machine}.{key}"

	async def start(self):
		from asyncua import Server, ua

		server = Server()
		await server.init()
		server.set_endpoint(self.endpoint)
		server.set_server_name("MOM machine simulator")
		policies = []
		if self.certificates:
			await server.set_application_uri(SERVER_URI)
			await server.load_certificate(str(self.certificates.server_certificate))
			await server.load_private_key(str(self.certificates.server_private_key))
			policies += [
				ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
				ua.SecurityPolicyType.Basic256Sha256_Sign,
			]
		if self.allow_none:
			policies.append(ua.SecurityPolicyType.NoSecurity)
		server.set_security_policy(policies)
		self.ns = await server.register_namespace(NAMESPACE)
		objects = server.nodes.objects
		now = time.time()
		for machine in self.machines:
			folder = await objects.add_object(ua.NodeId(machine.name, self.ns), f"{self.ns}:{machine.name}")
			snapshot = machine.snapshot(now)
			for signal in self.signals:
				variant = getattr(ua.VariantType, VARIANT_TYPES[signal.data_type])
				value = self._typed(snapshot[signal.key], signal.data_type)
				node = await folder.add_variable(
					ua.NodeId(f"{machine.name}.{signal.key}", self.ns),
					f"{self.ns}:{signal.key}",
					ua.Variant(value, variant),
				)
				self.nodes[(machine.name, signal.key)] = node.nodeid
				self._last[(machine.name, signal.key)] = value
		await server.start()
		self.server = server
		log.info("OPC UA simulator at %s (%s)", self.endpoint, ", ".join(p.name for p in policies))

	@staticmethod
	def _typed(value: float, data_type: str):
		if data_type.startswith("float"):
			return float(value)
		if data_type == "bool":
			return bool(value)
		return int(value)

	async def write(self, machine: str, key: str, value: float, data_type: str, now: float | None = None):
		"""Write one variable with its source timestamp (a data change for subscribers)."""
		from asyncua import ua

		stamp = datetime.fromtimestamp(now or time.time(), timezone.utc)
		variant = ua.Variant(self._typed(value, data_type), getattr(ua.VariantType, VARIANT_TYPES[data_type]))
		await self.server.write_attribute_value(
			self.nodes[(machine, key)],
			ua.DataValue(variant, SourceTimestamp=stamp, ServerTimestamp=stamp),
		)

	async def update(self, now: float):
		if self.server is None:
			return
		for machine in self.machines:
			snapshot = machine.snapshot(now)
			for signal in self.signals:
				value = self._typed(snapshot[signal.key], signal.data_type)
				if self._last.get((machine.name, signal.key)) != value:
					await self.write(machine.name, signal.key, value, signal.data_type, now)
					self._last[(machine.name, signal.key)] = value

	async def stop(self):
		if self.server is not None:
			with contextlib.suppress(Exception):
				await self.server.stop()
			self.server = None


async def run_machines(servers: Sequence, duration: float | None = None, stop: asyncio.Event | None = None):
	"""Update every server's machines from the wall clock every 100 ms, for `duration` seconds (None:
	until `stop` is set or the task is cancelled)."""
	stop = stop or asyncio.Event()
	deadline = None if duration is None else time.monotonic() + duration
	while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
		now = time.time()
		for server in servers:
			try:
				await server.update(now)
			except Exception:
				log.exception("simulator update failed")
		with contextlib.suppress(asyncio.TimeoutError):
			await asyncio.wait_for(stop.wait(), UPDATE_SECONDS)
