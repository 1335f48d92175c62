"""SPC engine: control chart constants, limits against published textbook examples, run rules, capability.

Published examples (raw data typed in below, figures compared with the precision the source prints):
  - D. C. Montgomery, Introduction to Statistical Quality Control, 6th ed. (Wiley, 2009):
      Example 6.1 / Table 6.3, piston ring inside diameter, Xbar-R chart; Example 6.3, Xbar-S chart on the
      same data; Section 6.2.1, process capability of the piston rings; Example 7.1 / Table 7.1, orange
      juice can p chart; Example 7.3 / Table 7.7, printed circuit board c chart.
    The same data sets ship with the R package qcc (Scrucca; github.com/luca-scr/qcc, data/pistonrings.txt,
    orangejuice.txt, circuit.txt, dyedcloth.txt, citing Montgomery 2nd ed. 1991), which also has the
    phase II samples used below. qcc's pistonrings row 21 reads 73.988 74.001 74.009 74.005 73.996; the
    book's Table 6.3 row 21 is 73.982 74.001 74.015 74.005 73.996 (its s = 0.0122, R-bar = 0.581/25), which
    is what gives the book's R-bar = 0.023 and S-bar = 0.0094, so the book's row is used here.
  - NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2 "Individuals Control Charts"
    (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm): flowrate of 10 batches, I-MR.
"""

import json
import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mom_app.engine import spc
from mom_app.engine.spc import (
	CHART_TYPES,
	NELSON,
	RULES,
	WESTERN_ELECTRIC,
	Limits,
	SPCError,
	capability,
	compute_chart,
	evaluate_characteristic,
	evaluate_rules,
	new_violation,
	spec_limits,
)
from mom_app.engine.spc_constants import COLUMNS, CONSTANTS

# ---------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------

# Montgomery 6th ed., Table 6.3: inside diameter (mm) of automobile engine piston rings, 25 samples of 5.
PISTON_RINGS = [
	[74.030, 74.002, 74.019, 73.992, 74.008],
	[73.995, 73.992, 74.001, 74.011, 74.004],
	[73.988, 74.024, 74.021, 74.005, 74.002],
	[74.002, 73.996, 73.993, 74.015, 74.009],
	[73.992, 74.007, 74.015, 73.989, 74.014],
	[74.009, 73.994, 73.997, 73.985, 73.993],
	[73.995, 74.006, 73.994, 74.000, 74.005],
	[73.985, 74.003, 73.993, 74.015, 73.988],
	[74.008, 73.995, 74.009, 74.005, 74.004],
	[73.998, 74.000, 73.990, 74.007, 73.995],
	[73.994, 73.998, 73.994, 73.995, 73.990],
	[74.004, 74.000, 74.007, 74.000, 73.996],
	[73.983, 74.002, 73.998, 73.997, 74.012],
	[74.006, 73.967, 73.994, 74.000, 73.984],
	[74.012, 74.014, 73.998, 73.999, 74.007],
	[74.000, 73.984, 74.005, 73.998, 73.996],
	[73.994, 74.012, 73.986, 74.005, 74.007],
	[74.006, 74.010, 74.018, 74.003, 74.000],
	[73.984, 74.002, 74.003, 74.005, 73.997],
	[74.000, 74.010, 74.013, 74.020, 74.003],
	[73.982, 74.001, 74.015, 74.005, 73.996],
	[74.004, 73.999, 73.990, 74.006, 74.009],
	[74.010, 73.989, 73.990, 74.009, 74.014],
	[74.015, 74.008, 73.993, 74.000, 74.010],
	[73.982, 73.984, 73.995, 74.017, 74.013],
]

# Phase II piston ring samples 26-40 (qcc data/pistonrings.txt, trial = FALSE).
PISTON_RINGS_PHASE2 = [
	[74.012, 74.015, 74.030, 73.986, 74.000],
	[73.995, 74.010, 73.990, 74.015, 74.001],
	[73.987, 73.999, 73.985, 74.000, 73.990],
	[74.008, 74.010, 74.003, 73.991, 74.006],
	[74.003, 74.000, 74.001, 73.986, 73.997],
	[73.994, 74.003, 74.015, 74.020, 74.004],
	[74.008, 74.002, 74.018, 73.995, 74.005],
	[74.001, 74.004, 73.990, 73.996, 73.998],
	[74.015, 74.000, 74.016, 74.025, 74.000],
	[74.030, 74.005, 74.000, 74.016, 74.012],
	[74.001, 73.990, 73.995, 74.010, 74.024],
	[74.015, 74.020, 74.024, 74.005, 74.019],
	[74.035, 74.010, 74.012, 74.015, 74.026],
	[74.017, 74.013, 74.036, 74.025, 74.026],
	[74.010, 74.005, 74.029, 74.000, 74.020],
]

# Montgomery 6th ed., Table 7.1 (qcc orangejuice.txt): nonconforming cans in 30 samples of n = 50.
ORANGE_JUICE = [
	12,
	15,
	8,
	10,
	4,
	7,
	16,
	9,
	14,
	10,
	5,
	6,
	17,
	12,
	22,
	8,
	10,
	5,
	13,
	11,
	20,
	18,
	24,
	15,
	9,
	12,
	7,
	13,
	9,
	6,
]
# The 24 samples taken after the machine adjustment (qcc orangejuice.txt samples 31-54).
ORANGE_JUICE_PHASE2 = [9, 6, 12, 5, 6, 4, 6, 3, 7, 6, 2, 4, 3, 6, 5, 4, 8, 5, 6, 7, 5, 6, 3, 5]

# Montgomery 6th ed., Table 7.7 (qcc circuit.txt): nonconformities in 26 samples of 100 circuit boards.
CIRCUIT_BOARDS = [
	21,
	24,
	16,
	12,
	15,
	5,
	28,
	20,
	31,
	25,
	20,
	24,
	16,
	19,
	10,
	17,
	13,
	22,
	18,
	39,
	30,
	24,
	16,
	19,
	17,
	15,
]
# The 20 further samples (qcc circuit.txt samples 27-46), charted with the revised limits.
CIRCUIT_BOARDS_PHASE2 = [16, 18, 12, 15, 24, 21, 28, 20, 25, 19, 18, 21, 16, 22, 19, 12, 14, 9, 16, 21]

# Dyed cloth (qcc dyedcloth.txt; Montgomery 2nd ed. pp. 183-184): nonconformities in 10 rolls, measured in
# inspection units of 50 m^2 (variable: 8 to 13 units per roll).
DYED_CLOTH = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
DYED_CLOTH_UNITS = [10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5]

# NIST/SEMATECH e-Handbook 6.3.2.2: flowrate of the first 10 batches of a new process.
FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]


# ---------------------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------------------


def _exact_constants(n: int) -> dict[str, float]:
	"""d2, d3 by numerical integration of the range of n standard normals; c4 from the gamma function."""
	x = np.linspace(-9, 9, 3601)
	h = x[1] - x[0]
	phi = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
	d2 = float(np.sum(1 - (1 - phi) ** n - phi**n) * h)
	# E[R^2] = 2 * double integral over x < y of 1 - F(y)^n - (1 - F(x))^n + (F(y) - F(x))^n (Tippett).
	xs = x[::4]
	fs = phi[::4]
	hs = h * 4
	fx, fy = np.meshgrid(fs, fs, indexing="ij")
	weight = np.triu(np.ones((len(xs), len(xs))), 1) + 0.5 * np.eye(len(xs))
	integrand = 1 - fy**n - (1 - fx) ** n + np.clip(fy - fx, 0, None) ** n
	d3 = math.sqrt(2 * float(np.sum(weight * integrand)) * hs * hs - d2**2)
	c4 = math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))
	k = 3 * math.sqrt(1 - c4**2) / c4
	return {
		"d2": d2,
		"d3": d3,
		"c4": c4,
		"A2": 3 / (d2 * math.sqrt(n)),
		"A3": 3 / (c4 * math.sqrt(n)),
		"D3": max(0.0, 1 - 3 * d3 / d2),
		"D4": 1 + 3 * d3 / d2,
		"B3": max(0.0, 1 - k),
		"B4": 1 + k,
		"E2": 3 / d2,
	}


@pytest.mark.parametrize("n", range(2, 26))
def test_constants_match_their_definitions(n):
	exact = _exact_constants(n)
	for name in COLUMNS:
		if name == "E2":  # defined from the tabulated d2 (2.660 = 3 / 1.128), as the charts use it
			assert CONSTANTS[n]["E2"] == pytest.approx(3 / CONSTANTS[n]["d2"], abs=0.0005)
			continue
		# Three decimals (c4: four), rounded; the numerical integration adds well under 1e-4. The classical
		# tables are one unit off in the last digit in a few places (D4(18) = 1.608 where 1 + 3 d3/d2 =
		# 1.6088); the published values are kept, so that limits match the textbooks.
		tolerance = 0.00006 if name == "c4" else 0.0011 if name in ("D3", "D4") else 0.0007
		assert CONSTANTS[n][name] == pytest.approx(exact[name], abs=tolerance), name


def test_constants_spot_values_from_the_tables():
	# Montgomery Appendix VI, n = 2 and n = 5 (the piston ring subgroups), n = 25.
	def row(n, *names):
		return tuple(CONSTANTS[n][name] for name in names)

	assert row(2, "d2", "D4", "E2") == (1.128, 3.267, 2.660)
	assert row(5, "A2", "D4", "d2") == (0.577, 2.114, 2.326)
	assert row(5, "A3", "B4", "c4") == (1.427, 2.089, 0.9400)
	assert row(25, "A2", "D4", "c4") == (0.153, 1.541, 0.9896)
	assert set(CONSTANTS) == set(range(2, 26))


# ---------------------------------------------------------------------------------------------------------
# Published examples
# ---------------------------------------------------------------------------------------------------------


def test_montgomery_example_6_1_xbar_r_piston_rings():
	chart = compute_chart("Xbar-R", PISTON_RINGS)
	# Book: x-double-bar = 74.001, R-bar = 0.581 / 25 = 0.023; Xbar chart UCL = 74.001 + 0.577(0.023) =
	# 74.014, LCL = 73.988; R chart UCL = 2.114(0.023) = 0.049, LCL = 0. The book rounds x-double-bar and
	# R-bar before multiplying, hence the 1e-3 tolerance on the limits.
	assert chart.limits.center == pytest.approx(74.001, abs=5e-4)
	assert chart.secondary_limits.center == pytest.approx(0.581 / 25, abs=1e-12)
	assert chart.limits.ucl == pytest.approx(74.014, abs=1e-3)
	assert chart.limits.lcl == pytest.approx(73.988, abs=1e-3)
	assert chart.secondary_limits.ucl == pytest.approx(0.049, abs=5e-4)
	assert chart.secondary_limits.lcl == 0
	assert chart.phase == "I" and chart.subgroup_size == 5 and chart.n_points == 25
	assert chart.secondary_name == "R"
	# First subgroup: mean 74.010, range 0.038 (Table 6.3).
	assert chart.points[0] == pytest.approx(74.010, abs=5e-4)
	assert chart.secondary_points[0] == pytest.approx(0.038, abs=1e-12)
	# "both charts exhibit control": no point outside either chart's limits.
	assert chart.violations(["WE1"])["WE1"].size == 0
	assert chart.secondary_out_of_limits().size == 0


def test_montgomery_example_6_3_xbar_s_piston_rings():
	chart = compute_chart("Xbar-S", PISTON_RINGS)
	# Book: S-bar = 0.0094; Xbar chart UCL = 74.001 + 1.427(0.0094) = 74.014, LCL = 73.988;
	# S chart UCL = 2.089(0.0094) = 0.0196, LCL = 0.
	assert chart.secondary_limits.center == pytest.approx(0.0094, abs=5e-5)
	assert chart.limits.ucl == pytest.approx(74.014, abs=1e-3)
	assert chart.limits.lcl == pytest.approx(73.988, abs=1e-3)
	assert chart.secondary_limits.ucl == pytest.approx(0.0196, abs=1e-4)
	assert chart.secondary_limits.lcl == 0
	# Table 6.3 s column: sample 1 s = 0.0148, sample 21 s = 0.0122.
	assert chart.secondary_points[0] == pytest.approx(0.0148, abs=5e-5)
	assert chart.secondary_points[20] == pytest.approx(0.0122, abs=5e-5)
	assert chart.sigma_within == pytest.approx(chart.secondary_limits.center / 0.9400)
	assert chart.violations(["WE1"])["WE1"].size == 0


def test_montgomery_piston_ring_capability():
	# Section 6.2.1: sigma-hat = R-bar / d2 = 0.023 / 2.326 = 0.0099; specifications 74.000 +- 0.05 mm;
	# Cp = 0.10 / (6 (0.0099)) = 1.68 (the book's rounded sigma; unrounded 1.668).
	chart = compute_chart("Xbar-R", PISTON_RINGS)
	assert chart.sigma_within == pytest.approx(0.0099, abs=1e-4)
	values = np.ravel(PISTON_RINGS)
	result = capability(values, lsl=73.95, usl=74.05, target=74.0, sigma_within=chart.sigma_within)
	assert result["cp"] == pytest.approx(1.68, abs=0.015)
	assert result["n"] == 125
	assert result["mean"] == pytest.approx(74.001, abs=5e-4)
	assert result["cpk"] == pytest.approx(min(result["cpu"], result["cpl"]))
	assert result["cpu"] == pytest.approx((74.05 - result["mean"]) / (3 * chart.sigma_within))
	assert result["sigma_overall"] == pytest.approx(float(np.std(values, ddof=1)))
	assert result["pp"] == pytest.approx(0.10 / (6 * result["sigma_overall"]))
	expected_cpm = 0.10 / (6 * math.sqrt(result["sigma_overall"] ** 2 + (result["mean"] - 74.0) ** 2))
	assert result["cpm"] == pytest.approx(expected_cpm)
	json.dumps(result, allow_nan=False)


def test_piston_rings_phase_two_with_frozen_limits():
	# Freeze the book's phase I limits (Example 6.1) and chart samples 26-40: samples 37, 38 and 39
	# (means 74.0166, 74.0196, 74.0234) plot above the UCL of 74.014; the R chart stays in control.
	frozen = Limits(74.001, 73.988, 74.014)
	stored = json.loads(json.dumps(frozen.to_dict()))
	chart = compute_chart("Xbar-R", PISTON_RINGS_PHASE2, limits=stored)
	assert chart.phase == "II"
	assert chart.limits == frozen  # used as given
	assert list(chart.violations("WE1")["WE1"]) == [11, 12, 13]
	# Secondary limits derived from the sigma the frozen limits imply: sigma = 0.013 sqrt(5) / 3.
	sigma = 0.013 * math.sqrt(5) / 3
	assert chart.sigma_within == pytest.approx(sigma)
	assert chart.secondary_limits.center == pytest.approx(2.326 * sigma)
	assert chart.secondary_limits.ucl == pytest.approx(2.114 * 2.326 * sigma)
	assert chart.secondary_out_of_limits().size == 0
	# Frozen secondary limits are used as given, too.
	chart = compute_chart(
		"Xbar-R", PISTON_RINGS_PHASE2, limits=frozen, secondary_limits=Limits(0.023, 0, 0.03)
	)
	assert chart.secondary_limits == Limits(0.023, 0, 0.03)
	assert list(chart.secondary_out_of_limits()) == [0, 10]  # ranges 0.044 and 0.034


def test_montgomery_example_7_1_p_chart_orange_juice():
	assert sum(ORANGE_JUICE) == 347
	chart = compute_chart("p", ORANGE_JUICE, sample_sizes=50)
	# Book: p-bar = 347 / 1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are above the UCL.
	assert chart.limits.center == pytest.approx(0.2313, abs=5e-5)
	assert chart.limits.ucl == pytest.approx(0.4102, abs=5e-5)
	assert chart.limits.lcl == pytest.approx(0.0524, abs=5e-5)
	assert isinstance(chart.limits.ucl, float)  # constant n: scalar limits
	assert list(chart.violations("N1")["N1"]) == [14, 22]
	# Book: revised limits without samples 15 and 23 (assignable causes), p-bar = 301 / 1400 = 0.2150,
	# UCL = 0.3893, LCL = 0.0407 ...
	kept = [d for i, d in enumerate(ORANGE_JUICE) if i not in (14, 22)]
	revised = compute_chart("p", kept, sample_sizes=50)
	assert revised.limits.center == pytest.approx(0.2150, abs=5e-5)
	assert revised.limits.ucl == pytest.approx(0.3893, abs=5e-5)
	assert revised.limits.lcl == pytest.approx(0.0407, abs=5e-5)
	# ... against which sample 21 (p = 0.40) is also above the UCL.
	against_revised = compute_chart("p", ORANGE_JUICE, sample_sizes=50, limits=revised.limits.to_dict())
	assert list(against_revised.violations("N1")["N1"]) == [14, 20, 22]
	# After the machine adjustment (samples 31-54, qcc) the fraction nonconforming dropped: a long run below
	# the centre line. Limits recomputed from those samples: p-bar = 133 / 1200 = 0.1108,
	# UCL = 0.1108 + 3 sqrt(0.1108 x 0.8892 / 50) = 0.2440, LCL < 0 -> 0.
	after = compute_chart("p", ORANGE_JUICE_PHASE2, sample_sizes=50, limits=revised.limits)
	hits = after.violations(["N2", "WE4", "N1"])
	assert list(hits["N1"]) == [10]  # sample 41, p = 2 / 50 = 0.04, below the revised LCL of 0.0407
	assert list(hits["N2"]) == list(range(11, 24))  # run starts at sample 34 (index 3): 9th point is index 11
	assert list(hits["WE4"]) == list(range(10, 24))
	new = compute_chart("p", ORANGE_JUICE_PHASE2, sample_sizes=50)
	assert new.limits.center == pytest.approx(0.1108, abs=5e-5)
	assert new.limits.ucl == pytest.approx(0.2440, abs=5e-5)
	assert new.limits.lcl == 0


def test_np_chart_is_the_p_chart_times_n():
	p = compute_chart("p", ORANGE_JUICE, sample_sizes=50)
	np_chart = compute_chart("np", ORANGE_JUICE, sample_sizes=[50] * 30)
	assert np_chart.limits.center == pytest.approx(50 * p.limits.center)
	assert np_chart.limits.ucl == pytest.approx(50 * p.limits.ucl)
	assert np_chart.limits.lcl == pytest.approx(50 * p.limits.lcl)
	assert list(np_chart.violations("N1")["N1"]) == [14, 22]
	frozen = compute_chart("np", ORANGE_JUICE_PHASE2, sample_sizes=50, limits=Limits(11.0, 2.0, 20.0))
	assert frozen.limits == Limits(11.0, 2.0, 20.0)
	assert frozen.point_sigma == pytest.approx(3.0)


def test_montgomery_example_7_3_c_chart_circuit_boards():
	assert sum(CIRCUIT_BOARDS) == 516
	chart = compute_chart("c", CIRCUIT_BOARDS)
	# Book: c-bar = 516 / 26 = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 are outside the limits.
	# (The book adds 3 sqrt(19.85) to the rounded c-bar: UCL 33.22 where unrounded it is 33.211.)
	assert chart.limits.center == pytest.approx(19.85, abs=5e-3)
	assert chart.limits.ucl == pytest.approx(33.22, abs=0.01)
	assert chart.limits.lcl == pytest.approx(6.48, abs=5e-3)
	assert chart.sigma_within == pytest.approx(math.sqrt(516 / 26))
	assert list(chart.violations("N1")["N1"]) == [5, 19]
	# Book: revised without samples 6 and 20, c-bar = 472 / 24 = 19.67, UCL = 32.97, LCL = 6.36; the 20
	# further samples (qcc circuit.txt) are in control against them.
	revised = compute_chart("c", [c for i, c in enumerate(CIRCUIT_BOARDS) if i not in (5, 19)])
	assert revised.limits.center == pytest.approx(19.67, abs=5e-3)
	assert revised.limits.ucl == pytest.approx(32.97, abs=5e-3)
	assert revised.limits.lcl == pytest.approx(6.36, abs=5e-3)
	phase2 = compute_chart("c", CIRCUIT_BOARDS_PHASE2, limits=revised.limits)
	assert phase2.limits == revised.limits
	assert phase2.violations("N1")["N1"].size == 0


def test_u_chart_dyed_cloth_variable_units():
	chart = compute_chart("u", DYED_CLOTH, sample_sizes=DYED_CLOTH_UNITS)
	# u-bar = 153 / 107.5 = 1.42 nonconformities per inspection unit; limits u-bar +- 3 sqrt(u-bar / n_i),
	# e.g. the roll of 8 units: 1.4233 +- 3 sqrt(1.4233 / 8) = 0.158 .. 2.689; every roll is in control.
	assert chart.limits.center == pytest.approx(153 / 107.5)
	assert chart.points[4] == pytest.approx(7 / 9.5)
	assert isinstance(chart.limits.ucl, np.ndarray) and chart.limits.ucl.shape == (10,)
	assert chart.limits.ucl[1] == pytest.approx(2.689, abs=5e-4)
	assert chart.limits.lcl[1] == pytest.approx(0.158, abs=5e-4)
	assert chart.sigma_within[1] == pytest.approx(math.sqrt(153 / 107.5 / 8))
	assert chart.violations("N1")["N1"].size == 0


def test_nist_handbook_6_3_2_2_individuals_chart():
	chart = compute_chart("I-MR", FLOWRATE)
	# Handbook: Xbar = 50.81, MRbar = 1.8778, UCL = 55.8041, LCL = 45.8159; the process is in control.
	assert chart.limits.center == pytest.approx(50.81, abs=5e-5)
	assert chart.secondary_limits.center == pytest.approx(1.8778, abs=5e-5)
	assert chart.limits.ucl == pytest.approx(55.8041, abs=5e-5)
	assert chart.limits.lcl == pytest.approx(45.8159, abs=5e-5)
	# MR chart: 0 .. D4(2) MR-bar = 3.267 x 1.8778.
	assert chart.secondary_limits.ucl == pytest.approx(3.267 * 1.87778, abs=5e-4)
	assert chart.secondary_limits.lcl == 0
	assert math.isnan(chart.secondary_points[0])
	assert list(chart.secondary_points[1:4]) == pytest.approx([2.0, 2.3, 1.4])
	assert chart.violations("N1")["N1"].size == 0
	assert chart.secondary_out_of_limits().size == 0
	assert chart.to_dict()["secondary_points"][0] is None


# ---------------------------------------------------------------------------------------------------------
# Charts: mechanics
# ---------------------------------------------------------------------------------------------------------


def test_flat_data_with_subgroup_size_drops_the_incomplete_tail():
	flat = [*np.ravel(PISTON_RINGS), 74.0, 74.01]
	chart = compute_chart("Xbar-R", flat, subgroup_size=5)
	assert chart.dropped == 2 and chart.n_points == 25
	assert chart.limits == compute_chart("Xbar-R", PISTON_RINGS).limits
	assert chart.to_dict()["dropped"] == 2


def test_zones_and_point_sigma():
	chart = compute_chart("Xbar-R", PISTON_RINGS)
	third = (chart.limits.ucl - chart.limits.center) / 3
	assert chart.point_sigma == pytest.approx(third)
	assert chart.zones["upper_2sigma"] == pytest.approx(chart.limits.center + 2 * third)
	assert chart.zones["lower_1sigma"] == pytest.approx(chart.limits.center - third)
	p = compute_chart("p", [0, 1, 0, 2, 1], sample_sizes=[20, 40, 20, 40, 30])
	assert isinstance(p.point_sigma, np.ndarray)
	assert np.all(p.zones["lower_2sigma"] >= 0) and np.all(p.limits.lcl >= 0)
	assert p.zones["upper_1sigma"] == pytest.approx(p.limits.center + p.point_sigma)


def test_p_chart_variable_sample_sizes_gives_per_point_limits():
	counts, sizes = [5, 8, 3, 9, 4, 12], [100, 160, 80, 120, 100, 150]
	chart = compute_chart("p", counts, sample_sizes=sizes)
	p_bar = sum(counts) / sum(sizes)
	assert chart.limits.center == pytest.approx(p_bar)
	expected = p_bar + 3 * np.sqrt(p_bar * (1 - p_bar) / np.array(sizes))
	assert chart.limits.ucl == pytest.approx(expected)
	# Phase II: the frozen centre, per-point limits for the new sample sizes.
	later = compute_chart("p", [2, 30], sample_sizes=[50, 200], limits=chart.limits.to_dict())
	assert later.limits.center == pytest.approx(p_bar)
	assert later.limits.ucl == pytest.approx(p_bar + 3 * np.sqrt(p_bar * (1 - p_bar) / np.array([50, 200])))
	assert list(later.violations("N1")["N1"]) == [1]


def test_i_chart_phase_two_uses_limits_as_given():
	frozen = Limits(50.0, 45.0, 56.0)
	chart = compute_chart("I-MR", [50, 57, 49, 44.5], limits=frozen)
	assert chart.limits == frozen
	assert chart.point_sigma == pytest.approx(2.0)
	assert chart.point_sigma_lower == pytest.approx(5 / 3)  # asymmetric frozen limits
	assert chart.zones["lower_1sigma"] == pytest.approx(50 - 5 / 3)
	assert list(chart.violations("N1")["N1"]) == [1, 3]  # 57 above the UCL, 44.5 below the LCL
	assert chart.secondary_limits.ucl == pytest.approx(3.267 * 1.128 * 2.0)


def test_limits_round_trip_and_json_safety():
	for chart in (
		compute_chart("Xbar-R", PISTON_RINGS),
		compute_chart("Xbar-S", PISTON_RINGS),
		compute_chart("I-MR", FLOWRATE),
		compute_chart("p", [1, 2, 3], sample_sizes=[10, 20, 30]),
		compute_chart("np", ORANGE_JUICE, sample_sizes=50),
		compute_chart("c", CIRCUIT_BOARDS),
		compute_chart("u", DYED_CLOTH, sample_sizes=DYED_CLOTH_UNITS),
	):
		data = chart.to_dict(rules=NELSON + WESTERN_ELECTRIC)
		text = json.dumps(data, allow_nan=False)
		back = json.loads(text)
		assert back["limits"] == data["limits"]
		assert Limits.from_dict(back["limits"]) == chart.limits
		assert set(back["violations"]) == set(NELSON + WESTERN_ELECTRIC)
		assert set(back) >= {
			"chart_type",
			"phase",
			"points",
			"secondary_points",
			"limits",
			"secondary_limits",
			"sigma_within",
			"point_sigma",
			"zones",
			"dropped",
			"sample_sizes",
			"subgroup_size",
		}
		assert back["chart_type"] in CHART_TYPES
		if chart.chart_type in spc.ATTRIBUTE_CHARTS:
			assert back["secondary_points"] is None and back["secondary_limits"] is None


def test_constant_data_has_zero_sigma_without_crashing():
	chart = compute_chart("I-MR", [5.0] * 10)
	assert chart.sigma_within == 0
	assert all(idx.size == 0 for idx in chart.violations().values())
	json.dumps(chart.to_dict(rules=NELSON), allow_nan=False)
	assert list(evaluate_rules([5, 5, 6, 4], 5, 0, "N1")["N1"]) == [2, 3]


# ---------------------------------------------------------------------------------------------------------
# Run rules on constructed series (centre 0, sigma 1: the values are z)
# ---------------------------------------------------------------------------------------------------------


def hits(values, rule, center=0.0, sigma=1.0):
	return list(evaluate_rules(values, center, sigma, [rule])[rule])


@pytest.mark.parametrize("rule", ["WE1", "N1"])
def test_beyond_3_sigma(rule):
	assert hits([0, 0, 3.5, 0, -3.2], rule) == [2, 4]
	assert hits([3.0, -3.0, 2.99, 0], rule) == []  # on the limit is not beyond it


def test_n2_nine_in_a_row_same_side():
	assert hits([0] + [0.5] * 9, "N2") == [9]
	assert hits([0] + [-0.4] * 11, "N2") == [9, 10, 11]
	assert hits([0.5] * 8, "N2") == []  # eight are not nine
	assert hits([0.5] * 4 + [0] + [0.5] * 5, "N2") == []  # a point on the centre line breaks the run
	assert hits([0.5] * 4 + [-0.5] + [0.5] * 5, "N2") == []


def test_we4_eight_in_a_row_same_side():
	assert hits([0.5] * 8, "WE4") == [7]
	assert hits([-1.0] * 7, "WE4") == []
	assert hits([1.0] * 7 + [-1.0] + [1.0] * 7, "WE4") == []


def test_n3_six_in_a_row_steadily_changing():
	assert hits([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "N3") == [5]
	assert hits([2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0], "N3") == [5, 6]
	assert hits([0.1, 0.2, 0.3, 0.4, 0.5], "N3") == []  # five are not six
	assert hits([0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6], "N3") == []  # a tie breaks the trend


def test_n4_fourteen_alternating():
	assert hits([0.5, -0.5] * 7, "N4") == [13]
	assert hits([0.5, -0.5] * 7 + [0.7], "N4") == [13, 14]
	assert hits([0.5, -0.5] * 6 + [0.5], "N4") == []  # thirteen
	assert hits([0.5, -0.5] * 3 + [-0.5] + [0.5, -0.5] * 4, "N4") == []  # a repeat breaks it


@pytest.mark.parametrize("rule", ["WE2", "N5"])
def test_two_of_three_beyond_2_sigma(rule):
	assert hits([0, 2.5, 0, 2.5], rule) == [3]
	assert hits([0, -2.1, -2.2], rule) == [2]
	assert hits([2.5, 2.5], rule) == [1]  # the first two points already are "2 of 3"
	assert hits([0, 2.5, 2.5, 0], rule) == [2]  # the in-control point after them is not flagged
	assert hits([2.5, 0, -2.5], rule) == []  # opposite sides
	assert hits([2.5, 0, 0, 2.5], rule) == []  # 2 of 4
	assert hits([2.0, 2.0, 2.0], rule) == []  # on the 2-sigma line is not beyond it


@pytest.mark.parametrize("rule", ["WE3", "N6"])
def test_four_of_five_beyond_1_sigma(rule):
	assert hits([0, 1.5, 1.5, 0, 1.5, 1.5], rule) == [5]
	assert hits([-1.2, -3.5, -1.1, -2.0], rule) == [3]
	assert hits([1.5, 1.5, 0, 0, 1.5, 1.5], rule) == []  # 3 of 5
	assert hits([1.5, -1.5, 1.5, -1.5, 1.5], rule) == []  # both sides


def test_n7_fifteen_within_1_sigma():
	assert hits([2.0] + [0.2, -0.3] * 7 + [0.1], "N7") == [15]
	assert hits([2.0] + [0.2] * 14, "N7") == []  # fourteen
	assert hits([0.2] * 7 + [1.0] + [0.2] * 7, "N7") == []  # on the 1-sigma line is not within


def test_n8_eight_beyond_1_sigma_either_side():
	assert hits([1.5, -1.5] * 4, "N8") == [7]
	assert hits([0] + [-1.2] * 8, "N8") == [8]
	assert hits([1.5, -1.5] * 3 + [1.5], "N8") == []  # seven
	assert hits([1.5, -1.5, 1.5, 0.5, -1.5, 1.5, -1.5, 1.5, -1.5], "N8") == []


def test_rules_on_per_point_centre_and_sigma():
	# A p chart with variable n: evaluate on z = (x - centre) / sigma_i.
	sigma = np.array([0.1, 0.05, 0.1, 0.05])
	values = np.array([0.5 + 0.31, 0.5 + 0.16, 0.5 - 0.29, 0.5 + 0.14])
	assert hits(values, "N1", 0.5, sigma) == [0, 1]
	assert hits(values, "N5", 0.5, sigma) == [1, 3]  # z = 3.1, 3.2, -2.9, 2.8
	with pytest.raises(SPCError):
		evaluate_rules(values, 0.5, sigma[:3], ["N1"])
	with pytest.raises(SPCError):
		evaluate_rules(values, 0.5, -sigma, ["N1"])


def test_rule_catalogue():
	assert set(RULES) == set(WESTERN_ELECTRIC) | set(NELSON)
	assert all(isinstance(text, str) and text.endswith(".") for text in RULES.values())
	result = evaluate_rules([0.0, 1.0], 0, 1)
	assert set(result) == set(RULES)
	assert all(idx.dtype == np.int64 for idx in result.values())
	assert all(idx.size == 0 for idx in evaluate_rules([], 0, 1, NELSON).values())
	with pytest.raises(SPCError, match="unknown run rule"):
		evaluate_rules([1, 2], 0, 1, ["N9"])


# ---------------------------------------------------------------------------------------------------------
# Rules: vectorised evaluation against a plain loop
# ---------------------------------------------------------------------------------------------------------


def reference_rules(z: list[float], tol: float = 0.0) -> dict[str, list[int]]:
	"""The rules as written in RULES, point by point."""

	def above(v, k):
		return v > k + tol

	def below(v, k):
		return v < -(k + tol)

	out = {rule: [] for rule in RULES}
	for i in range(len(z)):

		def last(count):
			return z[i - count + 1 : i + 1] if i + 1 >= count else None

		if above(z[i], 3) or below(z[i], 3):
			out["WE1"].append(i)
			out["N1"].append(i)
		for rule, length in (("WE4", 8), ("N2", 9)):
			run = last(length)
			if run and (all(above(v, 0) for v in run) or all(below(v, 0) for v in run)):
				out[rule].append(i)
		for rules, m, k, level in ((("WE2", "N5"), 2, 3, 2), (("WE3", "N6"), 4, 5, 1)):
			window = z[max(0, i - k + 1) : i + 1]
			up = above(z[i], level) and sum(above(v, level) for v in window) >= m
			down = below(z[i], level) and sum(below(v, level) for v in window) >= m
			if up or down:
				for rule in rules:
					out[rule].append(i)
		run = last(6)
		if run and (all(b > a for a, b in pairwise(run)) or all(b < a for a, b in pairwise(run))):
			out["N3"].append(i)
		run = last(14)
		if run:
			steps = [b - a for a, b in pairwise(run)]
			if all(s * t < 0 for s, t in pairwise(steps)):
				out["N4"].append(i)
		run = last(15)
		if run and all(abs(v) < 1 - tol for v in run):
			out["N7"].append(i)
		run = last(8)
		if run and all(above(v, 1) or below(v, 1) for v in run):
			out["N8"].append(i)
	return out


GRID = [k / 2 for k in range(-8, 9)]  # -4 .. 4 in half-sigma steps, including the exact zone lines


@st.composite
def patterned_series(draw):
	"""Series made of runs, ramps, alternations and noise, so that every rule gets exercised."""
	values: list[float] = []
	for _ in range(draw(st.integers(0, 8))):
		kind = draw(st.sampled_from(["run", "ramp", "alternate", "noise"]))
		length = draw(st.integers(1, 18))
		if kind == "run":
			values += [draw(st.sampled_from(GRID))] * length
		elif kind == "ramp":
			start, step = draw(st.sampled_from(GRID)), draw(st.sampled_from([-0.5, 0.5]))
			values += [start + step * j for j in range(length)]
		elif kind == "alternate":
			a, b = draw(st.sampled_from(GRID)), draw(st.sampled_from(GRID))
			values += [a if j % 2 == 0 else b for j in range(length)]
		else:
			values += draw(st.lists(st.sampled_from(GRID), min_size=length, max_size=length))
	return values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterned_series())
def test_vectorised_rules_equal_the_loop(values):
	expected = reference_rules(values)
	got = evaluate_rules(values, 0.0, 1.0)
	assert {rule: list(idx) for rule, idx in got.items()} == expected


@settings(max_examples=150, deadline=None)
@given(
	st.lists(
		st.tuples(
			st.floats(-6, 6, allow_nan=False),
			st.floats(-1, 1, allow_nan=False),
			st.floats(0.05, 3, allow_nan=False),
		),
		max_size=60,
	)
)
def test_per_point_centre_and_sigma_equal_the_standardised_loop(rows):
	x = np.array([r[0] for r in rows])
	center = np.array([r[1] for r in rows])
	sigma = np.array([r[2] for r in rows])
	z = spc.standardize(x, center, sigma)
	expected = reference_rules(list(z), tol=spc.Z_TOL)
	got = evaluate_rules(x, center, sigma)
	assert {rule: list(idx) for rule, idx in got.items()} == expected


# ---------------------------------------------------------------------------------------------------------
# Capability
# ---------------------------------------------------------------------------------------------------------


def test_capability_one_sided_specs():
	values = [10.0, 10.4, 9.8, 10.1, 9.9, 10.3, 10.0, 9.7]
	upper = capability(values, usl=11.0)
	assert upper["cp"] is None and upper["pp"] is None and upper["cpl"] is None and upper["cpm"] is None
	assert upper["cpk"] == upper["cpu"] and upper["ppk"] == upper["ppu"]
	lower = capability(values, lsl=9.0, target=10.0)
	assert lower["cpk"] == lower["cpl"] and lower["cpu"] is None and lower["cpm"] is None
	mr_bar = np.mean(np.abs(np.diff(values)))
	assert upper["sigma_within"] == pytest.approx(mr_bar / 1.128)
	assert upper["cpu"] == pytest.approx((11.0 - np.mean(values)) / (3 * mr_bar / 1.128))
	assert upper["sigma_overall"] == pytest.approx(np.std(values, ddof=1))


def test_capability_textbook_formula_values():
	# Mean 16, sigma_within 2, specs 8..20: Cp = 12/12 = 1, Cpu = 4/6, Cpl = 8/6, Cpk = 0.667.
	result = capability([14.0, 18.0, 16.0], lsl=8, usl=20, sigma_within=2.0)
	assert result["cp"] == pytest.approx(1.0)
	assert result["cpu"] == pytest.approx(4 / 6)
	assert result["cpl"] == pytest.approx(8 / 6)
	assert result["cpk"] == pytest.approx(4 / 6)


# ---------------------------------------------------------------------------------------------------------
# One characteristic
# ---------------------------------------------------------------------------------------------------------


def test_spec_limits_follow_the_specification_type():
	assert spec_limits("Two-sided", 9.9, 10.1) == (9.9, 10.1)
	assert spec_limits(None, 9.9, 10.1) == (9.9, 10.1)  # the default
	assert spec_limits("Lower limit only", 9.9, 10.1) == (9.9, None)
	assert spec_limits("Upper limit only", 9.9, 10.1) == (None, 10.1)
	assert spec_limits("None", 9.9, 10.1) == (None, None)
	assert spec_limits("Two-sided", None, 10.1) == (0.0, 10.1)  # an empty Float field holds 0
	with pytest.raises(SPCError, match="specification type"):
		spec_limits("Both", 1, 2)


def test_characteristic_of_subgroups_is_the_chart_its_violations_and_capability():
	rows = [*PISTON_RINGS[:24], [74.06, 74.05, 74.06, 74.07, 74.05]]  # the last mean far above the UCL
	outcome = evaluate_characteristic(
		"Xbar-R", rows, subgroup_size=5, rules=["N1", "N2"], lsl=73.95, usl=74.05, target=74.0
	)
	chart = compute_chart("Xbar-R", rows, subgroup_size=5)
	assert outcome["points"] == 25
	assert outcome["chart"]["limits"] == pytest.approx(chart.limits.to_dict())
	assert "violations" not in outcome["chart"]
	expected = {
		rule: [int(i) for i in idx] for rule, idx in chart.violations(["N1", "N2"]).items() if len(idx)
	}
	assert outcome["violations"] == expected and 24 in expected["N1"] and "N2" not in expected
	expected = capability(np.ravel(rows), lsl=73.95, usl=74.05, target=74.0, sigma_within=chart.sigma_within)
	assert outcome["capability"] == pytest.approx(expected)
	assert outcome["capability_error"] is None
	json.dumps(outcome, allow_nan=False)


def test_characteristic_without_rules_lists_no_violations_and_target_needs_both_limits():
	rows = [*PISTON_RINGS[:24], [74.06, 74.05, 74.06, 74.07, 74.05]]
	outcome = evaluate_characteristic("Xbar-R", rows, subgroup_size=5, usl=74.05, target=74.0)
	assert outcome["violations"] == {}
	assert outcome["capability"]["target"] is None and outcome["capability"]["cpm"] is None
	assert outcome["capability"]["cp"] is None and outcome["capability"]["cpu"] is not None


def test_characteristic_capability_error_and_attribute_charts():
	same = evaluate_characteristic("I-MR", [5.0, 5.0, 5.0, 5.0], lsl=4, usl=6)
	assert same["capability"] is None and "sigma_within" in same["capability_error"]
	p_chart = evaluate_characteristic(
		"p", [2, 3, 1, 4], sample_sizes=[50, 50, 50, 50], rules=["N1"], lsl=0, usl=1
	)
	assert p_chart["chart"]["chart_type"] == "p" and p_chart["capability"] is None  # no capability for counts
	assert evaluate_characteristic("I-MR", [1.0]) == {
		"points": 1,
		"chart": None,
		"violations": {},
		"capability": None,
		"capability_error": None,
	}


def test_frozen_limits_below_the_centre_use_the_lower_sigma():
	# frozen limits 10 -/+: LCL 7 (sigma below 1), UCL 16 (sigma above 2): 7.5 is 2.5 sigma below the
	# centre, 14 is 2 sigma above it; "2 of 3 beyond 2 sigma" (N5) on the same side
	limits = {"center": 10.0, "lcl": 7.0, "ucl": 16.0}
	points = [10.0, 7.5, 7.5, 10.0, 14.5, 14.5]
	chart = compute_chart("I-MR", points, limits=limits)
	assert chart.point_sigma_lower == pytest.approx(1.0) and chart.point_sigma == pytest.approx(2.0)
	found = chart.violations(["N5"])
	assert list(found["N5"]) == [2, 5]
	assert list(evaluate_rules(points, 10.0, 2.0, ["N5"], sigma_lower=1.0)["N5"]) == [2, 5]
	assert list(evaluate_rules(points, 10.0, 2.0, ["N5"])["N5"]) == [5]  # one sigma for both sides


def test_a_new_violation_raises_a_hold_once():
	keys = ["QI-1", "QI-2", "QI-3", "QI-4"]
	# the newest point violates a hold rule and no hold was raised yet
	assert new_violation({"N1": [3], "N2": [3]}, ["N1", "N2"], keys, None) == (3, ["N1", "N2"])
	# rules not marked to open a hold do not count
	assert new_violation({"N5": [3]}, ["N1"], keys, None) is None
	assert new_violation({"N1": [3], "N5": [3]}, ["N1"], keys, None) == (3, ["N1"])
	# the last hold came from this point (or a later one): nothing new
	assert new_violation({"N1": [3]}, ["N1"], keys, "QI-4") is None
	assert new_violation({"N1": [1]}, ["N1"], keys, "QI-3") is None
	# a later point than the last hold's violates: new, even if it is not the newest point
	assert new_violation({"N1": [1, 2]}, ["N1"], keys, "QI-2") == (2, ["N1"])
	# no hold before (or its point scrolled out): an old violation does not raise one, only the newest point
	assert new_violation({"N1": [1]}, ["N1"], keys, None) is None
	assert new_violation({"N1": [1]}, ["N1"], keys, "QI-0") is None
	assert new_violation({"N1": [1, 3], "N2": [1]}, ["N1", "N2"], keys, "QI-0") == (3, ["N1"])
	assert new_violation({}, ["N1"], keys, None) is None


# ---------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"call, message",
	[
		(lambda: capability([1, 2, 3], lsl=5, usl=5), "LSL"),
		(lambda: capability([1, 2, 3], lsl=6, usl=5), "LSL"),
		(lambda: capability([1], lsl=0, usl=5), "at least 2"),
		(lambda: capability([1, 2, 3]), "specification"),
		(lambda: capability([1, float("nan"), 3], usl=5), "finite"),
		(lambda: capability([2, 2, 2], usl=5), "spread"),
		(lambda: capability([1, 2, 3], lsl=0, usl=5, target=7), "target"),
		(lambda: capability([1, 2, 3], usl=5, sigma_within=0), "sigma_within"),
		(lambda: compute_chart("I-MR", [1.0]), "at least 2"),
		(lambda: compute_chart("I-MR", [1.0, float("inf"), 2.0]), "finite"),
		(lambda: compute_chart("Xbar-R", [[1.0, 2.0, 3.0]]), "at least 2"),
		(lambda: compute_chart("Xbar-R", [1.0, 2.0, 3.0, 4.0], subgroup_size=1), "between 2 and 25"),
		(lambda: compute_chart("Xbar-S", np.ones((3, 26))), "between 2 and 25"),
		(lambda: compute_chart("Xbar-R", [1.0, 2.0, 3.0, 4.0]), "subgroup_size"),
		(lambda: compute_chart("Xbar-R", [[1.0, 2.0], [1.0, 2.0, 3.0]]), "same size"),
		(lambda: compute_chart("p", [1, 2], sample_sizes=[10, 0]), "greater than 0"),
		(lambda: compute_chart("u", [1, 2], sample_sizes=[10, -1]), "greater than 0"),
		(lambda: compute_chart("p", [1, 12], sample_sizes=10), "defectives"),
		(lambda: compute_chart("np", [1, 12], sample_sizes=10), "defectives"),
		(lambda: compute_chart("p", [1, 2]), "sample size"),
		(lambda: compute_chart("c", [3, -1, 2]), "negative"),
		(lambda: compute_chart("p", [3, -1, 2], sample_sizes=10), "negative"),
		(lambda: compute_chart("np", [1, 2], sample_sizes=[10, 20]), "constant sample size"),
		(lambda: compute_chart("c", [1, 2], sample_sizes=[10, 20]), "u chart"),
		(lambda: compute_chart("xbar", [1, 2]), "unknown chart type"),
		(lambda: compute_chart("I-MR", [1, 2, 3], secondary_limits=Limits(1, 0, 2)), "secondary"),
		(lambda: compute_chart("I-MR", [1, 2, 3], limits={"center": 1, "lcl": 0}), "missing ucl"),
		(lambda: compute_chart("I-MR", [1, 2, 3], limits=Limits(1, 2, 0)), "LCL"),
		(
			lambda: compute_chart("c", [1, 2], limits=Limits(1, 0, 4), secondary_limits=Limits(1, 0, 2)),
			"secondary",
		),
		(lambda: compute_chart("p", [1, 2], sample_sizes=5, limits=Limits(1.5, 0, 2)), "exceed 1"),
		(lambda: compute_chart("I-MR", [1, 2, 3], subgroup_size=4), "subgroup_size"),
		(lambda: compute_chart("I-MR", ["a", "b"]), "numbers"),
	],
)
def test_bad_input_raises_spc_error(call, message):
	with pytest.raises(SPCError, match=message):
		call()


def test_spc_error_is_a_value_error():
	assert issubclass(SPCError, ValueError)
