#!/usr/bin/env python3
"""Plant maintenance on a real site: the adapter's paths, loading and writing included (bench_maintenance.py
times the engine alone).

Three parts (all by default; --due, --kpi, --rules pick some), each on data of its own, made in bulk with SQL
(seeded), measured, and removed before the next part:

1. due-date scan: --plans (5,000) Maintenance Plans on --plans / 4 assets, one of each kind per asset:
   calendar fixed, calendar floating (days, weeks, months), by meter, whichever first ("Calendar or Meter"),
   with lead days or units; 90 % with a "Service Before the Plan" row (last done, meter then). Each asset
   has a Run Hours meter with three readings (one before the usage window, one inside, the current one).
   Timed: mom_app.plant_maintenance.plans.scan.run() - the scheduler's hourly job: loading, evaluating,
   the meters' usage rates, opening the due orders, the plans' next due dates, commit. The first run opens
   the due orders (reported on its own); then --runs runs in which nothing new is due. Target: < 1 s for
   such a run (the median).
2. KPI report: --kpi-assets (500) machines (asset + workstation) over --kpi-days (730) days: one OEE Record
   per machine and day (what kpis.load reads for operating time: Running Time where the record came from
   machine data, else Planned Busy Time; a third of the machines without machine data), about 2 breakdown
   orders per machine and month and a monthly PM order, all inserted with SQL. Timed as Administrator:
   frappe.desk.query_report.run("Maintenance KPIs") by asset and month over the whole period, --runs times.
   Target: < 2 s (the median).
3. Condition rules in the writer path: --rules (1,000) Condition Rules, one per series of 10 IoT Devices x
   100 tags (above, outside a band on minute averages, rate per minute, on-delays, off-delays, deadbands,
   repeat counts), each device a machine's. mom_app.iot.storage.store_readings() + commit (what the writer
   does per batch) on batches of --rate (10,000) readings, one second's worth (10 per series), fresh uids,
   with the rules on and off (Maintenance Settings: Evaluate Condition Rules), in alternating blocks of
   --block batches (the first batch after a switch not measured), --seconds measured batches per mode, for
   two signal shapes:
   - quiet: every value inside its limits (the plant as it runs most of the time): the rules' evaluation
     and bookkeeping alone. Target: the rules add < 10 % to the writer's time (by the mean batch time);
   - drifting: bench_maintenance.py's signals (60 + 24 sin(...) + noise: values cross the limits now and
     then), so rules fire and clear and open orders (or add occurrences) in the batches. Reported with the
     same target, not tuned: how many events and orders per second it carries is in the figures.
   Then the latency from reading to order: a writer process runs the collector's writer loop
   (mom_app.iot.collector.writer_loop: writer.drain_once on the site's Redis stream) while a feeder appends
   --latency-load quiet readings/s to the stream (as the collector publishes them); --firings times, one
   reading above the limit of a different Above rule is appended and the time until its Maintenance Work
   Order is committed (polled every 10 ms) is taken. Target: p95 < 5 s.

The last line printed is one JSON object with every figure, the targets met or not and os.cpu_count(); the
exit status is 1 when a target is missed. Everything it makes is named BENCH-MAINT-... (orders opened by the
scan and the rules are found by their asset or rule) and is deleted at the start and at the end
(--cleanup: only delete). It refuses a site whose name contains neither "bench" nor "test". Run it with the
bench's Python from the sites folder:

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_maintenance_site.py \\
        --site SITE [--due] [--kpi] [--rules] [--plans 5000] [--kpi-assets 500] [--kpi-days 730]
        [--rules-count 1000] [--rate 10000] [--seconds 30] [--block 10] [--firings 50]
        [--latency-load 10000] [--runs 5] [--seed 14224]

Without --site-redis the stream is a private redis-server (site config `mom_iot_redis`, removed at the end).
"""

import argparse
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "BENCH-MAINT-"
CATEGORY = PREFIX + "Machines"
DUE_TARGET_SECONDS = 1.0
KPI_TARGET_SECONDS = 2.0
ADDED_WRITER_TIME_TARGET = 0.10
LATENCY_P95_TARGET_SECONDS = 5.0
CHUNK = 2000
DEVICES, TAGS = 10, 100
ORDER = "Maintenance Work Order"


def say(text):
	print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def percentile(values, p):
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else None


def host_calibration_ms() -> float:
	"""The best of three timings of a fixed pure-Python workload (as bench_terminal.py): the machine's speed."""
	best = None
	for _ in range(3):
		started = time.perf_counter()
		total = 0
		for i in range(1_000_000):
			total += i * i % 7
		elapsed = (time.perf_counter() - started) * 1000
		best = elapsed if best is None else min(best, elapsed)
	return round(best, 1)


# ---------------------------------------------------------------------------------------------- SQL helpers
def insert_rows(doctype: str, columns: list[str], rows: list[tuple], sequence: str | None = None):
	"""Insert rows in multi-row statements (creation, modified, owner, modified_by added); with `sequence`,
	`name` comes from it (autoincrement doctypes) and is not among `columns`."""
	import frappe

	if not rows:
		return
	now = frappe.utils.now_datetime()
	meta_columns = ["creation", "modified", "owner", "modified_by"]
	names = (["name"] if sequence else []) + list(columns) + meta_columns
	row_sql = (
		"(" + (f"nextval(`{sequence}`), " if sequence else "") + ", ".join(["%s"] * (len(columns) + 4)) + ")"
	)
	head = f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in names)}) values "
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		values = []
		for row in chunk:
			values.extend(row)
			values.extend((now, now, "Administrator", "Administrator"))
		frappe.db.sql(head + ", ".join([row_sql] * len(chunk)), values)


def delete_where(doctype: str, condition: str, values=(), chunk: int = 50000) -> int:
	"""Delete rows in chunks, each committed."""
	import frappe

	deleted = 0
	while True:
		frappe.db.sql(f"delete from `tab{doctype}` where {condition} limit {chunk}", values)
		n = frappe.db._cursor.rowcount
		frappe.db.commit()
		deleted += n
		if n < chunk:
			return deleted


def company() -> str | None:
	import frappe

	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or (frappe.get_all("Company", pluck="name", limit=1) or [None])[0]
	)


def ensure_category(name: str = CATEGORY):
	import frappe

	if not frappe.db.exists("Asset Category", name):
		insert_rows("Asset Category", ["name", "asset_category_name"], [(name, name)])


def insert_assets(names: list[str], categories: list[str]):
	"""Minimal submitted Asset rows (ERPNext's Asset insert and submit take about a second each, and make
	journal entries a benchmark does not need): name, asset name, category, company, status Submitted."""
	firm = company()
	insert_rows(
		"Asset",
		["name", "asset_name", "asset_category", "company", "status", "docstatus", "is_existing_asset"],
		[(n, n, c, firm, "Submitted", 1, 1) for n, c in zip(names, categories, strict=True)],
	)


def insert_workstations(pairs: list[tuple[str, str | None]]):
	insert_rows(
		"Workstation",
		["name", "workstation_name", "mom_asset", "production_capacity", "status"],
		[(ws, ws, asset, 1, "Production") for ws, asset in pairs],
	)


# ---------------------------------------------------------------------------------------------- cleanup
def delete_orders(orders: list[str]):
	"""Maintenance Work Orders with their rows, comments, versions, assignments and workflow actions."""
	import frappe

	for start in range(0, len(orders), 5000):
		names = tuple(orders[start : start + 5000])
		for child in (
			"Maintenance Work Order Step",
			"Maintenance Time Log",
			"Maintenance Planned Part",
			"Maintenance Used Part",
		):
			frappe.db.sql(f"delete from `tab{child}` where parenttype = %s and parent in %s", (ORDER, names))
		frappe.db.sql(
			"""delete from `tabWorkflow Action Permitted Role` where parenttype = 'Workflow Action' and parent in
			(select name from `tabWorkflow Action` where reference_doctype = %s and reference_name in %s)""",
			(ORDER, names),
		)
		for doctype, dt_field, dn_field in (
			("Comment", "reference_doctype", "reference_name"),
			("Version", "ref_doctype", "docname"),
			("ToDo", "reference_type", "reference_name"),
			("Workflow Action", "reference_doctype", "reference_name"),
			("Notification Log", "document_type", "document_name"),
		):
			frappe.db.sql(
				f"delete from `tab{doctype}` where `{dt_field}` = %s and `{dn_field}` in %s", (ORDER, names)
			)
		frappe.db.sql(f"delete from `tab{ORDER}` where name in %s", (names,))
		frappe.db.commit()


def cleanup():
	"""Delete everything a run made (see the module docstring)."""
	import frappe

	frappe.db.rollback()
	like = PREFIX + "%"
	orders = frappe.db.sql_list(
		f"""select name from `tab{ORDER}` where name like %(p)s or asset like %(p)s or workstation like %(p)s
		or (trigger_doctype in ('Maintenance Plan', 'Condition Rule') and trigger_name like %(p)s)""",
		{"p": like},
	)
	delete_orders(orders)
	for child in ("Maintenance Plan Service", "Maintenance Planned Part"):
		delete_where(child, "parenttype = 'Maintenance Plan' and parent like %s", (like,))
	delete_where("Maintenance Plan", "name like %s", (like,))
	delete_where("Asset Meter Reading", "asset like %s", (like,))
	delete_where("Asset Meter", "asset like %s", (like,))
	delete_where("OEE Record", "workstation like %s", (like,))
	delete_where("Condition Rule", "name like %s", (like,))
	delete_where("IoT Reading", "device like %s", (like,))
	delete_where("IoT Minute Aggregate", "device like %s", (like,))
	delete_where("Machine State Log", "workstation like %s", (like,))
	delete_where("IoT Tag", "parenttype = 'IoT Device' and parent like %s", (like,))
	delete_where("IoT Device", "name like %s", (like,))
	delete_where("Workstation", "name like %s", (like,))
	delete_where("Asset", "name like %s", (like,))
	delete_where("Asset Category", "name like %s", (like,))
	from mom_app.plant_maintenance.condition_rules import definitions

	definitions.changed()
	frappe.db.commit()
	frappe.clear_cache(doctype="Condition Rule")


# ---------------------------------------------------------------------------------------------- 1. due scan
def setup_plans(n_plans: int, rng: random.Random, today: date) -> dict:
	"""Assets, their Run Hours meters and readings, and the plans (module docstring); counts."""
	import frappe

	n_assets = -(-n_plans // 4)
	assets = [f"{PREFIX}A-{i:05d}" for i in range(n_assets)]
	ensure_category()
	insert_assets(assets, [CATEGORY] * n_assets)
	now = frappe.utils.now_datetime()
	meters, readings, meter_total = [], [], {}
	for i, asset in enumerate(assets):
		meter = f"{PREFIX}M-{i:05d}"
		rate = rng.uniform(2, 40)  # hours a day
		total = rng.uniform(1000, 50_000)
		last_at = now - timedelta(hours=rng.uniform(0, 48))
		meter_total[asset] = total
		meters.append((meter, asset, asset, "Run Hours", "Run Hours", "h", 1, "Manual", 0, total, last_at, 0))
		for days_back in (rng.uniform(35, 60), rng.uniform(5, 25)):
			at = last_at - timedelta(days=days_back)
			readings.append((meter, asset, at, "Manual", "Manual", total - rate * days_back, 0, 1))
		readings.append((meter, asset, last_at, "Manual", "Manual", total, 0, 1))
	insert_rows(
		"Asset Meter",
		[
			"name",
			"asset",
			"asset_name",
			"meter_name",
			"meter_type",
			"unit",
			"enabled",
			"source",
			"initial_total",
			"current_total",
			"last_reading_at",
			"usage_rate",
		],
		meters,
	)
	insert_rows(
		"Asset Meter Reading",
		["asset_meter", "asset", "reading_time", "source", "kind", "total", "increase", "samples"],
		readings,
		sequence="asset_meter_reading_id_seq",
	)
	plans, services = [], []
	kinds = {"Calendar fixed": 0, "Calendar floating": 0, "Meter": 0, "Calendar or Meter": 0}
	for i in range(n_plans):
		asset = assets[i // 4]
		kind = i % 4
		name = f"{PREFIX}P-{i:05d}"
		unit = rng.choice(("Day", "Week", "Month"))
		every = {"Day": rng.randint(7, 90), "Week": rng.randint(1, 12), "Month": rng.randint(1, 12)}[unit]
		start = today - timedelta(days=rng.randint(0, 900))
		meter_every = rng.choice([250.0, 500.0, 1000.0, 5000.0])
		lead_days = rng.randint(0, 5)
		row = {
			"trigger_type": "Calendar",
			"every": 0,
			"every_unit": "Month",
			"schedule": "Floating",
			"start_date": None,
			"meter_type": None,
			"meter_every": 0,
			"lead_days": 0,
			"lead_units": 0,
		}
		calendar = {"every": every, "every_unit": unit, "start_date": start, "lead_days": lead_days}
		meter = {"meter_type": "Run Hours", "meter_every": meter_every}
		if kind == 0:
			row.update(calendar, schedule="Fixed")
			kinds["Calendar fixed"] += 1
		elif kind == 1:
			row.update(calendar)
			kinds["Calendar floating"] += 1
		elif kind == 2:
			row.update(meter, trigger_type="Meter", lead_units=meter_every * 0.05)
			kinds["Meter"] += 1
		else:
			row.update(calendar, **meter, trigger_type="Calendar or Meter", schedule="Fixed", lead_days=3)
			kinds["Calendar or Meter"] += 1
		plans.append(
			(
				name,
				f"PM {i:05d}",
				1,
				"Preventive",
				"Medium",
				"Asset",
				asset,
				asset,
				row["trigger_type"],
				row["lead_days"],
				row["every"],
				row["every_unit"],
				row["schedule"],
				row["start_date"],
				row["meter_type"],
				row["meter_every"],
				0,
				row["lead_units"],
				1.5,
			)
		)
		if rng.random() < 0.9:
			last_done = today - timedelta(days=rng.randint(1, 120))
			last_meter = max(meter_total[asset] - rng.uniform(0, meter_every * 1.2), 0.0)
			services.append(
				(
					uuid.uuid4().hex[:10],
					name,
					"Maintenance Plan",
					"service_before",
					1,
					asset,
					last_done,
					last_meter,
				)
			)
	insert_rows(
		"Maintenance Plan",
		[
			"name",
			"plan_name",
			"enabled",
			"order_type",
			"priority",
			"applies_to",
			"asset",
			"asset_name",
			"trigger_type",
			"lead_days",
			"every",
			"every_unit",
			"schedule",
			"start_date",
			"meter_type",
			"meter_every",
			"meter_start",
			"lead_units",
			"estimated_hours",
		],
		plans,
	)
	insert_rows(
		"Maintenance Plan Service",
		["name", "parent", "parenttype", "parentfield", "idx", "asset", "last_done", "meter"],
		services,
	)
	frappe.db.commit()
	return {"assets": n_assets, "meters": len(meters), "meter_readings": len(readings), "kinds": kinds}


def scan_orders() -> int:
	import frappe

	return frappe.db.sql(
		f"select count(*) from `tab{ORDER}` where trigger_doctype = 'Maintenance Plan' and trigger_name like %s",
		PREFIX + "%",
	)[0][0]


def part_due(args, rng) -> dict:
	import frappe

	from mom_app.plant_maintenance.plans import scan

	today = frappe.utils.getdate()
	say(f"due scan: making {args.plans} plans")
	started = time.perf_counter()
	made = setup_plans(args.plans, rng, today)
	say(f"due scan: {made} in {time.perf_counter() - started:.1f} s; first run (opens the due orders)")
	other_plans = frappe.db.sql(
		"select count(*) from `tabMaintenance Plan` where enabled = 1 and name not like %s", PREFIX + "%"
	)[0][0]
	frappe.db.commit()
	skipped = [0]

	def timed_run():
		"""One scan.run(), timed; a run skipped because another held the scan's lock is not a measurement:
		it is counted and tried again."""
		for _ in range(600):
			frappe.db.commit()
			before = sql_count()
			t0 = time.perf_counter()
			counts = scan.run()
			elapsed = time.perf_counter() - t0
			if not counts.get("skipped"):
				return elapsed, counts, sql_count() - before
			skipped[0] += 1
			time.sleep(1)
		raise SystemExit("the scan was skipped for 10 minutes: another scan holds its lock")

	first_seconds, first, _queries = timed_run()
	opened = scan_orders()
	say(f"due scan: first run {first_seconds:.2f} s, {first}")
	times, counts = [], None
	queries = []
	for _ in range(args.runs):
		elapsed, counts, statements = timed_run()
		times.append(elapsed)
		queries.append(statements)
		say(f"due scan: run with nothing due {times[-1]:.3f} s, {counts}")
	return {
		"plans": args.plans,
		"other_enabled_plans": other_plans,
		**made,
		"first_run_seconds": round(first_seconds, 3),
		"first_run": first,
		"orders_opened": opened,
		"first_run_ms_per_order": round(first_seconds / opened * 1000, 1) if opened else None,
		"nothing_due_runs_seconds": [round(t, 3) for t in times],
		"nothing_due_seconds": round(statistics.median(times), 3),
		"nothing_due_run": counts,
		"nothing_due_queries": queries[-1] if queries else None,
		"runs_skipped_for_the_lock": skipped[0],
		"target_seconds": DUE_TARGET_SECONDS,
	}


def sql_count() -> int:
	"""Statements this connection has sent (MariaDB's session counter; includes the SHOW itself)."""
	import frappe

	return int(frappe.db.sql("show session status like 'Questions'")[0][1])


# ---------------------------------------------------------------------------------------------- 2. KPI report
def setup_kpis(n_assets: int, days: int, rng: random.Random, today: date) -> dict:
	import frappe

	first = today - timedelta(days=days - 1)
	categories = [f"{PREFIX}Cat-{c:02d}" for c in range(12)]
	for c in categories:
		ensure_category(c)
	assets = [f"{PREFIX}K-{i:05d}" for i in range(n_assets)]
	workstations = [f"{PREFIX}KWS-{i:05d}" for i in range(n_assets)]
	insert_assets(assets, [categories[i % 12] for i in range(n_assets)])
	insert_workstations(list(zip(workstations, assets, strict=True)))
	firm = company()
	records, orders = [], []
	n_record = n_order = 0
	for i, (asset, ws) in enumerate(zip(assets, workstations, strict=True)):
		machine_data = i % 3 != 0
		category = categories[i % 12]
		for d in range(days):
			day = first + timedelta(days=d)
			start = datetime.combine(day, datetime.min.time()) + timedelta(hours=6)
			n_record += 1
			running = rng.uniform(600, 900) if machine_data else 0
			records.append(
				(
					f"{PREFIX}OEE-{n_record:07d}",
					ws,
					day,
					start,
					start + timedelta(hours=16),
					int(machine_data),
					start,
					960,
					running,
				)
			)
		for _ in range(int(days / 30 * 2)):
			reported = datetime.combine(first, datetime.min.time()) + timedelta(
				minutes=rng.randint(0, days * 1440)
			)
			ack = reported + timedelta(minutes=rng.randint(2, 90))
			repair = ack + timedelta(minutes=rng.randint(0, 60))
			back = repair + timedelta(minutes=rng.randint(10, 480))
			completed = back + timedelta(minutes=20) if rng.random() < 0.97 else None
			if completed and completed > datetime.now():
				completed = None
			n_order += 1
			orders.append(
				(
					f"{PREFIX}MWO-{n_order:07d}",
					"Corrective",
					"Machine breakdown",
					"High",
					1,
					"Completed" if completed else "In Progress",
					asset,
					asset,
					category,
					ws,
					firm,
					reported,
					reported,
					ack,
					repair,
					back,
					completed,
					None,
					rng.uniform(0.5, 6),
					(back - repair).total_seconds() / 3600,
					rng.uniform(0, 2000),
				)
			)
		for m in range(days // 30):
			due_day = first + timedelta(days=30 * m + 15)
			opened = datetime.combine(due_day - timedelta(days=3), datetime.min.time())
			done = opened + timedelta(days=rng.randint(0, 6), hours=9)
			completed = done if done.date() < today else None
			n_order += 1
			orders.append(
				(
					f"{PREFIX}MWO-{n_order:07d}",
					"Preventive",
					"Calendar PM",
					"Medium",
					0,
					"Completed" if completed else "Approved",
					asset,
					asset,
					category,
					ws,
					firm,
					None,
					opened,
					opened,
					done - timedelta(hours=2) if completed else None,
					done if completed else None,
					completed,
					due_day,
					2.0,
					2.0 if completed else 0,
					rng.uniform(50, 500),
				)
			)
	say(f"KPI report: inserting {len(records)} OEE Records and {len(orders)} orders")
	insert_rows(
		"OEE Record",
		["name", "workstation", "day", "start", "end", "machine_data", "computed_on", "pbt", "running_time"],
		records,
	)
	insert_rows(
		ORDER,
		[
			"name",
			"order_type",
			"source",
			"priority",
			"is_failure",
			"workflow_state",
			"asset",
			"asset_name",
			"asset_category",
			"workstation",
			"company",
			"failure_time",
			"reported_at",
			"acknowledged_at",
			"repair_start",
			"back_in_service",
			"completed_at",
			"due_date",
			"estimated_hours",
			"labour_hours",
			"total_cost",
		],
		orders,
	)
	frappe.db.commit()
	return {"oee_records": len(records), "orders": len(orders), "first_day": str(first)}


def part_kpi(args, rng) -> dict:
	import frappe
	from frappe.desk.query_report import run

	today = frappe.utils.getdate()
	started = time.perf_counter()
	made = setup_kpis(args.kpi_assets, args.kpi_days, rng, today)
	say(f"KPI report: data in {time.perf_counter() - started:.1f} s")
	other_orders = frappe.db.sql(f"select count(*) from `tab{ORDER}` where name not like %s", PREFIX + "%")[
		0
	][0]
	frappe.set_user("Administrator")
	filters = {
		"from_date": made["first_day"],
		"to_date": str(today),
		"group_by": "Asset",
		"period": "Month",
	}
	times, rows = [], 0
	for _ in range(args.runs + 1):  # the first is a cold run (the report's code imported, caches filled)
		frappe.db.rollback()
		t0 = time.perf_counter()
		result = run("Maintenance KPIs", filters=filters)
		times.append(time.perf_counter() - t0)
		rows = len(result["result"])
		say(f"KPI report: {rows} rows in {times[-1]:.3f} s")
	warm = times[1:]
	# where the time goes, once: loading (queries) and the engine
	from mom_app.plant_maintenance import kpis

	scope = kpis.scope_of(filters)
	t0 = time.perf_counter()
	loaded = kpis.load(scope, period="month")
	load_seconds = time.perf_counter() - t0
	t0 = time.perf_counter()
	kpis.compute(loaded, scope, group_by=("asset",), period="month")
	compute_seconds = time.perf_counter() - t0
	return {
		"assets": args.kpi_assets,
		"days": args.kpi_days,
		**made,
		"other_orders_on_site": other_orders,
		"filters": filters,
		"rows": rows,
		"cold_seconds": round(times[0], 3),
		"runs_seconds": [round(t, 3) for t in warm],
		"seconds": round(statistics.median(warm), 3),
		"load_seconds": round(load_seconds, 3),
		"operating_rows_loaded": len(loaded.operating),
		"orders_loaded": len(loaded.orders),
		"compute_by_asset_month_seconds": round(compute_seconds, 3),
		"target_seconds": KPI_TARGET_SECONDS,
	}


# ---------------------------------------------------------------------------------------------- 3. rules
def setup_rules(n_rules: int) -> tuple[list[tuple], list[str]]:
	"""Devices (each a machine's), their tags and the rules; (series [(device, tag)], Above rules without
	delays, usable for the latency)."""
	import frappe

	from mom_app.plant_maintenance.condition_rules import definitions

	ensure_category()
	assets = [f"{PREFIX}RA-{d:02d}" for d in range(DEVICES)]
	workstations = [f"{PREFIX}RWS-{d:02d}" for d in range(DEVICES)]
	insert_assets(assets, [CATEGORY] * DEVICES)
	insert_workstations(list(zip(workstations, assets, strict=True)))
	series = []
	for d in range(DEVICES):
		name = f"{PREFIX}DEV-{d:02d}"
		frappe.get_doc(
			{
				"doctype": "IoT Device",
				"device_name": name,
				"protocol": "Webhook",
				"enabled": 1,
				"workstation": workstations[d],
				"rate_limit_per_minute": 10_000_000,
				"tags": [
					{"tag_key": f"tag_{t:03d}", "signal_role": "Process Parameter", "unit": "°C"}
					for t in range(TAGS)
				],
			}
		).insert(ignore_permissions=True)
		series.extend((name, f"tag_{t:03d}") for t in range(TAGS))
	rules, latency_rules = [], []
	for i in range(n_rules):
		device, tag = series[i % len(series)]
		d = int(device[-2:])
		name = f"{PREFIX}CR-{i:05d}"
		kind = i % 5
		base = {
			"samples": "Raw Readings",
			"condition": "Above",
			"measure": "Value",
			"low": 0,
			"high": 80.0,
			"deadband": 2.0,
			"on": 0,
			"off": 0,
			"repeat": 1,
			"window": 0,
		}
		if kind == 0:
			latency_rules.append(name)
		elif kind == 1:
			base.update(on=30.0, off=30.0)
		elif kind == 2:
			base.update(samples="Minute Aggregates", condition="Outside", low=20.0, deadband=1.0)
		elif kind == 3:
			base.update(measure="Rate", high=5.0, deadband=0, on=60.0)
		else:
			base.update(repeat=3, window=600.0)
		rules.append(
			(
				name,
				name,
				1,
				device,
				tag,
				"°C",
				base["samples"],
				"Average",
				workstations[d],
				assets[d],
				base["condition"],
				base["measure"],
				base["low"],
				base["high"],
				base["deadband"],
				60,
				base["on"],
				base["off"],
				base["repeat"],
				base["window"],
				"Condition-based",
			)
		)
	insert_rows(
		"Condition Rule",
		[
			"name",
			"rule_name",
			"enabled",
			"device",
			"tag",
			"unit",
			"samples",
			"aggregate",
			"workstation",
			"asset",
			"condition",
			"measure",
			"low_limit",
			"high_limit",
			"deadband",
			"rate_seconds",
			"on_delay_seconds",
			"off_delay_seconds",
			"repeat_count",
			"repeat_window_seconds",
			"order_type",
		],
		rules,
	)
	definitions.changed()
	frappe.db.commit()
	return series, latency_rules


def set_rules_enabled(on: bool):
	import frappe

	from mom_app.plant_maintenance.condition_rules import definitions

	frappe.db.set_single_value("Maintenance Settings", "condition_rules_enabled", int(on))
	definitions.changed()
	frappe.db.commit()


def reset_rule_states():
	"""Rules back to quiet, their orders gone (between the writer-time runs and the latency test)."""
	import frappe

	from mom_app.plant_maintenance.condition_rules import definitions, evaluation

	names = frappe.db.sql_list(
		f"select name from `tab{ORDER}` where trigger_doctype = 'Condition Rule' and trigger_name like %s",
		PREFIX + "%",
	)
	delete_orders(names)
	frappe.db.sql(
		"""update `tabCondition Rule` set rule_state = null, active = 0, waiting = 0, pending_since = null,
		current_order = null where name like %s""",
		PREFIX + "%",
	)
	frappe.db.commit()
	definitions.changed()
	frappe.cache.incr(evaluation.states_key())
	evaluation.forget()
	frappe.db.commit()


class Signals:
	"""The readings of the series, one batch per second: quiet (50 +- 1) or drifting (bench_maintenance.py's
	60 + 24 sin(phase + 2 pi t / period) + noise)."""

	def __init__(self, series, rate: int, rng: random.Random, run: str):
		self.series = series
		self.per_series = max(rate // len(series), 1)
		self.rng = rng
		self.run = run
		self.shape = [
			(rng.uniform(0, 2 * math.pi), rng.uniform(200, 900), rng.uniform(0.5, 2.0)) for _ in series
		]

	def batch(self, second: int, t0: float, drifting: bool) -> list[dict]:
		rows = []
		gauss = self.rng.gauss
		per = self.per_series
		for s, ((device, tag), (phase, period, noise)) in enumerate(
			zip(self.series, self.shape, strict=True)
		):
			for k in range(per):
				ts = t0 + second + k / per
				if drifting:
					value = 60 + 24 * math.sin(phase + 2 * math.pi * ts / period) + gauss(0, noise)
				else:
					value = 50 + gauss(0, 1)
				rows.append(
					{
						"uid": f"{device}:{self.run}-{second}-{s}-{k}",
						"device": device,
						"tag": tag,
						"ts": ts,
						"value": round(value, 3),
					}
				)
		return rows


def rule_orders() -> int:
	import frappe

	return frappe.db.sql(
		f"select count(*) from `tab{ORDER}` where trigger_doctype = 'Condition Rule' and trigger_name like %s",
		PREFIX + "%",
	)[0][0]


def writer_time(args, signals: Signals, drifting: bool, clock: dict) -> dict:
	"""Alternating blocks of batches with the rules off and on (module docstring)."""
	import frappe

	from mom_app.iot.storage import store_readings

	timings = {False: [], True: []}
	events = {False: 0, True: 0}
	all_events = 0
	orders_before = rule_orders()
	blocks = -(-args.seconds // args.block)
	for b in range(blocks):
		for on in (False, True) if b % 2 == 0 else (True, False):
			set_rules_enabled(on)
			for j in range(args.block + 1):
				rows = signals.batch(clock["second"], clock["t0"], drifting)
				clock["second"] += 1
				t = time.perf_counter()
				counts = store_readings(rows)
				frappe.db.commit()
				elapsed = time.perf_counter() - t
				if counts["inserted"] != len(rows):
					raise SystemExit(f"stored {counts['inserted']} of {len(rows)} readings")
				all_events += counts.get("rule_events", 0)
				if j:  # the first batch after a switch reloads the rules: not measured
					timings[on].append(elapsed)
					events[on] += counts.get("rule_events", 0)
		say(
			f"{'drifting' if drifting else 'quiet'}: block {b + 1}/{blocks}, off mean "
			f"{statistics.mean(timings[False]) * 1000:.0f} ms, on mean {statistics.mean(timings[True]) * 1000:.0f} ms"
		)
	off, on = timings[False], timings[True]
	added = statistics.mean(on) / statistics.mean(off) - 1
	return {
		"batches_per_mode": len(on),
		"readings_per_batch": signals.per_series * len(signals.series),
		"off_mean_ms": round(statistics.mean(off) * 1000, 1),
		"off_median_ms": round(statistics.median(off) * 1000, 1),
		"on_mean_ms": round(statistics.mean(on) * 1000, 1),
		"on_median_ms": round(statistics.median(on) * 1000, 1),
		"on_p95_ms": round(percentile(on, 95) * 1000, 1),
		"off_readings_per_s": round(signals.per_series * len(signals.series) / statistics.mean(off)),
		"on_readings_per_s": round(signals.per_series * len(signals.series) / statistics.mean(on)),
		"added_writer_time": round(added, 4),
		"added_by_medians": round(statistics.median(on) / statistics.median(off) - 1, 4),
		"rule_events": events[True],
		"rule_events_per_s": round(events[True] / len(on), 1),
		# with the batches after a switch, whose time is not measured
		"rule_events_all_batches": all_events,
		"orders_opened_all_batches": rule_orders() - orders_before,
	}


def writer_child(site: str, sites_path: str, redis_url: str):
	"""The latency test's writer process: the collector's writer loop until stdin closes."""
	import redis

	from mom_app.iot.collector.writer_loop import writer_loop

	stop = threading.Event()

	def wait_for_eof():
		sys.stdin.read()
		stop.set()

	threading.Thread(target=wait_for_eof, daemon=True).start()
	print("ready", flush=True)
	writer_loop(site, sites_path, redis.Redis.from_url(redis_url), "bench-maint-writer", stop)


def latency(args, series, latency_rules, rng, sites_path) -> dict:
	import frappe

	from mom_app.iot import stream, writer

	reset_rule_states()
	set_rules_enabled(True)
	client = writer.stream_redis()
	key = writer.site_stream_key()
	redis_url = frappe.conf.get("mom_iot_redis") or frappe.conf.get("redis_queue")
	stream.ensure_group(client, key)
	rule_series = dict(
		frappe.db.sql(
			"select name, concat(device, '|', tag) from `tabCondition Rule` where name in %s",
			(tuple(latency_rules),),
		)
	)
	chosen = rng.sample(latency_rules, min(args.firings, len(latency_rules)))
	child = subprocess.Popen(
		[
			sys.executable,
			__file__,
			"--site",
			args.site,
			"--sites-path",
			sites_path,
			"--writer-child",
			redis_url,
		],
		stdin=subprocess.PIPE,
		stdout=subprocess.PIPE,
		text=True,
	)
	child.stdout.readline()
	stop = threading.Event()
	backlog = {"max": 0, "sent": 0}

	def feeder():
		"""--latency-load quiet readings/s, in a batch every 0.1 s (as the collector publishes)."""
		import redis

		feed = redis.Redis.from_url(redis_url)  # frappe.conf is bound to the main thread
		per_tick = max(args.latency_load // 10, 0)
		n = 0
		next_at = time.monotonic()
		while not stop.is_set():
			next_at += 0.1
			if per_tick:
				now = time.time()
				rows = []
				for k in range(per_tick):
					device, tag = series[(n + k) % len(series)]
					rows.append(
						{
							"uid": f"{device}:lat-{n + k}",
							"device": device,
							"tag": tag,
							"ts": now + k * 1e-6,
							"value": 50 + rng.gauss(0, 1),
						}
					)
				n += per_tick
				stream.append(feed, key, rows)
				backlog["sent"] += per_tick
				backlog["max"] = max(backlog["max"], feed.xlen(key))
			delay = next_at - time.monotonic()
			if delay > 0:
				time.sleep(delay)
			else:
				next_at = time.monotonic()

	thread = threading.Thread(target=feeder, daemon=True)
	thread.start()
	latencies, missed = [], 0
	try:
		time.sleep(5)  # the writer has loaded the rules and is keeping up
		for i, rule in enumerate(chosen):
			time.sleep(rng.uniform(0.5, 1.5))
			device, tag = rule_series[rule].split("|")
			t0 = time.time()
			stream.append(
				client,
				key,
				[{"uid": f"{device}:fire-{i}", "device": device, "tag": tag, "ts": t0, "value": 95.0}],
			)
			found = None
			while time.time() - t0 < 30:
				frappe.db.rollback()
				found = frappe.db.sql(
					f"select name from `tab{ORDER}` where trigger_doctype = 'Condition Rule' and trigger_name = %s limit 1",
					rule,
				)
				if found:
					latencies.append(time.time() - t0)
					break
				time.sleep(0.01)
			if not found:
				missed += 1
			if (i + 1) % 10 == 0:
				say(
					f"latency: {i + 1} firings, p50 {percentile(latencies, 50):.3f} s, max {max(latencies):.3f} s, "
					f"backlog max {backlog['max']}"
				)
	finally:
		stop.set()
		thread.join(10)
		child.stdin.close()
		child.wait(60)
	return {
		"firings": len(chosen),
		"orders_found": len(latencies),
		"missed": missed,
		"load_readings_per_s": args.latency_load,
		"load_readings_sent": backlog["sent"],
		"stream_backlog_max": backlog["max"],
		"p50_seconds": round(percentile(latencies, 50), 3) if latencies else None,
		"p95_seconds": round(percentile(latencies, 95), 3) if latencies else None,
		"max_seconds": round(max(latencies), 3) if latencies else None,
		"target_p95_seconds": LATENCY_P95_TARGET_SECONDS,
	}


def part_rules(args, rng, sites_path) -> dict:
	import frappe

	say(f"condition rules: making {args.rules_count} rules on {DEVICES} devices x {TAGS} tags")
	series, latency_rules = setup_rules(args.rules_count)
	was_enabled = frappe.db.get_single_value("Maintenance Settings", "condition_rules_enabled")
	run = uuid.uuid4().hex[:8]
	signals = Signals(series, args.rate, rng, run)
	batches = 2 * 2 * (-(-args.seconds // args.block)) * (args.block + 1)
	clock = {"t0": time.time() - batches - 120, "second": 0}
	out = {"rules": args.rules_count, "series": len(series)}
	try:
		out["quiet"] = writer_time(args, signals, False, clock)
		out["drifting"] = writer_time(args, signals, True, clock)
		if args.firings:
			say(f"latency: {args.firings} firings with {args.latency_load} quiet readings/s in the stream")
			out["latency"] = latency(args, series, latency_rules, rng, sites_path)
	finally:
		frappe.db.rollback()
		frappe.db.set_single_value("Maintenance Settings", "condition_rules_enabled", was_enabled)
		frappe.db.commit()
	return out


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--due", action="store_true", help="the due-date scan (default: all three parts)")
	parser.add_argument("--kpi", action="store_true", help="the KPI report")
	parser.add_argument("--rules", action="store_true", help="condition rules in the writer path")
	parser.add_argument("--plans", type=int, default=5000)
	parser.add_argument("--kpi-assets", type=int, default=500)
	parser.add_argument("--kpi-days", type=int, default=730)
	parser.add_argument("--rules-count", type=int, default=1000)
	parser.add_argument("--rate", type=int, default=10000, help="readings per batch (one second's worth)")
	parser.add_argument("--seconds", type=int, default=30, help="measured batches per mode and signal shape")
	parser.add_argument("--block", type=int, default=10, help="batches per block before switching")
	parser.add_argument("--firings", type=int, default=50, help="latency firings (0: no latency test)")
	parser.add_argument("--latency-load", type=int, default=10000, help="quiet readings/s in the stream")
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--seed", type=int, default=14224)
	parser.add_argument("--site-redis", action="store_true", help="use the site's own stream Redis")
	parser.add_argument("--cleanup", action="store_true", help="only delete a run's data")
	parser.add_argument("--writer-child", default=None, help=argparse.SUPPRESS)
	args = parser.parse_args()
	sites_path = os.path.abspath(args.sites_path)
	if not ("bench" in args.site or "test" in args.site):
		raise SystemExit(f"refusing site {args.site!r}: its name contains neither 'bench' nor 'test'")
	if args.writer_child:
		writer_child(args.site, sites_path, args.writer_child)
		return 0
	parts = [p for p in ("due", "kpi", "rules") if getattr(args, p)] or ["due", "kpi", "rules"]
	signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

	import frappe
	from frappe.installer import update_site_config

	from mom_app.iot.testing import RedisServer

	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	rng = random.Random(args.seed)
	result = {"benchmark": "maintenance_site", "site": args.site, "parts": parts}
	redis_server = None
	try:
		say("removing what an earlier run left")
		cleanup()
		if args.cleanup:
			return 0
		result["host_calibration_ms_before"] = host_calibration_ms()
		if "due" in parts:
			result["due"] = part_due(args, rng)
			cleanup()
		if "kpi" in parts:
			result["kpi"] = part_kpi(args, rng)
			cleanup()
		if "rules" in parts:
			if not args.site_redis:
				redis_server = RedisServer().start()
				update_site_config("mom_iot_redis", redis_server.url)
				frappe.local.conf.mom_iot_redis = redis_server.url
			result["condition_rules"] = part_rules(args, rng, sites_path)
		result["host_calibration_ms_after"] = host_calibration_ms()
	finally:
		if redis_server is not None:
			update_site_config("mom_iot_redis", "None")
			redis_server.cleanup()
		say("removing the run's data")
		cleanup()
		frappe.destroy()
	met = {}
	if "due" in result:
		met["due_scan_nothing_due"] = result["due"]["nothing_due_seconds"] < DUE_TARGET_SECONDS
	if "kpi" in result:
		met["kpi_report"] = result["kpi"]["seconds"] < KPI_TARGET_SECONDS
	rules = result.get("condition_rules")
	if rules:
		met["rules_quiet"] = rules["quiet"]["added_writer_time"] < ADDED_WRITER_TIME_TARGET
		met["rules_drifting"] = rules["drifting"]["added_writer_time"] < ADDED_WRITER_TIME_TARGET
		if "latency" in rules:
			p95 = rules["latency"]["p95_seconds"]
			met["rule_to_order_p95"] = (
				p95 is not None and p95 < LATENCY_P95_TARGET_SECONDS and not rules["latency"]["missed"]
			)
	result["met"] = met
	result["cpu_count"] = os.cpu_count()
	say("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))
	print(json.dumps(result, default=str))
	return 0 if all(met.values()) else 1


if __name__ == "__main__":
	sys.exit(main())
