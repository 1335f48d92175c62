"""One read of every tag of a device, for the IoT Device form's Test Connection (frappe-free).

`probe_modbus` and `probe_opcua` reach the device the way the collector does (ModbusPoller's connection and
block plan, OpcUaSubscriber's client and security), read each tag once, disconnect and return a `Probe`:
whether the connection was made, and per tag its value (scale and offset applied, as it would be stored) or
why there is none. Every failure is a code with the technical detail beside it, so the caller can say it in
the user's language. Nothing waits longer than `timeout` seconds per step.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import math
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from mom_app.engine import modbus_codec

# why a connection failed
REFUSED = "refused"  # nothing listens on the port
TIMEOUT = "timeout"  # no answer in time
HOST_UNKNOWN = "host_unknown"  # the name does not resolve
UNREACHABLE = "unreachable"  # no route to the network or host
SECURITY = "security"  # the OPC UA server refused the session's security
CONFIG = "config"  # the device's settings cannot be used (certificate files, node ids)
FAILED = "failed"  # anything else: see the detail
# why a tag has no value
MODBUS_EXCEPTION = "modbus_exception"  # the device answered a Modbus exception (detail: its code)
NO_ANSWER = "no_answer"  # the request got no answer in time
BAD_STATUS = "bad_status"  # the OPC UA server answered a bad status (detail: its name)
NOT_A_NUMBER = "not_a_number"  # a value the collector does not store (detail: the value)
NOT_READ = "not_read"  # not asked: the connection failed or was lost before

READ_CHUNK = 500  # OPC UA nodes read per request


@dataclass
class TagRead:
	key: str
	value: float | None = None
	error: str = ""
	detail: str = ""


@dataclass
class Probe:
	connected: bool
	error: str = ""
	detail: str = ""
	tags: list[TagRead] = field(default_factory=list)
	seconds: float = 0.0

	def as_dict(self) -> dict:
		return {
			"connected": self.connected,
			"error": self.error,
			"detail": self.detail,
			"seconds": round(self.seconds, 3),
			"tags": [vars(t).copy() for t in self.tags],
		}


def describe(error: BaseException) -> str:
	text = str(error) or error.__class__.__name__
	return text if len(text) <= 300 else text[:300] + "..."


def connect_error(error: BaseException) -> tuple[str, str]:
	"""(code, detail) of an exception raised while connecting."""
	if isinstance(error, asyncio.TimeoutError | TimeoutError | socket.timeout):
		return TIMEOUT, ""
	if isinstance(error, socket.gaierror):
		return HOST_UNKNOWN, describe(error)
	if isinstance(error, ConnectionRefusedError):
		return REFUSED, describe(error)
	if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
		return UNREACHABLE, describe(error)
	if isinstance(error, OSError) and error.errno == errno.ECONNREFUSED:
		return REFUSED, describe(error)
	return FAILED, describe(error)


def finite(key: str, value) -> TagRead:
	number = as_number(value)
	if number is None:
		return TagRead(key, error=NOT_A_NUMBER, detail=str(value)[:100])
	return TagRead(key, value=number)


def as_number(value) -> float | None:
	if isinstance(value, bool):
		return 1.0 if value else 0.0
	if isinstance(value, int | float) and math.isfinite(float(value)):
		return float(value)
	return None


async def reach(host: str, port: int, timeout: float) -> tuple[str, str] | None:
	"""None when a TCP connection to host:port opens within `timeout`, else (code, detail) of why not."""
	try:
		_reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
	except Exception as e:
		return connect_error(e)
	writer.close()
	with contextlib.suppress(Exception):
		await asyncio.wait_for(writer.wait_closed(), 1)
	return None


async def _discard(_device, _readings):
	return None


# --- Modbus TCP ---------------------------------------------------------------------------------------


async def probe_modbus(
	host: str, port: int, unit_id: int, tags: Sequence[modbus_codec.TagSpec], timeout: float = 3.0
) -> Probe:
	"""Read every tag once, block by block as the collector does (one request per block)."""
	from mom_app.iot.protocols.modbus import BIT_TYPES, READ_METHODS, ModbusPoller

	started = time.monotonic()
	tags = list(tags)

	def done(probe: Probe) -> Probe:
		probe.seconds = time.monotonic() - started
		return probe

	# a plain connection first: pymodbus only says that it did not connect, not why
	why = await reach(host, port, timeout)
	if why:
		return done(Probe(False, *why, tags=[TagRead(t.key, error=NOT_READ) for t in tags]))
	poller = ModbusPoller("probe", host, port, unit_id, tags, _discard, interval=0, timeout=timeout)
	if not await poller._connect():
		return done(
			Probe(False, FAILED, poller.error_text, tags=[TagRead(t.key, error=NOT_READ) for t in tags])
		)
	reads: dict[str, TagRead] = {}
	try:
		for block in poller.blocks:
			keys = [t.key for t in block.tags]
			client = poller.client
			if client is None or not client.connected:
				reads.update({k: TagRead(k, error=NOT_READ) for k in keys})
				continue
			method = getattr(client, READ_METHODS[block.register_type])
			try:
				response = await asyncio.wait_for(
					method(block.start, count=block.count, **{poller._unit_kw: poller.unit_id}), timeout + 1
				)
			except Exception as e:
				# pymodbus raises ModbusIOException when the request times out (no retries)
				no_answer = (
					isinstance(e, asyncio.TimeoutError | TimeoutError) or "no response" in str(e).lower()
				)
				error = (NO_ANSWER, "") if no_answer else (FAILED, describe(e))
				reads.update({k: TagRead(k, error=error[0], detail=error[1]) for k in keys})
				continue
			if response is None or response.isError():
				code = getattr(response, "exception_code", None)
				reads.update({k: TagRead(k, error=MODBUS_EXCEPTION, detail=str(code or "")) for k in keys})
				continue
			if block.register_type in BIT_TYPES:
				values = [int(bool(bit)) for bit in response.bits[: block.count]]
			else:
				values = list(response.registers)
			for key, value in modbus_codec.decode_block(block, values).items():
				reads[key] = finite(key, value)
	finally:
		poller._close()
	return done(Probe(True, tags=[reads.get(t.key, TagRead(t.key, error=NOT_READ)) for t in tags]))


# --- OPC UA -------------------------------------------------------------------------------------------


async def probe_opcua(
	endpoint: str,
	nodes: Sequence[tuple[str, str, float, float]],
	security_policy: str = "None",
	security_mode: str = "None",
	client_certificate: str | None = None,
	client_private_key: str | None = None,
	server_certificate: str | None = None,
	timeout: float = 3.0,
) -> Probe:
	"""Read the value of every node once. `nodes`: (node id, tag key, scale, offset) as the collector has
	them."""
	from asyncua import ua

	from mom_app.iot.protocols.opcua import OpcUaSubscriber

	started = time.monotonic()
	nodes = list(nodes)

	def done(probe: Probe) -> Probe:
		probe.seconds = time.monotonic() - started
		return probe

	def unread(code: str, detail: str = "") -> Probe:
		return done(
			Probe(False, code, detail, tags=[TagRead(key, error=NOT_READ) for _n, key, _s, _o in nodes])
		)

	try:
		subscriber = OpcUaSubscriber(
			"probe",
			endpoint,
			{node_id: key for node_id, key, _scale, _offset in nodes},
			_discard,
			security_policy=security_policy,
			security_mode=security_mode,
			client_certificate=client_certificate,
			client_private_key=client_private_key,
			server_certificate=server_certificate,
			timeout=timeout,
		)
		client = await subscriber.new_client()
	except Exception as e:
		return unread(CONFIG, describe(e))
	try:
		await asyncio.wait_for(client.connect(), timeout * 3)
	except Exception as e:
		with contextlib.suppress(Exception):
			client.disconnect_socket()
		if isinstance(e, ua.UaStatusCodeError):
			name = getattr(ua.StatusCode(e.code), "name", "") or describe(e)
			return unread(SECURITY if "Security" in name or "Certificate" in name else FAILED, name)
		if isinstance(e, ua.UaError) and "matching endpoint" in str(e):
			# the server offers no endpoint with this security policy and mode
			return unread(SECURITY, describe(e))
		return unread(*connect_error(e))
	reads: list[TagRead] = []
	try:
		for start in range(0, len(nodes), READ_CHUNK):
			chunk = nodes[start : start + READ_CHUNK]
			try:
				values = await asyncio.wait_for(
					client.read_attributes([client.get_node(n[0]) for n in chunk]), timeout + 1
				)
			except Exception as e:
				no_answer = isinstance(e, asyncio.TimeoutError | TimeoutError)
				reads += [
					TagRead(
						key, error=NO_ANSWER if no_answer else FAILED, detail="" if no_answer else describe(e)
					)
					for _n, key, _s, _o in chunk
				]
				continue
			for (_node_id, key, scale, offset), data in zip(chunk, values, strict=True):
				status = data.StatusCode
				if status is not None and not status.is_good():
					reads.append(TagRead(key, error=BAD_STATUS, detail=status.name))
					continue
				read = finite(key, data.Value.Value if data.Value is not None else None)
				if read.value is not None:
					read.value = read.value * scale + offset
				reads.append(read)
	finally:
		with contextlib.suppress(Exception):
			await asyncio.wait_for(client.disconnect(), 3)
	return done(Probe(True, tags=reads))
