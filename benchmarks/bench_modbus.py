#!/usr/bin/env python3
"""Modbus TCP polling throughput: N simulated devices x M registers, polled by mom_app's ModbusPoller.

The devices are pymodbus servers (one port each, 127.0.0.1) in a separate process whose registers change
every 100 ms; the pollers run in this process with no pause between polls (interval 0) for --seconds.
Prints progress, then one JSON line:

  {"benchmark": "modbus", "devices": 20, "registers": 10, "seconds": ..., "block_reads_per_s": ...,
   "register_reads_per_s": ..., "target_register_reads_per_s": 2000, "meets_target": true, ...}

A poll of one device reads its 10 registers in one request (engine.modbus_codec.plan_blocks); the target
counts registers (tag values) read per second.

    python benchmarks/bench_modbus.py [--devices 20] [--registers 10] [--seconds 10]

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


def serve(ports, registers, ready, stop):
	"""Child process: one Modbus server per port, registers incremented every 100 ms."""

	async def main():
		from mom_app.iot.sim.servers import modbus_device, set_values, start_modbus_server, stop_modbus_server

		servers = [await start_modbus_server([modbus_device(1, holding=registers)], port=p) for p in ports]
		ready.set()
		n = 0
		while not stop.is_set():
			n += 1
			for i, server in enumerate(servers):
				await set_values(
					server, 1, "Holding Register", 0, [(n + i + r) % 65536 for r in range(registers)]
				)
			await asyncio.sleep(0.1)
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


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--devices", type=int, default=20)
	parser.add_argument("--registers", type=int, default=10)
	parser.add_argument("--seconds", type=float, default=10)
	args = parser.parse_args()

	import logging

	logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
	from mom_app.iot.sim.servers import free_port

	ports = [free_port() for _ in range(args.devices)]
	ctx = multiprocessing.get_context("spawn")
	ready, stop = ctx.Event(), ctx.Event()
	server = ctx.Process(target=serve, args=(ports, args.registers, ready, stop), daemon=True)
	server.start()
	try:
		if not ready.wait(30):
			raise SystemExit("the Modbus servers did not start")
		print(
			f"polling {args.devices} devices x {args.registers} registers for {args.seconds} s",
			file=sys.stderr,
		)
		figures = asyncio.run(poll(ports, args.registers, args.seconds))
	finally:
		stop.set()
		server.join(10)
		if server.is_alive():
			server.terminate()
	result = {
		"benchmark": "modbus",
		"devices": args.devices,
		"registers": args.registers,
		**figures,
		"target_register_reads_per_s": TARGET,
		"meets_target": figures["register_reads_per_s"] >= TARGET,
		"cores": os.cpu_count(),
		"python": sys.version.split()[0],
	}
	print(json.dumps(result))


if __name__ == "__main__":
	main()
