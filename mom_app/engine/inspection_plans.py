"""Which inspection plan applies, and which in-process (IPQC) checks are due now.

Plan matching. Plan rows are plain dicts, as the adapter reads them from the Inspection Plan doctype:

	{"name": "QP-0001", "stage": "IQC", "item_code": "BOLT-M8" or None, "item_group": "Fasteners" or None,
	 "supplier": "ACME" or None, "operation": "Drilling" or None, "priority": 0, "enabled": 1}

`match_plan(plans, stage, item_code, item_groups, supplier, operation)` keeps the enabled plans of the stage
whose every filled condition holds:

- item_code, when set, equals the item;
- item_group, when set, is one of `item_groups` (the item's own group first, then its parent, grandparent,
  ... as the adapter walks the Item Group tree);
- supplier, when set, equals the given supplier (a plan for a supplier never matches when none is given);
- operation, likewise, equals the given operation.

A plan with no condition is the stage's generic plan. Among the plans that match, the most specific wins,
compared in this order:

1. how closely it names the item: an item_code plan beats any item_group plan, a nearer group beats a
   farther one (position in `item_groups`), and a group plan beats a plan for every item;
2. the number of partner conditions it sets (supplier, operation): a supplier-specific IQC plan beats a
   generic one, an operation-specific IPQC plan beats a generic one, one with both beats one with either;
3. the higher `priority` (missing or None counts as 0);
4. the name, alphabetically, so that the answer never depends on the order of the rows.

So the item decides first: a plan for this very item wins over a plan for its group even when the group plan
is supplier-specific. Rows without "enabled" count as enabled; a falsy "enabled" (0, False) is ignored.

IPQC frequency. `ipqc_due(frequency, done, produced_qty, now_ts, started_ts, completing)` says which checks
are due at this moment for one job (work order / job card at one operation). `frequency` is a dict:

	{"first_article": True, "every_n_pieces": 50, "every_t_minutes": 60, "last_piece": True}

(a missing key, None, False or 0 turns that kind off). `done` lists the checks already recorded for the job,
each {"kind": one of KINDS, "at_qty": produced quantity when it was taken, "at_ts": epoch seconds}.
Times are epoch seconds; quantities are good-plus-bad pieces produced so far. The rules, kind by kind:

- "First Article": due as long as none has been recorded, from before the first piece on (a first article is
  checked before, or at, the start of production; once production runs without one it stays due).
- "Every N Pieces": due when at least N pieces have been produced since the last check of this kind (its
  at_qty; 0 before the first one): due at N, 2N, ... when checks are taken on time; a late check moves the
  next one to its own at_qty + N. Nothing is due before the first N pieces.
- "Every T Minutes": due when at least T minutes have passed since the later of `started_ts` and the last
  check of this kind (its at_ts): T minutes after the start, then T minutes after each check. Nothing is
  due before production has started (`started_ts` None); a check recorded before the start does not move
  the first one earlier.
- "Last Piece": due when `completing` is true (the job is being finished) and none has been recorded.

The kinds are independent: a first article check does not reset the piece or time counters. The answer
lists the due kinds in KINDS order.

Sampling methods. A plan samples by AQL (ISO 2859-1, mom_app.engine.aql), inspects a fixed sample or the
whole lot. `lot_units(lot_size)` is the lot in whole units (rounded, at least 1); `fixed_sample(method,
lot_size, fixed_sample_size)` gives the sample of the two methods that need no table: the whole lot for
"100%", the plan's fixed size (at least 1, at most the lot) for "Fixed Sample", None for "AQL".
`readings_required(readings_per_parameter, sample_size)` is how many readings each numeric parameter needs:
the plan's number (5 when it sets none), at most the sample and at most ERPNext's 10 reading columns, at
least 1.
"""

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence

STAGES = ("IQC", "IPQC", "FQC", "OQC")

FIRST_ARTICLE = "First Article"
EVERY_N_PIECES = "Every N Pieces"
EVERY_T_MINUTES = "Every T Minutes"
LAST_PIECE = "Last Piece"
KINDS = (FIRST_ARTICLE, EVERY_N_PIECES, EVERY_T_MINUTES, LAST_PIECE)

# The keys of the frequency dict, per kind.
FREQUENCY_KEYS = {
	FIRST_ARTICLE: "first_article",
	EVERY_N_PIECES: "every_n_pieces",
	EVERY_T_MINUTES: "every_t_minutes",
	LAST_PIECE: "last_piece",
}


AQL_SAMPLING = "AQL"
FIXED_SAMPLE = "Fixed Sample"
HUNDRED_PERCENT = "100%"
SAMPLING_METHODS = (AQL_SAMPLING, FIXED_SAMPLE, HUNDRED_PERCENT)
READING_COLUMNS = 10  # reading_1 .. reading_10 of ERPNext's Quality Inspection Reading
DEFAULT_READINGS = 5


class InspectionPlanError(ValueError):
	"""Plan rows, a stage or IPQC data the rules cannot work with."""


# ----------------------------------------------------------------------------------------------------------
# Plan matching


def _stage(stage) -> str:
	if stage not in STAGES:
		raise InspectionPlanError(f"Unknown inspection stage {stage!r}; use one of {', '.join(STAGES)}")
	return stage


def _priority(plan: Mapping) -> float:
	value = plan.get("priority")
	if value is None or value == "":
		return 0
	if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
		raise InspectionPlanError(f"Plan {plan.get('name')!r}: priority must be a number, got {value!r}")
	return value


def _rank(plan: Mapping, item_code, item_groups: Sequence[str], supplier, operation):
	"""The sort key of a plan that matches (smaller is more specific), or None when it does not match."""
	if plan.get("item_code"):
		if plan["item_code"] != item_code:
			return None
		item_rank = 0
	else:
		item_rank = len(item_groups) + 1  # a plan for every item
	if plan.get("item_group"):
		if plan["item_group"] not in item_groups:
			return None
		if not plan.get("item_code"):
			item_rank = 1 + list(item_groups).index(plan["item_group"])
	partners = 0
	for key, given in (("supplier", supplier), ("operation", operation)):
		if plan.get(key):
			if plan[key] != given:
				return None
			partners += 1
	return (item_rank, -partners, -_priority(plan), str(plan.get("name") or ""))


def match_plan(
	plans: Iterable[Mapping],
	stage: str,
	item_code: str | None,
	item_groups: Sequence[str] | None = None,
	supplier: str | None = None,
	operation: str | None = None,
) -> dict | None:
	"""The most specific enabled plan of `stage` for the item (see the module docstring), or None."""
	stage = _stage(stage)
	if item_groups is None:
		item_groups = ()
	if isinstance(item_groups, str) or not isinstance(item_groups, Sequence):
		raise InspectionPlanError("item_groups must be a list of group names, the item's own group first")
	best, best_key = None, None
	for plan in plans:
		if not isinstance(plan, Mapping):
			raise InspectionPlanError(f"A plan must be a dict, got {type(plan).__name__}")
		if plan.get("stage") != stage or not plan.get("enabled", True):
			continue
		key = _rank(plan, item_code, item_groups, supplier, operation)
		if key is not None and (best_key is None or key < best_key):
			best, best_key = plan, key
	return dict(best) if best is not None else None


# ----------------------------------------------------------------------------------------------------------
# IPQC frequency


def _number(value, what: str, *, positive: bool = False) -> float:
	if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
		raise InspectionPlanError(f"{what} must be a number, got {value!r}")
	if value < 0 or (positive and value == 0):
		raise InspectionPlanError(
			f"{what} must be {'more than' if positive else 'at least'} 0, got {value!r}"
		)
	return float(value)


def _setting(frequency: Mapping, kind: str):
	"""The frequency value of a kind, or None when the kind is off."""
	value = frequency.get(FREQUENCY_KEYS[kind])
	if value is None or value is False or value == 0:
		return None
	if kind in (FIRST_ARTICLE, LAST_PIECE):
		if value is True or value == 1:
			return True
		raise InspectionPlanError(f"{FREQUENCY_KEYS[kind]} must be true or false, got {value!r}")
	return _number(value, FREQUENCY_KEYS[kind], positive=True)


def ipqc_due(
	frequency: Mapping,
	done: Iterable[Mapping],
	produced_qty: float,
	now_ts: float,
	started_ts: float | None,
	completing: bool,
) -> list[str]:
	"""The IPQC check kinds due now, in KINDS order (see the module docstring for each kind's rule)."""
	if not isinstance(frequency, Mapping):
		raise InspectionPlanError("frequency must be a dict")
	unknown = sorted(set(frequency) - set(FREQUENCY_KEYS.values()))
	if unknown:
		raise InspectionPlanError(
			f"Unknown IPQC frequency keys: {', '.join(map(str, unknown))}; "
			f"use {', '.join(FREQUENCY_KEYS.values())}"
		)
	produced_qty = _number(produced_qty, "Produced quantity")
	now_ts = _number(now_ts, "now_ts")
	if started_ts is not None:
		started_ts = _number(started_ts, "started_ts")
	if not isinstance(completing, bool):
		raise InspectionPlanError(f"completing must be true or false, got {completing!r}")

	last_qty: float | None = None
	last_ts: float | None = None
	count = dict.fromkeys(KINDS, 0)
	for row in done:
		if not isinstance(row, Mapping):
			raise InspectionPlanError(f"A done check must be a dict, got {type(row).__name__}")
		kind = row.get("kind")
		if kind not in KINDS:
			raise InspectionPlanError(f"Unknown IPQC check kind {kind!r}; use one of {', '.join(KINDS)}")
		count[kind] += 1
		if kind == EVERY_N_PIECES:
			qty = _number(row.get("at_qty"), f"at_qty of an {EVERY_N_PIECES} check")
			last_qty = qty if last_qty is None else max(last_qty, qty)
		elif kind == EVERY_T_MINUTES:
			ts = _number(row.get("at_ts"), f"at_ts of an {EVERY_T_MINUTES} check")
			last_ts = ts if last_ts is None else max(last_ts, ts)

	due = []
	if _setting(frequency, FIRST_ARTICLE) and not count[FIRST_ARTICLE]:
		due.append(FIRST_ARTICLE)
	pieces = _setting(frequency, EVERY_N_PIECES)
	if pieces is not None and produced_qty - (last_qty or 0.0) >= pieces:
		due.append(EVERY_N_PIECES)
	minutes = _setting(frequency, EVERY_T_MINUTES)
	if minutes is not None and started_ts is not None:
		since = started_ts if last_ts is None else max(last_ts, started_ts)
		if now_ts - since >= minutes * 60:
			due.append(EVERY_T_MINUTES)
	if _setting(frequency, LAST_PIECE) and completing and not count[LAST_PIECE]:
		due.append(LAST_PIECE)
	return due


# ----------------------------------------------------------------------------------------------------------
# Sampling methods


def _whole(value, what: str) -> float:
	"""A count as a form gives it: a number or a numeric string; None and "" are 0."""
	if isinstance(value, str):
		value = value.strip()
		try:
			value = float(value) if value else None
		except ValueError:
			raise InspectionPlanError(f"{what} must be a number, got {value!r}") from None
	if value is None:
		return 0.0
	return _number(value, what)


def lot_units(lot_size) -> int:
	"""The lot in whole units: rounded (half to even, as Python rounds), at least 1."""
	return max(round(_whole(lot_size, "Lot size")), 1)


def fixed_sample(method: str, lot_size, fixed_sample_size=None) -> int | None:
	"""The sample of a plan that needs no table: the whole lot for 100 %, the plan's fixed sample size (at
	least 1, at most the lot) for a fixed sample; None when the plan samples by AQL."""
	if method not in SAMPLING_METHODS:
		raise InspectionPlanError(
			f"Unknown sampling method {method!r}; use one of {', '.join(SAMPLING_METHODS)}"
		)
	lot = lot_units(lot_size)
	if method == HUNDRED_PERCENT:
		return lot
	if method == FIXED_SAMPLE:
		return min(int(_whole(fixed_sample_size, "Fixed sample size")) or 1, lot)
	return None


def readings_required(readings_per_parameter, sample_size) -> int:
	"""Readings each numeric parameter needs: the plan's number (DEFAULT_READINGS when it sets none), at most
	the sample size and ERPNext's READING_COLUMNS, at least 1."""
	per = int(_whole(readings_per_parameter, "Readings per parameter")) or DEFAULT_READINGS
	sample = max(int(_whole(sample_size, "Sample size")), 1)
	return max(1, min(per, READING_COLUMNS, sample))
