"""Modbus TCP polling (pymodbus 3.x AsyncModbusTcpClient), frappe-free.

A `ModbusPoller` polls one device: the tags are grouped into block reads by `engine.modbus_codec.plan_blocks`
(one request per block instead of one per tag), each block is decoded with `decode_block`, and every poll
cycle's readings go to `on_readings(device, [(key, ts, value), ...])`; with a `heartbeat`, a value is
reported only when it changed or was last reported `heartbeat` seconds ago (report by exception).

The poller keeps its own connection: a failed read marks the device Degraded; `failures_to_offline` failed
cycles in a row, a lost connection or a failed connect mark it Offline, and it reconnects after
`engine.backoff.delays`. Health changes go to `on_health(device, health, error_text)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence

from pymodbus.client import AsyncModbusTcpClient

from mom_app.engine import backoff, modbus_codec
from mom_app.iot.protocols import DEGRADED, OFFLINE, ONLINE, DeviceClient

log = logging.getLogger("mom_app.iot.modbus")

Reading = tuple[str, float, float]
ReadingsCallback = Callable[[str, list[Reading]], Awaitable[None]]
HealthCallback = Callable[[str, str, str], None]

READ_METHODS = {
	"Holding Register": "read_holding_registers",
	"Input Register": "read_input_registers",
	"Coil": "read_coils",
	"Discrete Input": "read_discrete_inputs",
}
BIT_TYPES = ("Coil", "Discrete Input")


class ModbusReadError(Exception):
	pass


def unit_keyword(client) -> str:
	"""The keyword pymodbus' read methods take the unit id by: device_id (3.10+), slave (3.x) or unit."""
	params = inspect.signature(client.read_holding_registers).parameters
	for name in ("device_id", "slave", "unit"):
		if name in params:
			return name
	return "device_id"


class ModbusPoller(DeviceClient):
	log = log  # this protocol's logger for the shared health lines

	def __init__(
		self,
		name: str,
		host: str,
		port: int,
		unit_id: int,
		tags: Sequence[modbus_codec.TagSpec],
		on_readings: ReadingsCallback,
		on_health: HealthCallback | None = None,
		interval: float = 1.0,
		timeout: float = 3.0,
		failures_to_offline: int = 3,
		delays: Callable[[], Iterator[float]] | None = None,
		max_gap: int = 8,
		max_registers: int = 125,
		max_bits: int = 2000,
		heartbeat: float | None = None,
	):
		"""`heartbeat`: None reports every value of every poll; a number of seconds reports a value only
		when it changed, or when it was last reported that long ago (report by exception)."""
		self.name = name
		self.host = host
		self.port = int(port)
		self.unit_id = int(unit_id)
		self.tags = list(tags)
		self.blocks = modbus_codec.plan_blocks(
			self.tags, max_gap=max_gap, max_registers=max_registers, max_bits=max_bits
		)
		self.on_readings = on_readings
		self.on_health = on_health
		self.interval = max(float(interval), 0.0)
		self.timeout = timeout
		self.failures_to_offline = max(int(failures_to_offline), 1)
		self.delays = delays or (lambda: backoff.delays(base=1, factor=2, cap=60, jitter=0.1))
		self.heartbeat = heartbeat
		self._reported: dict[str, tuple[float, float]] = {}  # key -> (value, ts) last reported
		self.health = "Unknown"
		self.error_text = ""
		self.client: AsyncModbusTcpClient | None = None
		self._unit_kw = "device_id"
		self._stop = asyncio.Event()
		# figures for monitoring and benchmarks
		self.cycles = 0
		self.block_reads = 0
		self.readings = 0
		self.errors = 0
		self.connects = 0

	def endpoint_text(self) -> str:
		return f"{self.host}:{self.port}"

	async def run(self):
		"""Connect, poll and reconnect until stop() (or the task is cancelled)."""
		delays = self.delays()
		try:
			while not self.stopped:
				if not self.blocks:
					self._set_health(DEGRADED, "no Modbus tags to read")
					if await self._sleep(max(self.interval, 1.0)):
						break
					continue
				if not await self._connect():
					if await self._sleep(next(delays)):
						break
					continue
				delays = self.delays()  # connected: the next outage starts from the base delay again
				reason = await self._poll_until_failure()
				self._close()
				if reason is None:  # stopped
					break
				self._set_health(OFFLINE, reason)
				if await self._sleep(next(delays)):
					break
		finally:
			self._close()

	async def _connect(self) -> bool:
		self._close()
		self.client = AsyncModbusTcpClient(
			self.host,
			port=self.port,
			timeout=self.timeout,
			retries=0,
			reconnect_delay=0,  # reconnecting is ours (with engine.backoff), not pymodbus'
		)
		self._unit_kw = unit_keyword(self.client)
		try:
			ok = await asyncio.wait_for(self.client.connect(), self.timeout + 1)
		except Exception as e:
			ok, error = False, describe(e)
		else:
			error = "" if ok else f"cannot connect to {self.host}:{self.port}"
		if not ok or not self.client.connected:
			self._close()
			self._set_health(OFFLINE, error or f"cannot connect to {self.host}:{self.port}")
			return False
		self.connects += 1
		return True

	def _close(self):
		if self.client is not None:
			with contextlib.suppress(Exception):
				self.client.close()
			self.client = None

	async def _poll_until_failure(self) -> str | None:
		"""Poll every `interval` while connected. Returns why polling stopped (None when stop() was called)."""
		failures = 0
		next_at = time.monotonic()
		while not self.stopped:
			error = await self.poll_once()
			if error is None:
				failures = 0
				self._set_health(ONLINE)
			else:
				failures += 1
				self.errors += 1
				if self.client is None or not self.client.connected:
					return error
				if failures >= self.failures_to_offline:
					return error
				self._set_health(DEGRADED, error)
			next_at += self.interval
			now = time.monotonic()
			if next_at < now:  # late (slow device or interval 0): no burst to catch up
				next_at = now
			if await self._sleep(next_at - now):
				return None
		return None

	async def poll_once(self) -> str | None:
		"""Read every block once and deliver the readings. Returns an error text, or None on success.

		Blocks read before a failing one still deliver their readings."""
		readings: list[Reading] = []
		error = None
		for block in self.blocks:
			try:
				values = await self._read_block(block)
			except Exception as e:
				error = f"{block.register_type} {block.start}+{block.count}: {describe(e)}"
				break
			ts = time.time()
			self.block_reads += 1
			readings.extend(
				(key, ts, value)
				for key, value in modbus_codec.decode_block(block, values).items()
				if math.isfinite(value)  # a float register holding NaN or an infinity is no reading
			)
		self.cycles += 1
		if self.heartbeat is not None:
			readings = self._changes(readings)
		if readings:
			self.readings += len(readings)
			await self.on_readings(self.name, readings)
		return error

	def _changes(self, readings: list[Reading]) -> list[Reading]:
		out = []
		for key, ts, value in readings:
			last = self._reported.get(key)
			if last is None or last[0] != value or ts - last[1] >= self.heartbeat:
				self._reported[key] = (value, ts)
				out.append((key, ts, value))
		return out

	async def _read_block(self, block: modbus_codec.Block) -> list:
		client = self.client
		if client is None or not client.connected:
			raise ModbusReadError("not connected")
		method = getattr(client, READ_METHODS[block.register_type])
		response = await asyncio.wait_for(
			method(block.start, count=block.count, **{self._unit_kw: self.unit_id}), self.timeout + 1
		)
		if response is None or response.isError():
			raise ModbusReadError(f"device answered {response}")
		if block.register_type in BIT_TYPES:
			return [int(bool(bit)) for bit in response.bits[: block.count]]
		return list(response.registers)


def describe(error: BaseException) -> str:
	text = str(error) or error.__class__.__name__
	return text if len(text) <= 200 else text[:200] + "..."
