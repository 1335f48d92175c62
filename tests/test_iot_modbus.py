"""ModbusPoller against a real pymodbus TCP server in this process (127.0.0.1, a free port)."""

import asyncio
import itertools
import math
import time

import pytest

from mom_app.engine import backoff
from mom_app.engine.modbus_codec import TagSpec, encode
from mom_app.iot.protocols import DEGRADED, OFFLINE, ONLINE
from mom_app.iot.protocols.modbus import ModbusPoller
from mom_app.iot.sim.servers import (
	free_port,
	modbus_device,
	set_values,
	start_modbus_server,
	stop_modbus_server,
)

UNIT = 7

# (data type, raw value); every type in both word orders, in holding registers.
VALUES = [
	("bool", 1),
	("int16", -1234),
	("uint16", 54321),
	("int32", -123_456_789),
	("uint32", 3_000_000_000),
	("float32", 3.25),
	("int64", -(2**40) - 5),
	("uint64", 2**52 + 7),
	("float64", 1234.5678),
]


def quick_delays():
	return backoff.delays(base=0.1, factor=2, cap=0.4, jitter=0.0)


def layout():
	"""Tags (Big then Little, packed one after the other) and the words to put in the holding registers."""
	tags, words, address = [], {}, 0
	for order in ("Big", "Little"):
		for data_type, value in VALUES:
			key = f"{data_type}_{order.lower()}"
			tags.append(TagSpec(key, "Holding Register", address, data_type, order))
			encoded = encode(value, data_type, order)
			words[address] = encoded
			address += len(encoded)
	return tags, words, address


def until(predicate, timeout=8.0):
	async def wait():
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			if predicate():
				return True
			await asyncio.sleep(0.05)
		return predicate()

	return wait()


class Collector:
	def __init__(self):
		self.batches = []
		self.health = []

	async def on_readings(self, device, readings):
		self.batches.append((device, readings))

	def on_health(self, device, health, error_text):
		self.health.append((health, error_text))

	def latest(self) -> dict:
		values = {}
		for _device, readings in self.batches:
			for key, _ts, value in readings:
				values[key] = value
		return values


def test_all_types_both_word_orders_and_every_table():
	async def scenario():
		tags, words, size = layout()
		tags += [
			TagSpec("scaled", "Input Register", 10, "int16", "Big", scale=0.1, offset=-40),
			TagSpec("input_float", "Input Register", 18, "float32", "Little"),
			TagSpec("coil_on", "Coil", 3, "bool"),
			TagSpec("coil_off", "Coil", 4, "bool"),
			TagSpec("di_on", "Discrete Input", 17, "bool"),
		]
		port = free_port()
		server = await start_modbus_server(
			[modbus_device(UNIT, holding=size, input=30, coils=32, discrete=32)], port=port
		)
		try:
			for address, encoded in words.items():
				await set_values(server, UNIT, "Holding Register", address, encoded)
			await set_values(server, UNIT, "Input Register", 10, encode(655, "int16"))
			await set_values(server, UNIT, "Input Register", 18, encode(-7.5, "float32", "Little"))
			await set_values(server, UNIT, "Coil", 3, [1, 0])
			await set_values(server, UNIT, "Discrete Input", 17, [1])

			sink = Collector()
			poller = ModbusPoller(
				"PLC", "127.0.0.1", port, UNIT, tags, sink.on_readings, sink.on_health, interval=0.05
			)
			task = asyncio.create_task(poller.run())
			try:
				assert await until(lambda: poller.cycles >= 3)
			finally:
				poller.stop()
				await asyncio.wait_for(task, 5)
		finally:
			await stop_modbus_server(server)

		got = sink.latest()
		for order in ("big", "little"):
			for data_type, value in VALUES:
				assert got[f"{data_type}_{order}"] == pytest.approx(float(value), rel=1e-12), (
					data_type,
					order,
				)
		assert got["scaled"] == pytest.approx(655 * 0.1 - 40)
		assert got["input_float"] == -7.5
		assert (got["coil_on"], got["coil_off"], got["di_on"]) == (1.0, 0.0, 1.0)
		# one request per planned block, one block per table here (the holding registers are contiguous)
		assert len(poller.blocks) == 4
		assert poller.block_reads == poller.cycles * 4
		assert sink.health[0] == (ONLINE, "")
		for _device, readings in sink.batches:
			assert len({ts for _key, ts, _value in readings}) <= len(poller.blocks)

	asyncio.run(scenario())


def test_gaps_split_blocks_and_values_follow_the_server():
	async def scenario():
		tags = [
			TagSpec("a", "Holding Register", 0, "uint16"),
			TagSpec("b", "Holding Register", 5, "uint16"),  # gap of 4: same block
			TagSpec("c", "Holding Register", 100, "uint32"),  # far away: its own block
		]
		port = free_port()
		server = await start_modbus_server([modbus_device(UNIT, holding=110)], port=port)
		sink = Collector()
		poller = ModbusPoller(
			"P", "127.0.0.1", port, UNIT, tags, sink.on_readings, sink.on_health, interval=0.05
		)
		task = asyncio.create_task(poller.run())
		try:
			assert [(b.start, b.count) for b in poller.blocks] == [(0, 6), (100, 2)]
			for n in range(1, 4):
				await set_values(server, UNIT, "Holding Register", 0, [n])
				await set_values(server, UNIT, "Holding Register", 5, [n * 10])
				await set_values(server, UNIT, "Holding Register", 100, encode(n * 100_000, "uint32"))
				assert await until(lambda n=n: sink.latest() == {"a": n, "b": n * 10, "c": n * 100_000})
		finally:
			poller.stop()
			await asyncio.wait_for(task, 5)
			await stop_modbus_server(server)

	asyncio.run(scenario())


def test_server_stopped_then_back_reconnects_and_resumes():
	async def scenario():
		tags = [TagSpec("count", "Holding Register", 0, "uint32", "Little")]
		port = free_port()
		server = await start_modbus_server([modbus_device(UNIT, holding=4)], port=port)
		await set_values(server, UNIT, "Holding Register", 0, encode(41, "uint32", "Little"))
		sink = Collector()
		poller = ModbusPoller(
			"P",
			"127.0.0.1",
			port,
			UNIT,
			tags,
			sink.on_readings,
			sink.on_health,
			interval=0.05,
			timeout=1,
			delays=quick_delays,
		)
		task = asyncio.create_task(poller.run())
		try:
			assert await until(lambda: sink.latest().get("count") == 41)
			await stop_modbus_server(server)
			assert await until(lambda: poller.health == OFFLINE)
			assert sink.health[-1][1], "Offline comes with an error text"
			received = len(sink.batches)
			await asyncio.sleep(0.5)  # stays offline, retrying with backoff
			assert poller.health == OFFLINE and len(sink.batches) == received

			server = await start_modbus_server([modbus_device(UNIT, holding=4)], port=port)
			await set_values(server, UNIT, "Holding Register", 0, encode(42, "uint32", "Little"))
			assert await until(lambda: sink.latest().get("count") == 42)
			assert poller.health == ONLINE
			assert poller.connects >= 2
			assert [h for h, _text in sink.health][:1] == [ONLINE]
			assert OFFLINE in [h for h, _text in sink.health]
		finally:
			poller.stop()
			await asyncio.wait_for(task, 5)
			await stop_modbus_server(server)

	asyncio.run(scenario())


def test_failed_reads_degrade_then_offline():
	async def scenario():
		port = free_port()
		server = await start_modbus_server([modbus_device(UNIT, holding=4)], port=port)
		tags = [
			TagSpec("ok", "Holding Register", 0, "uint16"),
			TagSpec("missing", "Holding Register", 50, "uint16"),
		]
		sink = Collector()
		poller = ModbusPoller(
			"P",
			"127.0.0.1",
			port,
			UNIT,
			tags,
			sink.on_readings,
			sink.on_health,
			interval=0.05,
			failures_to_offline=3,
			delays=quick_delays,
		)
		task = asyncio.create_task(poller.run())
		try:
			assert await until(lambda: OFFLINE in [h for h, _t in sink.health])
			states = [h for h, _t in sink.health]
			assert states.index(DEGRADED) < states.index(OFFLINE)
			assert "50" in dict(sink.health)[DEGRADED]
			# the block before the failing one still delivered its readings
			assert sink.latest().get("ok") == 0
		finally:
			poller.stop()
			await asyncio.wait_for(task, 5)
			await stop_modbus_server(server)

	asyncio.run(scenario())


def test_nothing_listening_is_offline_and_stop_is_prompt():
	async def scenario():
		sink = Collector()
		poller = ModbusPoller(
			"P",
			"127.0.0.1",
			free_port(),
			1,
			[TagSpec("x", "Holding Register", 0)],
			sink.on_readings,
			sink.on_health,
			timeout=0.5,
			delays=lambda: backoff.delays(base=30, cap=60),
		)
		task = asyncio.create_task(poller.run())
		assert await until(lambda: poller.health == OFFLINE)
		started = time.monotonic()
		poller.stop()  # while waiting out a 30 s backoff delay
		await asyncio.wait_for(task, 5)
		assert time.monotonic() - started < 2
		assert not math.isnan(poller.errors)

	asyncio.run(scenario())


def test_report_by_exception_with_heartbeat():
	async def scenario():
		port = free_port()
		server = await start_modbus_server([modbus_device(UNIT, holding=4)], port=port)
		tags = [
			TagSpec("steady", "Holding Register", 0, "uint16"),
			TagSpec("moving", "Holding Register", 1, "uint16"),
		]
		sink = Collector()
		poller = ModbusPoller(
			"P", "127.0.0.1", port, UNIT, tags, sink.on_readings, sink.on_health, interval=0.02, heartbeat=0.5
		)
		task = asyncio.create_task(poller.run())
		try:
			started = time.monotonic()
			n = 0
			while time.monotonic() - started < 1.2:
				n += 1
				await set_values(server, UNIT, "Holding Register", 1, [n])
				await asyncio.sleep(0.05)
		finally:
			poller.stop()
			await asyncio.wait_for(task, 5)
			await stop_modbus_server(server)
		steady = [(ts, v) for _d, rs in sink.batches for k, ts, v in rs if k == "steady"]
		moving = [v for _d, rs in sink.batches for k, _ts, v in rs if k == "moving"]
		assert poller.cycles > 20
		assert 2 <= len(steady) <= 4  # the first value, then one heartbeat every 0.5 s
		assert all(b[0] - a[0] >= 0.5 for a, b in itertools.pairwise(steady))
		assert len(moving) == len(set(moving)) > 10  # every change, never the same value twice in a row

	asyncio.run(scenario())
