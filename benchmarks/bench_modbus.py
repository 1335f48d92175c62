#!/usr/bin/env python3
"""Modbus TCP polling throughput: N simulated devices x M registers, polled by mom_app's ModbusPoller, and
by plain pymodbus clients polling the same registers one after the other (the reference).

The devices are pymodbus servers (one port each, 127.0.0.1) in a separate process whose registers change
every 100 ms. In the same run, against the same servers, for --seconds each:

  - mom_app: one ModbusPoller per device, all in one asyncio loop, no pause between polls (interval 0);
    a poll of one device reads its registers in one request (engine.modbus_codec.plan_blocks);
  - naive, per tag: one synchronous pymodbus ModbusTcpClient per device (connected once, kept open), and one
    loop that reads every register of every device with its own read_holding_registers(address, count=1),
    device after device, as an integrator's first polling script does;
  - naive, per device: the same loop with one read_holding_registers(0, count=M) per device (a block read,
    still one device after the other).

The figure is registers (tag values) read per second; ratio = mom_app / naive. Prints progress, then one
JSON line:

  {"benchmark": "modbus", "devices": 20, "registers": 10, "seconds": ..., "block_reads_per_s": ...,
   "register_reads_per_s": ..., "naive_per_tag": {...}, "ratio_to_naive_per_tag": ...,
   "naive_per_device": {...}, "ratio_to_naive_per_device": ..., "target_register_reads_per_s": 2000,
   "meets_target": true, ...}

    python benchmarks/bench_modbus.py [--devices 20] [--registers 10] [--seconds 10] [--no-naive]

Needs only pymodbus (no Frappe); run from the repository root or anywhere (the path is set below).
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 2000


async def delayed_proxy(port: int, target: int, latency: float):
	"""Listen on `port`, forward to `target`; every answer goes back `latency` seconds late (a device that takes
	that long to answer, or the network and gateway in between)."""

	async def pipe(reader, writer, delay):
		try:
			while data := await reader.read(65536):
				if delay:
					await asyncio.sleep(delay)
				writer.write(data)
				await writer.drain()
		except (ConnectionError, asyncio.CancelledError):
			pass
		finally:
			writer.close()

	tasks = set()  # the event loop keeps only weak references to tasks

	async def accept(client_reader, client_writer):
		server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
		for task in (
			asyncio.create_task(pipe(client_reader, server_writer, 0)),
			asyncio.create_task(pipe(server_reader, client_writer, latency)),
		):
			tasks.add(task)
			task.add_done_callback(tasks.discard)

	return await asyncio.start_server(accept, "127.0.0.1", port)


def serve(ports, registers, ready, stop, latency_ms=0.0):
	"""Child process: one Modbus server per port, registers incremented every 100 ms; with a latency, each
	server sits behind a proxy on the port that delays every answer."""

	async def main():
		from mom_app.iot.sim.servers import (
			free_port,
			modbus_device,
			set_values,
			start_modbus_server,
			stop_modbus_server,
		)

		servers, proxies = [], []
		for p in ports:
			inner = free_port() if latency_ms else p
			servers.append(await start_modbus_server([modbus_device(1, holding=registers)], port=inner))
			if latency_ms:
				proxies.append(await delayed_proxy(p, inner, latency_ms / 1000))
		ready.set()
		n = 0
		while not stop.is_set():
			n += 1
			for i, server in enumerate(servers):
				await set_values(
					server, 1, "Holding Register", 0, [(n + i + r) % 65536 for r in range(registers)]
				)
			await asyncio.sleep(0.1)
		for proxy in proxies:
			proxy.close()
		for server in servers:
			await stop_modbus_server(server)

	import logging

	logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
	asyncio.run(main())


async def poll(ports, registers, seconds):
	from mom_app.engine.modbus_codec import TagSpec
	from mom_app.iot.protocols.modbus import ModbusPoller

	readings = 0
	latencies = []

	async def sink(_device, batch):
		nonlocal readings
		readings += len(batch)

	tags = [TagSpec(f"r{r}", "Holding Register", r, "uint16") for r in range(registers)]
	pollers = [
		ModbusPoller(f"D{i:02d}", "127.0.0.1", port, 1, tags, sink, interval=0, timeout=2)
		for i, port in enumerate(ports)
	]
	tasks = [asyncio.create_task(p.run()) for p in pollers]
	# warm up: every poller connected and polling
	deadline = time.monotonic() + 15
	while time.monotonic() < deadline and not all(p.cycles for p in pollers):
		await asyncio.sleep(0.05)
	start_reads = sum(p.block_reads for p in pollers)
	start_readings = readings
	started = time.monotonic()
	while time.monotonic() - started < seconds:
		t0 = time.monotonic()
		await asyncio.sleep(1)
		latencies.append(time.monotonic() - t0 - 1)  # event-loop lag: how busy the loop is
		done = sum(p.block_reads for p in pollers) - start_reads
		print(f"  {time.monotonic() - started:5.1f} s: {done} block reads", file=sys.stderr)
	elapsed = time.monotonic() - started
	block_reads = sum(p.block_reads for p in pollers) - start_reads
	got = readings - start_readings
	for p in pollers:
		p.stop()
	await asyncio.gather(*tasks, return_exceptions=True)
	return {
		"seconds": round(elapsed, 2),
		"block_reads": block_reads,
		"block_reads_per_s": round(block_reads / elapsed, 1),
		"register_reads_per_s": round(got / elapsed, 1),
		"per_device_polls_per_s": round(block_reads / elapsed / len(ports), 1),
		"errors": sum(p.errors for p in pollers),
		"loop_lag_ms_median": round(statistics.median(latencies) * 1000, 1) if latencies else None,
	}


def naive(ports, registers, seconds, per_tag: bool) -> dict:
	"""One plain synchronous pymodbus client per device, polled in turn by one loop (see the module doc)."""
	from pymodbus.client import ModbusTcpClient

	from mom_app.iot.protocols.modbus import unit_keyword

	clients = [ModbusTcpClient("127.0.0.1", port=p, timeout=2, retries=0) for p in ports]
	for client in clients:
		if not client.connect():
			raise SystemExit(f"the naive client could not connect to port {client.comm_params.port}")
	unit = {unit_keyword(clients[0]): 1}
	requests = values = errors = 0

	def sweep():
		nonlocal requests, values, errors
		for client in clients:
			if per_tag:
				for address in range(registers):
					response = client.read_holding_registers(address, count=1, **unit)
					requests += 1
					if response.isError():
						errors += 1
					else:
						values += len(response.registers)
			else:
				response = client.read_holding_registers(0, count=registers, **unit)
				requests += 1
				if response.isError():
					errors += 1
				else:
					values += len(response.registers)

	try:
		sweep()  # warm-up: every connection used once
		requests = values = errors = 0
		sweeps = 0
		started = next_report = time.monotonic()
		while time.monotonic() - started < seconds:
			sweep()
			sweeps += 1
			if time.monotonic() >= next_report + 1:
				next_report = time.monotonic()
				print(f"  {next_report - started:5.1f} s: {requests} requests (naive)", file=sys.stderr)
		elapsed = time.monotonic() - started
	finally:
		for client in clients:
			client.close()
	return {
		"what": "one request per register" if per_tag else "one request per device",
		"seconds": round(elapsed, 2),
		"requests_per_s": round(requests / elapsed, 1),
		"register_reads_per_s": round(values / elapsed, 1),
		"per_device_polls_per_s": round(sweeps / elapsed, 1),
		"errors": errors,
	}


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--devices", type=int, default=20)
	parser.add_argument("--registers", type=int, default=10)
	parser.add_argument("--seconds", type=float, default=10)
	parser.add_argument("--no-naive", action="store_true", help="skip the plain pymodbus reference")
	parser.add_argument(
		"--latency-ms",
		type=float,
		default=0,
		help="every device answers this late (a proxy in front of each server; 0: loopback speed)",
	)
	args = parser.parse_args()

	import logging

	logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
	from mom_app.iot.sim.servers import free_port

	ports = [free_port() for _ in range(args.devices)]
	ctx = multiprocessing.get_context("spawn")
	ready, stop = ctx.Event(), ctx.Event()
	server = ctx.Process(
		target=serve, args=(ports, args.registers, ready, stop, args.latency_ms), daemon=True
	)
	server.start()
	try:
		if not ready.wait(30):
			raise SystemExit("the Modbus servers did not start")
		print(
			f"polling {args.devices} devices x {args.registers} registers for {args.seconds} s",
			file=sys.stderr,
		)
		figures = asyncio.run(poll(ports, args.registers, args.seconds))
		references = {}
		if not args.no_naive:
			for per_tag in (True, False):
				key = "naive_per_tag" if per_tag else "naive_per_device"
				print(f"{key}: plain pymodbus, devices in turn, for {args.seconds} s", file=sys.stderr)
				references[key] = naive(ports, args.registers, args.seconds, per_tag)
				references["ratio_to_" + key] = round(
					figures["register_reads_per_s"] / references[key]["register_reads_per_s"], 2
				)
	finally:
		stop.set()
		server.join(10)
		if server.is_alive():
			server.terminate()
	result = {
		"benchmark": "modbus",
		"devices": args.devices,
		"registers": args.registers,
		"latency_ms": args.latency_ms,
		**figures,
		**references,
		"target_register_reads_per_s": TARGET,
		"meets_target": figures["register_reads_per_s"] >= TARGET,
		"cores": os.cpu_count(),
		"python": sys.version.split()[0],
	}
	print(json.dumps(result))


if __name__ == "__main__":
	main()
