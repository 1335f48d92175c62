"""AQL attribute sampling by ISO 2859-1:1999 (GB/T 2828.1-2012): plans, lot judgement, switching rules.

The tables are data in `mom_app.engine.aql_tables` (Table 1, Tables 2-A/2-B/2-C, with their arrows and the
sources they were checked against). This module applies them; it only does single sampling.

Finding a plan (clause 10 of the standard):

1. Table 1 gives the sample size code letter for the lot size and the inspection level.
2. The master table of the current severity (2-A normal, 2-B tightened, 2-C reduced) is read at that letter's
   row and the AQL's column. An arrow means "use the first sampling plan below (or above) the arrow": the
   row moves until a cell with Ac,Re is found, and that row's code letter AND sample size are used (the Plan
   carries the new letter; `initial_code_letter` keeps the Table 1 letter).
3. When the sample size is equal to or larger than the lot, the whole lot is inspected: the Plan's
   sample_size is the lot size, `hundred_percent` is True and Ac/Re stay those of the table plan. A lot of
   one unit is always inspected 100 %.

Every cell of the three tables resolves to a plan; the code still refuses (AQLError) an arrow that would run
off the table or reach a blank cell, rather than invent a plan. Tightened inspection can resolve to code
letter S (3150 units, Ac 1 Re 2), which exists only in Table 2-B, under AQL 0.025 for letters Q and R.

Several classes of nonconformity (critical / major / minor) each have their own AQL and therefore their own
plan: `plans_for_classes` returns one Plan per class and `judge` accepts the lot only when every class is
within its acceptance number. Convention of this app when the classes need different sample sizes: draw the
largest one (`sample_size_for`), and judge a class with a smaller n on the first n units of that sample (the
units are drawn at random, so the first n are themselves a random sample of n). Inspectors record, per class,
the nonconformities found in that class's n units.

Switching rules (clause 9), one SwitchState per scheme, i.e. per class and AQL: `next_state(state, lot)`
returns the state after one lot inspected on original inspection (not a resubmitted lot) and the Switch that
happened, if any.

- Normal -> tightened: 2 lots out of 5 or fewer consecutive lots not accepted.
- Tightened -> normal: 5 consecutive lots accepted under tightened inspection.
- Normal -> reduced (9.3.3): the switching score is at least 30, production is at a steady rate and the
  responsible authority approves. The score starts at 0 when normal inspection starts; after each
  lot: with Ac 0 or 1, add 2 if the lot is accepted, otherwise reset to 0; with Ac 2 or more, add 3 if the
  lot would have been accepted at the AQL one step tighter, otherwise reset to 0 (a lot that is not accepted
  resets it in every case). `accepted_one_step_tighter` answers the Ac >= 2 question.
- Reduced -> normal: a lot is not accepted, production becomes irregular or delayed, or other
  conditions warrant it (`LotResult.return_to_normal`).
- Discontinuation (9.4): the cumulative number of lots not accepted during one period of tightened
  inspection reaches 5. No lot can be inspected until `resume()`, which restarts with tightened inspection
  once the supplier has acted to improve quality.

ISO 2859-1:1999 uses this switching score instead of the limit numbers of the 1989 edition (Table VIII), so
there is no limit-number table here. All messages are English; the Frappe adapter translates them.
"""

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from mom_app.engine import aql_tables as tables

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
AQLS = tables.AQL_COLUMNS
SEVERITIES = ("normal", "tightened", "reduced")
DEFECT_CLASSES = ("critical", "major", "minor")

# Not a severity: the state of a scheme whose inspection is discontinued (clause 9.4).
DISCONTINUED = "discontinued"

# The switching score that allows reduced inspection (ISO 2859-1:1999, 9.3.3).
SWITCHING_SCORE_LIMIT = 30

_AQL_BY_VALUE = {Decimal(aql): aql for aql in AQLS}


class AQLError(ValueError):
	"""A lot size, level, AQL, severity, count or state the standard cannot work with."""


# ----------------------------------------------------------------------------------------------------------
# Inputs


def normalise_aql(value) -> str:
	"""The AQL as printed in the tables ("0.65", "1.0", "10") for a str, int, float or Decimal value.

	0.65, "0.65", "0.650" and Decimal("0.65") all give "0.65"; 1, 1.0 and "1" give "1.0"; 10 gives "10".
	"""
	if isinstance(value, bool):
		raise AQLError(f"AQL must be a number, got {value!r}")
	if isinstance(value, str):
		try:
			number = Decimal(value.strip())
		except InvalidOperation:
			raise AQLError(f"AQL {value!r} is not a number") from None
	elif isinstance(value, Decimal):
		number = value
	elif isinstance(value, numbers.Integral):
		number = Decimal(int(value))
	elif isinstance(value, numbers.Real):
		# repr() is the shortest text that gives the float back: 0.65 -> "0.65", not 0.6500000000000000222...
		number = Decimal(repr(float(value)))
	else:
		raise AQLError(f"AQL must be a number or a numeric string, got {type(value).__name__}")
	if not number.is_finite() or number not in _AQL_BY_VALUE:
		raise AQLError(f"{value!r} is not a standard AQL; use one of {', '.join(AQLS)}")
	return _AQL_BY_VALUE[number]


def _level(level) -> str:
	text = level.strip().upper() if isinstance(level, str) else None
	if text not in LEVELS:
		raise AQLError(f"Unknown inspection level {level!r}; use one of {', '.join(LEVELS)}")
	return text


def _severity(severity) -> str:
	if severity not in SEVERITIES:
		raise AQLError(f"Unknown inspection severity {severity!r}; use one of {', '.join(SEVERITIES)}")
	return severity


def _count(value, what: str, minimum: int = 0) -> int:
	"""A whole number >= minimum; an integral float (a Frappe Float field: 120.0) is accepted."""
	if isinstance(value, bool) or not isinstance(value, numbers.Real):
		raise AQLError(f"{what} must be a whole number, got {value!r}")
	if isinstance(value, numbers.Integral):
		number = int(value)
	elif float(value).is_integer():
		number = int(value)
	else:
		raise AQLError(f"{what} must be a whole number, got {value!r}")
	if number < minimum:
		raise AQLError(f"{what} must be at least {minimum}, got {number}")
	return number


# ----------------------------------------------------------------------------------------------------------
# Plans


def code_letter(lot_size: int, level: str) -> str:
	"""The sample size code letter of Table 1 for a lot of `lot_size` units (2 or more) at `level`."""
	lot_size = _count(lot_size, "Lot size", minimum=2)
	level = _level(level)
	for band in tables.LOT_SIZE_BANDS:
		if band.high is None or lot_size <= band.high:
			return band.letters[level]
	raise AssertionError("Table 1 is open-ended")  # pragma: no cover


@dataclass(frozen=True)
class Plan:
	"""A single sampling plan for one lot: inspect `sample_size` units, accept with at most `ac` found.

	`code_letter` is the row the plan was read from (after following the arrows), `initial_code_letter` the
	Table 1 letter. With `hundred_percent` the sample is the whole lot (the table's n was not smaller).
	"""

	code_letter: str
	sample_size: int
	ac: int
	re: int
	severity: str
	aql: str
	hundred_percent: bool
	initial_code_letter: str | None = None

	@property
	def table(self) -> str:
		"""The master table the plan comes from: "2-A", "2-B" or "2-C"."""
		return tables.TABLE_NAMES[self.severity]


def _resolve(severity: str, letter: str, aql: str) -> tuple[str, int, int, int]:
	"""Follow the arrows of the master table from (letter, aql): (code letter, n, Ac, Re) of the plan used."""
	rows = list(tables.MASTER_TABLES[severity].values())
	column = AQLS.index(aql)
	index = [row.code_letter for row in rows].index(letter)
	table = tables.TABLE_NAMES[severity]
	cell = rows[index].cells[column]
	direction = None
	while cell in (tables.DOWN, tables.UP):
		step = 1 if cell == tables.DOWN else -1
		if direction is not None and step != direction:
			raise AQLError(f"Table {table}, AQL {aql}: the arrows from code letter {letter} point both ways")
		direction = step
		index += step
		if not 0 <= index < len(rows):
			raise AQLError(
				f"Table {table}: the arrow from code letter {letter} at AQL {aql} runs off the table"
			)
		cell = rows[index].cells[column]
	if cell is None:
		raise AQLError(f"Table {table} has no sampling plan for code letter {letter} at AQL {aql}")
	ac, re = cell
	return rows[index].code_letter, rows[index].sample_size, ac, re


def plan_for_lot(lot_size: int, level: str, aql, severity: str = "normal") -> Plan:
	"""The single sampling plan for a lot: Table 1, Table 2-A/2-B/2-C with its arrows, the 100 % rule."""
	lot_size = _count(lot_size, "Lot size", minimum=1)
	level = _level(level)
	aql = normalise_aql(aql)
	severity = _severity(severity)
	# Table 1 starts at 2 units; a one-unit lot takes the first band and is then inspected 100 % below.
	initial = code_letter(max(lot_size, 2), level)
	letter, sample_size, ac, re = _resolve(severity, initial, aql)
	hundred_percent = sample_size >= lot_size
	return Plan(
		code_letter=letter,
		sample_size=lot_size if hundred_percent else sample_size,
		ac=ac,
		re=re,
		severity=severity,
		aql=aql,
		hundred_percent=hundred_percent,
		initial_code_letter=initial,
	)


def _defect_class(name) -> str:
	if name not in DEFECT_CLASSES:
		raise AQLError(f"Unknown defect class {name!r}; use one of {', '.join(DEFECT_CLASSES)}")
	return name


def plans_for_classes(lot_size: int, level: str, aqls: Mapping, severity: str = "normal") -> dict[str, Plan]:
	"""One plan per defect class, e.g. {"critical": "0.010", "major": "1.0", "minor": "2.5"}.

	Classes come back in DEFECT_CLASSES order. Each class keeps its own plan (its own n, Ac, Re); see
	`sample_size_for` for drawing one sample that serves them all.
	"""
	if not isinstance(aqls, Mapping) or not aqls:
		raise AQLError("Give at least one defect class with its AQL, e.g. {'major': '1.0'}")
	for name in aqls:
		_defect_class(name)
	return {
		name: plan_for_lot(lot_size, level, aqls[name], severity) for name in DEFECT_CLASSES if name in aqls
	}


def sample_size_for(plans: Mapping) -> int:
	"""How many units to draw for the lot: the largest n of the classes' plans.

	A class whose plan has a smaller n is judged on the first n units of that sample.
	"""
	if not isinstance(plans, Mapping) or not plans:
		raise AQLError("No plans given")
	return max(plan.sample_size for plan in plans.values())


# ----------------------------------------------------------------------------------------------------------
# Judging a lot


class ClassResult(NamedTuple):
	"""The outcome for one defect class: (defects, ac, re, accepted)."""

	defects: int
	ac: int
	re: int
	accepted: bool


@dataclass(frozen=True)
class Verdict:
	"""The lot decision: accepted only when every class found no more than its acceptance number."""

	accepted: bool
	per_class: dict[str, ClassResult]
	reason: str


def judge(plans: Mapping, defects: Mapping) -> Verdict:
	"""Accept or not accept a lot from the nonconformities (or nonconforming units) counted per class.

	`defects` must give a count for exactly the classes of `plans`. A class is accepted when its count is at
	most Ac (Re = Ac + 1 in ISO 2859-1:1999, so a count of Re or more is never accepted).
	"""
	if not isinstance(plans, Mapping) or not plans:
		raise AQLError("No plans given")
	if not isinstance(defects, Mapping):
		raise AQLError("Defect counts must be given per class, e.g. {'major': 1}")
	missing = [name for name in plans if name not in defects]
	extra = [name for name in defects if name not in plans]
	if missing or extra:
		parts = []
		if missing:
			parts.append(f"no count for {', '.join(map(str, missing))}")
		if extra:
			parts.append(f"no plan for {', '.join(map(str, extra))}")
		raise AQLError("Defect counts do not match the plans: " + "; ".join(parts))
	per_class = {}
	for name, plan in plans.items():
		if not isinstance(plan, Plan):
			raise AQLError(f"The plan for {name} is not a Plan")
		found = _count(defects[name], f"Defect count for {name}")
		per_class[name] = ClassResult(found, plan.ac, plan.re, found <= plan.ac)
	failed = [name for name, result in per_class.items() if not result.accepted]
	if failed:
		details = "; ".join(
			f"{name}: {per_class[name].defects} found, rejection number {per_class[name].re}"
			for name in failed
		)
		reason = f"Lot not accepted: {details}."
	else:
		details = "; ".join(
			f"{name}: {result.defects} found, acceptance number {result.ac}"
			for name, result in per_class.items()
		)
		reason = f"Lot accepted: {details}."
	return Verdict(accepted=not failed, per_class=per_class, reason=reason)


# ----------------------------------------------------------------------------------------------------------
# Switching rules


@dataclass(frozen=True)
class SwitchState:
	"""Where one sampling scheme stands in the switching rules.

	normal_results            accepted / not accepted of the last (at most 5) lots under normal inspection
	tightened_accepted_run    consecutive lots accepted since tightened inspection started or since the last
	                          lot not accepted under it
	tightened_rejected_count  lots not accepted since tightened inspection started (5 discontinues)
	switching_score           clause 9.3.3, under normal inspection
	discontinued              inspection stopped (clause 9.4) until `resume()`
	"""

	severity: str = "normal"
	normal_results: tuple[bool, ...] = ()
	tightened_accepted_run: int = 0
	tightened_rejected_count: int = 0
	switching_score: int = 0
	discontinued: bool = False

	def __post_init__(self):
		_severity(self.severity)
		results = self.normal_results
		if isinstance(results, list):
			results = tuple(results)
			object.__setattr__(self, "normal_results", results)
		if (
			not isinstance(results, tuple)
			or not all(isinstance(r, bool) for r in results)
			or len(results) > 5
		):
			raise AQLError("normal_results must be a list of at most 5 true/false lot results")
		for name in ("tightened_accepted_run", "tightened_rejected_count", "switching_score"):
			value = getattr(self, name)
			if isinstance(value, bool) or not isinstance(value, int) or value < 0:
				raise AQLError(f"{name} must be a whole number of at least 0, got {value!r}")
		if not isinstance(self.discontinued, bool):
			raise AQLError(f"discontinued must be true or false, got {self.discontinued!r}")
		if self.discontinued and self.severity != "tightened":
			raise AQLError("Only tightened inspection can be discontinued")

	def to_dict(self) -> dict:
		"""A JSON-serialisable dict; `from_dict` reads it back."""
		return {
			"severity": self.severity,
			"normal_results": list(self.normal_results),
			"tightened_accepted_run": self.tightened_accepted_run,
			"tightened_rejected_count": self.tightened_rejected_count,
			"switching_score": self.switching_score,
			"discontinued": self.discontinued,
		}

	@classmethod
	def from_dict(cls, data: Mapping | None) -> "SwitchState":
		"""The state saved by `to_dict`; missing keys take their defaults (an empty dict is a fresh scheme)."""
		if data is None:
			return cls()
		if not isinstance(data, Mapping):
			raise AQLError("A switching state must be a dict")
		unknown = sorted(set(data) - set(cls.__dataclass_fields__))
		if unknown:
			raise AQLError(f"Unknown switching state keys: {', '.join(map(str, unknown))}")
		return cls(**data)


@dataclass(frozen=True)
class LotResult:
	"""One lot inspected on original inspection, as the switching rules need it.

	accepted                       the lot decision
	ac, defects                    acceptance number of the plan used and the count found (for the score)
	would_accept_one_step_tighter  needed under normal inspection when ac >= 2 (see
	                               `accepted_one_step_tighter`); ignored otherwise
	production_steady              production is at a steady rate (9.3.3 b); False when it is irregular or
	                               delayed, or not known to be steady
	reduced_approved               the responsible authority allows reduced inspection (9.3.3 c)
	return_to_normal               other conditions warrant normal inspection, under reduced inspection

	`production_steady` and `reduced_approved` default to False: reduced inspection is only entered, and only
	kept, when the caller says both hold.
	"""

	accepted: bool
	ac: int
	defects: int
	would_accept_one_step_tighter: bool | None = None
	production_steady: bool = False
	reduced_approved: bool = False
	return_to_normal: bool = False


@dataclass(frozen=True)
class Switch:
	"""A change of severity: from_severity -> to_severity ("discontinued" for clause 9.4), rule code, reason."""

	from_severity: str
	to_severity: str
	rule: str
	reason: str


def _check_lot(lot) -> LotResult:
	if not isinstance(lot, LotResult):
		raise AQLError("next_state needs a LotResult")
	for name in ("accepted", "production_steady", "reduced_approved", "return_to_normal"):
		if not isinstance(getattr(lot, name), bool):
			raise AQLError(f"LotResult.{name} must be true or false, got {getattr(lot, name)!r}")
	if lot.would_accept_one_step_tighter is not None and not isinstance(
		lot.would_accept_one_step_tighter, bool
	):
		raise AQLError("LotResult.would_accept_one_step_tighter must be true, false or None")
	_count(lot.ac, "Acceptance number")
	_count(lot.defects, "Defect count")
	return lot


def _to_normal(state: SwitchState, rule: str, reason: str) -> tuple[SwitchState, Switch]:
	# A fresh normal period: no history, switching score 0 (9.3.3).
	return SwitchState(), Switch(state.severity, "normal", rule, reason)


def next_state(state: SwitchState, lot: LotResult) -> tuple[SwitchState, Switch | None]:
	"""The switching state after one more lot, and the switch it caused (None when the severity stays)."""
	if not isinstance(state, SwitchState):
		raise AQLError("next_state needs a SwitchState")
	lot = _check_lot(lot)
	if state.discontinued:
		raise AQLError(
			"Sampling inspection is discontinued (ISO 2859-1, 9.4): no lot can be inspected under it until the "
			"supplier has acted to improve quality and inspection is resumed with tightened inspection"
		)

	if state.severity == "normal":
		results = (*state.normal_results, lot.accepted)[-5:]
		not_accepted = results.count(False)
		if not_accepted >= 2:
			return SwitchState(severity="tightened"), Switch(
				"normal",
				"tightened",
				"N->T 2 of 5",
				f"{not_accepted} of the last {len(results)} consecutive lots on normal inspection were not "
				"accepted; tightened inspection is required (ISO 2859-1, 9.3).",
			)
		ac = _count(lot.ac, "Acceptance number")
		if not lot.accepted:
			score = 0
		elif ac <= 1:
			score = state.switching_score + 2
		elif lot.would_accept_one_step_tighter is None:
			raise AQLError(
				f"The plan's acceptance number is {ac}: the switching score needs to know whether the lot would "
				"have been accepted at the AQL one step tighter (see accepted_one_step_tighter)"
			)
		else:
			score = state.switching_score + 3 if lot.would_accept_one_step_tighter else 0
		if score >= SWITCHING_SCORE_LIMIT and lot.production_steady and lot.reduced_approved:
			return SwitchState(severity="reduced"), Switch(
				"normal",
				"reduced",
				"N->R score 30",
				f"The switching score reached {score} (30 or more), production is steady and the responsible "
				"authority approves reduced inspection (ISO 2859-1, 9.3.3).",
			)
		return replace(state, normal_results=results, switching_score=score), None

	if state.severity == "tightened":
		if lot.accepted:
			run, rejected = state.tightened_accepted_run + 1, state.tightened_rejected_count
		else:
			run, rejected = 0, state.tightened_rejected_count + 1
		if rejected >= 5:
			return replace(
				state, tightened_accepted_run=run, tightened_rejected_count=rejected, discontinued=True
			), Switch(
				"tightened",
				DISCONTINUED,
				"T->D 5 not accepted",
				f"{rejected} lots have not been accepted on tightened inspection; sampling inspection is "
				"discontinued until the supplier has acted to improve quality (ISO 2859-1, 9.4).",
			)
		if run >= 5:
			return _to_normal(
				state,
				"T->N 5 accepted",
				"5 consecutive lots were accepted on tightened inspection; normal inspection is reinstated "
				"(ISO 2859-1, 9.3).",
			)
		return replace(state, tightened_accepted_run=run, tightened_rejected_count=rejected), None

	# reduced
	if not lot.accepted:
		return _to_normal(
			state,
			"R->N not accepted",
			"A lot was not accepted on reduced inspection; normal inspection is reinstated (ISO 2859-1, 9.3).",
		)
	if not lot.production_steady:
		return _to_normal(
			state,
			"R->N irregular production",
			"Production became irregular or delayed; normal inspection is reinstated (ISO 2859-1, 9.3).",
		)
	if lot.return_to_normal:
		return _to_normal(
			state,
			"R->N other conditions",
			"Other conditions warrant normal inspection; it is reinstated (ISO 2859-1, 9.3).",
		)
	return state, None


def resume(state: SwitchState) -> tuple[SwitchState, Switch]:
	"""Restart a discontinued scheme after the supplier's corrective action: tightened inspection (9.4)."""
	if not isinstance(state, SwitchState):
		raise AQLError("resume needs a SwitchState")
	if not state.discontinued:
		raise AQLError("Only a discontinued inspection can be resumed")
	return SwitchState(severity="tightened"), Switch(
		DISCONTINUED,
		"tightened",
		"D->T resume",
		"The supplier has acted to improve quality; inspection resumes with tightened inspection "
		"(ISO 2859-1, 9.4).",
	)


def accepted_one_step_tighter(lot_size: int, level: str, aql, severity: str, defects: int) -> bool:
	"""Would the lot have been accepted at the AQL one column tighter? (switching score, 9.3.3).

	The comparison uses the same sample: the plan actually used (its code letter after the arrows and its
	n) is found, then its row is read one AQL column to the left, and `defects` is compared with that Ac.
	For every plan with Ac >= 2 - the only ones for which the switching score asks - that cell holds a plan
	on the same row, so the sample is the same. For Ac 0 or 1 the tighter cell may be an arrow to a plan
	with another sample size; the lot was then not demonstrably accepted and the answer is False.
	"""
	aql = normalise_aql(aql)
	severity = _severity(severity)
	defects = _count(defects, "Defect count")
	column = AQLS.index(aql)
	if column == 0:
		raise AQLError(f"There is no AQL tighter than {AQLS[0]}")
	plan = plan_for_lot(lot_size, level, aql, severity)
	cell = tables.MASTER_TABLES[severity][plan.code_letter].cells[column - 1]
	if not isinstance(cell, tuple):
		return False
	return defects <= cell[0]


def irregular_production(state: SwitchState) -> tuple[SwitchState, Switch | None]:
	"""Production became irregular or delayed (9.3.4 b): reduced inspection returns to normal at once, not
	after the next lot; other severities stay as they are."""
	if not isinstance(state, SwitchState):
		raise AQLError("irregular_production needs a SwitchState")
	if state.severity != "reduced":
		return state, None
	return _to_normal(
		state,
		"R->N irregular production",
		"Production became irregular or delayed; normal inspection is reinstated (ISO 2859-1, 9.3).",
	)


# ----------------------------------------------------------------------------------------------------------
# One inspection: the plans stored with it, its verdict and what it tells the switching rules


def sampling_severity(severity: str) -> str:
	"""The severity a lot is sampled at for a scheme in `severity` ("normal", "tightened", "reduced" or
	"discontinued"): a discontinued scheme is sampled at tightened, the severity it resumes at (9.4)."""
	if severity == DISCONTINUED:
		return "tightened"
	return _severity(severity)


def plan_to_dict(plan: Plan) -> dict:
	"""The plan as stored with an inspection (JSON): n, ac, re, code_letter, aql, hundred_percent."""
	return {
		"n": plan.sample_size,
		"ac": plan.ac,
		"re": plan.re,
		"code_letter": plan.code_letter,
		"aql": plan.aql,
		"hundred_percent": plan.hundred_percent,
	}


def plans_from_sampling(sampling: Mapping) -> dict[str, Plan]:
	"""The class plans stored with an inspection: `sampling` is {"severity", "plans": {class: plan_to_dict()}}
	(a missing severity is normal); {} when it has no plans (100 % or a fixed sample)."""
	stored = (sampling or {}).get("plans") or {}
	severity = sampling.get("severity") or "normal"
	return {
		_defect_class(cls): Plan(
			code_letter=p["code_letter"],
			sample_size=p["n"],
			ac=p["ac"],
			re=p["re"],
			severity=severity,
			aql=p["aql"],
			hundred_percent=bool(p.get("hundred_percent")),
		)
		for cls, p in stored.items()
	}


def judge_sampling(sampling: Mapping, defects: Mapping) -> Verdict | None:
	"""The verdict of the plans stored with an inspection on its defect counts per class (a missing count is
	0); None when it has no plans."""
	plans = plans_from_sampling(sampling)
	if not plans:
		return None
	return judge(plans, {cls: defects.get(cls) or 0 for cls in plans})


def switching_class(classes) -> str:
	"""The defect class whose plan drives a scheme's switching score: major when the plan has it, else the
	first of critical, major, minor it has.

	ISO 2859-1 keeps a switching state per class; this app keeps one per plan x item (x supplier) and feeds
	it the whole lot's decision (a lot not accepted in any class counts as not accepted) with the acceptance
	number and count of one class for the score. Major is the plan's main class in practice; a critical
	nonconformity found is usually at Ac 0 and rejects the lot, which the lot's decision already carries."""
	present = [cls for cls in DEFECT_CLASSES if cls in classes]
	if not present:
		raise AQLError("No plans given")
	return "major" if "major" in present else present[0]


def lot_result(
	sampling: Mapping,
	defects: Mapping,
	inspection_accepted: bool,
	*,
	production_steady: bool,
	reduced_approved: bool,
	sample_size: int | None = None,
) -> LotResult:
	"""What one inspected lot tells the switching rules (`next_state`).

	`sampling` is what the inspection stored ({"severity", "lot_size", "level", "plans"}, see
	plans_from_sampling), `defects` its counts per class, `inspection_accepted` the inspection's own verdict
	(its parameters). The lot is accepted when the inspection is and the sampling plans accept it. The
	acceptance number and count are those of `switching_class`; when that Ac is 2 or more, the lot is also
	judged at the AQL one step tighter on the same sample (9.3.3). The lot size is the stored one, else
	`sample_size`; the level II and the severity normal unless stored."""
	plans = plans_from_sampling(sampling)
	if not plans:
		raise AQLError("The inspection has no sampling plans: nothing to switch")
	verdict = judge_sampling(sampling, defects)
	cls = switching_class(plans)
	plan = plans[cls]
	found = _count(defects.get(cls) or 0, f"Defect count for {cls}")
	tighter = None
	if plan.ac >= 2:
		tighter = accepted_one_step_tighter(
			sampling.get("lot_size") or sample_size,
			sampling.get("level") or "II",
			plan.aql,
			sampling.get("severity") or "normal",
			found,
		)
	return LotResult(
		accepted=bool(inspection_accepted) and verdict.accepted,
		ac=plan.ac,
		defects=found,
		would_accept_one_step_tighter=tighter,
		production_steady=bool(production_steady),
		reduced_approved=bool(reduced_approved),
	)
