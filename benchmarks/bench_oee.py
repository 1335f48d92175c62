#!/usr/bin/env python3
"""OEE in bulk: 100 workstations x 30 days x 3 shifts of machine-state intervals through oee.compute_many.

Generates (seeded, in memory, no Frappe) one continuous Machine State Log per workstation over the period:
Running stretches of ~16 min on average between stops - micro stops (< 60 s), short idles, breakdowns of
10-60 min and setups - about 50 intervals per 8-hour shift, each a (start, end, state, micro_stop) row like
the ones machine_state.advance() closes. Shifts are 06-14, 14-22 and 22-06 with a 30-minute break each,
plus a one-hour planned maintenance in the Sunday night shift, expanded with engine.shifts.expand().

Then it times, median of --runs runs:
  - assign: oee.assign() pairing each workstation's intervals with the shift windows they overlap;
  - compute: oee.compute_many() over all windows (the target: < 2 s for 9,000 windows);
and checks a sample of windows against the plain-Python reference sweep the tier-1 tests use
(tests/oee_reference.py), one window at a time.

The last line printed is one JSON object with the figures and the number of CPU cores.

    python benchmarks/bench_oee.py [--workstations 100] [--days 30] [--runs 5] [--seed 22400]
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from mom_app.engine import oee, shifts
from tests.oee_reference import reference_window

TARGET_SECONDS = 2.0
PATTERNS = [
	{"name": "Early", "start": "06:00", "end": "14:00", "breaks": [{"start": "10:00", "end": "10:30"}]},
	{"name": "Late", "start": "14:00", "end": "22:00", "breaks": [{"start": "18:00", "end": "18:30"}]},
	{
		"name": "Night",
		"start": "22:00",
		"end": "06:00",
		"breaks": [{"start": "02:00", "end": "02:30"}],
		"weekdays": {0, 1, 2, 3, 4, 5},
	},
	{
		"name": "Night (Sunday)",
		"start": "22:00",
		"end": "06:00",
		"breaks": [{"start": "02:00", "end": "02:30"}],
		"planned_downtime": [{"start": "03:00", "end": "04:00", "reason": "Maintenance"}],
		"weekdays": {6},
	},
]
# Stops between Running stretches: (state code, micro_stop, mean seconds, probability).
STOPS = [
	(oee.STATE_CODES["Idle"], True, 25.0, 0.45),
	(oee.STATE_CODES["Down"], True, 30.0, 0.15),
	(oee.STATE_CODES["Idle"], False, 240.0, 0.25),
	(oee.STATE_CODES["Down"], False, 1500.0, 0.10),
	(oee.STATE_CODES["Setup"], False, 1200.0, 0.05),
]


def log(message: str):
	print(message, flush=True)


def shift_windows(days: int, first: date) -> list[shifts.Window]:
	"""One workstation's windows (every workstation has the same shifts)."""
	return shifts.expand(PATTERNS, first, first + timedelta(days=days - 1))


def synthetic_intervals(rng: np.random.Generator, t_start: float, t_end: float, per_shift: int):
	"""A continuous timeline from t_start past t_end: Running, stop, Running, stop, ..."""
	mean_cycle = 8 * 3600 / per_shift * 2  # one Running + one stop
	n_pairs = int((t_end - t_start) / mean_cycle * 1.3) + 10
	probabilities = np.array([s[3] for s in STOPS])
	kinds = rng.choice(len(STOPS), size=n_pairs, p=probabilities / probabilities.sum())
	stop_means = np.array([s[2] for s in STOPS])
	stop_len = np.maximum(rng.exponential(stop_means[kinds]), 1.0)
	micro = np.array([s[1] for s in STOPS])[kinds]
	stop_len = np.where(micro, np.minimum(stop_len, 59.0), np.maximum(stop_len, 60.0))
	running_mean = mean_cycle - float((probabilities / probabilities.sum() * stop_means).sum())
	run_len = np.maximum(rng.exponential(running_mean, size=n_pairs), 5.0)
	durations = np.empty(2 * n_pairs)
	durations[0::2] = run_len
	durations[1::2] = stop_len
	states = np.empty(2 * n_pairs, dtype=np.int64)
	states[0::2] = oee.STATE_CODES["Running"]
	states[1::2] = np.array([s[0] for s in STOPS])[kinds]
	micro_flags = np.zeros(2 * n_pairs, dtype=bool)
	micro_flags[1::2] = micro
	ends = t_start + np.cumsum(durations)
	starts = ends - durations
	keep = starts < t_end
	return starts[keep], ends[keep], states[keep], micro_flags[keep]


def build(workstations: int, days: int, seed: int, per_shift: int = 50):
	"""Window and interval arrays for all workstations, intervals kept per workstation (not per window)."""
	rng = np.random.default_rng(seed)
	first = date(2024, 3, 4)
	template = shift_windows(days, first)
	w_arrays, _, x_arrays = oee.pack(template, [[] for _ in template])
	n = len(template)
	windows = {k: np.tile(v, workstations) for k, v in w_arrays.items()}
	windows["key"] = np.repeat(np.arange(workstations), n)
	offsets = np.repeat(np.arange(workstations) * n, x_arrays["window"].size)
	excluded = {k: np.tile(v, workstations) for k, v in x_arrays.items()}
	excluded["window"] = np.tile(x_arrays["window"], workstations) + offsets
	windows["ideal_cycle_time"] = np.repeat(rng.uniform(8, 40, size=workstations), n)
	t_start, t_end = float(w_arrays["start"].min()) - 3600, float(w_arrays["end"].max()) + 3600
	parts = [synthetic_intervals(rng, t_start, t_end, per_shift) for _ in range(workstations)]
	intervals = {
		"start": np.concatenate([p[0] for p in parts]),
		"end": np.concatenate([p[1] for p in parts]),
		"state": np.concatenate([p[2] for p in parts]),
		"micro_stop": np.concatenate([p[3] for p in parts]),
		"key": np.concatenate([np.full(p[0].size, k) for k, p in enumerate(parts)]),
	}
	return template, windows, intervals, excluded


def run_once(windows, intervals, excluded):
	t0 = time.perf_counter()
	iv_index, w_index = oee.assign(
		windows["start"],
		windows["end"],
		windows["key"],
		intervals["start"],
		intervals["end"],
		intervals["key"],
	)
	per_window = {
		"window": w_index,
		"start": intervals["start"][iv_index],
		"end": intervals["end"][iv_index],
		"state": intervals["state"][iv_index],
		"micro_stop": intervals["micro_stop"][iv_index],
	}
	t1 = time.perf_counter()
	result = oee.compute_many(windows, per_window, excluded, downtime_seconds=120)
	t2 = time.perf_counter()
	return t1 - t0, t2 - t1, per_window, result


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--workstations", type=int, default=100)
	parser.add_argument("--days", type=int, default=30)
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--seed", type=int, default=22400)
	parser.add_argument("--intervals-per-shift", type=int, default=50)
	args = parser.parse_args()

	log(f"generating {args.workstations} workstations x {args.days} days (seed {args.seed}) ...")
	_, windows, intervals, excluded = build(
		args.workstations, args.days, args.seed, per_shift=args.intervals_per_shift
	)
	n_windows = windows["start"].size
	# Production in line with a realistic speed: 85% of ideal over the running time, 3% scrap.
	_, _, per_window, first = run_once(windows, intervals, excluded)
	pru = windows["ideal_cycle_time"]
	produced = np.floor(first["apt"] * 0.85 / pru)
	windows["produced"] = produced
	windows["scrap"] = np.floor(produced * 0.03)
	windows["good"] = produced - windows["scrap"]

	assign_times, compute_times = [], []
	result = None
	for run in range(args.runs):
		t_assign, t_compute, per_window, result = run_once(windows, intervals, excluded)
		assign_times.append(t_assign)
		compute_times.append(t_compute)
		log(f"run {run + 1}: assign {t_assign:.3f} s, compute_many {t_compute:.3f} s")

	# Spot-check against the reference, one window at a time.
	rng = np.random.default_rng(args.seed + 1)
	sample = rng.choice(n_windows, size=min(50, n_windows), replace=False)
	order = np.argsort(per_window["window"], kind="stable")
	bounds = np.searchsorted(per_window["window"][order], np.arange(n_windows + 1))
	codes = {v: k for k, v in oee.STATE_CODES.items()}
	mismatches = 0
	records = oee.to_records(result)
	for j in sample:
		rows = order[bounds[j] : bounds[j + 1]]
		ivs = [
			(
				per_window["start"][r],
				per_window["end"][r],
				codes[int(per_window["state"][r])],
				bool(per_window["micro_stop"][r]),
			)
			for r in rows
		]
		mask = excluded["window"] == j
		win = {
			"start": float(windows["start"][j]),
			"end": float(windows["end"][j]),
			"breaks": list(
				zip(
					excluded["start"][mask & ~excluded["planned"]],
					excluded["end"][mask & ~excluded["planned"]],
					strict=True,
				)
			),
			"planned_downtime": list(
				zip(
					excluded["start"][mask & excluded["planned"]],
					excluded["end"][mask & excluded["planned"]],
					strict=True,
				)
			),
		}
		ref = reference_window(
			win,
			ivs,
			produced=float(windows["produced"][j]),
			good=float(windows["good"][j]),
			scrap=float(windows["scrap"][j]),
			ideal_cycle_time=float(windows["ideal_cycle_time"][j]),
			downtime_seconds=120,
		)
		got = records[j]
		for name in (
			"pbt",
			"apt",
			"adot",
			"asut",
			"adet",
			"unaccounted_time",
			"oee",
			"availability",
			"performance",
		):
			a, b = getattr(ref, name), getattr(got, name)
			if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-6 * max(1.0, abs(a))):
				mismatches += 1
				log(f"MISMATCH window {j} {name}: reference {a} vs compute_many {b}")

	# the plant's figures as the board and the OEE Analysis report roll stored records up
	total = oee.rollup(
		{
			"pbt": r.pbt / 60,
			"apt": r.apt / 60,
			"oee": None if r.oee is None else r.oee * 100,
			"produced": r.produced,
			"good": r.good,
			"ideal_cycle_time": r.ideal_cycle_time,
			"calendar_time": r.calendar_time / 60,
		}
		for r in records
	)
	compute_median = statistics.median(compute_times)
	assign_median = statistics.median(assign_times)
	n_intervals = int(intervals["start"].size)
	log(
		f"{n_windows} windows, {n_intervals} state intervals "
		f"({n_intervals / n_windows:.1f} per shift, {per_window['window'].size} window pairs)"
	)
	log(
		f"plant: PBT {total['pbt'] / 60:.0f} h, availability {total['availability']}%, performance "
		f"{total['performance']}%, quality {total['quality']}%, OEE {total['oee']}%"
	)
	log(f"assign median {assign_median:.3f} s; compute_many median {compute_median:.3f} s")
	met = compute_median + assign_median < TARGET_SECONDS
	log(
		f"target: assign + compute_many < {TARGET_SECONDS:.0f} s -> {'met' if met else 'NOT met'}; "
		f"spot-check of {sample.size} windows against the reference sweep: {mismatches} mismatches"
	)
	result_line = {
		"benchmark": "oee",
		"workstations": args.workstations,
		"days": args.days,
		"windows": n_windows,
		"intervals": n_intervals,
		"window_interval_pairs": int(per_window["window"].size),
		"runs": args.runs,
		"assign_seconds": round(assign_median, 4),
		"compute_seconds": round(compute_median, 4),
		"total_seconds": round(assign_median + compute_median, 4),
		"target_seconds": TARGET_SECONDS,
		"met": bool(met),
		"spot_check_windows": int(sample.size),
		"spot_check_mismatches": mismatches,
		"cpu_count": os.cpu_count(),
	}
	print(json.dumps(result_line))
	return 0 if met and not mismatches else 1


if __name__ == "__main__":
	sys.exit(main())
