#!/usr/bin/env python3
"""OPC UA subscription lag: 5,000 monitored items at a 1 s publishing interval.

An asyncua server in a separate process holds --items Double variables (in objects of 100) and writes a
new value with the current source timestamp into every one of them once per second. mom_app's
OpcUaSubscriber subscribes to all of them (one subscription, data-change notifications) and measures, for
every notification, lag = time received - source timestamp. Prints progress, then one JSON line:

  {"benchmark": "opcua", "items": 5000, "publishing_interval_ms": 1000, "lag_p50_s": ..., "lag_p95_s": ...,
   "lag_max_s": ..., "target_lag_s": 2.0, "meets_target": true, ...}

    python benchmarks/bench_opcua.py [--items 5000] [--seconds 20] [--publishing-ms 1000]

Needs only asyncua (no Frappe).
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_LAG = 2.0
PER_OBJECT = 100


def node_ids(items: int) -> list[str]:
	return [f"ns=2;s=M{i // PER_OBJECT:03d}.v{i % PER_OBJECT:03d}" for i in range(items)]


def serve(port, items, ready, stop, write_seconds):
	"""Child process: the server; every variable gets a new value (with its source timestamp) each second."""
	import logging

	logging.getLogger("asyncua").setLevel(logging.CRITICAL)

	async def main():
		from datetime import datetime, timezone

		from asyncua import Server, ua

		server = Server()
		await server.init()
		server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/bench")
		server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
		ns = await server.register_namespace("urn:mom-app:bench")
		assert ns == 2
		nodes = []
		for start in range(0, items, PER_OBJECT):
			obj = await server.nodes.objects.add_object(
				ua.NodeId(f"M{start // PER_OBJECT:03d}", ns), f"{ns}:M{start // PER_OBJECT:03d}"
			)
			for i in range(start, min(start + PER_OBJECT, items)):
				var = await obj.add_variable(
					ua.NodeId(f"M{i // PER_OBJECT:03d}.v{i % PER_OBJECT:03d}", ns), f"{ns}:v{i}", 0.0
				)
				nodes.append(var.nodeid)
		await server.start()
		ready.set()
		n = 0
		while not stop.is_set():
			started = time.monotonic()
			n += 1
			stamp = datetime.now(timezone.utc)
			for i, nodeid in enumerate(nodes):
				await server.write_attribute_value(
					nodeid,
					ua.DataValue(
						ua.Variant(float(n + i), ua.VariantType.Double),
						SourceTimestamp=stamp,
						ServerTimestamp=stamp,
					),
				)
			write_seconds.value = time.monotonic() - started
			await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
		await server.stop()

	asyncio.run(main())


async def subscribe(port, items, seconds, publishing_ms):
	import logging

	logging.getLogger("asyncua").setLevel(logging.CRITICAL)
	from mom_app.iot.protocols.opcua import OpcUaSubscriber

	lags: list[float] = []
	measuring = False

	async def sink(_device, batch):
		now = time.time()
		if measuring:
			lags.extend(now - ts for _key, ts, _value in batch)

	nodes = {node_id: node_id for node_id in node_ids(items)}
	subscriber = OpcUaSubscriber(
		"bench",
		f"opc.tcp://127.0.0.1:{port}/bench",
		nodes,
		sink,
		publishing_interval_ms=publishing_ms,
		sampling_interval_ms=publishing_ms,
		queue_size=1,
		timeout=30,
	)
	started = time.monotonic()
	task = asyncio.create_task(subscriber.run())
	while subscriber.health != "Online" and time.monotonic() - started < 120:
		await asyncio.sleep(0.1)
	subscribed_in = time.monotonic() - started
	await asyncio.sleep(3)  # the initial values and the first publishes
	measuring = True
	t0 = time.monotonic()
	while time.monotonic() - t0 < seconds:
		await asyncio.sleep(2)
		print(f"  {time.monotonic() - t0:5.1f} s: {len(lags)} notifications", file=sys.stderr)
	measuring = False
	elapsed = time.monotonic() - t0
	subscriber.stop()
	await asyncio.wait_for(task, 30)
	return lags, elapsed, subscribed_in, subscriber


def percentile(values, p):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--items", type=int, default=5000)
	parser.add_argument("--seconds", type=float, default=20)
	parser.add_argument("--publishing-ms", type=float, default=1000)
	args = parser.parse_args()

	from mom_app.iot.sim.servers import free_port

	port = free_port()
	ctx = multiprocessing.get_context("spawn")
	ready, stop = ctx.Event(), ctx.Event()
	write_seconds = ctx.Value("d", 0.0)
	server = ctx.Process(target=serve, args=(port, args.items, ready, stop, write_seconds), daemon=True)
	server.start()
	try:
		if not ready.wait(180):
			raise SystemExit("the OPC UA server did not start")
		print(f"subscribing to {args.items} items, publishing every {args.publishing_ms} ms", file=sys.stderr)
		lags, elapsed, subscribed_in, subscriber = asyncio.run(
			subscribe(port, args.items, args.seconds, args.publishing_ms)
		)
	finally:
		stop.set()
		server.join(20)
		if server.is_alive():
			server.terminate()
	if not lags:
		raise SystemExit("no notifications arrived")
	result = {
		"benchmark": "opcua",
		"items": args.items,
		"publishing_interval_ms": args.publishing_ms,
		"seconds": round(elapsed, 1),
		"notifications": len(lags),
		"notifications_per_s": round(len(lags) / elapsed, 1),
		"expected_per_s": args.items,
		"subscribe_seconds": round(subscribed_in, 2),
		"server_write_seconds_per_round": round(write_seconds.value, 3),
		"lag_p50_s": round(percentile(lags, 50), 3),
		"lag_p95_s": round(percentile(lags, 95), 3),
		"lag_max_s": round(max(lags), 3),
		"refused_items": len(subscriber.refused),
		"target_lag_s": TARGET_LAG,
		"meets_target": percentile(lags, 95) < TARGET_LAG and max(lags) < TARGET_LAG,
		"cores": os.cpu_count(),
		"python": sys.version.split()[0],
	}
	print(json.dumps(result))


if __name__ == "__main__":
	main()
