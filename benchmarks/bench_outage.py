#!/usr/bin/env python3
"""A MariaDB outage seen by the stream writer: nothing lost, nothing stored twice, and how fast it catches up.

Readings go into the site's readings stream at --rate per second (a private redis-server with an
append-only file, on a free port). The writer (mom_app.iot.collector.writer_loop, i.e. writer.drain_once
with backoff) reaches MariaDB through a TCP proxy on 127.0.0.1; after --before seconds the proxy is cut for
--outage-seconds (the writer fails and retries, the readings wait unacknowledged in Redis), then restored;
readings keep coming for --after seconds, then the producer stops and the backlog drains. Prints progress,
then one JSON line:

  {"benchmark": "outage", "rate_per_s": 1000, "outage_seconds": 300, "produced": ..., "stored": ...,
   "lost": 0, "duplicated": 0, "backlog_at_restore": ..., "drain_rate_per_s": ..., "catch_up_seconds": ...}

Run it with the bench's Python from the sites folder (it needs Frappe and a site with mom_app):

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_outage.py --site <site>

It creates a Webhook IoT Device "BENCH-OUTAGE" (no workstation) and removes it and its readings at the end.
The site's real MariaDB and Redis are never stopped.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEVICE = "BENCH-OUTAGE"


def setup_device():
	import frappe

	if not frappe.db.exists("IoT Device", DEVICE):
		frappe.get_doc(
			{
				"doctype": "IoT Device",
				"device_name": DEVICE,
				"protocol": "Webhook",
				"enabled": 1,
				"tags": [{"tag_key": "v", "signal_role": "Process Parameter"}],
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()


def cleanup():
	import frappe

	frappe.db.rollback()
	while frappe.db.count("IoT Reading", {"device": DEVICE}):
		frappe.db.sql("delete from `tabIoT Reading` where device = %s limit 20000", DEVICE)
		frappe.db.commit()
	frappe.db.sql("delete from `tabIoT Minute Aggregate` where device = %s", DEVICE)
	if frappe.db.exists("IoT Device", DEVICE):
		frappe.delete_doc("IoT Device", DEVICE, force=True, ignore_permissions=True)
	frappe.db.commit()


def stored_counts(run: str) -> tuple[int, int]:
	import frappe

	frappe.db.rollback()
	total, distinct = frappe.db.sql(
		"select count(*), count(distinct uid) from `tabIoT Reading` where device = %s and uid like %s",
		(DEVICE, f"{DEVICE}:{run}:%"),
	)[0]
	return int(total), int(distinct)


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--rate", type=int, default=1000, help="readings per second into the stream")
	parser.add_argument("--outage-seconds", type=float, default=300)
	parser.add_argument("--before", type=float, default=10)
	parser.add_argument("--after", type=float, default=10)
	args = parser.parse_args()

	import frappe
	import redis

	from mom_app.iot import stream
	from mom_app.iot.collector import writer_loop
	from mom_app.iot.testing import RedisServer, TcpProxy

	def say(text):
		print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

	sites_path = os.path.abspath(args.sites_path)
	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	conf = frappe.get_site_config()
	redis_server = RedisServer().start()
	client = redis.Redis.from_url(redis_server.url, socket_connect_timeout=2, socket_timeout=15)
	key = stream.stream_key(args.site)
	proxy = TcpProxy(conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306).start()
	run = uuid.uuid4().hex[:8]
	counts = {"produced": 0, "stored": 0, "writer_errors": 0}
	stop_writer, stop_producer = threading.Event(), threading.Event()
	try:
		setup_device()
		stream.ensure_group(client, key)

		def produce():
			per_tick = max(1, args.rate // 10)
			next_at = time.monotonic()
			while not stop_producer.is_set():
				now = time.time()
				first = counts["produced"]
				rows = [
					{
						"uid": f"{DEVICE}:{run}:{first + i}",
						"device": DEVICE,
						"tag": "v",
						"ts": now,
						"value": first + i,
					}
					for i in range(per_tick)
				]
				stream.append(client, key, rows)
				counts["produced"] += per_tick
				next_at += 0.1
				time.sleep(max(0.0, next_at - time.monotonic()))

		def on_stored(n):
			counts["stored"] += n

		def on_error(_error):
			counts["writer_errors"] += 1

		writer = threading.Thread(
			target=writer_loop,
			args=(args.site, sites_path, client, "bench-outage-writer", stop_writer),
			kwargs={
				"conf": {"db_host": "127.0.0.1", "db_port": proxy.port},
				"on_stored": on_stored,
				"on_error": on_error,
			},
			daemon=True,
		)
		producer = threading.Thread(target=produce, daemon=True)
		writer.start()
		producer.start()
		say(f"producing {args.rate}/s; writer through the proxy on port {proxy.port}")
		time.sleep(args.before)

		say(f"MariaDB cut for the writer for {args.outage_seconds:.0f} s")
		proxy.cut()
		outage_started = time.monotonic()
		while time.monotonic() - outage_started < args.outage_seconds:
			time.sleep(min(30, args.outage_seconds - (time.monotonic() - outage_started)))
			say(
				f"outage: {client.xlen(key)} readings waiting in Redis, writer errors {counts['writer_errors']}"
			)
		backlog = client.xlen(key)
		produced_at_restore = counts["produced"]
		proxy.restore()
		restored = time.monotonic()
		say(f"MariaDB back; backlog {backlog}")

		caught_up = None
		after_until = restored + args.after
		deadline = restored + max(120, args.outage_seconds * 3)
		while time.monotonic() < deadline:
			if time.monotonic() >= after_until and not stop_producer.is_set():
				stop_producer.set()
				producer.join(10)
				say(f"producer stopped at {counts['produced']} readings")
			stored, _distinct = stored_counts(run)
			if caught_up is None and stored >= produced_at_restore:
				caught_up = time.monotonic() - restored
				say(f"caught up with the backlog in {caught_up:.1f} s")
			if stop_producer.is_set() and stored >= counts["produced"]:
				break
			time.sleep(1)
		drained = time.monotonic() - restored
		stop_writer.set()
		writer.join(30)
		total, distinct = stored_counts(run)
		produced = counts["produced"]
		result = {
			"benchmark": "outage",
			"rate_per_s": args.rate,
			"outage_seconds": args.outage_seconds,
			"produced": produced,
			"stored": distinct,
			"lost": produced - distinct,
			"duplicated": total - distinct,
			"backlog_at_restore": backlog,
			"catch_up_seconds": round(caught_up, 1) if caught_up is not None else None,
			# the stream is first in, first out: in catch_up_seconds the writer stored exactly the backlog
			"drain_rate_per_s": round(backlog / caught_up, 1) if caught_up else None,
			"backlog_shrink_per_s": round(backlog / caught_up - args.rate, 1) if caught_up else None,
			"seconds_to_drain_all": round(drained, 1),
			"writer_errors": counts["writer_errors"],
			"stream_left": client.xlen(key),
			"cores": os.cpu_count(),
		}
	finally:
		stop_producer.set()
		stop_writer.set()
		proxy.cut()
		try:
			client.delete(key)
		except Exception:
			pass
		redis_server.cleanup()
		cleanup()
		frappe.destroy()
	print(json.dumps(result))


if __name__ == "__main__":
	main()
