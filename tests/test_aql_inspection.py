"""One inspection and the switching rules: the plans stored with it, its verdict, the class that drives the
switching score, the Ac >= 2 check and steady production as a real input (mom_app.engine.aql)."""

import json

import pytest

from mom_app.engine import aql
from mom_app.engine.aql import (
	AQLError,
	LotResult,
	SwitchState,
	irregular_production,
	judge_sampling,
	lot_result,
	next_state,
	plan_to_dict,
	plans_for_classes,
	plans_from_sampling,
	sampling_severity,
	switching_class,
)


def sampling(aqls, lot=1000, level="II", severity="normal"):
	"""What the adapter stores with an inspection (mom_sampling_json), read back from JSON."""
	plans = plans_for_classes(lot, level, aqls, severity)
	stored = {
		"sample_size": aql.sample_size_for(plans),
		"severity": severity,
		"lot_size": lot,
		"level": level,
		"plans": {cls: plan_to_dict(p) for cls, p in plans.items()},
	}
	return json.loads(json.dumps(stored))


# -- stored plans and the verdict -----------------------------------------------------------------------


def test_stored_plans_read_back_as_the_plans():
	plans = plans_for_classes(1000, "II", {"critical": "0.10", "major": "1.0"}, "tightened")
	stored = json.loads(
		json.dumps({"severity": "tightened", "plans": {c: plan_to_dict(p) for c, p in plans.items()}})
	)
	back = plans_from_sampling(stored)
	assert list(back) == ["critical", "major"]
	for cls, plan in plans.items():
		assert (back[cls].sample_size, back[cls].ac, back[cls].re, back[cls].aql) == (
			plan.sample_size,
			plan.ac,
			plan.re,
			plan.aql,
		)
		assert back[cls].severity == "tightened"
	assert plans_from_sampling({"plans": {}}) == {}
	assert plans_from_sampling({}) == {}


def test_verdict_of_the_stored_plans():
	s = sampling({"major": "1.0", "minor": "4.0"})  # J, n = 80: major Ac 2, minor Ac 7
	assert judge_sampling(s, {"major": 2, "minor": 7}).accepted
	assert not judge_sampling(s, {"major": 3}).accepted  # a class without a count found nothing
	assert judge_sampling(s, {"major": None, "minor": None, "critical": 5}).accepted  # no critical plan
	assert judge_sampling({"plans": {}}, {"major": 9}) is None  # 100 % or a fixed sample


def test_a_discontinued_scheme_is_sampled_at_tightened():
	assert sampling_severity("discontinued") == "tightened"
	assert [sampling_severity(s) for s in ("normal", "tightened", "reduced")] == [
		"normal",
		"tightened",
		"reduced",
	]
	with pytest.raises(AQLError):
		sampling_severity("Normal")


# -- which class drives switching -----------------------------------------------------------------------


def test_major_drives_switching_else_the_first_class():
	assert switching_class(["critical", "major", "minor"]) == "major"
	assert switching_class({"minor": 1, "critical": 1}) == "critical"
	assert switching_class(["minor"]) == "minor"
	with pytest.raises(AQLError):
		switching_class([])


# -- what one lot tells the switching rules -------------------------------------------------------------


def test_ac_2_or_more_asks_the_aql_one_step_tighter():
	s = sampling({"major": "1.0"})  # J, n = 80, Ac 2; at AQL 0.65 the same row has Ac 1
	one = lot_result(s, {"major": 1}, True, production_steady=True, reduced_approved=True)
	assert (one.accepted, one.ac, one.defects, one.would_accept_one_step_tighter) == (True, 2, 1, True)
	two = lot_result(s, {"major": 2}, True, production_steady=True, reduced_approved=True)
	assert (two.accepted, two.would_accept_one_step_tighter) == (True, False)
	# Ac 1: no need to ask (and the tighter cell may be an arrow to another sample)
	low = lot_result(
		sampling({"major": "0.65"}), {"major": 0}, True, production_steady=True, reduced_approved=True
	)
	assert (low.ac, low.would_accept_one_step_tighter) == (1, None)


def test_the_switching_class_gives_ac_and_count_the_whole_lot_gives_the_decision():
	s = sampling({"critical": "0.10", "major": "1.0", "minor": "4.0"})
	lot = lot_result(
		s, {"critical": 0, "major": 1, "minor": 8}, True, production_steady=True, reduced_approved=True
	)
	# the major class (Ac 2, 1 found) drives the score, but the lot was not accepted: minor found 8 > Ac 7
	assert (lot.accepted, lot.ac, lot.defects) == (False, 2, 1)
	# the inspection's own verdict (its parameters) can reject a lot the sampling plans would accept
	lot = lot_result(s, {"major": 0}, False, production_steady=True, reduced_approved=True)
	assert lot.accepted is False


def test_the_lot_size_falls_back_to_the_sample():
	s = sampling({"major": "1.0"})
	del s["lot_size"], s["level"]
	lot = lot_result(s, {"major": 1}, True, production_steady=True, reduced_approved=True, sample_size=1000)
	assert lot.would_accept_one_step_tighter is True
	with pytest.raises(AQLError, match="no sampling plans"):
		lot_result({"plans": {}}, {}, True, production_steady=True, reduced_approved=True)


def test_steady_production_and_approval_are_passed_on():
	s = sampling({"major": "0.65"})
	lot = lot_result(s, {"major": 0}, True, production_steady=False, reduced_approved=True)
	assert (lot.production_steady, lot.reduced_approved) == (False, True)
	lot = lot_result(s, {"major": 0}, True, production_steady=True, reduced_approved=False)
	assert (lot.production_steady, lot.reduced_approved) == (True, False)


# -- steady production decides reduced inspection -------------------------------------------------------


def walk(steady: bool, approved: bool, lots: int = 15) -> tuple[SwitchState, list]:
	"""Accepted lots at Ac 1 (+2 each): 15 of them reach a switching score of 30."""
	s = sampling({"major": "0.65"})
	state, switches = SwitchState(), []
	for _ in range(lots):
		lot = lot_result(s, {"major": 0}, True, production_steady=steady, reduced_approved=approved)
		state, switch = next_state(state, lot)
		switches.append(switch)
	return state, switches


def test_reduced_only_with_steady_production():
	state, switches = walk(steady=False, approved=True)
	assert state.severity == "normal" and state.switching_score == 30 and not any(switches)
	state, switches = walk(steady=True, approved=False)
	assert state.severity == "normal" and not any(switches)
	state, switches = walk(steady=True, approved=True)
	assert state.severity == "reduced" and switches[-1].rule == "N->R score 30"


def test_reduced_inspection_is_never_entered_by_default():
	# a caller that does not say production is steady and reduced inspection approved never gets reduced
	state = SwitchState(switching_score=28)
	state, switch = next_state(state, LotResult(True, 1, 0))
	assert switch is None and state.severity == "normal" and state.switching_score == 30
	# and a scheme at reduced inspection goes back to normal
	state, switch = next_state(SwitchState(severity="reduced"), LotResult(True, 1, 0))
	assert switch.rule == "R->N irregular production" and state.severity == "normal"


def test_irregular_production_ends_reduced_inspection_at_once():
	state, switch = irregular_production(SwitchState(severity="reduced"))
	assert state == SwitchState() and switch.rule == "R->N irregular production"
	assert (switch.from_severity, switch.to_severity) == ("reduced", "normal")
	for other in (SwitchState(), SwitchState(severity="tightened", tightened_accepted_run=2)):
		assert irregular_production(other) == (other, None)
	with pytest.raises(AQLError):
		irregular_production({"severity": "reduced"})
