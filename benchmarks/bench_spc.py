#!/usr/bin/env python3
"""SPC engine at scale: a plant-wide recompute and run-rule evaluation over a million points, no Frappe.

Generates (seeded numpy, nothing stored) --characteristics series of --points individual measurements each:
normal noise around a per-characteristic mean and sigma, a few of them with a sustained shift, a drift or
an outlier so that the run rules have something to find, and specification limits at mean +- 4 sigma.

Then it measures, with the pure engine (mom_app.engine.spc), repeating each --repeats times and reporting
the median:
  - the plant-wide recompute as the quality pillar runs it (mom_app.quality.spc.recompute, without the
    database): spc.evaluate_characteristic for one characteristic after the other - I-MR phase I limits,
    all 8 Nelson rules and the capability (Cp, Cpk, Pp, Ppk, Cpm) - for every characteristic (target:
    1,000 x 10,000 points < 2 s);
  - the same as an Xbar-R recompute with subgroups of 5 (reported, no target);
  - spc.evaluate_rules of all 8 Nelson rules over one series of --rule-points points
    (target: 1,000,000 points < 200 ms).
Timings are wall clock on this machine; the targets were set for 2 cores.

The last line printed is one JSON object with the figures, the targets, whether they were met and the
number of CPU cores.

    python benchmarks/bench_spc.py [--characteristics 1000] [--points 10000] [--rule-points 1000000]
        [--repeats 5] [--seed 20240601]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mom_app.engine import spc

RECOMPUTE_TARGET_S = 2.0
RULES_TARGET_S = 0.2


def log(message: str):
	print(message, flush=True)


def make_series(count: int, points: int, seed: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
	"""Series of measurements and their specification limits (mean -/+ 4 sigma)."""
	rng = np.random.default_rng(seed)
	means = rng.uniform(5, 500, count)
	sigmas = means * rng.uniform(0.002, 0.02, count)
	series = []
	for i in range(count):
		values = rng.normal(means[i], sigmas[i], points)
		kind = i % 10
		if kind == 1:  # a sustained shift of 1.5 sigma over the last fifth
			values[-points // 5 :] += 1.5 * sigmas[i]
		elif kind == 2:  # a slow drift
			values += np.linspace(0, 2 * sigmas[i], points)
		elif kind == 3:  # a few outliers
			values[rng.integers(0, points, 5)] += 5 * sigmas[i]
		series.append(values)
	return series, means - 4 * sigmas, means + 4 * sigmas


def timed(function, repeats: int) -> tuple[float, list[float], object]:
	times, result = [], None
	for _ in range(repeats):
		start = time.perf_counter()
		result = function()
		times.append(time.perf_counter() - start)
	return statistics.median(times), times, result


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--characteristics", type=int, default=1000)
	parser.add_argument("--points", type=int, default=10_000)
	parser.add_argument("--rule-points", type=int, default=1_000_000)
	parser.add_argument("--repeats", type=int, default=5)
	parser.add_argument("--seed", type=int, default=20240601)
	args = parser.parse_args()
	cpus = os.cpu_count() or 1

	log(
		f"generating {args.characteristics:,} characteristics x {args.points:,} points (seed {args.seed}) ..."
	)
	series, lsl, usl = make_series(args.characteristics, args.points, args.seed)
	total = args.characteristics * args.points

	targets = (lsl + usl) / 2
	subgroups = [values[: len(values) // 5 * 5].reshape(-1, 5) for values in series]

	def recompute_imr():
		return [
			spc.evaluate_characteristic(
				"I-MR",
				values,
				rules=spc.NELSON,
				lsl=float(lsl[i]),
				usl=float(usl[i]),
				target=float(targets[i]),
				include_chart=False,
			)
			for i, values in enumerate(series)
		]

	def recompute_xbar():
		return [
			spc.evaluate_characteristic(
				"Xbar-R",
				rows,
				subgroup_size=5,
				rules=spc.NELSON,
				lsl=float(lsl[i]),
				usl=float(usl[i]),
				include_chart=False,
			)
			for i, rows in enumerate(subgroups)
		]

	recompute_imr()  # warm-up (page faults)
	imr_s, imr_times, summaries = timed(recompute_imr, args.repeats)
	errors = sum(1 for s in summaries if s["capability_error"])
	out_of_control = sum(1 for s in summaries if s["violations"])
	cpk = [s["capability"]["cpk"] for s in summaries if s["capability"]]
	log(
		f"recompute I-MR (limits + 8 Nelson rules + capability): median {imr_s * 1000:.0f} ms over "
		f"{args.repeats} runs ({', '.join(f'{t * 1000:.0f}' for t in imr_times)} ms); "
		f"{total / imr_s / 1e6:.1f} M points/s; {out_of_control} of {len(summaries)} with rule violations, "
		f"median Cpk {statistics.median(cpk):.2f}, {errors} errors"
	)
	xbar_s, xbar_times, _ = timed(recompute_xbar, args.repeats)
	log(
		f"recompute Xbar-R n=5 (limits + 8 Nelson rules + capability): median {xbar_s * 1000:.0f} ms "
		f"({', '.join(f'{t * 1000:.0f}' for t in xbar_times)} ms)"
	)

	rng = np.random.default_rng(args.seed + 1)
	values = rng.normal(0, 1, args.rule_points)
	values[args.rule_points // 2 : args.rule_points // 2 + 50] += 1.5

	def rules_once():
		return spc.evaluate_rules(values, 0.0, 1.0, spc.NELSON)

	rules_once()
	rules_s, rules_times, found = timed(rules_once, args.repeats)
	log(
		f"evaluate_rules, 8 Nelson rules over {args.rule_points:,} points: median {rules_s * 1000:.1f} ms "
		f"({', '.join(f'{t * 1000:.1f}' for t in rules_times)} ms); "
		+ ", ".join(f"{rule} {len(idx)}" for rule, idx in found.items())
	)

	full_size = args.characteristics >= 1000 and args.points >= 10_000 and args.rule_points >= 1_000_000
	recompute_met = imr_s < RECOMPUTE_TARGET_S
	rules_met = rules_s < RULES_TARGET_S
	log(
		f"targets: recompute < {RECOMPUTE_TARGET_S:g} s {'met' if recompute_met else 'MISSED'}, "
		f"rules < {RULES_TARGET_S * 1000:g} ms {'met' if rules_met else 'MISSED'}"
		+ ("" if full_size else " (reduced sizes: not the target workload)")
		+ f"; {cpus} CPU cores"
	)
	print(
		json.dumps(
			{
				"benchmark": "spc",
				"characteristics": args.characteristics,
				"points_per_characteristic": args.points,
				"recompute_points": total,
				"recompute_imr_s": round(imr_s, 4),
				"recompute_xbar_r_s": round(xbar_s, 4),
				"recompute_target_s": RECOMPUTE_TARGET_S,
				"recompute_met": recompute_met,
				"rule_points": args.rule_points,
				"rules": list(spc.NELSON),
				"rules_s": round(rules_s, 4),
				"rules_target_s": RULES_TARGET_S,
				"rules_met": rules_met,
				"full_size": full_size,
				"repeats": args.repeats,
				"with_rule_violations": out_of_control,
				"cpu_count": cpus,
			}
		),
		flush=True,
	)


if __name__ == "__main__":
	main()
