"""One read of every tag (the IoT Device form's Test Connection) against a real pymodbus server and a real
asyncua server in this process, and against a port where nothing listens."""

import asyncio
import time

from mom_app.engine.modbus_codec import TagSpec, encode
from mom_app.iot.protocols import probe
from mom_app.iot.sim.machine import LATHE, Machine, fast
from mom_app.iot.sim.servers import (
	OpcUaSimServer,
	free_port,
	generate_certificates,
	modbus_device,
	set_values,
	start_modbus_server,
	stop_modbus_server,
)

UNIT = 3


def by_key(result: probe.Probe) -> dict[str, probe.TagRead]:
	return {t.key: t for t in result.tags}


def modbus_tags():
	return [
		TagSpec("speed", "Holding Register", 0, "uint16"),
		TagSpec("temp", "Holding Register", 4, "float32", "Big", scale=2.0, offset=1.0),
		TagSpec("door", "Coil", 5, "bool"),
		# the server's holding table has 20 registers: this block is refused with exception 2
		TagSpec("beyond", "Holding Register", 500, "uint16"),
	]


def test_modbus_reads_each_tag_once_and_says_which_failed():
	async def scenario():
		port = free_port()
		server = await start_modbus_server([modbus_device(UNIT, holding=20, coils=16)], port=port)
		try:
			await set_values(server, UNIT, "Holding Register", 0, [1234])
			await set_values(server, UNIT, "Holding Register", 4, encode(20.5, "float32"))
			await set_values(server, UNIT, "Coil", 5, [1])
			return await probe.probe_modbus("127.0.0.1", port, UNIT, modbus_tags(), timeout=2)
		finally:
			await stop_modbus_server(server)

	result = asyncio.run(scenario())
	assert result.connected and not result.error
	tags = by_key(result)
	assert [t.key for t in result.tags] == ["speed", "temp", "door", "beyond"]  # the device's order
	assert tags["speed"].value == 1234 and not tags["speed"].error
	assert tags["temp"].value == 42.0  # 20.5 * 2 + 1: as it would be stored
	assert tags["door"].value == 1.0
	assert tags["beyond"].value is None
	assert (tags["beyond"].error, tags["beyond"].detail) == (probe.MODBUS_EXCEPTION, "2")
	assert result.seconds < 5
	assert result.as_dict()["tags"][0] == {"key": "speed", "value": 1234.0, "error": "", "detail": ""}


def test_modbus_closed_port_is_refused_quickly():
	port = free_port()  # nothing listens there
	started = time.monotonic()
	result = asyncio.run(probe.probe_modbus("127.0.0.1", port, UNIT, modbus_tags(), timeout=2))
	assert time.monotonic() - started < 3
	assert not result.connected
	assert result.error == probe.REFUSED
	assert {t.error for t in result.tags} == {probe.NOT_READ}
	assert all(t.value is None for t in result.tags)


def test_unknown_host_is_named():
	result = asyncio.run(probe.probe_modbus("no-such-host.invalid", 502, 1, modbus_tags(), timeout=2))
	assert not result.connected
	assert result.error in (probe.HOST_UNKNOWN, probe.TIMEOUT)  # a resolver that does not answer times out


def opcua_machine():
	# a machine that stands still (its first cycle takes a day): the values are the test's
	return Machine("M1", fast(LATHE, 1 / 180), 1, time.time())


def test_opcua_reads_each_node_once_and_names_unknown_nodes():
	async def scenario():
		server = OpcUaSimServer([opcua_machine()], port=free_port())
		await server.start()
		try:
			await server.write("M1", "good", 1500, "uint32")
			await server.write("M1", "process", 40.25, "float32")
			nodes = [
				(server.node_id("M1", "good"), "good", 1.0, 0.0),
				(server.node_id("M1", "process"), "process", 10.0, -1.0),
				(f"ns={server.ns};s=M1.nothing", "missing", 1.0, 0.0),
			]
			return await probe.probe_opcua(server.endpoint, nodes, timeout=2)
		finally:
			await server.stop()

	result = asyncio.run(scenario())
	assert result.connected and not result.error, result
	tags = by_key(result)
	assert tags["good"].value == 1500
	assert tags["process"].value == 401.5  # 40.25 * 10 - 1
	assert (tags["missing"].error, tags["missing"].detail) == (probe.BAD_STATUS, "BadNodeIdUnknown")


def test_opcua_closed_port_is_refused():
	endpoint = f"opc.tcp://127.0.0.1:{free_port()}/nothing"
	result = asyncio.run(probe.probe_opcua(endpoint, [("ns=2;s=M1.good", "good", 1.0, 0.0)], timeout=2))
	assert not result.connected
	assert result.error == probe.REFUSED
	assert [(t.key, t.error) for t in result.tags] == [("good", probe.NOT_READ)]


def test_opcua_security_the_server_refuses(tmp_path):
	async def scenario():
		certs = await generate_certificates(tmp_path / "pki")
		server = OpcUaSimServer([opcua_machine()], port=free_port(), certificates=certs, allow_none=False)
		await server.start()
		try:
			node = [(server.node_id("M1", "good"), "good", 1.0, 0.0)]
			plain = await probe.probe_opcua(server.endpoint, node, timeout=2)
			secure = await probe.probe_opcua(
				server.endpoint,
				node,
				security_policy="Basic256Sha256",
				security_mode="SignAndEncrypt",
				client_certificate=str(certs.client_certificate),
				client_private_key=str(certs.client_private_key),
				server_certificate=str(certs.server_certificate),
				timeout=2,
			)
			missing = await probe.probe_opcua(
				server.endpoint,
				node,
				security_policy="Basic256Sha256",
				security_mode="Sign",
				client_certificate=str(tmp_path / "gone.der"),
				client_private_key=str(tmp_path / "gone.pem"),
				timeout=2,
			)
			return plain, secure, missing
		finally:
			await server.stop()

	plain, secure, missing = asyncio.run(scenario())
	assert not plain.connected and plain.error == probe.SECURITY, plain
	assert "SecurityPolicy#None" in plain.detail
	assert secure.connected and by_key(secure)["good"].value is not None, secure
	assert not missing.connected and missing.error == probe.CONFIG
