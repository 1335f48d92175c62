#!/usr/bin/env python3
"""Lot genealogy at scale: 1,000,000 Genealogy Edge rows, traces and recall scopes against them.

Generates (bulk INSERTs, straight into the site's database) a synthetic plant history tagged with the company
"GBENCH Synthetic" and voucher / lot names starting with "GBENCH-":

    supplier -> receipt -> raw batch -> sub-assembly -> sub-assembly -> finished batch -> delivery -> customer

Each produced batch consumes 3-6 batches of the levels below, picked near its own position in production
order (lots made one after the other use lots received one after the other), so a raw batch reaches a
realistic band of finished batches rather than the whole plant; every 200th raw batch is a bulk part
(screws, bearings) that goes into about 100 finished batches, the widest recalls. About 10.5 edges per raw
batch: 1,000,000 edges are ~95,000 raw, ~95,000 + ~48,000 sub-assembly and ~48,000 finished batches.

Then it measures, with the site's real adapter (mom_app.stock_ext.trace.EdgeStore, one query per BFS
level):
  - a full backward + forward trace (depth <= 20) of random batches of every level: p50 / p95 / max
    (target p95 < 200 ms), and the same through the whitelisted API (mom_app.stock_ext.api.trace: the
    Batch lookup, permission checks, enrichment and serialisation included);
  - the recall scope (engine.genealogy.recall_scope) of raw-material batches, half of them bulk parts
    (target < 1 s), and the same through mom_app.stock_ext.api.recall_scope for bulk parts.
ERPNext v15 has no batch traceability report of its own; if the site's ERPNext has one ("Serial No and
Batch Traceability"), it is timed on the site's real batches against the API and the ratio reported.

The last line printed is one JSON object with the figures and the number of CPU cores.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_genealogy.py --site SITE
        [--edges 1000000] [--samples 200] [--recalls 50] [--keep] [--cleanup]

The synthetic rows are removed at the end unless --keep; --cleanup only removes them (e.g. after --keep).
While they exist, `bench mom-genealogy-rebuild` would delete them (their vouchers do not exist).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta

from mom_app.stock_ext.capture import EDGE_FIELDS

COMPANY = "GBENCH Synthetic"
PREFIX = "GBENCH-"
TRACE_TARGET_MS = 200
RECALL_TARGET_MS = 1000
CHUNK = 5000

FIELDS = ("name", *EDGE_FIELDS, "creation", "modified", "owner", "modified_by")
INSERT = "insert into `tabGenealogy Edge` (" + ", ".join(FIELDS) + ") values "
ROW = "(" + ", ".join(["%s"] * len(FIELDS)) + ")"


def log(message: str):
	print(message, file=sys.stderr, flush=True)


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
	"""Yield edge tuples (without name / timestamps), oldest first."""
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


def synthetic_count(frappe) -> int:
	return frappe.db.sql("select count(*) from `tabGenealogy Edge` where company = %s", COMPANY)[0][0]


def insert(frappe, plan: Plan) -> tuple[int, float]:
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
			log(f"  {total:,} edges inserted ({time.monotonic() - started:.0f} s)")

	for edge in generate_edges(plan):
		name += 1
		chunk.append((name, *edge, COMPANY, now, now, user, user))
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


def cleanup(frappe) -> int:
	removed = 0
	while True:
		frappe.db.sql("delete from `tabGenealogy Edge` where company = %s limit 50000", COMPANY)
		count = frappe.db.sql("select row_count()")[0][0]
		frappe.db.commit()
		removed += count
		if count < 50000:
			break
	frappe.db.sql("delete from `tabBatch` where name like %s", PREFIX + "%")
	frappe.db.commit()
	return removed


def percentile(values: list[float], p: float) -> float:
	ordered = sorted(values)
	k = (len(ordered) - 1) * p / 100
	low = int(k)
	high = min(low + 1, len(ordered) - 1)
	return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def figures(values_ms: list[float]) -> dict:
	return {
		"p50_ms": round(percentile(values_ms, 50), 1),
		"p95_ms": round(percentile(values_ms, 95), 1),
		"max_ms": round(max(values_ms), 1),
		"mean_ms": round(statistics.fmean(values_ms), 1),
	}


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=None)
	parser.add_argument("--edges", type=int, default=1_000_000)
	parser.add_argument("--samples", type=int, default=200, help="batches traced both ways")
	parser.add_argument("--api-samples", type=int, default=100, help="of which also traced through the API")
	parser.add_argument(
		"--recalls", type=int, default=50, help="raw-material batches whose recall scope is taken"
	)
	parser.add_argument("--max-depth", type=int, default=20)
	parser.add_argument("--keep", action="store_true", help="keep the synthetic rows for another run")
	parser.add_argument("--cleanup", action="store_true", help="only remove the synthetic rows")
	args = parser.parse_args()

	sites_path = args.sites_path or (
		os.getcwd() if os.path.exists("apps.txt") else "/home/frappe/frappe-bench/sites"
	)
	import frappe

	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if args.cleanup:
			log(f"removed {cleanup(frappe):,} synthetic edges")
			return
		run(frappe, args)
	finally:
		frappe.destroy()


def run(frappe, args):
	from mom_app.engine import genealogy
	from mom_app.stock_ext import api
	from mom_app.stock_ext.trace import EdgeStore

	plan = Plan(args.edges)
	present = synthetic_count(frappe)
	inserted, insert_seconds = 0, 0.0
	if present and abs(present - args.edges) > args.edges * 0.05:
		log(f"removing {present:,} synthetic edges of another size")
		cleanup(frappe)
		present = 0
	if not present:
		log(f"inserting about {args.edges:,} synthetic edges ({plan.raw:,} raw batches) ...")
		inserted, insert_seconds = insert(frappe, plan)
		present = synthetic_count(frappe)
	total = frappe.db.sql("select count(*) from `tabGenealogy Edge`")[0][0]
	log(f"{present:,} synthetic edges ({total:,} in the table)")

	rng = random.Random(11)
	levels = [("RM", plan.raw), ("SA1", plan.sub1), ("SA2", plan.sub2), ("FG", plan.finished)]
	sample = []
	for _ in range(args.samples):
		level, count = rng.choice(levels)
		sample.append(lot(level, rng.randrange(count)))

	# warm-up (connection, plan cache); not measured
	for name in sample[:5]:
		genealogy.trace(EdgeStore().fetch, ("Batch", name), "backward", args.max_depth)

	trace_ms, queries, sizes = [], [], []
	for name in sample:
		store = EdgeStore()
		started = time.perf_counter()
		back = genealogy.trace(store.fetch, ("Batch", name), "backward", args.max_depth)
		forward = genealogy.trace(store.fetch, ("Batch", name), "forward", args.max_depth)
		trace_ms.append((time.perf_counter() - started) * 1000)
		queries.append(store.queries)
		sizes.append(len(back.depth) + len(forward.depth) - 1)
	log(f"trace (adapter): {figures(trace_ms)}, nodes p50 {statistics.median(sizes)}, max {max(sizes)}")

	api_sample = sample[: args.api_samples]
	ensure_batches(frappe, api_sample)
	api_ms = []
	for name in api_sample:
		started = time.perf_counter()
		api.trace(name, "both", args.max_depth)
		api_ms.append((time.perf_counter() - started) * 1000)
	log(f"trace (API, enriched): {figures(api_ms)}")

	recall_ms, recall_sizes = [], []
	bulk = plan.raw // plan.bulk_every
	for index in range(args.recalls):
		# half of them bulk-part batches: the widest recalls
		raw = plan.bulk_every * rng.randrange(bulk) if index % 2 else rng.randrange(plan.raw)
		name = lot("RM", raw)
		started = time.perf_counter()
		scope = genealogy.recall_scope(EdgeStore().fetch, ("Batch", name))
		recall_ms.append((time.perf_counter() - started) * 1000)
		recall_sizes.append(
			{"lots": len(scope.lots), "deliveries": len(scope.deliveries), "customers": len(scope.customers)}
		)
	log(f"recall scope: {figures(recall_ms)}")
	recall_api_sample = [
		lot("RM", plan.bulk_every * rng.randrange(bulk)) for _ in range(min(20, args.recalls))
	]
	ensure_batches(frappe, recall_api_sample)
	recall_api_ms = []
	for name in recall_api_sample:
		started = time.perf_counter()
		api.recall_scope(name)
		recall_api_ms.append((time.perf_counter() - started) * 1000)

	erpnext = erpnext_report(frappe, api)

	result = {
		"benchmark": "genealogy",
		"edges": present,
		"edges_in_table": total,
		"inserted": inserted,
		"insert_seconds": round(insert_seconds, 1),
		"max_depth": args.max_depth,
		"trace_samples": len(sample),
		"trace_both_ways": figures(trace_ms),
		"trace_queries_p50": statistics.median(queries),
		"trace_nodes_p50": statistics.median(sizes),
		"trace_nodes_max": max(sizes),
		"trace_api_samples": len(api_sample),
		"trace_api": figures(api_ms),
		"target_trace_p95_ms": TRACE_TARGET_MS,
		"meets_trace_target": percentile(trace_ms, 95) < TRACE_TARGET_MS,
		"recall_samples": len(recall_ms),
		"recall_scope": figures(recall_ms),
		"recall_api": figures(recall_api_ms),
		"recall_lots_p50": statistics.median(s["lots"] for s in recall_sizes),
		"recall_lots_max": max(s["lots"] for s in recall_sizes),
		"recall_customers_p50": statistics.median(s["customers"] for s in recall_sizes),
		"target_recall_ms": RECALL_TARGET_MS,
		"meets_recall_target": max(recall_ms) < RECALL_TARGET_MS,
		**erpnext,
		"mariadb": frappe.db.sql("select version()")[0][0],
		"cores": os.cpu_count(),
	}
	if not args.keep:
		log(f"removing the synthetic data ({cleanup(frappe):,} edges)")
	print(json.dumps(result))


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
		where target_type = 'Batch' and company != %s limit 20""",
		COMPANY,
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
