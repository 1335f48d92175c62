#!/usr/bin/env python3
"""The operator terminal API under load: 20 simulated operators against a served site, over HTTP.

Each operator logs in (POST /api/method/login), scans its badge (sign_in), starts its job card once (act
start, in the first round) and then, for --cycles rounds, scans its job card (scan_job_card) and reports one
good piece (act complete: the operator's time log closes with the piece and a new one opens, so the job keeps
running), with a client-made id per action. Two operators share each job card, so the job card's row lock is contended; the
pairs are spread over --workstations workstations (default 10; 1 puts everybody at one workstation, whose row
ERPNext's job card save writes on every action, so all actions queue there). Every --retry-every-th action is
sent twice with the same id (a retry): it must come back "replayed" and change nothing. --warmup-cycles
unmeasured rounds come first (every gunicorn worker has then imported and cached what the calls need, as on a
server that has been running for a while); then everybody starts the measured rounds together.

Between two taps an operator waits --think seconds on average (uniformly 0.5x to 1.5x). The default, 2 s, is a
tap every 1-3 s by each of 20 operators at once (about 9 requests/s): far more than a real line, where an
operator reads the screen and types quantities, and taps every few minutes. --think 1 is a stress run.

--per-card sets how many operators share a job card (default 2; 1 gives everybody a card of their own).

--api erpnext is the reference: the same taps through ERPNext's own endpoints instead of the terminal's, as
the desk's Job Card form makes them (opening the card: frappe.desk.form.load.getdoc; Start / Complete Job:
erpnext...job_card.make_time_log), with no retries (ERPNext has no request ids) and no check of the
quantities (ERPNext's Complete Job closes every open time log of the card, and it takes no row lock, so two
operators on one card get "Document has been modified" errors: use --per-card 1 with it). It shows what one
tap costs in ERPNext itself on the same machine under the same load.

At the end the job cards are checked: total_completed_qty must equal the completions accepted, and the number
of Terminal Actions the number of distinct ids. Prints progress, then one JSON line:

  {"benchmark": "terminal", "operators": 20, "requests": ..., "errors": 0, "server_errors": 0,
   "latency_p50_ms": ..., "latency_p95_ms": ..., "p95_by_kind_ms": {...}, "double_counted": 0, ...}

Target: p95 < 150 ms, no errors (a 5xx counts even when the retry succeeded), nothing counted twice. Run it
with the bench's Python from the sites folder:

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_terminal.py --site <site>

Without --url it starts gunicorn as `bench setup production` does (--workers: the bench's gunicorn_workers,
2 x cores + 1) on a free 127.0.0.1 port and stops it at the end; with --url (e.g. http://127.0.0.1:8000) it
uses that server (sending Host: <site>). It creates the workstations BENCH-TERMINAL-WS-nn (capacity 50), an
operation and a BOM, --operators users with the role MOM Operator and employees with badges BENCH-OP-nn, and
one work order per two operators; its work orders, job cards and Terminal Actions are deleted at the end
(and any left by an earlier run at the start).
"""

import argparse
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

API = "/api/method/mom_app.production.api.terminal."
ERPNEXT_OPEN = "/api/method/frappe.desk.form.load.getdoc"
ERPNEXT_TIME_LOG = "/api/method/erpnext.manufacturing.doctype.job_card.job_card.make_time_log"
WORKSTATION = "BENCH-TERMINAL-WS"
OPERATION = "BENCH-TERMINAL-OP"
ITEM, RAW = "BENCH-TERMINAL-FG", "BENCH-TERMINAL-RAW"
PASSWORD = "Bench-Terminal-2026!"


def percentile(values, p):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else None


def host_calibration_ms() -> float:
	"""The best of three timings of a fixed pure-Python workload: how fast this machine is right now. A shared
	virtual machine's speed drifts (the same requests took 30 % longer in one hour than in the next here), so
	a run's latencies are read together with it."""
	best = None
	for _ in range(3):
		started = time.perf_counter()
		total = 0
		for i in range(1_000_000):
			total += i * i % 7
		elapsed = (time.perf_counter() - started) * 1000
		best = elapsed if best is None else min(best, elapsed)
	return round(best, 1)


def innodb_deadlocks() -> int:
	import frappe

	row = frappe.db.sql("show global status like 'Innodb_deadlocks'")
	return int(row[0][1]) if row else 0


def workstation_names(count: int) -> list[str]:
	return [WORKSTATION] if count <= 1 else [f"{WORKSTATION}-{n:02d}" for n in range(1, count + 1)]


def retire_earlier_runs():
	"""Delete the work orders, job cards (with their time logs) and Terminal Actions made by runs of this
	benchmark: they exist for it only, and a site that keeps them makes every later run slower (ERPNext checks
	each new time log against the employee's earlier ones) and fills the boards' counts."""
	import frappe

	cards = frappe.get_all("Job Card", filters={"production_item": ITEM}, pluck="name")
	orders = frappe.get_all("Work Order", filters={"production_item": ITEM}, pluck="name")
	if cards:
		frappe.db.delete("Terminal Action", {"job_card": ("in", cards)})
	# marked cancelled first: Frappe deletes no submitted document
	if cards:
		frappe.db.sql("update `tabJob Card` set docstatus = 2 where name in %s", (cards,))
	if orders:
		frappe.db.sql("update `tabWork Order` set docstatus = 2 where name in %s", (orders,))
	for doctype, names in (("Job Card", cards), ("Work Order", orders)):
		for name in names:
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	frappe.db.commit()


def setup(operators: int, workstations: int = 1, per_card: int = 2) -> list[dict]:
	"""Users, employees, one job card per `per_card` operators, the cards spread over `workstations`
	workstations; returns [{user, badge, employee, job_card, workstation}]."""
	import frappe
	from frappe.utils import add_to_date, now_datetime
	from frappe.utils.nestedset import get_root_of
	from frappe.utils.password import update_password

	stations = workstation_names(workstations)
	for station in stations:
		if not frappe.db.exists("Workstation", station):
			frappe.get_doc(
				{"doctype": "Workstation", "workstation_name": station, "production_capacity": 50}
			).insert(ignore_permissions=True)
		frappe.db.set_value("Workstation", station, "production_capacity", 50)
	if not frappe.db.exists("Operation", OPERATION):
		frappe.get_doc({"doctype": "Operation", "name": OPERATION, "workstation": stations[0]}).insert(
			ignore_permissions=True
		)
	item_group = get_root_of("Item Group")  # named in the site's language
	for code in (ITEM, RAW):
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{"doctype": "Item", "item_code": code, "item_group": item_group, "stock_uom": "Nos"}
			).insert(ignore_permissions=True)
	company = (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)
	# warehouses are named in the site's language: take them from the settings, else any of the company's
	any_warehouse = frappe.db.get_value("Warehouse", {"company": company, "is_group": 0})
	stores = frappe.db.get_single_value("Stock Settings", "default_warehouse") or any_warehouse
	wip = frappe.db.get_single_value("Manufacturing Settings", "default_wip_warehouse") or any_warehouse
	fg = frappe.db.get_single_value("Manufacturing Settings", "default_fg_warehouse") or any_warehouse
	bom = frappe.db.get_value("BOM", {"item": ITEM, "docstatus": 1, "is_active": 1})
	if not bom:
		doc = frappe.get_doc(
			{
				"doctype": "BOM",
				"item": ITEM,
				"company": company,
				"quantity": 1,
				"is_default": 0,
				"with_operations": 1,
				"rm_cost_as_per": "Valuation Rate",
				"currency": frappe.get_cached_value("Company", company, "default_currency"),
				"operations": [{"operation": OPERATION, "workstation": stations[0], "time_in_mins": 0.05}],
				"items": [{"item_code": RAW, "qty": 1, "rate": 1}],
			}
		).insert(ignore_permissions=True)
		doc.submit()
		bom = doc.name
	retire_earlier_runs()
	cards = []
	for group in range(-(-operators // per_card)):
		station = stations[group % len(stations)]
		wo = frappe.get_doc(
			{
				"doctype": "Work Order",
				"production_item": ITEM,
				"bom_no": bom,
				"company": company,
				"qty": 2000,
				"skip_transfer": 1,
				"source_warehouse": stores,
				"wip_warehouse": wip,
				"fg_warehouse": fg,
				"planned_start_date": add_to_date(now_datetime(), days=-1),
			}
		)
		wo.get_items_and_operations_from_bom()
		for row in wo.operations:
			row.workstation = station
		wo.insert(ignore_permissions=True)
		wo.submit()
		cards.append((frappe.db.get_value("Job Card", {"work_order": wo.name}), station))
	people = []
	for i in range(operators):
		email = f"bench-op-{i:02d}@mom-bench.example"
		badge = f"BENCH-OP-{i:02d}"
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{"doctype": "User", "email": email, "first_name": f"Bench {i:02d}", "send_welcome_email": 0}
			)
			user.flags.no_welcome_mail = True
			user.insert(ignore_permissions=True)
			user.add_roles("MOM Operator")
		update_password(email, PASSWORD)
		employee = frappe.db.get_value("Employee", {"mom_badge_barcode": badge})
		if not employee:
			employee = (
				frappe.get_doc(
					{
						"doctype": "Employee",
						"first_name": f"Bench Operator {i:02d}",
						"company": company,
						"gender": "Male",
						"date_of_birth": "1990-01-01",
						"date_of_joining": "2020-01-01",
						"user_id": email,
						"create_user_permission": 0,
						"mom_badge_barcode": badge,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		card, station = cards[i // per_card]
		people.append(
			{"user": email, "badge": badge, "employee": employee, "job_card": card, "workstation": station}
		)
	frappe.db.commit()
	return people


class Client:
	def __init__(self, url: str, site: str):
		parts = urlsplit(url)
		self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
		self.host = site
		self.cookies = {}
		self.csrf = None

	def post(self, path: str, body: dict, form: bool = False):
		headers = {"Host": self.host, "Accept": "application/json"}
		if form:
			from urllib.parse import urlencode

			payload = urlencode(body)
			headers["Content-Type"] = "application/x-www-form-urlencoded"
		else:
			payload = json.dumps(body)
			headers["Content-Type"] = "application/json"
		if self.cookies:
			headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
		started = time.perf_counter()
		self.conn.request("POST", path, payload, headers)
		response = self.conn.getresponse()
		data = response.read()
		elapsed = (time.perf_counter() - started) * 1000
		for header, value in response.getheaders():
			if header.lower() == "set-cookie":
				name, _, rest = value.partition("=")
				self.cookies[name] = rest.split(";", 1)[0]
		try:
			parsed = json.loads(data or b"{}")
		except ValueError:
			parsed = {"raw": data[:200].decode(errors="replace")}
		return response.status, parsed, elapsed


def operator(url, site, person, args, results, lock, barrier, server_clock_offset):
	"""One operator: log in, --warmup-cycles unmeasured rounds, wait for everybody, then the measured rounds."""
	client = Client(url, site)
	status, body, _ = client.post("/api/method/login", {"usr": person["user"], "pwd": PASSWORD}, form=True)
	if status != 200:
		with lock:
			results["errors"].append(f"login {person['user']}: {status} {body}")
		barrier.wait()
		return
	measuring = False

	def call(method, payload, kind):
		# like the terminal page: a server error is retried with the same request (the same client id);
		# it still counts as an error (ERPNext's endpoints have no request id: not retried)
		attempts = 3 if args.api == "terminal" else 1
		for attempt in range(attempts):
			status, body, ms = client.post(method if method.startswith("/") else API + method, payload)
			with lock:
				if measuring:
					results["latencies"].append(ms)
					results["samples"].append((time.monotonic(), kind, ms, status))
					results["by_kind"].setdefault(kind, []).append(ms)
				if status >= 500:
					results["server_errors"] += 1
				if status >= 500 and attempt < attempts - 1:
					continue
				if status != 200:
					results["errors"].append(f"{method} {status} {str(body)[:300]}")
			if args.think:
				time.sleep(args.think * (0.5 + random.random()))
			return status, body.get("message")

	def erpnext_rounds(cycles):
		"""The reference: the desk's Job Card form (open the card, Start Job, Complete Job with 1)."""
		for _ in range(cycles):
			call(ERPNEXT_OPEN, {"doctype": "Job Card", "name": person["job_card"]}, "scan")
			for action in ("start", "complete"):
				now = str(datetime.now() + server_clock_offset)
				if action == "start":
					log = {"start_time": now, "employees": [{"employee": person["employee"]}]}
					log["status"] = "Work In Progress"
				else:
					log = {"complete_time": now, "completed_qty": 1, "status": "Complete"}
				call(
					ERPNEXT_TIME_LOG, {"args": json.dumps({"job_card_id": person["job_card"], **log})}, action
				)
				with lock:
					results["ids"] += 1

	def rounds(cycles):
		if args.api == "erpnext":
			return erpnext_rounds(cycles)
		call("sign_in", {"badge": person["badge"]}, "sign_in")
		n = 0
		for _ in range(cycles):
			call(
				"scan_job_card",
				{
					"badge": person["badge"],
					"job_card": person["job_card"],
					"workstation": person["workstation"],
				},
				"scan",
			)
			# A report keeps the job running (the operator's time log closes with what was made and a new one
			# opens), so an operator starts once and then reports piece after piece, as at a real terminal.
			taps = (("complete", {"good_qty": 1}),)
			if not person.get("started"):
				taps = (("start", {}), *taps)
				person["started"] = True
			for action, extra in taps:
				n += 1
				payload = {
					"client_id": str(uuid.uuid4()),
					"action": action,
					"badge": person["badge"],
					"job_card": person["job_card"],
					"workstation": person["workstation"],
					**extra,
				}
				status, _message = call("act", payload, action)
				with lock:
					if status == 200 and action == "complete":
						results["completed"][person["job_card"]] = (
							results["completed"].get(person["job_card"], 0) + 1
						)
					results["ids"] += 1
				if args.retry_every and n % args.retry_every == 0:
					status, again = call("act", payload, "retry")
					with lock:
						if status == 200 and not (again or {}).get("replayed"):
							results["errors"].append(f"retry of {payload['client_id']} was applied again")
						results["retries"] += measuring

	# warm-up: every gunicorn worker has imported and cached what the calls need (as a server that has
	# been running for a while has); not measured
	rounds(args.warmup_cycles)
	barrier.wait()
	measuring = True
	rounds(args.cycles)


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--operators", type=int, default=20)
	parser.add_argument("--cycles", type=int, default=8, help="start + complete rounds per operator")
	parser.add_argument("--retry-every", type=int, default=5, help="send every n-th action twice (0: never)")
	parser.add_argument(
		"--think",
		type=float,
		default=2.0,
		help="mean seconds an operator takes between two taps (1: a stress run, 0: no pause at all)",
	)
	parser.add_argument(
		"--workstations",
		type=int,
		default=10,
		help="workstations the operator pairs are spread over (1: everybody at one workstation)",
	)
	parser.add_argument(
		"--warmup-cycles", type=int, default=1, help="unmeasured rounds per operator before measuring"
	)
	parser.add_argument("--per-card", type=int, default=2, help="operators sharing a job card")
	parser.add_argument(
		"--api",
		choices=("terminal", "erpnext"),
		default="terminal",
		help="erpnext: the same taps through ERPNext's own Job Card endpoints (the reference)",
	)
	parser.add_argument("--url", default=None, help="a running web server (default: start gunicorn)")
	parser.add_argument(
		"--workers",
		type=int,
		default=None,
		help="gunicorn workers when started here (default: the bench's gunicorn_workers, as in production)",
	)
	parser.add_argument("--samples", default=None, help="write every measured request to this JSON file")
	args = parser.parse_args()
	signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

	import frappe

	from benchmarks.served import start_gunicorn, stop_gunicorn

	def say(text):
		print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

	sites_path = os.path.abspath(args.sites_path)
	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	if args.workers is None:
		# what `bench setup production` runs: common_site_config's gunicorn_workers (2 x cores + 1)
		args.workers = int(frappe.get_conf().get("gunicorn_workers") or 2 * (os.cpu_count() or 1) + 1)
	gunicorn = None
	results = {
		"latencies": [],
		"by_kind": {},
		"errors": [],
		"completed": {},
		"ids": 0,
		"retries": 0,
		"server_errors": 0,
		"samples": [],
	}
	try:
		say(f"preparing {args.operators} operators and their job cards")
		people = setup(args.operators, args.workstations, max(1, args.per_card))
		if args.api == "erpnext":
			args.retry_every = 0
		# ERPNext's time logs are in the site's time zone, as the desk sends them
		server_clock_offset = frappe.utils.now_datetime() - datetime.now()
		deadlocks_before = innodb_deadlocks()
		url = args.url
		if not url:
			gunicorn, url = start_gunicorn(sites_path, args.workers)
		say(
			f"{len(people)} operators at {len({p['workstation'] for p in people})} workstations, "
			f"{args.warmup_cycles} warm-up + {args.cycles} measured cycles -> {url} ({args.workers} workers)"
		)
		calibration_before = host_calibration_ms()  # before anybody taps, as calibration_after is after
		lock = threading.Lock()
		barrier = threading.Barrier(len(people) + 1)
		threads = [
			threading.Thread(
				target=operator,
				args=(url, args.site, p, args, results, lock, barrier, server_clock_offset),
				daemon=True,
			)
			for p in people
		]
		for t in threads:
			t.start()
		barrier.wait()
		started, cpu_started = time.monotonic(), time.process_time()
		for t in threads:
			t.join()
		seconds = time.monotonic() - started
		calibration_after = host_calibration_ms()
		client_cpu = time.process_time() - cpu_started  # this process: the 20 simulated operators

		# what the database says
		frappe.db.commit()
		double = 0 if args.api == "terminal" else None
		for card in {p["job_card"] for p in people} if args.api == "terminal" else ():
			total = frappe.db.get_value("Job Card", card, "total_completed_qty") or 0
			if round(total) != results["completed"].get(card, 0):
				double += 1
				results["errors"].append(
					f"{card}: total_completed_qty {total} != {results['completed'].get(card, 0)} accepted"
				)
		stored = frappe.db.count(
			"Terminal Action", {"job_card": ("in", list({p["job_card"] for p in people}))}
		)
		lat = results["latencies"]
		figures = {
			"benchmark": "terminal",
			"api": args.api,
			"operators": len(people),
			"per_card": max(1, args.per_card),
			"workstations": len({p["workstation"] for p in people}),
			"cycles": args.cycles,
			"warmup_cycles": args.warmup_cycles,
			"server": "gunicorn" if gunicorn else url,
			"workers": args.workers if gunicorn else None,
			"seconds": round(seconds, 2),
			"client_cpu_s": round(client_cpu, 2),  # the load generator shares the machine's cores
			"host_calibration_ms": [calibration_before, calibration_after],
			"requests": len(lat),
			"requests_per_s": round(len(lat) / seconds, 1) if seconds else None,
			"errors": len(results["errors"]),
			"latency_p50_ms": round(percentile(lat, 50), 1) if lat else None,
			"latency_p95_ms": round(percentile(lat, 95), 1) if lat else None,
			"latency_p99_ms": round(percentile(lat, 99), 1) if lat else None,
			"latency_max_ms": round(max(lat), 1) if lat else None,
			"p95_by_kind_ms": {k: round(percentile(v, 95), 1) for k, v in sorted(results["by_kind"].items())},
			"actions": results["ids"],
			"think_s": args.think,
			"retries": results["retries"],
			"server_errors": results["server_errors"],
			"terminal_actions_stored": stored,
			"double_counted": double,
			# the server's count, so it includes whatever else ran on it meanwhile
			"innodb_deadlocks": innodb_deadlocks() - deadlocks_before,
			"target_p95_ms": 150,
			"target_met": bool(lat)
			and percentile(lat, 95) < 150
			and not results["errors"]
			and not results["server_errors"],
		}
		if args.samples:
			Path(args.samples).write_text(
				json.dumps(
					[(round(t - started, 3), k, round(ms, 1), st) for t, k, ms, st in results["samples"]]
				)
			)
		for error in results["errors"][:10]:
			say(f"error: {error}")
		retire_earlier_runs()  # this run's work orders are done with too
		print(json.dumps(figures))
	finally:
		stop_gunicorn(gunicorn)
		frappe.destroy()


if __name__ == "__main__":
	main()
