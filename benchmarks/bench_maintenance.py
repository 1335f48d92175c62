#!/usr/bin/env python3
"""The maintenance engine in bulk (no site): the PM due-date scan, condition rules in the writer path, KPIs.

Generated in memory, seeded, no Frappe:

- due-date scan: --plans (5,000) plans on assets - a quarter calendar fixed, a quarter calendar floating
  (days, weeks, months), a quarter by meter, a quarter whichever first, with lead days or units - each with a
  history (last completion, meter reading, usage rate); timed: engine.maintenance.due.scan() over all of them
  for one day. Target for the engine: < 0.1 s (the adapter's whole scan, loading and writing included, has
  1 s);
- condition rules: --rules (1,000) rules, one per series of 10 devices x 100 tags, of every kind (above,
  below, outside, rate per minute; on-delays, deadbands, off-delays, repeat counts), fed --rate (10,000)
  readings per second for --seconds (60) seconds, one batch per second as the writer stores them, through
  condition_rules.evaluate_readings() with the states carried from batch to batch. The signals drift and
  cross their limits now and then, so rules fire and clear. Timed: the engine's time per second of
  readings, against the writer's own time for them at --writer-rate readings/s (default 28,898/s: the
  slower one-writer drain of 1,000 series measured by bench_webhook.py on this machine, README). Target:
  the engine adds < 10 % to the writer's time. The real writer path (states loaded and saved, orders
  opened) is for the adapter's site benchmark to measure;
- KPIs: --assets (500) assets over --days (730) days: one operating row per asset and day (Running hours, or
  planned busy hours for a third of the assets without a state log), about 2 breakdowns per asset and month
  and the PM orders of a monthly plan; timed: kpis.compute() by asset and month (target: < 1 s, half of the
  2 s the report has), and by category over the whole period.

The last line printed is one JSON object with the figures and the number of CPU cores.

    python benchmarks/bench_maintenance.py [--plans 5000] [--rules 1000] [--rate 10000] [--seconds 60]
        [--writer-rate 28898]
        [--assets 500] [--days 730] [--runs 5] [--seed 14224]
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mom_app.engine.maintenance import condition_rules, due, kpis

DUE_TARGET_SECONDS = 0.1
ADDED_WRITER_TIME_TARGET = 0.10
KPI_TARGET_SECONDS = 1.0
TODAY = date(2026, 6, 15)


def log(message: str):
	print(message, flush=True)


def median_time(fn, runs: int) -> tuple[float, object]:
	times, result = [], None
	for _ in range(runs):
		t0 = time.perf_counter()
		result = fn()
		times.append(time.perf_counter() - t0)
	return statistics.median(times), result


# -- due-date scan ----------------------------------------------------------------------------------------


def build_plans(n: int, rng: random.Random) -> list[tuple]:
	items = []
	for i in range(n):
		kind = i % 4
		key = f"MPLAN-{i // 10:04d}/AST-{i:05d}"
		start = TODAY - timedelta(days=rng.randint(0, 900))
		unit = rng.choice(due.UNITS)
		every = {"Day": rng.randint(7, 90), "Week": rng.randint(1, 12), "Month": rng.randint(1, 12)}[unit]
		meter_every = rng.choice([250.0, 500.0, 1000.0, 5000.0])
		calendar = {"every": every, "unit": unit, "start": start}
		if kind == 0:
			plan = due.Plan(key, schedule="Fixed", lead_days=rng.randint(0, 7), **calendar)
		elif kind == 1:
			plan = due.Plan(key, lead_days=rng.randint(0, 7), **calendar)
		elif kind == 2:
			plan = due.Plan(key, meter_every=meter_every, lead_units=meter_every * 0.05)
		else:
			plan = due.Plan(key, schedule="Fixed", meter_every=meter_every, lead_days=3, **calendar)
		last_done = TODAY - timedelta(days=rng.randint(1, 120)) if rng.random() < 0.9 else None
		meter = rng.uniform(0, 50_000)
		history = {
			"last_done": last_done,
			"last_done_due": last_done,
			"last_done_meter": max(meter - rng.uniform(0, meter_every * 1.2), 0.0) if last_done else None,
			"meter": meter,
			"rate_per_day": rng.uniform(2, 40),
		}
		items.append((plan, history))
	return items


# -- condition rules --------------------------------------------------------------------------------------


def build_rules(n: int, rng: random.Random):
	rules, by_series, signals = {}, {}, []
	for i in range(n):
		series = (f"SIM-{i // 100:02d}", f"tag_{i % 100:03d}")
		key = f"CR-{i:05d}"
		kind = i % 5
		if kind == 0:
			rule = condition_rules.Rule(key, "Above", high=80.0, deadband=2.0)
		elif kind == 1:
			rule = condition_rules.Rule(key, "Above", high=80.0, on_delay=30.0, off_delay=30.0, deadband=2.0)
		elif kind == 2:
			rule = condition_rules.Rule(key, "Outside", low=20.0, high=80.0, deadband=1.0)
		elif kind == 3:
			rule = condition_rules.Rule(key, "Above", high=5.0, measure="Rate", on_delay=60.0)
		else:
			rule = condition_rules.Rule(
				key, "Above", high=80.0, repeat_count=3, repeat_window=600.0, deadband=2.0
			)
		rules[key] = rule
		by_series[series] = [key]
		# a value around 60 that drifts towards and over 80 now and then
		signals.append((series, rng.uniform(0, 2 * math.pi), rng.uniform(200, 900), rng.uniform(0.5, 2.0)))
	return rules, by_series, signals


def batches(signals, rate: int, seconds: int, rng: random.Random):
	"""One batch per second: `rate` readings spread over the series, each (series, ts, value)."""
	per_series = max(rate // len(signals), 1)
	t0 = 1_750_000_000.0
	out = []
	for s in range(seconds):
		batch = []
		for series, phase, period, noise in signals:
			for k in range(per_series):
				ts = t0 + s + k / per_series
				value = 60 + 24 * math.sin(phase + 2 * math.pi * ts / period) + rng.gauss(0, noise)
				batch.append((series, ts, value))
		out.append(batch)
	return out


def run_rules(rules, by_series, feed):
	states: dict = {}
	fired = cleared = saves = 0
	for batch in feed:
		new_states, events = condition_rules.evaluate_readings(rules, by_series, states, batch)
		for key, state in new_states.items():
			if condition_rules.needs_saving(states.get(key), state):
				saves += 1
		states.update(new_states)
		for e in events:
			if e.kind == condition_rules.FIRED:
				fired += 1
			else:
				cleared += 1
	return fired, cleared, saves


# -- KPIs -------------------------------------------------------------------------------------------------


def build_kpi_rows(n_assets: int, days: int, rng: random.Random):
	first = TODAY - timedelta(days=days)
	assets = {
		f"AST-{i:05d}": {"workstation": f"WS-{i:05d}", "category": f"CAT-{i % 12:02d}"}
		for i in range(n_assets)
	}
	operating, orders = [], []
	n = 0
	for i, asset in enumerate(assets):
		logged = i % 3 != 0
		for d in range(days):
			day = first + timedelta(days=d)
			pbt = 16.0
			operating.append(
				{
					"asset": asset,
					"day": day,
					"running_hours": rng.uniform(10, 15) if logged else None,
					"planned_busy_hours": pbt,
				}
			)
		for _ in range(int(days / 30 * 2)):
			reported = datetime.combine(first, datetime.min.time()) + timedelta(
				minutes=rng.randint(0, days * 1440)
			)
			ack = reported + timedelta(minutes=rng.randint(2, 90))
			start = ack + timedelta(minutes=rng.randint(0, 60))
			back = start + timedelta(minutes=rng.randint(10, 480))
			n += 1
			orders.append(
				{
					"name": f"MWO-{n:07d}",
					"asset": asset,
					"type": "Corrective",
					"reported": reported,
					"acknowledged": ack,
					"repair_start": start,
					"back_in_service": back,
					"completed": back + timedelta(minutes=20) if rng.random() < 0.97 else None,
					"estimated_hours": rng.uniform(0.5, 6),
					"labour_hours": (back - start).total_seconds() / 3600,
					"cost": rng.uniform(0, 2000),
				}
			)
		for m in range(days // 30):
			due_day = first + timedelta(days=30 * m + 15)
			opened = datetime.combine(due_day - timedelta(days=3), datetime.min.time())
			done = opened + timedelta(days=rng.randint(0, 6), hours=9)
			n += 1
			orders.append(
				{
					"name": f"MWO-{n:07d}",
					"asset": asset,
					"type": "Preventive",
					"reported": opened,
					"due": due_day,
					"repair_start": done - timedelta(hours=2),
					"back_in_service": done,
					"completed": done if done.date() < TODAY else None,
					"estimated_hours": 2.0,
					"labour_hours": 2.0,
					"cost": rng.uniform(50, 500),
				}
			)
	return assets, operating, orders, first


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--plans", type=int, default=5000)
	parser.add_argument("--rules", type=int, default=1000)
	parser.add_argument("--rate", type=int, default=10000)
	parser.add_argument("--seconds", type=int, default=60)
	parser.add_argument("--writer-rate", type=float, default=28898.0)
	parser.add_argument("--assets", type=int, default=500)
	parser.add_argument("--days", type=int, default=730)
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--seed", type=int, default=14224)
	args = parser.parse_args()
	rng = random.Random(args.seed)

	items = build_plans(args.plans, rng)
	due_seconds, results = median_time(lambda: due.scan(items, TODAY), args.runs)
	opening = sum(r.open_now for r in results)
	reasons: dict = {}
	for r in results:
		reasons[r.reason] = reasons.get(r.reason, 0) + 1
	log(
		f"due scan: {args.plans} plans in {due_seconds * 1000:.1f} ms (median of {args.runs}); {opening} open now"
	)

	rules, by_series, signals = build_rules(args.rules, rng)
	feed = batches(signals, args.rate, args.seconds, rng)
	readings = sum(len(b) for b in feed)
	rule_seconds, (fired, cleared, saves) = median_time(lambda: run_rules(rules, by_series, feed), args.runs)
	per_reading = rule_seconds / readings
	per_second_of_readings = per_reading * args.rate
	writer_per_second_of_readings = args.rate / args.writer_rate
	added = per_second_of_readings / writer_per_second_of_readings
	log(
		f"condition rules: {args.rules} rules, {readings} readings ({args.rate}/s for {args.seconds} s) in "
		f"{rule_seconds * 1000:.0f} ms: {per_reading * 1e6:.2f} us a reading, "
		f"{per_second_of_readings * 1000:.1f} ms per second of readings = {added:.1%} of the writer's "
		f"{writer_per_second_of_readings * 1000:.0f} ms; {fired} fired, {cleared} cleared, {saves} state saves"
	)

	feed = items = results = None  # what the KPI step does not need
	assets, operating, orders, first = build_kpi_rows(args.assets, args.days, rng)
	window = {"start": first, "end": TODAY, "as_of": TODAY}

	kpi_seconds, monthly = median_time(
		lambda: kpis.compute(orders, operating, assets, group_by=("asset",), period="month", **window),
		args.runs,
	)
	category_seconds, by_category = median_time(
		lambda: kpis.compute(orders, operating, assets, group_by=("category",), **window), args.runs
	)
	log(
		f"KPIs: {len(operating)} operating rows and {len(orders)} orders -> {len(monthly)} asset-months in "
		f"{kpi_seconds * 1000:.0f} ms; -> {len(by_category)} categories in {category_seconds * 1000:.0f} ms"
	)

	met = {
		"due": due_seconds < DUE_TARGET_SECONDS,
		"condition_rules": added < ADDED_WRITER_TIME_TARGET,
		"kpis": kpi_seconds < KPI_TARGET_SECONDS,
	}
	log("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))
	print(
		json.dumps(
			{
				"benchmark": "maintenance",
				"runs": args.runs,
				"plans": args.plans,
				"due_scan_seconds": round(due_seconds, 4),
				"due_target_seconds": DUE_TARGET_SECONDS,
				"plans_open_now": opening,
				"due_reasons": reasons,
				"rules": args.rules,
				"readings": readings,
				"readings_per_second": args.rate,
				"rules_seconds": round(rule_seconds, 4),
				"rules_us_per_reading": round(per_reading * 1e6, 3),
				"rules_ms_per_second_of_readings": round(per_second_of_readings * 1000, 2),
				"writer_rate": args.writer_rate,
				"rules_added_writer_time": round(added, 4),
				"rules_added_target": ADDED_WRITER_TIME_TARGET,
				"fired": fired,
				"cleared": cleared,
				"state_saves": saves,
				"kpi_assets": args.assets,
				"kpi_days": args.days,
				"kpi_operating_rows": len(operating),
				"kpi_orders": len(orders),
				"kpi_seconds": round(kpi_seconds, 4),
				"kpi_by_category_seconds": round(category_seconds, 4),
				"kpi_target_seconds": KPI_TARGET_SECONDS,
				"met": met,
				"cpu_count": os.cpu_count(),
			}
		)
	)
	return 0 if all(met.values()) else 1


if __name__ == "__main__":
	sys.exit(main())
