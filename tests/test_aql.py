"""Tests of mom_app.engine.aql against ISO 2859-1:1999 (GB/T 2828.1-2012).

The expected values below are NOT read from the engine's tables (mom_app/engine/aql_tables.py, written as the
standard's master tables with arrows). They are written in another form - the plan that results for each
code letter and AQL, as "n:Ac" - and, where possible, come from another source:

- TABLE_1_BY_LEVEL, NORMAL_Z14, TIGHTENED_Z14, REDUCED_Z14: the resolved MIL-STD-105E / ANSI/ASQ Z1.4 plans
  of the CRAN package AQLSchemes 1.7-2 (R/AAZ14Single.R; Re is Ac + 1 in its normal and tightened plans).
  Z1.4's Tables I, II-A and II-B carry the same plans as ISO 2859-1 Tables 1, 2-A and 2-B, with one known
  difference kept in ISO_OVERRIDES; its reduced table is the pre-1999 one with gaps between Ac and Re.
- REDUCED_ISO: GB/T 2828.1-2012 Table 2-C as resolved plans ("final letter, n, Ac"), from the open-source
  transcription cited in aql_tables.py. No second transcription of the 1999 reduced table was found, so
  test_reduced_is_z14_with_the_gaps_closed also derives it from REDUCED_Z14 by the 1999 substitution.
"""

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine import aql
from mom_app.engine.aql import (
	AQLS,
	DEFECT_CLASSES,
	LEVELS,
	SEVERITIES,
	AQLError,
	LotResult,
	Plan,
	Switch,
	SwitchState,
	accepted_one_step_tighter,
	code_letter,
	judge,
	next_state,
	normalise_aql,
	plan_for_lot,
	plans_for_classes,
	resume,
	sample_size_for,
)

LETTERS = "ABCDEFGHJKLMNPQR"

# Table 1 bands, and per inspection level the code letter of each band (top to bottom).
BANDS = [
	(2, 8), (9, 15), (16, 25), (26, 50), (51, 90), (91, 150), (151, 280), (281, 500), (501, 1200),
	(1201, 3200), (3201, 10000), (10001, 35000), (35001, 150000), (150001, 500000), (500001, None),
]  # fmt: skip

TABLE_1_BY_LEVEL = {
	"S-1": "AAAABBBBCCCCDDD",
	"S-2": "AAABBBCCCDDDEEE",
	"S-3": "AABBCCDDEEFFGGH",
	"S-4": "AABCCDEEFGGHJJK",
	"I": "AABCCDEFGHJKLMN",
	"II": "ABCDEFGHJKLMNPQ",
	"III": "BCDEFGHJKLMNPQR",
}

# Resolved plans per Table 1 code letter, one "n:Ac" per AQL column 0.010 ... 1000 (Re = Ac + 1).
# Source: AQLSchemes (Z1.4 Table II-A), transcribed here by code letter.
NORMAL_Z14 = {
	"A": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 3:0 2:0 5:1 3:1 2:1 2:2 "
	"2:3 2:5 2:7 2:10 2:14 2:21 2:30",
	"B": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 3:0 2:0 5:1 3:1 3:2 3:3 "
	"3:5 3:7 3:10 3:14 3:21 3:30 3:44",
	"C": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 3:0 8:1 5:1 5:2 5:3 5:5 "
	"5:7 5:10 5:14 5:21 5:30 5:44 3:44",
	"D": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 13:1 8:1 8:2 8:3 8:5 8:7 "
	"8:10 8:14 8:21 8:30 8:44 5:44 3:44",
	"E": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 20:1 13:1 13:2 13:3 13:5 13:7 "
	"13:10 13:14 13:21 13:30 13:44 8:44 5:44 3:44",
	"F": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 32:1 20:1 20:2 20:3 20:5 20:7 "
	"20:10 20:14 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"G": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 50:1 32:1 32:2 32:3 32:5 32:7 32:10 "
	"32:14 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"H": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 80:1 50:1 50:2 50:3 50:5 50:7 50:10 50:14 "
	"50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"J": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 125:1 80:1 80:2 80:3 80:5 80:7 80:10 80:14 80:21 "
	"50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"K": "1250:0 800:0 500:0 315:0 200:0 125:0 80:0 200:1 125:1 125:2 125:3 125:5 125:7 125:10 125:14 "
	"125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"L": "1250:0 800:0 500:0 315:0 200:0 125:0 315:1 200:1 200:2 200:3 200:5 200:7 200:10 200:14 200:21 "
	"125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"M": "1250:0 800:0 500:0 315:0 200:0 500:1 315:1 315:2 315:3 315:5 315:7 315:10 315:14 315:21 200:21 "
	"125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"N": "1250:0 800:0 500:0 315:0 800:1 500:1 500:2 500:3 500:5 500:7 500:10 500:14 500:21 315:21 200:21 "
	"125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"P": "1250:0 800:0 500:0 1250:1 800:1 800:2 800:3 800:5 800:7 800:10 800:14 800:21 500:21 315:21 "
	"200:21 125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"Q": "1250:0 800:0 2000:1 1250:1 1250:2 1250:3 1250:5 1250:7 1250:10 1250:14 1250:21 800:21 500:21 "
	"315:21 200:21 125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
	"R": "1250:0 800:0 2000:1 2000:2 2000:3 2000:5 2000:7 2000:10 2000:14 2000:21 1250:21 800:21 500:21 "
	"315:21 200:21 125:21 80:21 50:21 32:21 20:21 13:21 13:30 13:44 8:44 5:44 3:44",
}
# The same for tightened inspection (Z1.4 Table II-B). n = 3150 is code letter S.
TIGHTENED_Z14 = {
	"A": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 3:0 8:1 5:1 3:1 "
	"2:1 2:2 2:3 2:5 2:8 2:12 2:18 2:27",
	"B": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 3:0 8:1 5:1 3:1 "
	"3:2 3:3 3:5 3:8 3:12 3:18 3:27 3:41",
	"C": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 5:0 13:1 8:1 5:1 5:2 "
	"5:3 5:5 5:8 5:12 5:18 5:27 5:41 3:41",
	"D": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 8:0 20:1 13:1 8:1 8:2 8:3 "
	"8:5 8:8 8:12 8:18 8:27 8:41 5:41 3:41",
	"E": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 13:0 32:1 20:1 13:1 13:2 13:3 "
	"13:5 13:8 13:12 13:18 13:27 13:41 8:41 5:41 3:41",
	"F": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 20:0 50:1 32:1 20:1 20:2 20:3 20:5 "
	"20:8 20:12 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"G": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 32:0 80:1 50:1 32:1 32:2 32:3 32:5 32:8 "
	"32:12 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"H": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 50:0 125:1 80:1 50:1 50:2 50:3 50:5 50:8 50:12 "
	"50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"J": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 80:0 200:1 125:1 80:1 80:2 80:3 80:5 80:8 80:12 "
	"80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"K": "2000:0 1250:0 800:0 500:0 315:0 200:0 125:0 315:1 200:1 125:1 125:2 125:3 125:5 125:8 125:12 "
	"125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"L": "2000:0 1250:0 800:0 500:0 315:0 200:0 500:1 315:1 200:1 200:2 200:3 200:5 200:8 200:12 200:18 "
	"125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"M": "2000:0 1250:0 800:0 500:0 315:0 800:1 500:1 315:1 315:2 315:3 315:5 315:8 315:12 315:18 200:18 "
	"125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"N": "2000:0 1250:0 800:0 500:0 1250:1 800:1 500:1 500:2 500:3 500:5 500:8 500:12 500:18 315:18 "
	"200:18 125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"P": "2000:0 1250:0 800:0 2000:1 1250:1 800:1 800:2 800:3 800:5 800:8 800:12 800:18 500:18 315:18 "
	"200:18 125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"Q": "2000:0 1250:0 3150:1 2000:1 1250:1 1250:2 1250:3 1250:5 1250:8 1250:12 1250:18 800:18 500:18 "
	"315:18 200:18 125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
	"R": "2000:0 1250:0 3150:1 2000:1 2000:2 2000:3 2000:5 2000:8 2000:12 2000:18 1250:18 800:18 500:18 "
	"315:18 200:18 125:18 80:18 50:18 32:18 20:18 13:18 13:27 13:41 8:41 5:41 3:41",
}
# Z1.4 Table II-C (reduced, the pre-1999 plans with gaps), "n:Ac:Re". Only for the substitution check.
REDUCED_Z14 = {
	"A": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 3:0:1 2:0:1 "
	"2:0:1 2:0:1 2:0:2 2:0:2 2:1:2 2:2:3 2:3:4 2:5:6 2:7:8 2:10:11 2:14:15 2:21:22 2:30:31",
	"B": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 3:0:1 2:0:1 "
	"2:0:1 2:0:1 2:0:2 2:0:2 2:1:3 2:2:4 2:3:5 2:5:6 2:7:8 2:10:11 2:14:15 2:21:22 2:30:31",
	"C": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 3:0:1 2:0:1 "
	"2:0:1 3:0:2 2:0:2 2:1:3 2:1:4 2:2:5 2:3:6 2:5:8 2:7:10 2:10:13 2:14:17 2:21:24 2:30:31",
	"D": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 3:0:1 2:0:1 "
	"5:0:2 3:0:2 3:1:3 3:1:4 3:2:5 3:3:6 3:5:8 3:7:10 3:10:13 3:14:17 3:21:24 2:21:24 2:30:31",
	"E": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 3:0:1 8:0:2 "
	"5:0:2 5:1:3 5:1:4 5:2:5 5:3:6 5:5:8 5:7:10 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 2:30:31",
	"F": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 5:0:1 13:0:2 8:0:2 "
	"8:1:3 8:1:4 8:2:5 8:3:6 8:5:8 8:7:10 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 2:30:31",
	"G": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 8:0:1 20:0:2 13:0:2 13:1:3 "
	"13:1:4 13:2:5 13:3:6 13:5:8 13:7:10 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 2:30:31",
	"H": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 13:0:1 32:0:2 20:0:2 20:1:3 20:1:4 "
	"20:2:5 20:3:6 20:5:8 20:7:10 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 "
	"2:30:31",
	"J": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 20:0:1 50:0:2 32:0:2 32:1:3 32:1:4 32:2:5 "
	"32:3:6 32:5:8 32:7:10 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 "
	"2:30:31",
	"K": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 32:0:1 80:0:2 50:0:2 50:1:3 50:1:4 50:2:5 50:3:6 "
	"50:5:8 50:7:10 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 "
	"2:30:31",
	"L": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 50:0:1 125:0:2 80:0:2 80:1:3 80:1:4 80:2:5 80:3:6 80:5:8 "
	"80:7:10 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 3:21:24 2:21:24 "
	"2:30:31",
	"M": "500:0:1 315:0:1 200:0:1 125:0:1 80:0:1 200:0:2 125:0:2 125:1:3 125:1:4 125:2:5 125:3:6 125:5:8 "
	"125:7:10 125:10:13 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 5:21:24 "
	"3:21:24 2:21:24 2:30:31",
	"N": "500:0:1 315:0:1 200:0:1 125:0:1 315:0:2 200:0:2 200:1:3 200:1:4 200:2:5 200:3:6 200:5:8 "
	"200:7:10 200:10:13 125:10:13 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 "
	"5:21:24 3:21:24 2:21:24 2:30:31",
	"P": "500:0:1 315:0:1 200:0:1 500:0:2 315:0:2 315:1:3 315:1:4 315:2:5 315:3:6 315:5:8 315:7:10 "
	"315:10:13 200:10:13 125:10:13 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 "
	"5:21:24 3:21:24 2:21:24 2:30:31",
	"Q": "500:0:1 315:0:1 800:0:2 500:0:2 500:1:3 500:1:4 500:2:5 500:3:6 500:5:8 500:7:10 500:10:13 "
	"315:10:13 200:10:13 125:10:13 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 "
	"5:21:24 3:21:24 2:21:24 2:30:31",
	"R": "500:0:1 315:0:1 800:0:2 800:1:3 800:1:4 800:2:5 800:3:6 800:5:8 800:7:10 800:10:13 500:10:13 "
	"315:10:13 200:10:13 125:10:13 80:10:13 50:10:13 32:10:13 20:10:13 13:10:13 8:10:13 5:10:13 5:14:17 "
	"5:21:24 3:21:24 2:21:24 2:30:31",
}
# GB/T 2828.1-2012 Table 2-C as resolved plans, "<final code letter><n>:<Ac>" (Re = Ac + 1).
REDUCED_ISO = {
	"A": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 D3:0 C2:0 B2:0 A2:0 D3:1 "
	"C2:1 A2:1 A2:2 A2:3 A2:5 A2:7 A2:10 A2:14 A2:21 A2:30",
	"B": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 D3:0 C2:0 B2:0 A2:0 D3:1 "
	"C2:1 B2:1 B2:2 B2:3 B2:5 B2:7 B2:10 B2:14 B2:21 B2:30",
	"C": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 D3:0 C2:0 B2:0 E5:1 D3:1 "
	"C2:1 C2:2 C2:3 C2:5 C2:6 C2:8 C2:10 C2:14 C2:21 B2:30",
	"D": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 D3:0 C2:0 F8:1 E5:1 D3:1 "
	"D3:2 D3:3 D3:5 D3:6 D3:8 D3:10 D3:14 D3:21 C2:21 B2:30",
	"E": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 D3:0 G13:1 F8:1 E5:1 E5:2 "
	"E5:3 E5:5 E5:6 E5:8 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"F": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 E5:0 H20:1 G13:1 F8:1 F8:2 F8:3 "
	"F8:5 F8:6 F8:8 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"G": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 F8:0 J32:1 H20:1 G13:1 G13:2 G13:3 "
	"G13:5 G13:6 G13:8 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"H": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 G13:0 K50:1 J32:1 H20:1 H20:2 H20:3 H20:5 "
	"H20:6 H20:8 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"J": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 H20:0 L80:1 K50:1 J32:1 J32:2 J32:3 J32:5 J32:6 "
	"J32:8 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"K": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 J32:0 M125:1 L80:1 K50:1 K50:2 K50:3 K50:5 K50:6 K50:8 "
	"K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"L": "Q500:0 P315:0 N200:0 M125:0 L80:0 K50:0 N200:1 M125:1 L80:1 L80:2 L80:3 L80:5 L80:6 L80:8 "
	"L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"M": "Q500:0 P315:0 N200:0 M125:0 L80:0 P315:1 N200:1 M125:1 M125:2 M125:3 M125:5 M125:6 M125:8 "
	"M125:10 L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"N": "Q500:0 P315:0 N200:0 M125:0 Q500:1 P315:1 N200:1 N200:2 N200:3 N200:5 N200:6 N200:8 N200:10 "
	"M125:10 L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"P": "Q500:0 P315:0 N200:0 R800:1 Q500:1 P315:1 P315:2 P315:3 P315:5 P315:6 P315:8 P315:10 N200:10 "
	"M125:10 L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"Q": "Q500:0 P315:0 N200:0 R800:1 Q500:1 Q500:2 Q500:3 Q500:5 Q500:6 Q500:8 Q500:10 P315:10 N200:10 "
	"M125:10 L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
	"R": "Q500:0 P315:0 N200:0 R800:1 R800:2 R800:3 R800:5 R800:6 R800:8 R800:10 Q500:10 P315:10 N200:10 "
	"M125:10 L80:10 K50:10 J32:10 H20:10 G13:10 F8:10 E5:10 E5:14 E5:21 D3:21 C2:21 B2:30",
}

# The one cell where ISO 2859-1:1999 (GB/T 2828.1-2012, source of the engine) and the Z1.4 data differ:
# Table 2-B, code letter A, AQL 10. ISO: "0,1" with n = 2. AQLSchemes: an arrow down to D (n = 8, Ac 1).
ISO_OVERRIDES = {("tightened", "A", "10"): (2, 0)}

# ISO 2859-1:1999 closed the gaps of the reduced plans with this substitution (Z1.4 Ac,Re -> ISO Ac,Re);
# Z1.4's "0,2" cells became arrows. Row B under AQL 40 and 65 (Z1.4 2,4 and 3,5) became 2,3 and 3,4.
GAP_CLOSED = {
	(1, 3): (1, 2), (1, 4): (2, 3), (2, 5): (3, 4), (3, 6): (5, 6), (5, 8): (6, 7), (7, 10): (8, 9),
	(10, 13): (10, 11), (14, 17): (14, 15), (21, 24): (21, 22), (2, 4): (2, 3), (3, 5): (3, 4),
}  # fmt: skip

SAMPLE_SIZES = dict(
	zip(
		LETTERS + "S",
		(2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150),
		strict=True,
	)
)
REDUCED_SAMPLE_SIZES = dict(
	zip(LETTERS, (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800), strict=True)
)


def tokens(row: str) -> list[str]:
	found = row.split()
	assert len(found) == 26
	return found


def a_lot_with_letter(letter: str) -> tuple[int, str]:
	"""The largest lot size of level II (letters A..Q) or III (R) whose Table 1 code letter is `letter`."""
	for level in ("II", "III"):
		for band, code in zip(BANDS, TABLE_1_BY_LEVEL[level], strict=True):
			if code == letter:
				return (band[1] or 10**7), level
	raise AssertionError(letter)


def expected(severity: str, letter: str, column: int) -> tuple[int, int]:
	aql_text = AQLS[column]
	if (severity, letter, aql_text) in ISO_OVERRIDES:
		return ISO_OVERRIDES[(severity, letter, aql_text)]
	table = {"normal": NORMAL_Z14, "tightened": TIGHTENED_Z14}[severity]
	n, ac = tokens(table[letter])[column].split(":")
	return int(n), int(ac)


# ----------------------------------------------------------------------------------------------------------
# Table 1


def test_table_1_bands_and_levels_are_the_standards():
	assert LEVELS == ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
	assert sorted(TABLE_1_BY_LEVEL) == sorted(LEVELS)
	assert all(len(letters) == len(BANDS) for letters in TABLE_1_BY_LEVEL.values())


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("band", range(15))
def test_code_letter_for_every_band_and_level(band, level):
	low, high = BANDS[band]
	letter = TABLE_1_BY_LEVEL[level][band]
	sizes = {low, (low + high) // 2, high} if high else {low, low + 1, 10**6, 10**9}
	for lot_size in sizes:
		assert code_letter(lot_size, level) == letter, (lot_size, level)


def test_code_letter_spot_checks():
	assert code_letter(1000, "II") == "J"  # the textbook example: 501..1200, level II
	assert code_letter(1200, "II") == "J"
	assert code_letter(1201, "II") == "K"
	assert code_letter(2, "III") == "B"
	assert code_letter(500001, "S-1") == "D"
	assert code_letter(10**12, "III") == "R"
	assert code_letter(100, " ii ") == "F"  # levels are read case- and space-insensitively


@pytest.mark.parametrize(
	"lot_size, level, message",
	[
		(1, "II", "at least 2"),
		(0, "II", "at least 2"),
		(-5, "II", "at least 2"),
		(10.5, "II", "whole number"),
		("100", "II", "whole number"),
		(True, "II", "whole number"),
		(100, "IV", "Unknown inspection level"),
		(100, "G-II", "Unknown inspection level"),
		(100, None, "Unknown inspection level"),
	],
)
def test_code_letter_rejects_bad_input(lot_size, level, message):
	with pytest.raises(AQLError, match=message):
		code_letter(lot_size, level)


# ----------------------------------------------------------------------------------------------------------
# Tables 2-A, 2-B, 2-C: every code letter x every AQL x every severity


def test_expected_tables_cover_every_letter_and_aql():
	for table in (NORMAL_Z14, TIGHTENED_Z14, REDUCED_Z14, REDUCED_ISO):
		assert list(table) == list(LETTERS)
		for row in table.values():
			tokens(row)


@pytest.mark.parametrize("severity", ["normal", "tightened"])
@pytest.mark.parametrize("letter", LETTERS)
def test_normal_and_tightened_plans_for_every_letter_and_aql(severity, letter):
	lot_size, level = a_lot_with_letter(letter)
	assert code_letter(lot_size, level) == letter
	for column, aql_text in enumerate(AQLS):
		n, ac = expected(severity, letter, column)
		plan = plan_for_lot(lot_size, level, aql_text, severity)
		assert (plan.sample_size, plan.ac, plan.re) == (min(n, lot_size), ac, ac + 1), (letter, aql_text)
		assert plan.hundred_percent == (n >= lot_size)
		assert plan.initial_code_letter == letter
		assert SAMPLE_SIZES[plan.code_letter] == n  # the arrow's code letter comes with its own n


@pytest.mark.parametrize("letter", LETTERS)
def test_reduced_plans_for_every_letter_and_aql(letter):
	lot_size, level = a_lot_with_letter(letter)
	for column, aql_text in enumerate(AQLS):
		final, n, ac = re.fullmatch(r"([A-S])(\d+):(\d+)", tokens(REDUCED_ISO[letter])[column]).groups()
		n, ac = int(n), int(ac)
		plan = plan_for_lot(lot_size, level, aql_text, "reduced")
		assert (plan.code_letter, plan.sample_size, plan.ac, plan.re) == (final, min(n, lot_size), ac, ac + 1)
		assert plan.hundred_percent == (n >= lot_size)
		assert REDUCED_SAMPLE_SIZES[final] == n


def test_reduced_is_z14_with_the_gaps_closed():
	"""Every reduced plan that was not Z1.4's "0,2" keeps Z1.4's sample size; its Ac,Re follow GAP_CLOSED."""
	arrows = 0
	for letter in LETTERS:
		lot_size, level = a_lot_with_letter(letter)
		for column, aql_text in enumerate(AQLS):
			n, ac, re_ = (int(x) for x in tokens(REDUCED_Z14[letter])[column].split(":"))
			if (ac, re_) == (0, 2):
				arrows += 1  # an arrow in 1999; REDUCED_ISO checks where it leads
				continue
			plan = plan_for_lot(lot_size, level, aql_text, "reduced")
			assert (plan.sample_size, plan.ac, plan.re) == (
				min(n, lot_size),
				*GAP_CLOSED.get((ac, re_), (ac, re_)),
			), (
				letter,
				aql_text,
			)
	assert arrows == 31


def test_every_plan_of_the_three_tables_has_no_gap():
	# ISO 2859-1:1999: Re = Ac + 1 everywhere, the reduced table included.
	for severity in SEVERITIES:
		for letter in LETTERS:
			for aql_text in AQLS:
				_final, _n, ac, re_ = aql._resolve(severity, letter, aql_text)
				assert re_ == ac + 1


def test_well_known_plans():
	# Lot 1000 at general level II -> code letter J, n = 80 (normal inspection).
	assert plan_for_lot(1000, "II", "1.0") == Plan("J", 80, 2, 3, "normal", "1.0", False, "J")
	assert (plan_for_lot(1000, "II", 0.65).ac, plan_for_lot(1000, "II", 0.65).re) == (1, 2)
	assert (plan_for_lot(1000, "II", "2.5").ac, plan_for_lot(1000, "II", "2.5").re) == (5, 6)
	assert (plan_for_lot(1000, "II", "4.0").ac, plan_for_lot(1000, "II", "4.0").re) == (7, 8)
	assert (plan_for_lot(1000, "II", "6.5").ac, plan_for_lot(1000, "II", "6.5").re) == (10, 11)
	# The same lot tightened: J, n = 80, AQL 1.0 -> 1,2 (one acceptance step stricter).
	assert plan_for_lot(1000, "II", "1.0", "tightened") == Plan("J", 80, 1, 2, "tightened", "1.0", False, "J")
	# ... and reduced: Table 2-C's J has n = 32; AQL 1.0 -> 1,2, AQL 2.5 -> 3,4, AQL 6.5 -> 6,7.
	assert plan_for_lot(1000, "II", "1.0", "reduced") == Plan("J", 32, 1, 2, "reduced", "1.0", False, "J")
	assert (plan_for_lot(1000, "II", "2.5", "reduced").ac, plan_for_lot(1000, "II", "6.5", "reduced").ac) == (
		3,
		6,
	)
	# Lot 5000, level II -> L (200): AQL 0.65 -> 3,4; AQL 1.5 -> 7,8.
	assert plan_for_lot(5000, "II", "0.65").ac == 3
	assert plan_for_lot(5000, "II", "1.5").sample_size == 200
	assert plan_for_lot(5000, "II", "1.5").ac == 7
	assert plan_for_lot(1000, "II", "1.0").table == "2-A"


def test_arrows_move_to_the_plan_and_its_sample_size():
	# Code letter A (S-1, lot 50) with AQL 1.0: arrow down the whole column to E, the first plan: n 13, 0,1.
	assert plan_for_lot(50, "S-1", "1.0") == Plan("E", 13, 0, 1, "normal", "1.0", False, "A")
	# J with AQL 0.25: arrow up to H (n 50, 0,1); with AQL 0.40: arrow down to K (n 125, 1,2).
	assert plan_for_lot(1000, "II", "0.25") == Plan("H", 50, 0, 1, "normal", "0.25", False, "J")
	assert plan_for_lot(1000, "II", "0.40") == Plan("K", 125, 1, 2, "normal", "0.40", False, "J")
	# F (lot 100, II) with AQL 100: arrow up to E (n 13, 21,22).
	assert plan_for_lot(100, "II", "100") == Plan("E", 13, 21, 22, "normal", "100", False, "F")
	# Q and R under tightened AQL 0.025 go down to code letter S (3150), which only Table 2-B has.
	assert plan_for_lot(600000, "III", "0.025", "tightened") == Plan(
		"S", 3150, 1, 2, "tightened", "0.025", False, "R"
	)
	assert plan_for_lot(200000, "III", "0.025", "tightened").code_letter == "S"
	# R under tightened 0.015 points up to Q's 0,1 (row S is blank there).
	assert plan_for_lot(600000, "III", "0.015", "tightened") == Plan(
		"Q", 1250, 0, 1, "tightened", "0.015", False, "R"
	)
	# Reduced: P, Q and R under 0.025 all point up to N (n 200, 0,1).
	assert plan_for_lot(600000, "III", "0.025", "reduced") == Plan(
		"N", 200, 0, 1, "reduced", "0.025", False, "R"
	)


def test_arrows_never_run_off_or_hit_a_blank_but_would_be_refused(monkeypatch):
	for severity in SEVERITIES:
		for letter in LETTERS:
			for aql_text in AQLS:
				aql._resolve(severity, letter, aql_text)  # no AQLError anywhere in the standard's tables
	blank_row = aql.tables.MASTER_TABLES["tightened"]["S"]
	assert blank_row.cells.count(None) == 25 and blank_row.cells[AQLS.index("0.025")] == (1, 2)
	# A table whose last row points down would be refused, not guessed.
	broken = dict(aql.tables.MASTER_TABLES["normal"])
	last = broken["R"]
	broken["R"] = last._replace(cells=(aql.tables.DOWN, *last.cells[1:]))
	monkeypatch.setitem(aql.tables.MASTER_TABLES, "normal", broken)
	with pytest.raises(AQLError, match="runs off the table"):
		aql._resolve("normal", "R", "0.010")
	broken_s = dict(aql.tables.MASTER_TABLES["tightened"])
	r = broken_s["R"]
	broken_s["R"] = r._replace(cells=(aql.tables.DOWN, *r.cells[1:]))
	monkeypatch.setitem(aql.tables.MASTER_TABLES, "tightened", broken_s)
	with pytest.raises(AQLError, match="no sampling plan"):
		aql._resolve("tightened", "R", "0.010")


def test_hundred_percent_inspection_when_the_sample_is_not_smaller_than_the_lot():
	# Lot 10, level II -> B; AQL 0.65 -> arrow down to F (n 20 >= 10): inspect all 10, Ac 0, Re 1.
	assert plan_for_lot(10, "II", "0.65") == Plan("F", 10, 0, 1, "normal", "0.65", True, "B")
	# Exactly equal: lot 13, S-1 -> A; AQL 1.0 -> E (n 13).
	assert plan_for_lot(13, "S-1", "1.0").hundred_percent
	assert plan_for_lot(13, "S-1", "1.0").sample_size == 13
	assert not plan_for_lot(14, "S-1", "1.0").hundred_percent
	# Lot 1000, critical AQL 0.010: J -> arrow down to Q (1250 > 1000): 100 %, accept none.
	assert plan_for_lot(1000, "II", "0.010") == Plan("Q", 1000, 0, 1, "normal", "0.010", True, "J")
	# A one-unit lot is always inspected 100 %.
	assert plan_for_lot(1, "II", "6.5") == Plan("A", 1, 0, 1, "normal", "6.5", True, "A")
	assert plan_for_lot(1, "I", "0.65", "tightened").sample_size == 1


@pytest.mark.parametrize(
	"args, message",
	[
		((0, "II", "1.0"), "at least 1"),
		((-3, "II", "1.0"), "at least 1"),
		((1.5, "II", "1.0"), "whole number"),
		((None, "II", "1.0"), "whole number"),
		((100, "X", "1.0"), "Unknown inspection level"),
		((100, "II", "0.5"), "not a standard AQL"),
		((100, "II", "abc"), "not a number"),
		((100, "II", None), "must be a number"),
		((100, "II", "1.0", "strict"), "Unknown inspection severity"),
	],
)
def test_plan_for_lot_rejects_bad_input(args, message):
	with pytest.raises(AQLError, match=message):
		plan_for_lot(*args)


def test_lot_size_may_be_an_integral_float():
	assert plan_for_lot(1000.0, "II", "1.0") == plan_for_lot(1000, "II", "1.0")


# ----------------------------------------------------------------------------------------------------------
# AQL values


@pytest.mark.parametrize(
	"value, printed",
	[
		(0.65, "0.65"),
		("0.65", "0.65"),
		(" 0.650 ", "0.65"),
		(Decimal("0.65"), "0.65"),
		(1, "1.0"),
		(1.0, "1.0"),
		("1", "1.0"),
		(10, "10"),
		("10.0", "10"),
		(0.01, "0.010"),
		("0.010", "0.010"),
		(0.1, "0.10"),
		(4, "4.0"),
		(1000, "1000"),
		(Decimal("1E+3"), "1000"),
	],
)
def test_normalise_aql(value, printed):
	assert normalise_aql(value) == printed


def test_aqls_are_the_26_printed_columns():
	assert AQLS == (
		"0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5",
		"2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
	)  # fmt: skip
	assert all(normalise_aql(a) == a for a in AQLS)
	assert all(normalise_aql(float(a)) == a for a in AQLS)


@pytest.mark.parametrize(
	"value", [0.5, "0.6", 2, 3.0, 0, -1, 1e9, float("nan"), float("inf"), "", "1.0%", True, [1], None]
)
def test_normalise_aql_rejects_non_standard_values(value):
	with pytest.raises(AQLError):
		normalise_aql(value)


def test_normalise_aql_message_lists_the_standard_values():
	with pytest.raises(AQLError, match=r"0\.5 is not a standard AQL; use one of 0\.010, 0\.015, .* 1000"):
		normalise_aql(0.5)


# ----------------------------------------------------------------------------------------------------------
# Several defect classes, and judging a lot


def test_plans_for_classes_and_the_sample_to_draw():
	plans = plans_for_classes(1000, "II", {"minor": "2.5", "critical": "0.065", "major": 1.0})
	assert list(plans) == ["critical", "major", "minor"]  # DEFECT_CLASSES order
	assert plans["critical"] == Plan("L", 200, 0, 1, "normal", "0.065", False, "J")
	assert plans["major"] == Plan("J", 80, 2, 3, "normal", "1.0", False, "J")
	assert plans["minor"] == Plan("J", 80, 5, 6, "normal", "2.5", False, "J")
	assert sample_size_for(plans) == 200  # draw 200; major and minor are judged on the first 80
	assert sample_size_for(plans_for_classes(1000, "II", {"critical": "0.010"})) == 1000  # 100 %
	assert DEFECT_CLASSES == ("critical", "major", "minor")


@pytest.mark.parametrize(
	"aqls, message",
	[
		({}, "at least one defect class"),
		(None, "at least one defect class"),
		({"cosmetic": "1.0"}, "Unknown defect class"),
		({"major": "0.3"}, "not a standard AQL"),
	],
)
def test_plans_for_classes_rejects_bad_input(aqls, message):
	with pytest.raises(AQLError, match=message):
		plans_for_classes(1000, "II", aqls)


def test_sample_size_for_needs_plans():
	with pytest.raises(AQLError, match="No plans"):
		sample_size_for({})


def test_judge_accepts_when_every_class_is_within_its_acceptance_number():
	plans = plans_for_classes(1000, "II", {"critical": "0.065", "major": "1.0", "minor": "2.5"})
	verdict = judge(plans, {"critical": 0, "major": 2, "minor": 5})
	assert verdict.accepted
	assert verdict.per_class == {
		"critical": (0, 0, 1, True),
		"major": (2, 2, 3, True),
		"minor": (5, 5, 6, True),
	}
	assert verdict.per_class["major"].ac == 2
	assert verdict.reason.startswith("Lot accepted")


def test_judge_rejects_when_one_class_reaches_its_rejection_number():
	plans = plans_for_classes(1000, "II", {"critical": "0.065", "major": "1.0", "minor": "2.5"})
	verdict = judge(plans, {"critical": 0, "major": 3, "minor": 1})
	assert not verdict.accepted
	assert verdict.per_class["major"] == (3, 2, 3, False)
	assert verdict.per_class["minor"].accepted
	assert verdict.reason == "Lot not accepted: major: 3 found, rejection number 3."
	assert not judge(plans, {"critical": 1, "major": 0, "minor": 0}).accepted  # one critical is enough


@pytest.mark.parametrize(
	"defects, message",
	[
		({"major": -1}, "at least 0"),
		({"major": 1.5}, "whole number"),
		({"major": "2"}, "whole number"),
		({"major": None}, "whole number"),
		({"major": True}, "whole number"),
		({}, "no count for major"),
		({"major": 0, "minor": 0}, "no plan for minor"),
		([1], "per class"),
	],
)
def test_judge_rejects_bad_counts(defects, message):
	plans = plans_for_classes(1000, "II", {"major": "1.0"})
	with pytest.raises(AQLError, match=message):
		judge(plans, defects)


def test_judge_accepts_integral_float_counts_and_needs_plans():
	plans = plans_for_classes(1000, "II", {"major": "1.0"})
	assert judge(plans, {"major": 2.0}).accepted
	with pytest.raises(AQLError, match="No plans"):
		judge({}, {})
	with pytest.raises(AQLError, match="not a Plan"):
		judge({"major": (80, 2, 3)}, {"major": 0})


# ----------------------------------------------------------------------------------------------------------
# Switching rules (clause 9)


def lot(
	accepted=True, ac=1, defects=0, tighter=None, production_steady=True, reduced_approved=True, **kwargs
):
	"""A lot with steady production and reduced inspection approved unless told otherwise."""
	return LotResult(accepted, ac, defects, tighter, production_steady, reduced_approved, **kwargs)


def run(state, lots):
	switches = []
	for one in lots:
		state, switch = next_state(state, one)
		switches.append(switch)
	return state, switches


def test_normal_to_tightened_when_2_of_5_consecutive_lots_are_not_accepted():
	state, switches = run(SwitchState(), [lot(), lot(False), lot(), lot()])
	assert switches == [None] * 4 and state.normal_results == (True, False, True, True)
	state, switch = next_state(state, lot(False))
	assert switch == Switch(
		"normal",
		"tightened",
		"N->T 2 of 5",
		"2 of the last 5 consecutive lots on normal inspection were not accepted; tightened inspection is "
		"required (ISO 2859-1, 9.3).",
	)
	assert state == SwitchState(severity="tightened")


def test_two_lots_not_accepted_six_lots_apart_do_not_tighten():
	state, switches = run(SwitchState(), [lot(False), lot(), lot(), lot(), lot(), lot(False)])
	assert switches == [None] * 6
	assert state.severity == "normal" and state.normal_results == (True, True, True, True, False)
	state, switch = next_state(state, lot(False))  # now 2 in the last 5
	assert switch.rule == "N->T 2 of 5" and state.severity == "tightened"


def test_two_consecutive_lots_not_accepted_tighten_at_once():
	state, switches = run(SwitchState(), [lot(False), lot(False)])
	assert switches[0] is None and switches[1].to_severity == "tightened"
	assert state == SwitchState(severity="tightened")


def test_tightened_to_normal_after_5_consecutive_lots_accepted():
	state = SwitchState(severity="tightened")
	state, switches = run(state, [lot()] * 4 + [lot(False)] + [lot()] * 4)
	assert switches == [None] * 9
	assert state.tightened_accepted_run == 4 and state.tightened_rejected_count == 1
	state, switch = next_state(state, lot())
	assert switch.rule == "T->N 5 accepted" and (switch.from_severity, switch.to_severity) == (
		"tightened",
		"normal",
	)
	assert state == SwitchState()  # normal again with a switching score of 0


def test_tightened_is_discontinued_at_the_fifth_lot_not_accepted():
	state = SwitchState(severity="tightened")
	lots = [lot(False), lot(), lot(False), lot(), lot(), lot(False), lot(False), lot(), lot(), lot(), lot()]
	state, switches = run(state, lots)
	assert switches == [None] * len(lots)
	assert state.tightened_rejected_count == 4 and state.tightened_accepted_run == 4
	state, switch = next_state(state, lot(False))
	assert switch.rule == "T->D 5 not accepted" and switch.to_severity == aql.DISCONTINUED
	assert state.discontinued and state.tightened_rejected_count == 5
	with pytest.raises(AQLError, match="discontinued"):
		next_state(state, lot())
	resumed, switch = resume(state)
	assert resumed == SwitchState(severity="tightened")
	assert switch == Switch(
		"discontinued",
		"tightened",
		"D->T resume",
		"The supplier has acted to improve quality; inspection resumes with tightened inspection "
		"(ISO 2859-1, 9.4).",
	)
	with pytest.raises(AQLError, match="Only a discontinued"):
		resume(resumed)


def test_switching_score_with_acceptance_number_0_or_1_adds_2_per_accepted_lot():
	state, switches = run(SwitchState(), [lot(ac=0)] * 3)
	assert state.switching_score == 6
	state, _ = next_state(state, lot(False, ac=1, defects=2))  # not accepted: back to 0
	assert state.switching_score == 0 and state.severity == "normal"
	state, switches = run(state, [lot(ac=1, defects=1)] * 14)
	assert state.switching_score == 28 and switches == [None] * 14
	state, switch = next_state(state, lot(ac=1))
	assert switch.rule == "N->R score 30" and (switch.from_severity, switch.to_severity) == (
		"normal",
		"reduced",
	)
	assert "reached 30" in switch.reason
	assert state == SwitchState(severity="reduced")


def test_switching_score_with_acceptance_number_2_or_more_adds_3_when_one_step_tighter_accepts():
	state, _ = run(SwitchState(), [lot(ac=2, defects=1, tighter=True)] * 3)
	assert state.switching_score == 9
	# Accepted, but it would not have been at the tighter AQL: reset to 0.
	state, _ = next_state(state, lot(ac=2, defects=2, tighter=False))
	assert state.switching_score == 0 and state.severity == "normal"
	state, switches = run(state, [lot(ac=5, defects=3, tighter=True)] * 9)
	assert state.switching_score == 27 and switches == [None] * 9
	state, _ = next_state(state, lot(ac=1, defects=0))  # plans may change: +2 for Ac 1
	assert state.switching_score == 29
	state, switch = next_state(state, lot(ac=3, defects=0, tighter=True))
	assert switch.rule == "N->R score 30" and "reached 32" in switch.reason


def test_switching_score_needs_the_tighter_answer_for_ac_2_or_more():
	with pytest.raises(AQLError, match="one step tighter"):
		next_state(SwitchState(), lot(ac=2, defects=1))
	# A lot not accepted resets the score without needing it.
	state, _ = next_state(SwitchState(switching_score=12), lot(False, ac=2, defects=3))
	assert state.switching_score == 0


def test_reduced_needs_steady_production_and_approval():
	start = SwitchState(switching_score=28)
	state, switch = next_state(start, lot(ac=1, production_steady=False))
	assert switch is None and state.switching_score == 30 and state.severity == "normal"
	state, switch = next_state(state, lot(ac=1, reduced_approved=False))
	assert switch is None and state.switching_score == 32
	state, switch = next_state(state, lot(ac=1))
	assert switch.to_severity == "reduced"


def test_reduced_to_normal_when_a_lot_is_not_accepted():
	state, switch = next_state(SwitchState(severity="reduced"), lot())
	assert switch is None and state == SwitchState(severity="reduced")
	state, switch = next_state(state, lot(False, ac=1, defects=2))
	assert switch.rule == "R->N not accepted" and (switch.from_severity, switch.to_severity) == (
		"reduced",
		"normal",
	)
	assert state == SwitchState()


def test_reduced_to_normal_on_irregular_production():
	state, switch = next_state(SwitchState(severity="reduced"), lot(production_steady=False))
	assert switch.rule == "R->N irregular production" and state.severity == "normal"
	assert "irregular or delayed" in switch.reason


def test_reduced_to_normal_on_other_conditions():
	state, switch = next_state(SwitchState(severity="reduced"), lot(return_to_normal=True))
	assert switch.rule == "R->N other conditions" and state == SwitchState()


def test_a_full_walk_through_every_transition():
	state = SwitchState()
	walk = (
		[lot(False), lot(False)]  # N -> T
		+ [lot()] * 5  # T -> N
		+ [lot(ac=0)] * 15  # score 30: N -> R
		+ [lot(False)]  # R -> N
		+ [lot(False), lot(False)]  # N -> T
		+ [lot(False)] * 5  # T -> discontinued
	)
	state, switches = run(state, walk)
	rules = [s.rule for s in switches if s]
	assert rules == [
		"N->T 2 of 5",
		"T->N 5 accepted",
		"N->R score 30",
		"R->N not accepted",
		"N->T 2 of 5",
		"T->D 5 not accepted",
	]
	state, switch = resume(state)
	assert switch.rule == "D->T resume" and state.severity == "tightened"


def test_switch_state_round_trips_through_json():
	state, _ = run(SwitchState(), [lot(), lot(False), lot(ac=2, defects=0, tighter=True)])
	data = json.loads(json.dumps(state.to_dict()))
	assert data == {
		"severity": "normal",
		"normal_results": [True, False, True],
		"tightened_accepted_run": 0,
		"tightened_rejected_count": 0,
		"switching_score": 3,
		"discontinued": False,
	}
	assert SwitchState.from_dict(data) == state
	assert SwitchState.from_dict({}) == SwitchState() == SwitchState.from_dict(None)
	discontinued = SwitchState(severity="tightened", tightened_rejected_count=5, discontinued=True)
	assert SwitchState.from_dict(json.loads(json.dumps(discontinued.to_dict()))) == discontinued


@pytest.mark.parametrize(
	"data, message",
	[
		({"severity": "strict"}, "Unknown inspection severity"),
		({"normal_results": [True, "no"]}, "normal_results"),
		({"normal_results": [True] * 6}, "normal_results"),
		({"switching_score": -3}, "switching_score"),
		({"tightened_accepted_run": 1.5}, "tightened_accepted_run"),
		({"discontinued": "yes"}, "discontinued"),
		({"discontinued": True}, "Only tightened"),
		({"score": 3}, "Unknown switching state keys: score"),
		([1, 2], "must be a dict"),
	],
)
def test_switch_state_from_dict_rejects_bad_data(data, message):
	with pytest.raises(AQLError, match=message):
		SwitchState.from_dict(data)


@pytest.mark.parametrize(
	"bad, message",
	[
		(LotResult("yes", 1, 0), "accepted"),
		(LotResult(True, -1, 0), "Acceptance number"),
		(LotResult(True, 1, 0.5), "Defect count"),
		(LotResult(True, 2, 0, "maybe"), "would_accept_one_step_tighter"),
		(LotResult(True, 1, 0, None, production_steady=None), "production_steady"),
		((True, 1, 0), "LotResult"),
	],
)
def test_next_state_rejects_bad_lots(bad, message):
	with pytest.raises(AQLError, match=message):
		next_state(SwitchState(), bad)
	with pytest.raises(AQLError, match="SwitchState"):
		next_state({}, lot())


def test_accepted_one_step_tighter():
	# Lot 1000, II, AQL 1.0 normal: J 80 with 2,3; one step tighter (0.65) J has 1,2.
	assert accepted_one_step_tighter(1000, "II", "1.0", "normal", 1)
	assert not accepted_one_step_tighter(1000, "II", "1.0", "normal", 2)
	# AQL 2.5 (5,6): at 1.5 J has 3,4.
	assert accepted_one_step_tighter(1000, "II", 2.5, "normal", 3)
	assert not accepted_one_step_tighter(1000, "II", 2.5, "normal", 4)
	# F at AQL 100 resolves up to E (n 13, 21,22): compare on E's row at 65 (14,15), the same 13 units.
	assert accepted_one_step_tighter(100, "II", "100", "normal", 14)
	assert not accepted_one_step_tighter(100, "II", "100", "normal", 15)
	# Ac 1 (AQL 0.65 -> 1,2): at 0.40 J's cell is an arrow to another sample size: not shown accepted.
	assert not accepted_one_step_tighter(1000, "II", "0.65", "normal", 0)
	# Tightened and reduced tables are read the same way.
	assert accepted_one_step_tighter(1000, "II", "2.5", "tightened", 2)  # 3,4 -> 2,3
	assert not accepted_one_step_tighter(1000, "II", "2.5", "reduced", 3)  # 3,4 -> 2,3
	with pytest.raises(AQLError, match=r"no AQL tighter than 0\.010"):
		accepted_one_step_tighter(1000, "II", "0.010", "normal", 0)
	with pytest.raises(AQLError, match="at least 0"):
		accepted_one_step_tighter(1000, "II", "1.0", "normal", -1)


def test_the_helper_feeds_the_switching_score():
	state = SwitchState()
	for _ in range(10):
		plan = plan_for_lot(1000, "II", "1.0")
		found = 1
		verdict = judge({"major": plan}, {"major": found})
		tighter = accepted_one_step_tighter(1000, "II", "1.0", "normal", found)
		state, switch = next_state(state, LotResult(verdict.accepted, plan.ac, found, tighter, True, True))
	assert switch is not None and switch.to_severity == "reduced"


# ----------------------------------------------------------------------------------------------------------
# Properties

levels = st.sampled_from(LEVELS)
aqls = st.sampled_from(AQLS)
severities = st.sampled_from(SEVERITIES)
lot_sizes = st.integers(min_value=1, max_value=2_000_000)


@settings(max_examples=300, deadline=None)
@given(level=levels, aql_text=aqls, severity=severities, a=lot_sizes, b=lot_sizes)
def test_a_bigger_lot_never_gets_a_smaller_sample(level, aql_text, severity, a, b):
	small, big = sorted((a, b))
	assert (
		plan_for_lot(small, level, aql_text, severity).sample_size
		<= plan_for_lot(big, level, aql_text, severity).sample_size
	)


@settings(max_examples=300, deadline=None)
@given(level=levels, aql_text=aqls, severity=severities, lot_size=lot_sizes, found=st.integers(0, 60))
def test_judging_one_class_is_defects_at_most_ac(level, aql_text, severity, lot_size, found):
	plan = plan_for_lot(lot_size, level, aql_text, severity)
	assert plan.re == plan.ac + 1
	assert 1 <= plan.sample_size <= lot_size
	assert plan.hundred_percent == (plan.sample_size == lot_size)
	verdict = judge({"major": plan}, {"major": found})
	assert verdict.accepted == (found <= plan.ac) == (found < plan.re)


@settings(max_examples=200, deadline=None)
@given(
	st.lists(
		st.tuples(st.booleans(), st.integers(0, 3), st.booleans(), st.booleans(), st.booleans()),
		max_size=60,
	)
)
def test_switching_never_breaks_its_invariants(lots):
	state = SwitchState()
	for accepted, ac, tighter, steady, approved in lots:
		if state.discontinued:
			state, _ = resume(state)
		before = state
		state, switch = next_state(
			state, LotResult(accepted, ac, 0 if accepted else ac + 1, tighter, steady, approved)
		)
		assert state.severity in SEVERITIES
		assert SwitchState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
		if switch is None:
			assert state.severity == before.severity
		else:
			assert switch.from_severity == before.severity
		if state.severity == "normal" and switch is None:
			assert state.normal_results.count(False) <= 1
		if state.discontinued:
			assert state.tightened_rejected_count == 5
