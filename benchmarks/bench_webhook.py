#!/usr/bin/env python3
"""The device webhook under load: signed batches of readings against a served site, then a zero-loss check.

For --seconds, --concurrency senders POST signed batches of --batch readings (engine.signing, headers
X-MOM-Device / X-MOM-Timestamp / X-MOM-Signature) to /api/method/mom_app.iot.api.ingest of the site. The
readings go to the site's stream; afterwards the stream is drained into MariaDB (writer.drain_once) and
every accepted reading is looked up by its uid. Prints progress, then one JSON line:

  {"benchmark": "webhook", "seconds": ..., "requests": ..., "readings_per_s": ..., "latency_p50_ms": ...,
   "latency_p95_ms": ..., "accepted": ..., "stored": ..., "lost": 0, "duplicated": 0, ...}

Run it with the bench's Python from the sites folder:

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_webhook.py --site <site>

Without --url it starts its own gunicorn (2 workers) for the bench on a free 127.0.0.1 port and stops it at
the end; with --url (e.g. http://127.0.0.1:8000) it uses a running web server (sending Host: <site>).
Without --site-redis the site uses a private redis-server (site config `mom_iot_redis`, removed at the
end) for its stream. It creates a Webhook IoT Device "BENCH-WEBHOOK" and removes it and its readings.
"""

import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEVICE = "BENCH-WEBHOOK"
PATH = "/api/method/mom_app.iot.api.ingest"


def percentile(values, p):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def setup_device() -> str:
	import frappe
	from frappe.utils.password import get_decrypted_password

	if not frappe.db.exists("IoT Device", DEVICE):
		frappe.get_doc(
			{
				"doctype": "IoT Device",
				"device_name": DEVICE,
				"protocol": "Webhook",
				"enabled": 1,
				"rate_limit_per_minute": 10_000_000,
				"tags": [{"tag_key": "v", "signal_role": "Process Parameter"}],
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	return get_decrypted_password("IoT Device", DEVICE, "webhook_secret")


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


def sender(url, site, secret, run, batch, stop, results, lock, worker):
	from mom_app.engine.signing import sign

	parts = urlsplit(url)
	conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
	n = 0
	while not stop.is_set():
		n += 1
		now = time.time()
		message_id = f"{run}-{worker}-{n}"
		body = json.dumps(
			{
				"message_id": message_id,
				"readings": [{"key": "v", "ts": now, "value": i} for i in range(batch)],
			},
			separators=(",", ":"),
		).encode()
		timestamp = f"{now:.3f}"
		headers = {
			"Host": site,
			"Content-Type": "application/octet-stream",
			"X-MOM-Device": DEVICE,
			"X-MOM-Timestamp": timestamp,
			"X-MOM-Signature": "sha256=" + sign(secret, timestamp, body),
		}
		started = time.monotonic()
		try:
			conn.request("POST", PATH, body=body, headers=headers)
			response = conn.getresponse()
			payload = response.read()
			status = response.status
		except (OSError, http.client.HTTPException) as e:
			conn.close()
			conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
			status, payload = 0, str(e).encode()
		latency = time.monotonic() - started
		with lock:
			results["latencies"].append(latency)
			results["status"][status] = results["status"].get(status, 0) + 1
			if status == 202:
				results["accepted"] += json.loads(payload).get("accepted", 0)
				results["messages"].append(message_id)
			elif len(results["errors"]) < 5:
				results["errors"].append(f"{status}: {payload[:200]!r}")
	conn.close()


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--seconds", type=float, default=10)
	parser.add_argument("--batch", type=int, default=500)
	parser.add_argument("--concurrency", type=int, default=4)
	parser.add_argument("--url", default=None, help="a running web server (default: start gunicorn)")
	parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when started here")
	parser.add_argument("--site-redis", action="store_true", help="use the site's own stream Redis")
	parser.add_argument("--drain-timeout", type=float, default=1200, help="give up draining after this long")
	args = parser.parse_args()
	# SIGTERM (e.g. from `timeout`) still cleans up: gunicorn, the private Redis, the site config, the device
	signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

	import frappe
	from frappe.installer import update_site_config

	from benchmarks.served import start_gunicorn, stop_gunicorn
	from mom_app.iot import writer
	from mom_app.iot.testing import RedisServer

	def say(text):
		print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

	sites_path = os.path.abspath(args.sites_path)
	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	redis_server = None
	gunicorn = None
	run = uuid.uuid4().hex[:8]
	results = {"latencies": [], "status": {}, "accepted": 0, "messages": [], "errors": []}
	try:
		if not args.site_redis:
			redis_server = RedisServer().start()
			update_site_config("mom_iot_redis", redis_server.url)
			frappe.local.conf.mom_iot_redis = redis_server.url
		secret = setup_device()
		url = args.url
		if not url:
			gunicorn, url = start_gunicorn(sites_path, args.workers)
		say(f"{args.concurrency} senders x batches of {args.batch} -> {url} for {args.seconds} s")
		stop, lock = threading.Event(), threading.Lock()
		threads = [
			threading.Thread(
				target=sender,
				args=(url, args.site, secret, run, args.batch, stop, results, lock, w),
				daemon=True,
			)
			for w in range(args.concurrency)
		]
		started = time.monotonic()
		for t in threads:
			t.start()
		while time.monotonic() - started < args.seconds:
			time.sleep(min(5, args.seconds - (time.monotonic() - started)))
			say(f"{results['accepted']} readings accepted, statuses {results['status']}")
		stop.set()
		for t in threads:
			t.join(120)
		elapsed = time.monotonic() - started

		say("draining the stream into MariaDB")
		client = writer.stream_redis()
		drain_started = time.monotonic()
		drained = 0
		complete = False
		last_report = drain_started
		while time.monotonic() - drain_started < args.drain_timeout:
			n = writer.drain_once(client=client, consumer="bench-webhook-drain", batch_size=2000)
			drained += n
			if not n:
				complete = True
				break
			if time.monotonic() - last_report > 30:
				last_report = time.monotonic()
				rate = drained / (last_report - drain_started)
				say(f"drained {drained} of {results['accepted']} ({rate:.0f}/s)")
		drain_seconds = time.monotonic() - drain_started
		frappe.db.rollback()
		total, distinct = frappe.db.sql(
			"select count(*), count(distinct uid) from `tabIoT Reading` where device = %s and uid like %s",
			(DEVICE, f"{DEVICE}:{run}-%"),
		)[0]
		latencies = results["latencies"]
		result = {
			"benchmark": "webhook",
			"seconds": round(elapsed, 1),
			"batch": args.batch,
			"concurrency": args.concurrency,
			"requests": len(latencies),
			"statuses": {str(k): v for k, v in results["status"].items()},
			"readings_per_s": round(results["accepted"] / elapsed, 1),
			"requests_per_s": round(len(latencies) / elapsed, 1),
			"latency_p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
			"latency_p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
			"latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
			"accepted": results["accepted"],
			"stored": int(distinct),
			"drain_complete": complete,
			"lost": results["accepted"] - int(distinct) if complete else None,
			"duplicated": int(total) - int(distinct),
			"drained": drained,
			"drain_readings_per_s": round(drained / drain_seconds, 1) if drain_seconds else None,
			"errors": results["errors"],
			"web_workers": args.workers if not args.url else None,
			"cores": os.cpu_count(),
		}
	finally:
		stop_gunicorn(gunicorn)
		if redis_server is not None:
			update_site_config("mom_iot_redis", "None")
			redis_server.cleanup()
		cleanup()
		frappe.destroy()
	print(json.dumps(result))


if __name__ == "__main__":
	main()
