"""OpcUaSubscriber against a real asyncua server in this process: data-change notifications without
security and with Basic256Sha256 SignAndEncrypt (certificates generated here), refusal and reconnection."""

import asyncio
import time

import pytest

from mom_app.engine import backoff
from mom_app.iot.protocols import OFFLINE, ONLINE
from mom_app.iot.protocols.opcua import OpcUaSubscriber, SecurityConfigError, application_uri
from mom_app.iot.sim.machine import DOWN, IDLE, LATHE, RUNNING, SIGNALS, Machine, fast
from mom_app.iot.sim.servers import CLIENT_URI, OpcUaSimServer, free_port, generate_certificates


def quick_delays():
	return backoff.delays(base=0.2, factor=2, cap=0.5, jitter=0.0)


async def until(predicate, timeout=10.0):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if predicate():
			return True
		await asyncio.sleep(0.05)
	return predicate()


class Sink:
	def __init__(self):
		self.readings = []
		self.health = []

	async def on_readings(self, device, readings):
		assert device == "M1"
		self.readings.extend(readings)

	def on_health(self, device, health, error_text):
		self.health.append((health, error_text))

	def values(self, key):
		return [value for k, _ts, value in self.readings if k == key]


def machine():
	# a machine model that stands still (its first cycle takes a day): the test writes the values itself
	profile = fast(LATHE, 1 / 180)
	return Machine("M1", profile, 1, time.time())


async def exercise(server: OpcUaSimServer, **security):
	sink = Sink()
	nodes = {server.node_id("M1", s.key): s.key for s in SIGNALS}
	subscriber = OpcUaSubscriber(
		"M1",
		server.endpoint,
		nodes,
		sink.on_readings,
		sink.on_health,
		publishing_interval_ms=100,
		sampling_interval_ms=0,
		delays=quick_delays,
		**security,
	)
	task = asyncio.create_task(subscriber.run())
	try:
		assert await until(lambda: subscriber.health == ONLINE), sink.health
		# the initial values arrive first (a new monitored item reports its current value)
		assert await until(lambda: len({k for k, _t, _v in sink.readings}) == len(SIGNALS))
		before = len(sink.readings)
		written_at = time.time()
		for n, state in enumerate((DOWN, IDLE, RUNNING), start=1):
			await server.write("M1", "state", state, "uint16")
			await server.write("M1", "good", 1000 + n, "uint32")
			await server.write("M1", "process", 40.5 + n, "float32")
			await asyncio.sleep(0.3)
		assert await until(lambda: sink.values("good")[-1:] == [1003.0])
		assert sink.values("state")[-3:] == [DOWN, IDLE, RUNNING]
		assert sink.values("good")[-3:] == [1001, 1002, 1003]
		assert sink.values("process")[-3:] == [41.5, 42.5, 43.5]
		fresh = sink.readings[before:]
		assert all(written_at - 1 <= ts <= time.time() + 1 for _k, ts, _v in fresh), "source timestamps"
		assert subscriber.notifications >= len(SIGNALS) + 9
	finally:
		subscriber.stop()
		await asyncio.wait_for(task, 10)
	return subscriber, sink


def test_data_changes_without_security():
	async def scenario():
		server = OpcUaSimServer([machine()], port=free_port())
		await server.start()
		try:
			await exercise(server)
		finally:
			await server.stop()

	asyncio.run(scenario())


def test_data_changes_with_basic256sha256_sign_and_encrypt(tmp_path):
	async def scenario():
		certs = await generate_certificates(tmp_path / "pki")
		assert application_uri(certs.client_certificate) == CLIENT_URI
		server = OpcUaSimServer([machine()], port=free_port(), certificates=certs, allow_none=False)
		await server.start()
		try:
			await exercise(
				server,
				security_policy="Basic256Sha256",
				security_mode="SignAndEncrypt",
				client_certificate=certs.client_certificate,
				client_private_key=certs.client_private_key,
				server_certificate=certs.server_certificate,
			)
			# the same server refuses a client without security
			sink = Sink()
			plain = OpcUaSubscriber(
				"M1",
				server.endpoint,
				{server.node_id("M1", "good"): "good"},
				sink.on_readings,
				sink.on_health,
				delays=quick_delays,
			)
			task = asyncio.create_task(plain.run())
			try:
				assert await until(lambda: plain.health == OFFLINE)
				assert not sink.readings
			finally:
				plain.stop()
				await asyncio.wait_for(task, 10)
		finally:
			await server.stop()

	asyncio.run(scenario())


def test_reconnects_after_server_restart():
	async def scenario():
		port = free_port()
		server = OpcUaSimServer([machine()], port=port)
		await server.start()
		sink = Sink()
		subscriber = OpcUaSubscriber(
			"M1",
			server.endpoint,
			{server.node_id("M1", "good"): "good"},
			sink.on_readings,
			sink.on_health,
			publishing_interval_ms=100,
			timeout=2,
			delays=quick_delays,
		)
		task = asyncio.create_task(subscriber.run())
		try:
			assert await until(lambda: subscriber.health == ONLINE)
			await server.stop()
			assert await until(lambda: subscriber.health == OFFLINE)
			server = OpcUaSimServer([machine()], port=port)
			await server.start()
			assert await until(lambda: subscriber.health == ONLINE)
			await server.write("M1", "good", 77, "uint32")
			assert await until(lambda: sink.values("good")[-1:] == [77.0])
			assert subscriber.connects == 2
		finally:
			subscriber.stop()
			await asyncio.wait_for(task, 10)
			await server.stop()

	asyncio.run(scenario())


def test_security_settings_are_checked():
	async def nothing(*_args):
		pass

	with pytest.raises(SecurityConfigError):
		OpcUaSubscriber("M", "opc.tcp://127.0.0.1:1", {}, nothing, security_policy="Basic256Sha256")
	with pytest.raises(SecurityConfigError):
		OpcUaSubscriber("M", "opc.tcp://127.0.0.1:1", {}, nothing, security_mode="Sign")
	with pytest.raises(SecurityConfigError):
		OpcUaSubscriber(
			"M", "opc.tcp://127.0.0.1:1", {}, nothing, security_policy="Basic128Rsa15", security_mode="Sign"
		)
