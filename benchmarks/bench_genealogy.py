#!/usr/bin/env python3
"""Lot genealogy at scale: traces and recall scopes on a narrow and a wide graph, beside one MariaDB recursive CTE.

Two synthetic plant histories are generated (bulk INSERTs, straight into the site's database) and measured in
the same run.

Narrow (``--edges``, default 1,000,000 Genealogy Edge rows, company "GBENCH Synthetic", lots "GBENCH-..."):

    supplier -> receipt -> raw batch -> sub-assembly -> sub-assembly -> finished batch -> delivery -> customer

Each produced batch consumes 3-6 batches of the levels below, picked near its own position in production
order (lots made one after the other use lots received one after the other), so a raw batch reaches a
realistic band of finished batches rather than the whole plant; every 200th raw batch is a bulk part
(screws, bearings) that goes into about 100 finished batches. About 10.5 edges per raw batch. A trace of
one lot both ways touches a few dozen lots.

Wide (company "GBENCH Wide", lots "GBENCH-W-..."): one supplier coil (a receipt batch) slit into
``--wide-intermediates`` strips (default 100), each stamped into finished lots, ``--wide-lots`` in all
(default 10,000), delivered five to a Delivery Note to ``--wide-customers`` customers (default 500)
(mom_app.stock_ext.synthetic). The documents a recall reads exist as rows: the Batches, Items, Customers
(customer_name), Delivery Notes (submitted, the site's company), Work Orders, the Supplier and the Purchase
Receipt.

Measured, each beside the reference:
  - the adapter (mom_app.stock_ext.trace.EdgeStore + engine.genealogy, one query per BFS level): traces both
    ways of random narrow lots, recall scopes of narrow raw batches (half of them bulk parts) and of the coil;
  - the reference: the same edges traced with ONE parameterised ``WITH RECURSIVE`` query per direction
    (CTE_BACKWARD / CTE_FORWARD below: the nodes reached with their shortest depth, then the edges leaving
    them below the depth limit). Its edge set is checked equal to the adapter's; ratio = adapter / CTE (p50);
  - the whitelisted API in-process (mom_app.stock_ext.api.trace on narrow lots; recall_scope and trace,
    the page's call, on the coil) as a desk user with the roles MOM Manager and Sales User, and over HTTP
    (gunicorn as `bench setup production` runs it, logged in as that user) for the coil. Target: the wide
    recall through the API p95 < 1 s; a narrow trace p95 < 200 ms.
  - where the wide recall's time goes (one call, split: edge queries, engine, redaction + serialisation,
    JSON encoding) and the size of the answer.
ERPNext v15 has no batch traceability report of its own; if the site's ERPNext has one ("Serial No and
Batch Traceability"), it is timed on the site's real batches against the API and the ratio reported.

The last line printed is one JSON object with the figures and the number of CPU cores.

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/mom_app/benchmarks/bench_genealogy.py --site SITE
        [--graphs narrow,wide] [--edges 1000000] [--samples 200] [--recalls 50]
        [--wide-lots 10000] [--wide-customers 500] [--http-samples 20] [--keep] [--cleanup]

The synthetic rows are removed at the end unless --keep (and at the start when left by a crashed run of
another size); --cleanup only removes them. While they exist, `bench mom-genealogy-rebuild` would delete the
edges (their vouchers do not exist).
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mom_app.stock_ext.capture import EDGE_FIELDS

COMPANY = "GBENCH Synthetic"
WIDE_COMPANY = "GBENCH Wide"
PREFIX = "GBENCH-"
WIDE = "GBENCH-W-"
TRACE_TARGET_MS = 200
RECALL_TARGET_MS = 1000
CHUNK = 5000
USER = "gbench-recall@mom-bench.example"
USER_ROLES = ("MOM Manager", "Sales User")
PASSWORD = "Gbench-Recall-2026!"
API = "/api/method/mom_app.stock_ext.api."
RECALL_DEPTH = 50  # how deep the recall API walks (the adapter's MAX_DEPTH)

FIELDS = ("name", *EDGE_FIELDS, "creation", "modified", "owner", "modified_by")
INSERT = "insert into `tabGenealogy Edge` (" + ", ".join(FIELDS) + ") values "
ROW = "(" + ", ".join(["%s"] * len(FIELDS)) + ")"

# The reference: one recursive query per direction. The anchor's columns are cast to the table's width
# (a recursive CTE takes its column types from the anchor). `union` (not `union all`) keeps one row per
# (node, depth), so repacking loops end at the depth limit.
CTE_FORWARD = """with recursive reached (node_type, node_name, depth) as (
		select cast(%(type)s as char(140)), cast(%(name)s as char(140)), 0
		union
		select e.target_type, e.target_name, r.depth + 1
		from reached r
		join `tabGenealogy Edge` e on e.source_type = r.node_type and e.source_name = r.node_name
		where r.depth < %(max_depth)s
	)
	select e.source_type, e.source_name, e.target_type, e.target_name, e.qty, e.voucher_type, e.voucher_no
	from (select node_type, node_name, min(depth) as depth from reached group by node_type, node_name) n
	join `tabGenealogy Edge` e on e.source_type = n.node_type and e.source_name = n.node_name
	where n.depth < %(max_depth)s"""
CTE_BACKWARD = """with recursive reached (node_type, node_name, depth) as (
		select cast(%(type)s as char(140)), cast(%(name)s as char(140)), 0
		union
		select e.source_type, e.source_name, r.depth + 1
		from reached r
		join `tabGenealogy Edge` e on e.target_type = r.node_type and e.target_name = r.node_name
		where r.depth < %(max_depth)s
	)
	select e.source_type, e.source_name, e.target_type, e.target_name, e.qty, e.voucher_type, e.voucher_no
	from (select node_type, node_name, min(depth) as depth from reached group by node_type, node_name) n
	join `tabGenealogy Edge` e on e.target_type = n.node_type and e.target_name = n.node_name
	where n.depth < %(max_depth)s"""


def log(message: str):
	print(f"  {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------- narrow graph


class Plan:
	"""Sizes of each level for about `edges` edges (about 10 edges per raw batch)."""

	def __init__(self, edges: int):
		raw = max(int(edges / 10.5), 400)
		self.raw = raw
		self.receipts = raw // 2
		self.suppliers = 200
		self.sub1 = raw
		self.sub2 = raw // 2
		self.finished = raw // 2
		self.deliveries = raw // 4
		self.customers = 500
		self.bulk_every = (
			200  # every 200th raw batch is a bulk part (screws, bearings): one lot, ~100 products
		)


def lot(level: str, i: int) -> str:
	return f"{PREFIX}{level}-{i:07d}"


def near(i: int, n_target: int, n_source: int, k: int, rng: random.Random, width: int = 8) -> list[int]:
	"""k distinct source indexes near target i's position in production order."""
	center = int(i * n_source / n_target)
	low, high = max(0, center - width), min(n_source - 1, center + width)
	return rng.sample(range(low, high + 1), min(k, high - low + 1))


def generate_edges(plan: Plan, seed: int = 7):
	"""Yield edge tuples (EDGE_FIELDS without company), oldest first."""
	rng = random.Random(seed)
	start = datetime(2025, 1, 1)
	step = timedelta(seconds=300)

	def when(i, n, offset):
		return start + timedelta(days=offset) + step * int(i * 100000 / n)

	# receipts: supplier -> receipt -> two raw batches
	for r in range(plan.receipts):
		receipt = lot("PR", r)
		supplier = f"{PREFIX}SUP-{r % plan.suppliers:04d}"
		at = when(r, plan.receipts, 0)
		yield (
			"Supplier",
			supplier,
			None,
			"Purchase Receipt",
			receipt,
			None,
			200.0,
			None,
			"Purchase Receipt",
			receipt,
			None,
			at,
		)
		for b in (2 * r, 2 * r + 1):
			if b < plan.raw:
				yield ("Purchase Receipt", receipt, None, "Batch", lot("RM", b), f"{PREFIX}RM-{b % 40}", 100.0, f"S{b}", "Purchase Receipt", receipt, None, at)  # fmt: skip

	def produce(level, n, sources, offset, item_count):
		for i in range(n):
			target = lot(level, i)
			voucher = f"{PREFIX}SE-{level}-{i:07d}"
			work_order = f"{PREFIX}WO-{level}-{i:07d}"
			at = when(i, n, offset)
			for source_level, n_source, k, stride in sources:
				for j in (stride * x for x in near(i, n, n_source // stride, k, rng, width=8 // stride or 2)):
					yield ("Batch", lot(source_level, j), f"{PREFIX}{source_level}-{j % item_count}", "Batch", target, f"{PREFIX}{level}-{i % item_count}", float(rng.randint(1, 20)), None, "Stock Entry", voucher, work_order, at)  # fmt: skip

	yield from produce("SA1", plan.sub1, [("RM", plan.raw, 3, 1)], 1, 40)
	yield from produce("SA2", plan.sub2, [("SA1", plan.sub1, 2, 1), ("RM", plan.raw, 2, 1)], 2, 20)
	fg_sources = [
		("SA2", plan.sub2, 2, 1),
		("SA1", plan.sub1, 1, 1),
		("RM", plan.raw, 2, 1),
		("RM", plan.raw, 1, plan.bulk_every),  # one bulk-part batch per finished batch
	]
	yield from produce("FG", plan.finished, fg_sources, 3, 10)
	# deliveries: three finished batches each (every finished batch goes out about 1.5 times)
	for d in range(plan.deliveries):
		delivery = lot("DN", d)
		customer = f"{PREFIX}CUS-{rng.randrange(plan.customers):04d}"
		at = when(d, plan.deliveries, 4)
		for j in near(d, plan.deliveries, plan.finished, 3, rng, width=2):
			yield ("Batch", lot("FG", j), f"{PREFIX}FG-{j % 10}", "Delivery Note", delivery, None, 5.0, None, "Delivery Note", delivery, None, at)  # fmt: skip
		yield ("Delivery Note", delivery, None, "Customer", customer, None, 15.0, None, "Delivery Note", delivery, None, at)  # fmt: skip


# ----------------------------------------------------------------------------------------- wide graph


def wide_plan(args):
	from mom_app.stock_ext.synthetic import WidePlan

	return WidePlan(
		args.wide_lots, args.wide_customers, args.wide_intermediates, prefix=WIDE, edge_company=WIDE_COMPANY
	)


# ----------------------------------------------------------------------------------------- data in and out


def synthetic_count(frappe, company: str) -> int:
	return frappe.db.sql("select count(*) from `tabGenealogy Edge` where company = %s", company)[0][0]


def insert_edges(frappe, edges, company: str) -> tuple[int, float]:
	started = time.monotonic()
	first = frappe.db.sql("select nextval(`genealogy_edge_id_seq`)")[0][0]
	now, user = datetime.now(), "Administrator"
	name = first
	chunk, total = [], 0

	def flush():
		nonlocal total
		values = [v for row in chunk for v in row]
		frappe.db.sql(INSERT + ", ".join([ROW] * len(chunk)), values)
		frappe.db.commit()
		total += len(chunk)
		chunk.clear()
		if total % 100_000 < CHUNK:
			log(f"{total:,} edges inserted ({time.monotonic() - started:.0f} s)")

	for edge in edges:
		name += 1
		chunk.append((name, *edge, company, now, now, user, user))
		if len(chunk) >= CHUNK:
			flush()
	if chunk:
		flush()
	# the sequence continues after the names used here
	frappe.db.sql("select setval(`genealogy_edge_id_seq`, %s)", name)
	frappe.db.sql("analyze table `tabGenealogy Edge`")
	frappe.db.commit()
	return total, time.monotonic() - started


def ensure_batches(frappe, names: list[str]):
	"""Batch records for the lots the API is asked about (the API looks the lot up first)."""
	existing = set(frappe.get_all("Batch", filters={"name": ("in", names)}, pluck="name"))
	now = datetime.now()
	for name in dict.fromkeys(names):
		if name not in existing:
			frappe.db.sql(
				"""insert into `tabBatch` (name, batch_id, item, creation, modified, owner, modified_by)
				values (%s, %s, %s, %s, %s, 'Administrator', 'Administrator')""",
				(name, name, f"{PREFIX}ITEM", now, now),
			)
	frappe.db.commit()


def remove_edges(frappe, company: str) -> int:
	removed = 0
	while True:
		frappe.db.sql("delete from `tabGenealogy Edge` where company = %s limit 50000", company)
		count = frappe.db.sql("select row_count()")[0][0]
		frappe.db.commit()
		removed += count
		if count < 50000:
			break
	return removed


def cleanup_narrow(frappe) -> int:
	removed = remove_edges(frappe, COMPANY)
	frappe.db.sql(
		"delete from `tabBatch` where name like %s and name not like %s", (PREFIX + "%", WIDE + "%")
	)
	frappe.db.commit()
	return removed


def cleanup_wide(frappe, args) -> int:
	from mom_app.stock_ext import synthetic

	return synthetic.remove(wide_plan(args))


def ensure_user(frappe) -> str:
	"""A desk user who may run a recall and read its customers: MOM Manager + Sales User."""
	exists = frappe.db.exists("User", USER)
	user = frappe.get_doc("User", USER) if exists else frappe.new_doc("User")
	user.update({"email": USER, "first_name": "Recall Bench", "send_welcome_email": 0})
	user.update({"user_type": "System User", "enabled": 1, "new_password": PASSWORD})
	user.flags.no_welcome_mail = True
	if exists:
		user.save(ignore_permissions=True)
	else:
		user.insert(ignore_permissions=True)
	user.add_roles(*USER_ROLES)
	frappe.db.commit()
	return user.name


def remove_user(frappe):
	if frappe.db.exists("User", USER):
		frappe.set_user("Administrator")
		frappe.delete_doc("User", USER, ignore_permissions=True, force=True)
		frappe.db.commit()


# ----------------------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
	ordered = sorted(values)
	k = (len(ordered) - 1) * p / 100
	low = int(k)
	high = min(low + 1, len(ordered) - 1)
	return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def figures(values_ms: list[float]) -> dict:
	return {
		"n": len(values_ms),
		"p50_ms": round(percentile(values_ms, 50), 1),
		"p95_ms": round(percentile(values_ms, 95), 1),
		"max_ms": round(max(values_ms), 1),
		"mean_ms": round(statistics.fmean(values_ms), 1),
	}


def ratio(ours: list[float], reference: list[float]) -> float:
	"""ours / reference, by the medians: above 1, the reference is faster."""
	return round(statistics.median(ours) / statistics.median(reference), 2)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
	started = time.perf_counter()
	out = fn(*args, **kwargs)
	return (time.perf_counter() - started) * 1000, out


# ----------------------------------------------------------------------------------------- the reference


def cte_edges(frappe, start, direction: str, max_depth: int) -> list[tuple]:
	"""The edges a trace from `start` traverses, by one recursive query."""
	return frappe.db.sql(
		CTE_FORWARD if direction == "forward" else CTE_BACKWARD,
		{"type": start[0], "name": start[1], "max_depth": max_depth},
	)


def edge_key(edge) -> tuple:
	return (edge.source, edge.target, round(edge.qty, 6), edge.voucher)


def cte_key(row) -> tuple:
	return ((row[0], row[1]), (row[2], row[3]), round(float(row[4] or 0), 6), (row[5], row[6]))


# ----------------------------------------------------------------------------------------- over HTTP


class Client:
	"""One logged-in HTTP/1.1 connection (keep-alive), like a browser tab."""

	def __init__(self, url: str, site: str):
		parts = urlsplit(url)
		self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=120)
		self.host = site
		self.cookies: dict[str, str] = {}

	def post(self, path: str, form: dict) -> tuple[int, bytes, float]:
		headers = {
			"Host": self.host,
			"Accept": "application/json",
			"Content-Type": "application/x-www-form-urlencoded",
			"X-Requested-With": "XMLHttpRequest",
		}
		if self.cookies:
			headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
		started = time.perf_counter()
		self.conn.request("POST", path, urlencode(form), headers)
		response = self.conn.getresponse()
		body = response.read()
		elapsed = (time.perf_counter() - started) * 1000
		for header, value in response.getheaders():
			if header.lower() == "set-cookie":
				name, _, rest = value.partition("=")
				self.cookies[name] = rest.split(";", 1)[0]
		return response.status, body, elapsed


def over_http(frappe, sites_path: str, site: str, calls: list[tuple[str, dict]], samples: int, workers):
	"""Each call `samples` times (after one warm-up) through gunicorn, logged in as the bench user."""
	from benchmarks.served import start_gunicorn, stop_gunicorn

	workers = workers or int(frappe.get_conf().get("gunicorn_workers") or 2 * (os.cpu_count() or 1) + 1)
	process, url = start_gunicorn(sites_path, workers)
	out = {"workers": workers}
	try:
		client = Client(url, site)
		status, body, _ = client.post("/api/method/login", {"usr": USER, "pwd": PASSWORD})
		if status != 200:
			raise SystemExit(f"login failed: {status} {body[:200]!r}")
		for method, form in calls:
			times, size, errors = [], 0, []
			for index in range(samples + 1):
				status, body, ms = client.post(API + method, form)
				if status != 200:
					errors.append(f"{status} {body[:200]!r}")
					continue
				size = len(body)
				if index:  # the first call warms the worker up
					times.append(ms)
			out[method] = {**(figures(times) if times else {}), "bytes": size, "errors": errors[:3]}
			log(f"{method} over HTTP: {out[method]}")
	finally:
		stop_gunicorn(process)
	return out


# ----------------------------------------------------------------------------------------- main


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=None)
	parser.add_argument("--graphs", default="narrow,wide", help="narrow, wide or both (comma-separated)")
	parser.add_argument("--edges", type=int, default=1_000_000, help="narrow graph: about this many edges")
	parser.add_argument("--samples", type=int, default=200, help="narrow lots traced both ways")
	parser.add_argument("--api-samples", type=int, default=100, help="of which also traced through the API")
	parser.add_argument(
		"--recalls", type=int, default=50, help="narrow raw-material batches whose recall scope is taken"
	)
	parser.add_argument("--max-depth", type=int, default=20)
	parser.add_argument("--wide-lots", type=int, default=10_000, help="wide graph: finished lots")
	parser.add_argument("--wide-customers", type=int, default=500)
	parser.add_argument(
		"--wide-intermediates", type=int, default=100, help="slit strips between coil and lots"
	)
	parser.add_argument("--wide-samples", type=int, default=20, help="wide recalls/traces in-process, each")
	parser.add_argument("--http-samples", type=int, default=20, help="wide recalls/traces over HTTP, each")
	parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the bench's)")
	parser.add_argument("--no-http", action="store_true", help="skip the measurements over HTTP")
	parser.add_argument("--keep", action="store_true", help="keep the synthetic rows for another run")
	parser.add_argument("--cleanup", action="store_true", help="only remove the synthetic rows")
	args = parser.parse_args()
	graphs = {g.strip() for g in args.graphs.split(",") if g.strip()}

	sites_path = os.path.abspath(
		args.sites_path or (os.getcwd() if os.path.exists("apps.txt") else "/home/frappe/frappe-bench/sites")
	)
	import frappe

	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if args.cleanup:
			log(
				f"removed {cleanup_narrow(frappe):,} narrow and {cleanup_wide(frappe, args):,} wide synthetic edges"
			)
			remove_user(frappe)
			return
		result = {"benchmark": "genealogy", "max_depth": args.max_depth}
		ensure_user(frappe)
		if "narrow" in graphs:
			result["narrow"] = run_narrow(frappe, args)
		if "wide" in graphs:
			result["wide"] = run_wide(frappe, args, sites_path)
		frappe.set_user("Administrator")
		if "narrow" in graphs:
			from mom_app.stock_ext import api

			result.update(erpnext_report(frappe, api))
		result["targets"] = {"trace_p95_ms": TRACE_TARGET_MS, "recall_api_p95_ms": RECALL_TARGET_MS}
		result["mariadb"] = frappe.db.sql("select version()")[0][0]
		result["cores"] = os.cpu_count()
		if not args.keep:
			frappe.set_user("Administrator")
			if "narrow" in graphs:
				log(f"removing the narrow synthetic data ({cleanup_narrow(frappe):,} edges)")
			if "wide" in graphs:
				log(f"removing the wide synthetic data ({cleanup_wide(frappe, args):,} edges)")
			remove_user(frappe)
		print(json.dumps(result, default=str))
	finally:
		frappe.destroy()


def run_narrow(frappe, args) -> dict:
	from mom_app.engine import genealogy
	from mom_app.stock_ext import api
	from mom_app.stock_ext.trace import EdgeStore

	plan = Plan(args.edges)
	present = synthetic_count(frappe, COMPANY)
	inserted, insert_seconds = 0, 0.0
	if present and abs(present - args.edges) > args.edges * 0.05:
		log(f"removing {present:,} narrow synthetic edges of another size")
		cleanup_narrow(frappe)
		present = 0
	if not present:
		log(f"narrow: inserting about {args.edges:,} synthetic edges ({plan.raw:,} raw batches) ...")
		inserted, insert_seconds = insert_edges(frappe, generate_edges(plan), COMPANY)
		present = synthetic_count(frappe, COMPANY)
	total = frappe.db.sql("select count(*) from `tabGenealogy Edge`")[0][0]
	log(f"narrow: {present:,} synthetic edges ({total:,} in the table)")

	rng = random.Random(11)
	levels = [("RM", plan.raw), ("SA1", plan.sub1), ("SA2", plan.sub2), ("FG", plan.finished)]
	sample = []
	for _ in range(args.samples):
		level, count = rng.choice(levels)
		sample.append(lot(level, rng.randrange(count)))

	# warm-up (connection, plan cache); not measured
	for name in sample[:5]:
		genealogy.trace(EdgeStore().fetch, ("Batch", name), "backward", args.max_depth)
		cte_edges(frappe, ("Batch", name), "backward", args.max_depth)

	trace_ms, cte_ms, queries, sizes, mismatches = [], [], [], [], 0
	for index, name in enumerate(sample):
		start = ("Batch", name)
		store = EdgeStore()
		started = time.perf_counter()
		back = genealogy.trace(store.fetch, start, "backward", args.max_depth)
		forward = genealogy.trace(store.fetch, start, "forward", args.max_depth)
		trace_ms.append((time.perf_counter() - started) * 1000)
		queries.append(store.queries)
		sizes.append(len(back.depth) + len(forward.depth) - 1)
		started = time.perf_counter()
		ref_back = cte_edges(frappe, start, "backward", args.max_depth)
		ref_forward = cte_edges(frappe, start, "forward", args.max_depth)
		cte_ms.append((time.perf_counter() - started) * 1000)
		if index < 50:  # the reference traverses the same edges
			ours = {edge_key(e) for e in back.edges} | {edge_key(e) for e in forward.edges}
			theirs = {cte_key(r) for r in ref_back} | {cte_key(r) for r in ref_forward}
			mismatches += ours != theirs
	log(
		f"narrow trace (adapter): {figures(trace_ms)}, nodes p50 {statistics.median(sizes)}, max {max(sizes)}"
	)
	log(f"narrow trace (CTE): {figures(cte_ms)}")

	api_sample = sample[: args.api_samples]
	ensure_batches(frappe, api_sample)
	frappe.set_user(USER)
	api_ms = [timed(api.trace, name, "both", args.max_depth)[0] for name in api_sample]
	frappe.set_user("Administrator")
	log(f"narrow trace (API, enriched, as {USER}): {figures(api_ms)}")

	recall_ms, recall_cte_ms, recall_sizes = [], [], []
	bulk = plan.raw // plan.bulk_every
	for index in range(args.recalls):
		# half of them bulk-part batches: the widest recalls
		raw = plan.bulk_every * rng.randrange(bulk) if index % 2 else rng.randrange(plan.raw)
		start = ("Batch", lot("RM", raw))
		ms, scope = timed(genealogy.recall_scope, EdgeStore().fetch, start, RECALL_DEPTH)
		recall_ms.append(ms)
		recall_cte_ms.append(timed(cte_edges, frappe, start, "forward", RECALL_DEPTH)[0])
		recall_sizes.append(
			{"lots": len(scope.lots), "deliveries": len(scope.deliveries), "customers": len(scope.customers)}
		)
	log(f"narrow recall scope (adapter): {figures(recall_ms)}; CTE {figures(recall_cte_ms)}")
	recall_api_sample = [
		lot("RM", plan.bulk_every * rng.randrange(bulk)) for _ in range(min(20, args.recalls))
	]
	ensure_batches(frappe, recall_api_sample)
	frappe.set_user(USER)
	recall_api_ms = [timed(api.recall_scope, name)[0] for name in recall_api_sample]
	frappe.set_user("Administrator")

	return {
		"edges": present,
		"edges_in_table": total,
		"inserted": inserted,
		"insert_seconds": round(insert_seconds, 1),
		"trace_samples": len(sample),
		"trace_both_ways": figures(trace_ms),
		"trace_cte_both_ways": figures(cte_ms),
		"trace_ratio_adapter_to_cte": ratio(trace_ms, cte_ms),
		"cte_edge_sets_differ": mismatches,
		"trace_queries_p50": statistics.median(queries),
		"trace_nodes_p50": statistics.median(sizes),
		"trace_nodes_max": max(sizes),
		"trace_api": figures(api_ms),
		"trace_api_to_cte": ratio(api_ms, cte_ms),
		"meets_trace_target": percentile(trace_ms, 95) < TRACE_TARGET_MS
		and percentile(api_ms, 95) < TRACE_TARGET_MS,
		"recall_scope": figures(recall_ms),
		"recall_cte": figures(recall_cte_ms),
		"recall_ratio_adapter_to_cte": ratio(recall_ms, recall_cte_ms),
		"recall_api": figures(recall_api_ms),
		"recall_lots_p50": statistics.median(s["lots"] for s in recall_sizes),
		"recall_lots_max": max(s["lots"] for s in recall_sizes),
		"recall_customers_p50": statistics.median(s["customers"] for s in recall_sizes),
		"meets_recall_target": percentile(recall_api_ms, 95) < RECALL_TARGET_MS,
	}


def run_wide(frappe, args, sites_path: str) -> dict:
	from frappe.utils.response import json_handler

	from mom_app.engine import genealogy
	from mom_app.stock_ext import api, synthetic
	from mom_app.stock_ext.trace import EdgeStore

	plan = wide_plan(args)
	company = (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)
	if synthetic.exists(plan):
		log("wide: removing the wide synthetic data left by an earlier run")
		synthetic.remove(plan)
	log(
		f"wide: one coil -> {plan.intermediates} strips -> {plan.lots:,} lots -> {plan.deliveries:,} "
		f"deliveries -> {plan.customers} customers ({plan.edge_count():,} edges)"
	)
	started = time.monotonic()
	inserted = synthetic.create(plan, company)
	insert_seconds = time.monotonic() - started
	start = ("Batch", plan.coil)
	depth = RECALL_DEPTH

	# the engine over the adapter's store, beside one recursive query; warm-up first
	genealogy.recall_scope(EdgeStore().fetch, start, depth)
	cte_edges(frappe, start, "forward", depth)
	recall_ms, cte_ms = [], []
	for _ in range(args.wide_samples):
		ms, scope = timed(genealogy.recall_scope, EdgeStore().fetch, start, depth)
		recall_ms.append(ms)
		ms, rows = timed(cte_edges, frappe, start, "forward", depth)
		cte_ms.append(ms)
	same = {edge_key(e) for e in scope.trace.edges} == {cte_key(r) for r in rows}
	counts = {
		"lots": len(scope.lots),
		"finished": len(scope.finished),
		"deliveries": len(scope.deliveries),
		"customers": len(scope.customers),
		"edges": len(scope.trace.edges),
	}
	log(f"wide recall scope (adapter): {figures(recall_ms)}; CTE {figures(cte_ms)}; {counts}")
	back_ms = [
		timed(cte_edges, frappe, ("Batch", plan.finished(i)), "backward", args.max_depth)[0]
		for i in range(0, plan.lots, max(1, plan.lots // 20))
	]

	# where one API recall's time goes
	frappe.set_user(USER)
	breakdown = recall_breakdown(frappe, plan.coil, depth, json_handler)
	log(f"wide recall through the API, one call split: {breakdown}")
	api_ms = [timed(api.recall_scope, plan.coil)[0] for _ in range(args.wide_samples)]
	log(f"wide recall (API in-process, as {USER}): {figures(api_ms)}")
	graph_ms = [timed(api.recall_scope, plan.coil, True)[0] for _ in range(3)]
	log(f"wide recall with its graph (API in-process, graph=1): {figures(graph_ms)}")
	page_ms = [
		timed(api.trace, plan.coil, "both", args.max_depth)[0] for _ in range(max(3, args.wide_samples // 2))
	]
	log(f"wide trace both ways (API in-process, the page's call): {figures(page_ms)}")
	fg_ms = [
		timed(api.trace, plan.finished(i), "both", args.max_depth)[0]
		for i in range(0, plan.lots, max(1, plan.lots // 20))
	]
	frappe.set_user("Administrator")
	frappe.db.commit()

	http = None
	if not args.no_http:
		http = over_http(
			frappe,
			sites_path,
			args.site,
			[
				("recall_scope", {"lot": plan.coil}),
				("trace", {"lot": plan.coil, "direction": "both", "max_depth": args.max_depth}),
			],
			args.http_samples,
			args.workers,
		)
	recall_http = (http or {}).get("recall_scope") or {}
	return {
		"lots": plan.lots,
		"intermediates": plan.intermediates,
		"deliveries": plan.deliveries,
		"customers": plan.customers,
		"edges": inserted,
		"insert_seconds": round(insert_seconds, 1),
		"recall_counts": counts,
		"recall_scope": figures(recall_ms),
		"recall_cte": figures(cte_ms),
		"recall_ratio_adapter_to_cte": ratio(recall_ms, cte_ms),
		"cte_same_edges": same,
		"finished_lot_backward_cte": figures(back_ms),
		"recall_api": figures(api_ms),
		"recall_api_to_cte": ratio(api_ms, cte_ms),
		"recall_api_breakdown_ms": breakdown,
		"recall_api_with_graph": figures(graph_ms),
		"trace_api_coil_both_ways": figures(page_ms),
		"trace_api_finished_lot": figures(fg_ms),
		"http": http,
		"meets_recall_target": percentile(api_ms, 95) < RECALL_TARGET_MS
		and (not recall_http or recall_http.get("p95_ms", 1e9) < RECALL_TARGET_MS),
	}


def recall_breakdown(frappe, coil: str, depth: int, json_handler) -> dict:
	"""One recall through the API's steps, each timed: edge queries, engine, redaction + serialisation, JSON."""
	from mom_app.engine import genealogy
	from mom_app.stock_ext import trace as adapter

	fetch_ms = 0.0

	class TimedStore(adapter.EdgeStore):
		def fetch(self, frontier, direction):
			nonlocal fetch_ms
			started = time.perf_counter()
			try:
				return super().fetch(frontier, direction)
			finally:
				fetch_ms += (time.perf_counter() - started) * 1000

	started = time.perf_counter()
	store = TimedStore(details=False)  # what the recall reads
	scope = genealogy.recall_scope(store.fetch, ("Batch", coil), depth)
	walk_ms = (time.perf_counter() - started) * 1000
	total_ms, answer = timed(adapter.recall, coil, depth)
	json_ms, text = timed(json.dumps, {"message": answer}, default=json_handler, separators=(",", ":"))
	return {
		"edge_queries": round(fetch_ms, 1),
		"queries": store.queries,
		"engine": round(walk_ms - fetch_ms, 1),
		"redaction_and_serialisation": round(total_ms - walk_ms, 1),
		"api_total": round(total_ms, 1),
		"json_encoding": round(json_ms, 1),
		"json_bytes": len(text),
		"nodes_in_answer": len(answer.get("graph", {}).get("nodes", [])) + len(answer.get("lots", [])),
		"lots": len(scope.lots),
	}


def erpnext_report(frappe, api) -> dict:
	"""ERPNext's own traceability report, if this ERPNext has one, against the API on the site's real
	batches (the synthetic edges have no stock ledger behind them, which such a report reads)."""
	import erpnext

	name = "Serial No and Batch Traceability"
	out = {"erpnext_version": erpnext.__version__, "erpnext_report": None, "erpnext_ratio": None}
	if not frappe.db.exists("Report", name):
		out["erpnext_report_note"] = "this ERPNext has no batch traceability report"
		return out
	from frappe.desk.query_report import run as run_report

	batches = frappe.db.sql(
		"""select distinct target_name from `tabGenealogy Edge`
		where target_type = 'Batch' and company not in (%s, %s) limit 20""",
		(COMPANY, WIDE_COMPANY),
		pluck=True,
	)
	if not batches:
		out["erpnext_report_note"] = "no real batch history on this site to compare on"
		return out
	theirs, ours = [], []
	try:
		for batch in batches:
			item = frappe.db.get_value("Batch", batch, "item")
			started = time.perf_counter()
			run_report(
				name,
				filters={"item_code": item, "batches": [batch], "traceability_direction": "Both"},
			)
			theirs.append((time.perf_counter() - started) * 1000)
			started = time.perf_counter()
			api.trace(batch, "both")
			ours.append((time.perf_counter() - started) * 1000)
	except Exception as error:  # its filters differ between versions: report rather than fail
		out["erpnext_report_note"] = f"could not run {name}: {error!r}"[:300]
		return out
	out["erpnext_report"] = {"name": name, "batches": len(batches), **figures(theirs)}
	out["mom_on_same_batches"] = figures(ours)
	out["erpnext_ratio"] = round(statistics.median(theirs) / statistics.median(ours), 2)
	return out


if __name__ == "__main__":
	main()
