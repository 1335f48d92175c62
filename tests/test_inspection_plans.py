"""Tests of mom_app.engine.inspection_plans: choosing the inspection plan, which IPQC checks are due, the
sample of a plan that samples without the AQL tables and the readings each parameter needs."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.inspection_plans import (
	EVERY_N_PIECES,
	EVERY_T_MINUTES,
	FIRST_ARTICLE,
	KINDS,
	LAST_PIECE,
	STAGES,
	InspectionPlanError,
	fixed_sample,
	ipqc_due,
	lot_units,
	match_plan,
	readings_required,
)

GROUPS = ["M8 Bolts", "Bolts", "Fasteners", "All Item Groups"]  # the item's group first, then its ancestors


def plan(name, stage="IQC", item_code=None, item_group=None, supplier=None, operation=None, **extra):
	return {
		"name": name,
		"stage": stage,
		"item_code": item_code,
		"item_group": item_group,
		"supplier": supplier,
		"operation": operation,
		"enabled": 1,
		**extra,
	}


def names(plans):
	return [p["name"] for p in plans]


def best(plans, stage="IQC", item_code="BOLT-M8", groups=GROUPS, **kwargs):
	found = match_plan(plans, stage, item_code, groups, **kwargs)
	return found and found["name"]


# ----------------------------------------------------------------------------------------------------------
# match_plan


def test_item_beats_group_beats_generic():
	plans = [plan("generic"), plan("group", item_group="Bolts"), plan("item", item_code="BOLT-M8")]
	assert best(plans) == "item"
	assert best(plans[:2]) == "group"
	assert best(plans[:1]) == "generic"
	assert best(plans, item_code="NUT-M8", groups=["Nuts", "Fasteners"]) == "generic"


def test_nearer_group_beats_farther_group():
	plans = [
		plan("root", item_group="All Item Groups"),
		plan("fasteners", item_group="Fasteners"),
		plan("bolts", item_group="Bolts"),
	]
	assert best(plans) == "bolts"
	assert best(plans, groups=["Washers", "Fasteners", "All Item Groups"]) == "fasteners"
	assert best(plans, groups=["Paint", "All Item Groups"]) == "root"
	assert best(plans, groups=[]) is None  # a group plan needs the item's groups


def test_supplier_specific_iqc_plan_beats_the_generic_one():
	plans = [plan("generic", item_code="BOLT-M8"), plan("acme", item_code="BOLT-M8", supplier="ACME")]
	assert best(plans, supplier="ACME") == "acme"
	assert best(plans, supplier="Globex") == "generic"
	assert best(plans) == "generic"  # no supplier given: supplier plans never match


def test_operation_specific_ipqc_plan_beats_the_generic_one():
	plans = [
		plan("any-op", stage="IPQC", item_group="Bolts"),
		plan("drilling", stage="IPQC", item_group="Bolts", operation="Drilling"),
		plan("drilling-acme", stage="IPQC", item_group="Bolts", operation="Drilling", supplier="ACME"),
	]
	assert best(plans, stage="IPQC", operation="Drilling") == "drilling"
	assert best(plans, stage="IPQC", operation="Drilling", supplier="ACME") == "drilling-acme"
	assert best(plans, stage="IPQC", operation="Threading") == "any-op"


def test_the_item_decides_before_the_supplier():
	plans = [plan("group-acme", item_group="Bolts", supplier="ACME"), plan("item", item_code="BOLT-M8")]
	assert best(plans, supplier="ACME") == "item"


def test_a_plan_with_item_and_group_needs_both():
	plans = [plan("both", item_code="BOLT-M8", item_group="Nuts")]
	assert best(plans) is None
	assert best(plans, groups=["Nuts"]) == "both"


def test_stage_disabled_and_priority():
	plans = [
		plan("fqc", stage="FQC", item_code="BOLT-M8"),
		plan("off", item_code="BOLT-M8", enabled=0),
		plan("low", item_group="Bolts", priority=1),
		plan("high", item_group="Bolts", priority=5),
		plan("none", item_group="Bolts", priority=None),
	]
	assert best(plans) == "high"  # "off" is disabled, "fqc" is another stage
	assert best(plans, stage="FQC") == "fqc"
	assert best(plans, stage="OQC") is None
	plans.append(plan("no-flag", item_code="BOLT-M8"))
	del plans[-1]["enabled"]
	assert best(plans) == "no-flag"  # a row without "enabled" counts as enabled


def test_ties_are_broken_by_name_whatever_the_order():
	plans = [
		plan("QP-0003", item_group="Bolts"),
		plan("QP-0001", item_group="Bolts"),
		plan("QP-0002", item_group="Bolts"),
	]
	for seed in range(10):
		shuffled = plans[:]
		random.Random(seed).shuffle(shuffled)
		assert best(shuffled) == "QP-0001"


def test_match_plan_returns_a_copy():
	plans = [plan("item", item_code="BOLT-M8")]
	found = match_plan(plans, "IQC", "BOLT-M8", GROUPS)
	found["name"] = "changed"
	assert plans[0]["name"] == "item"
	assert match_plan([], "IQC", "BOLT-M8", GROUPS) is None
	assert match_plan(plans, "IQC", "BOLT-M8") == plans[0]  # item_groups is optional


@pytest.mark.parametrize(
	"args, message",
	[
		(([], "QC", "X", []), "Unknown inspection stage"),
		(([], "iqc", "X", []), "Unknown inspection stage"),
		(([], "IQC", "X", "Bolts"), "item_groups must be a list"),
		(([["not", "a", "dict"]], "IQC", "X", []), "must be a dict"),
		(
			([plan("p", item_group="Bolts", priority="high")], "IQC", "X", ["Bolts"]),
			"priority must be a number",
		),
	],
)
def test_match_plan_rejects_bad_input(args, message):
	with pytest.raises(InspectionPlanError, match=message):
		match_plan(*args)


def test_stages():
	assert STAGES == ("IQC", "IPQC", "FQC", "OQC")


@settings(max_examples=200, deadline=None)
@given(
	st.lists(
		st.fixed_dictionaries(
			{
				"name": st.sampled_from([f"QP-{i:04d}" for i in range(12)]),
				"stage": st.sampled_from(STAGES),
				"item_code": st.sampled_from([None, "BOLT-M8", "NUT-M8"]),
				"item_group": st.sampled_from([None, *GROUPS, "Nuts"]),
				"supplier": st.sampled_from([None, "ACME", "Globex"]),
				"operation": st.sampled_from([None, "Drilling"]),
				"priority": st.sampled_from([None, 0, 1, 5]),
				"enabled": st.sampled_from([0, 1]),
			}
		),
		max_size=12,
		unique_by=lambda row: row["name"],  # document names are unique in Frappe
	),
	st.randoms(use_true_random=False),
)
def test_the_answer_does_not_depend_on_row_order_and_matches(plans, rnd):
	args = ("IQC", "BOLT-M8", GROUPS)
	kwargs = {"supplier": "ACME", "operation": "Drilling"}
	found = match_plan(plans, *args, **kwargs)
	shuffled = plans[:]
	rnd.shuffle(shuffled)
	again = match_plan(shuffled, *args, **kwargs)
	if found is None:
		assert again is None
		return
	assert again == found
	assert found["enabled"] and found["stage"] == "IQC"
	assert found["item_code"] in (None, "BOLT-M8")
	assert found["item_group"] in (None, *GROUPS)
	assert found["supplier"] in (None, "ACME") and found["operation"] in (None, "Drilling")


# ----------------------------------------------------------------------------------------------------------
# ipqc_due

T0 = 1_700_000_000.0  # production start, epoch seconds
ALL = {"first_article": True, "every_n_pieces": 50, "every_t_minutes": 60, "last_piece": True}


def due(frequency=ALL, done=(), qty=0, now=T0, started=T0, completing=False):
	return ipqc_due(frequency, list(done), qty, now, started, completing)


def test_first_article_is_due_before_production_and_until_done():
	assert due(qty=0, started=None) == [FIRST_ARTICLE]
	assert due({"first_article": True}, qty=0, started=None) == [FIRST_ARTICLE]
	assert due({"first_article": True}, qty=30, now=T0 + 600) == [FIRST_ARTICLE]  # still due: overdue
	done = [{"kind": FIRST_ARTICLE, "at_qty": 0, "at_ts": T0}]
	assert due({"first_article": True}, done, qty=30) == []


def test_every_n_pieces():
	freq = {"every_n_pieces": 50}
	assert due(freq, qty=49) == []
	assert due(freq, qty=50) == [EVERY_N_PIECES]
	assert due(freq, qty=120) == [EVERY_N_PIECES]  # the first check is late; still one due
	checks = [{"kind": EVERY_N_PIECES, "at_qty": 50, "at_ts": T0 + 300}]
	assert due(freq, checks, qty=99) == []
	assert due(freq, checks, qty=100) == [EVERY_N_PIECES]
	late = [{"kind": EVERY_N_PIECES, "at_qty": 130, "at_ts": T0 + 900}]
	assert due(freq, late, qty=179) == []  # a late check moves the next one to 130 + 50
	assert due(freq, late, qty=180) == [EVERY_N_PIECES]
	# The last check counts, whatever the order of the rows.
	both = [late[0], checks[0]]
	assert due(freq, both, qty=150) == []


def test_every_t_minutes():
	freq = {"every_t_minutes": 60}
	assert due(freq, started=None, now=T0 + 7200) == []  # not started: nothing due
	assert due(freq, now=T0 + 3599) == []
	assert due(freq, now=T0 + 3600) == [EVERY_T_MINUTES]
	checks = [{"kind": EVERY_T_MINUTES, "at_qty": 40, "at_ts": T0 + 3700}]
	assert due(freq, checks, now=T0 + 3700 + 3599) == []
	assert due(freq, checks, now=T0 + 3700 + 3600) == [EVERY_T_MINUTES]
	before_start = [{"kind": EVERY_T_MINUTES, "at_qty": 0, "at_ts": T0 - 1800}]
	assert due(freq, before_start, now=T0 + 1800) == []  # timed from the start, not from the early check
	assert due({"every_t_minutes": 0.5}, now=T0 + 30) == [EVERY_T_MINUTES]  # fractional minutes


def test_last_piece_only_when_completing():
	freq = {"last_piece": True}
	assert due(freq, qty=500) == []
	assert due(freq, qty=500, completing=True) == [LAST_PIECE]
	done = [{"kind": LAST_PIECE, "at_qty": 500, "at_ts": T0 + 9000}]
	assert due(freq, done, qty=500, completing=True) == []


def test_kinds_are_independent_and_listed_in_order():
	assert KINDS == ("First Article", "Every N Pieces", "Every T Minutes", "Last Piece")
	assert due(qty=100, now=T0 + 3600, completing=True) == list(KINDS)
	first = [{"kind": FIRST_ARTICLE, "at_qty": 0, "at_ts": T0}]
	assert due(done=first, qty=50, now=T0 + 10) == [EVERY_N_PIECES]  # a first article resets nothing else


def test_kinds_can_be_off():
	assert due({}, qty=1000, now=T0 + 10**6, completing=True) == []
	off = {"first_article": False, "every_n_pieces": 0, "every_t_minutes": None, "last_piece": 0}
	assert due(off, qty=1000, now=T0 + 10**6, completing=True) == []
	assert due({"first_article": 1}) == [FIRST_ARTICLE]  # a Frappe Check field gives 1


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"frequency": {"every_n": 50}}, "Unknown IPQC frequency keys: every_n"),
		({"frequency": {"every_n_pieces": -5}}, "more than 0"),
		({"frequency": {"every_n_pieces": "50"}}, "must be a number"),
		({"frequency": {"every_t_minutes": float("inf")}}, "must be a number"),
		({"frequency": {"first_article": "yes"}}, "true or false"),
		({"frequency": [1]}, "frequency must be a dict"),
		({"done": [{"kind": "Patrol", "at_qty": 1, "at_ts": T0}]}, "Unknown IPQC check kind"),
		({"done": [{"kind": EVERY_N_PIECES, "at_ts": T0}]}, "at_qty"),
		({"done": [{"kind": EVERY_T_MINUTES, "at_qty": 1}]}, "at_ts"),
		({"done": ["x"]}, "must be a dict"),
		({"qty": -1}, "at least 0"),
		({"qty": None}, "Produced quantity"),
		({"now": "now"}, "now_ts"),
		({"started": "then"}, "started_ts"),
		({"completing": 1}, "completing"),
	],
)
def test_ipqc_due_rejects_bad_input(kwargs, message):
	with pytest.raises(InspectionPlanError, match=message):
		due(**kwargs)


@settings(max_examples=300, deadline=None)
@given(
	n=st.integers(1, 200),
	checks=st.lists(st.floats(0, 5000, allow_nan=False), max_size=8),
	qty=st.floats(0, 10000, allow_nan=False),
)
def test_every_n_pieces_is_due_exactly_when_n_pieces_passed_since_the_last_check(n, checks, qty):
	done = [{"kind": EVERY_N_PIECES, "at_qty": q, "at_ts": T0} for q in checks]
	last = max(checks, default=0.0)
	assert (EVERY_N_PIECES in due({"every_n_pieces": n}, done, qty=qty)) == (qty - last >= n)


# ----------------------------------------------------------------------------------------------------------
# Sampling without the AQL tables


def test_lot_in_whole_units():
	assert [lot_units(x) for x in (120, 120.4, 120.6, "37", 0, None, "")] == [120, 120, 121, 37, 1, 1, 1]
	with pytest.raises(InspectionPlanError):
		lot_units(-5)
	with pytest.raises(InspectionPlanError):
		lot_units("many")


def test_hundred_percent_inspects_the_whole_lot():
	assert fixed_sample("100%", 120) == 120
	assert fixed_sample("100%", 0.4) == 1  # at least one unit


def test_a_fixed_sample_is_at_least_one_and_at_most_the_lot():
	assert fixed_sample("Fixed Sample", 120, 13) == 13
	assert fixed_sample("Fixed Sample", 10, 13) == 10
	assert fixed_sample("Fixed Sample", 120, 0) == 1
	assert fixed_sample("Fixed Sample", 120, None) == 1


def test_aql_sampling_is_left_to_the_tables():
	assert fixed_sample("AQL", 120, 13) is None
	with pytest.raises(InspectionPlanError, match="sampling method"):
		fixed_sample("Skip Lot", 120)


def test_readings_per_parameter():
	assert readings_required(3, 80) == 3
	assert readings_required(None, 80) == 5  # the plan sets none
	assert readings_required(0, 80) == 5
	assert readings_required(20, 80) == 10  # ERPNext has ten reading columns
	assert readings_required(5, 2) == 2  # no more readings than units in the sample
	assert readings_required(5, 0) == 1
	assert readings_required(5, "3") == 3
