#!/usr/bin/env python3
"""The device webhook under load against a served site, the writer's drain, and Frappe's REST API beside it.

1. Accept: for --seconds, --concurrency senders offer --rate readings/s in signed batches of --batch
   readings (engine.signing; headers X-MOM-Device / X-MOM-Timestamp / X-MOM-Signature) to
   /api/method/mom_app.iot.api.ingest. The readings belong to --series series: --series 1000 is 10 Webhook
   IoT Devices of 100 tags each, --series 1 is one device with one tag (every reading in one minute
   aggregate at a time: the worst case for the aggregates). Each request is one device's batch.
2. Drain: then --writers writer processes (default 1) drain the stream into MariaDB the way the
   collector's writer loop does it (writer.drain_once with the site's IoT Settings), until it is empty.
   The drain rate is measured over the whole drain and in 10 s windows (`drain_min_window_per_s`: the
   slowest full window; `drain_keeps_up`: it is at least the accepted rate).
3. Check: every accepted reading is looked up by its uid (stored, lost, duplicated), the minute
   aggregates' counts add up to the readings stored, and every minute aggregate of the run is compared
   with an exact recompute from the raw readings (`aggregates_wrong`: minutes that differ).
4. REST baseline, same run, same server: the same kind of readings inserted through Frappe's REST API by
   an API-key user for --rest-seconds per mode:
   - `resource`: POST /api/resource/IoT Reading, one document per request (the endpoint has no bulk
     form), --rest-clients clients at once over kept-alive connections;
   - `insert_many`: POST /api/method/frappe.client.insert_many, Frappe's batch endpoint (200 documents
     per request, its limit), --rest-clients clients at once.
   Both insert the raw row only (no minute aggregate, no machine state). The ratios compare the
   webhook's accepted and drained rates with each mode's stored rate.

Prints progress, then one JSON line:

  {"benchmark": "webhook", "series": 1000, "accept_readings_per_s": ..., "latency_p95_ms": ...,
   "accepted": ..., "stored": ..., "lost": 0, "duplicated": 0, "drain_readings_per_s": ...,
   "drain_min_window_per_s": ..., "drain_keeps_up": true, "aggregates_wrong": 0,
   "rest": {"resource": {...}, "insert_many": {...}}, "ratio_accept_vs_resource": ..., ...}

Run it with the bench's Python from the sites folder:

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_webhook.py --site <site>

Without --url it starts its own gunicorn (--workers, default 2) on a free 127.0.0.1 port and stops it at
the end; with --url (e.g. http://127.0.0.1:8000) it uses a running web server (sending Host: <site>).
Without --site-redis the site uses a private redis-server (site config `mom_iot_redis`, removed at the end)
for its stream. It creates Webhook IoT Devices BENCH-WEBHOOK-<n> and removes them and their readings and
aggregates at the start and at the end. For the REST baseline it uses the Administrator's API key (a key
made for the run, and removed after it, when Administrator has none).
"""

import argparse
import http.client
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "BENCH-WEBHOOK-"
PATH = "/api/method/mom_app.iot.api.ingest"
REST_RESOURCE = "/api/resource/" + quote("IoT Reading")
REST_INSERT_MANY = "/api/method/frappe.client.insert_many"
INSERT_MANY_LIMIT = 200
TAGS_PER_DEVICE = 100
WINDOW = 10.0


def percentile(values, p):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def shape(series: int) -> tuple[int, int]:
	"""(devices, tags per device) for `series` series."""
	tags = min(series, TAGS_PER_DEVICE)
	if series % tags:
		raise SystemExit(f"--series must be at most {TAGS_PER_DEVICE} or a multiple of it")
	return series // tags, tags


def setup_devices(devices: int, tags: int) -> dict[str, str]:
	"""Device name -> webhook secret."""
	import frappe
	from frappe.utils.password import get_decrypted_password

	secrets = {}
	for d in range(devices):
		name = f"{PREFIX}{d}"
		frappe.get_doc(
			{
				"doctype": "IoT Device",
				"device_name": name,
				"protocol": "Webhook",
				"enabled": 1,
				"rate_limit_per_minute": 10_000_000,
				"tags": [{"tag_key": f"t{i}", "signal_role": "Process Parameter"} for i in range(tags)],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		secrets[name] = get_decrypted_password("IoT Device", name, "webhook_secret")
	return secrets


def cleanup(say=None):
	import frappe

	frappe.db.rollback()
	devices = frappe.get_all("IoT Device", filters={"name": ("like", f"{PREFIX}%")}, pluck="name")
	for device in devices:
		deleted = 0
		while True:
			frappe.db.sql("delete from `tabIoT Reading` where device = %s limit 50000", device)
			n = frappe.db._cursor.rowcount
			frappe.db.commit()
			deleted += n
			if n < 50000:
				break
		frappe.db.sql("delete from `tabIoT Minute Aggregate` where device = %s", device)
		frappe.delete_doc("IoT Device", device, force=True, ignore_permissions=True)
		frappe.db.commit()
		if say and deleted:
			say(f"removed {device} and its {deleted} readings")


def api_token() -> tuple[str, bool]:
	"""'token key:secret' of Administrator; whether the key was made for this run."""
	import frappe
	from frappe.utils.password import get_decrypted_password, set_encrypted_password

	key = frappe.db.get_value("User", "Administrator", "api_key")
	secret = key and get_decrypted_password("User", "Administrator", "api_secret", raise_exception=False)
	if key and secret:
		return f"token {key}:{secret}", False
	key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
	frappe.db.set_value("User", "Administrator", "api_key", key, update_modified=False)
	set_encrypted_password("User", "Administrator", secret, "api_secret")
	frappe.db.commit()
	return f"token {key}:{secret}", True


def drop_api_key():
	import frappe

	frappe.db.set_value("User", "Administrator", "api_key", None, update_modified=False)
	frappe.db.sql(
		"delete from `__Auth` where doctype = 'User' and name = 'Administrator' and fieldname = 'api_secret'"
	)
	frappe.db.commit()


def connect(url):
	parts = urlsplit(url)
	return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)


def post(conn_box, url, path, body, headers):
	"""(status, payload, seconds); reconnects after a broken connection."""
	started = time.monotonic()
	try:
		conn_box[0].request("POST", path, body=body, headers=headers)
		response = conn_box[0].getresponse()
		payload = response.read()
		status = response.status
	except (OSError, http.client.HTTPException) as e:
		conn_box[0].close()
		conn_box[0] = connect(url)
		status, payload = 0, str(e).encode()
	return status, payload, time.monotonic() - started


def sender(url, site, secrets, tags, run, args, stop, results, lock, worker):
	from mom_app.engine.signing import sign

	devices = sorted(secrets)
	conn = [connect(url)]
	interval = args.concurrency * args.batch / args.rate if args.rate else 0
	next_at = time.monotonic() + interval * worker / args.concurrency
	n = 0
	while not stop.is_set():
		if interval:
			delay = next_at - time.monotonic()
			if delay > 0:
				time.sleep(delay)
			next_at = max(next_at + interval, time.monotonic() - interval)
		n += 1
		device = devices[(worker + n) % len(devices)]
		now = time.time()
		message_id = f"{run}-{worker}-{n}"
		first_tag = (worker * 7 + n) % tags
		body = json.dumps(
			{
				"message_id": message_id,
				"readings": [
					{
						"key": f"t{(first_tag + i) % tags}",
						"ts": now + i * 1e-5,
						"value": (n * 31 + i) % 997 / 8,
					}
					for i in range(args.batch)
				],
			},
			separators=(",", ":"),
		).encode()
		timestamp = f"{now:.3f}"
		headers = {
			"Host": site,
			"Content-Type": "application/octet-stream",
			"X-MOM-Device": device,
			"X-MOM-Timestamp": timestamp,
			"X-MOM-Signature": "sha256=" + sign(secrets[device], timestamp, body),
		}
		status, payload, latency = post(conn, url, PATH, body, headers)
		with lock:
			results["latencies"].append(latency)
			results["status"][status] = results["status"].get(status, 0) + 1
			if status == 202:
				results["accepted"] += json.loads(payload).get("accepted", 0)
			elif len(results["errors"]) < 5:
				results["errors"].append(f"{status}: {payload[:200]!r}")
	conn[0].close()


def rest_client(url, site, token, devices, tags, run, mode, zone, stop, results, lock, worker):
	conn = [connect(url)]
	headers = {"Host": site, "Content-Type": "application/json", "Authorization": token}
	n = 0
	per_request = 1 if mode == "resource" else INSERT_MANY_LIMIT
	while not stop.is_set():
		docs = []
		for _i in range(per_request):
			n += 1
			docs.append(
				{
					"doctype": "IoT Reading",
					"uid": f"{devices[n % len(devices)]}:rest-{run}-{mode}-{worker}-{n}",
					"device": devices[n % len(devices)],
					"tag": f"t{n % tags}",
					"ts": str(datetime.fromtimestamp(time.time(), tz=zone).replace(tzinfo=None)),
					"value": n % 997 / 8,
				}
			)
		if mode == "resource":
			path, body = REST_RESOURCE, json.dumps(docs[0]).encode()
		else:
			path, body = REST_INSERT_MANY, json.dumps({"docs": docs}).encode()
		status, payload, latency = post(conn, url, path, body, headers)
		with lock:
			results["latencies"].append(latency)
			results["status"][status] = results["status"].get(status, 0) + 1
			if status == 200:
				results["stored"] += len(docs)
			elif len(results["errors"]) < 5:
				results["errors"].append(f"{status}: {payload[:200]!r}")
	conn[0].close()


def run_threads(target, count, seconds, args_of, say, label, results):
	stop, lock = threading.Event(), threading.Lock()
	threads = [
		threading.Thread(target=target, args=(*args_of(w), stop, results, lock, w), daemon=True)
		for w in range(count)
	]
	cpu_before = process_cpu()
	started = time.monotonic()
	for t in threads:
		t.start()
	while time.monotonic() - started < seconds:
		time.sleep(max(0, min(10, seconds - (time.monotonic() - started))))
		say(
			f"{label}: {results.get('accepted', results.get('stored'))} readings, statuses {results['status']}"
		)
	stop.set()
	for t in threads:
		t.join(120)
	return time.monotonic() - started, process_cpu() - cpu_before


def process_cpu() -> float:
	usage = resource.getrusage(resource.RUSAGE_SELF)
	return usage.ru_utime + usage.ru_stime


def drain(client, sites_path, site, writers, accepted, say, timeout):
	"""Drain the stream with `writers` writer processes; (seconds, drained, complete, 10 s window rates,
	writer errors). The backlog is the stream's length (acknowledged entries are deleted)."""
	from mom_app.iot import writer

	key = writer.site_stream_key()
	children = [
		subprocess.Popen(
			[sys.executable, __file__, "--site", site, "--sites-path", sites_path, "--drain-child", f"w{w}"],
			stdin=subprocess.PIPE,
			stdout=subprocess.PIPE,
			text=True,
		)
		for w in range(writers)
	]
	for child in children:  # connected: the drain is timed from here, as a writer that runs all the time
		child.stdout.readline()
	started = time.monotonic()
	for child in children:
		child.stdin.write("go\n")
		child.stdin.flush()
	windows, complete = [], False
	window_start, window_drained = started, 0
	try:
		while time.monotonic() - started < timeout:
			time.sleep(0.5)
			now, left = time.monotonic(), client.xlen(key)
			drained = accepted - left
			if now - window_start >= WINDOW:
				windows.append((drained - window_drained) / (now - window_start))
				say(f"drained {drained} of {accepted} ({windows[-1]:.0f}/s in the last window)")
				window_start, window_drained = now, drained
			if not left:
				complete = True
				break
			if all(child.poll() is not None for child in children):
				break
	finally:
		seconds = time.monotonic() - started
		errors = 0
		for child in children:
			if complete:
				out, _err = child.communicate(timeout=60)
				errors += json.loads(out.strip().splitlines()[-1])["errors"]
			else:
				child.kill()
	return seconds, accepted - client.xlen(key), complete, windows, errors


def drain_child(consumer: str):
	"""A writer process: drain_once until the stream is empty; prints {"drained", "errors"}."""
	import frappe

	from mom_app.iot import writer

	client = writer.stream_redis()
	key = writer.site_stream_key()
	drained = errors = 0
	frappe.db.sql("select 1")
	print("ready", flush=True)
	sys.stdin.readline()
	while True:
		try:
			n = writer.drain_once(client=client, consumer=f"bench-webhook-{consumer}", block_ms=100)
		except Exception:
			errors += 1  # rolled back; the entries stay pending for this writer
			frappe.db.rollback()
			continue
		drained += n
		if not n and not client.xlen(key):
			break
	print(json.dumps({"drained": drained, "errors": errors}))


def check_aggregates(devices: list[str]) -> dict:
	"""Aggregated count vs stored readings, and minutes whose aggregate differs from an exact recompute."""
	import frappe

	aggregated = frappe.db.sql(
		"select coalesce(sum(sample_count), 0) from `tabIoT Minute Aggregate` where device in %s",
		(tuple(devices),),
	)[0][0]
	wrong, minutes = frappe.db.sql(
		"""select coalesce(sum(a.name is null or a.sample_count != e.c or a.minimum != e.mn
			or a.maximum != e.mx or a.total != e.s or a.last_value != e.lv or a.last_ts != e.lts), 0),
			count(*)
		from (
			select r.device, r.tag,
				r.ts - interval second(r.ts) second - interval microsecond(r.ts) microsecond as minute,
				count(*) as c, min(r.value) as mn, max(r.value) as mx, sum(r.value) as s, max(r.ts) as lts,
				cast(group_concat(r.value order by r.ts desc, r.value desc limit 1) as decimal(36, 9)) as lv
			from `tabIoT Reading` r
			where r.device in %s
			group by r.device, r.tag, minute
		) as e
		left join `tabIoT Minute Aggregate` a on a.device = e.device and a.tag = e.tag and a.minute = e.minute""",
		(tuple(devices),),
	)[0]
	return {"aggregated": int(aggregated), "aggregates_wrong": int(wrong), "minutes": int(minutes)}


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--seconds", type=float, default=60)
	parser.add_argument("--series", type=int, default=1000, help="1 to 100, or a multiple of 100")
	parser.add_argument("--rate", type=int, default=21000, help="readings/s offered (0: as fast as possible)")
	parser.add_argument("--batch", type=int, default=500, help="readings per request")
	parser.add_argument("--concurrency", type=int, default=8, help="senders")
	parser.add_argument("--rest-seconds", type=float, default=20, help="per REST mode (0: no baseline)")
	parser.add_argument("--rest-clients", type=int, default=4)
	parser.add_argument("--url", default=None, help="a running web server (default: start gunicorn)")
	parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when started here")
	parser.add_argument("--site-redis", action="store_true", help="use the site's own stream Redis")
	parser.add_argument("--drain-timeout", type=float, default=600, help="give up draining after this long")
	parser.add_argument("--writers", type=int, default=1, help="writer processes draining the stream")
	parser.add_argument("--drain-child", default=None, help=argparse.SUPPRESS)
	args = parser.parse_args()
	if args.drain_child:
		import frappe

		frappe.init(site=args.site, sites_path=os.path.abspath(args.sites_path))
		frappe.connect()
		try:
			drain_child(args.drain_child)
		finally:
			frappe.destroy()
		return
	devices_count, tags = shape(args.series)
	# SIGTERM (e.g. from `timeout`) still cleans up: gunicorn, the private Redis, the site config, the devices
	signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

	import frappe
	from frappe.installer import update_site_config

	from benchmarks.served import start_gunicorn, stop_gunicorn
	from mom_app.iot import writer
	from mom_app.iot.clock import system_zone
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings
	from mom_app.iot.testing import RedisServer

	def say(text):
		print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

	sites_path = os.path.abspath(args.sites_path)
	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	redis_server = gunicorn = None
	made_key = False
	run = uuid.uuid4().hex[:8]
	result = None
	try:
		cleanup(say)
		if not args.site_redis:
			redis_server = RedisServer().start()
			update_site_config("mom_iot_redis", redis_server.url)
			frappe.local.conf.mom_iot_redis = redis_server.url
		secrets = setup_devices(devices_count, tags)
		devices = sorted(secrets)
		token, made_key = api_token()
		url = args.url
		if not url:
			gunicorn, url = start_gunicorn(sites_path, args.workers)
		client = writer.stream_redis()

		say(
			f"accept: {args.concurrency} senders offer {args.rate or 'max'} readings/s in batches of "
			f"{args.batch}, {args.series} series ({devices_count} devices x {tags} tags) -> {url}, {args.seconds} s"
		)
		accepted = {"latencies": [], "status": {}, "accepted": 0, "errors": []}
		accept_seconds, loadgen_cpu = run_threads(
			sender,
			args.concurrency,
			args.seconds,
			lambda w: (url, args.site, secrets, tags, run, args),
			say,
			"accept",
			accepted,
		)

		settings = get_settings()
		say(
			f"drain: {args.writers} writer(s), batch {settings.stream_batch_size} (topped up to "
			f"{writer.BACKLOG_BATCH} while the stream holds more)"
		)
		drain_seconds, drained, complete, windows, writer_errors = drain(
			client, sites_path, args.site, args.writers, accepted["accepted"], say, args.drain_timeout
		)
		frappe.db.rollback()
		total, distinct = frappe.db.sql(
			"select count(*), count(distinct uid) from `tabIoT Reading` where device in %s and uid like %s",
			(tuple(devices), f"%:{run}-%"),
		)[0]
		say("comparing every minute aggregate with an exact recompute")
		aggregates = check_aggregates(devices)

		rest = {}
		for mode in ("resource", "insert_many") if args.rest_seconds else ():
			say(f"REST baseline {mode}: {args.rest_clients} clients for {args.rest_seconds} s")
			outcome = {"latencies": [], "status": {}, "stored": 0, "errors": []}
			seconds, _cpu = run_threads(
				rest_client,
				args.rest_clients,
				args.rest_seconds,
				lambda w, mode=mode: (url, args.site, token, devices, tags, run, mode, system_zone()),
				say,
				f"REST {mode}",
				outcome,
			)
			frappe.db.rollback()
			rows = frappe.db.sql(
				"select count(*) from `tabIoT Reading` where device in %s and uid like %s",
				(tuple(devices), f"%:rest-{run}-{mode}-%"),
			)[0][0]
			latencies = outcome["latencies"]
			rest[mode] = {
				"clients": args.rest_clients,
				"docs_per_request": 1 if mode == "resource" else INSERT_MANY_LIMIT,
				"seconds": round(seconds, 1),
				"requests": len(latencies),
				"statuses": {str(k): v for k, v in outcome["status"].items()},
				"stored": int(rows),
				"stored_per_s": round(rows / seconds, 1),
				"latency_p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
				"errors": outcome["errors"],
			}

		latencies = accepted["latencies"]
		accept_rate = accepted["accepted"] / accept_seconds
		drain_rate = drained / drain_seconds if drain_seconds else None
		full_windows = windows or ([drain_rate] if drain_rate else [])
		result = {
			"benchmark": "webhook",
			"series": args.series,
			"devices": devices_count,
			"seconds": round(accept_seconds, 1),
			"rate_offered": args.rate or None,
			"batch": args.batch,
			"concurrency": args.concurrency,
			"requests": len(latencies),
			"statuses": {str(k): v for k, v in accepted["status"].items()},
			"accepted": accepted["accepted"],
			"accept_readings_per_s": round(accept_rate, 1),
			"latency_p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
			"latency_p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
			"latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
			"writers": args.writers,
			"writer_errors": writer_errors,
			"writer_batch": settings.stream_batch_size,
			"writer_backlog_batch": writer.BACKLOG_BATCH,
			"drain_seconds": round(drain_seconds, 1),
			"drained": drained,
			"drain_complete": complete,
			"drain_readings_per_s": round(drain_rate, 1) if drain_rate else None,
			"drain_min_window_per_s": round(min(full_windows), 1) if full_windows else None,
			"drain_keeps_up": bool(full_windows) and min(full_windows) >= accept_rate,
			"stored": int(distinct),
			"lost": accepted["accepted"] - int(distinct) if complete else None,
			"duplicated": int(total) - int(distinct),
			**aggregates,
			"rest": rest,
			"errors": accepted["errors"],
			"web_workers": args.workers if not args.url else None,
			"loadgen_cpu_s": round(loadgen_cpu, 1),
			"cores": os.cpu_count(),
		}
		for mode, outcome in rest.items():
			if outcome["stored_per_s"]:
				result[f"ratio_accept_vs_{mode}"] = round(accept_rate / outcome["stored_per_s"], 1)
				if drain_rate:
					result[f"ratio_drain_vs_{mode}"] = round(drain_rate / outcome["stored_per_s"], 1)
	finally:
		stop_gunicorn(gunicorn)
		if redis_server is not None:
			update_site_config("mom_iot_redis", "None")
			redis_server.cleanup()
		if made_key:
			drop_api_key()
		cleanup(say)
		frappe.destroy()
	print(json.dumps(result))


if __name__ == "__main__":
	main()
