"""Maintenance checklists: what a step's entry means (done, out of limits, failed) and what blocks completion.

API::

    KINDS = ("Number", "Pass/Fail", "Text", "Photo");  PASS, FAIL = "Pass", "Fail"
    check_limits(low, high) -> None                     raises ValueError when low > high
    evaluate_step(kind, value, low=None, high=None) -> StepResult(done, out_of_limit, failed)
    blockers(steps) -> list[int]                        indexes of mandatory steps not done

A step is one instruction of a *Maintenance Checklist* template, copied into the order: its kind, and for a
Number its limits (low and high, either may be None: no limit on that side) and unit.

Rules for an entry (`value`):

- Number: done when the value is a finite number (int, float, Decimal; not bool; a numeric string such as
  "12.5" as typed is read as a number). Out of limit when value < low or value > high (the limits
  themselves are inside). A value that is not a number is not done (and raises nothing: the adapter says so).
- Pass/Fail: done when "Pass" or "Fail"; failed when "Fail".
- Text, Photo: done when the text (a photo's file URL) is not blank.

`flagged` = out_of_limit or failed: the step needs attention (shown on the order; it does not block
completion - the technician records what was found). A mandatory step that is not done blocks completion.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mom_app.engine.maintenance._values import is_number, one_of

NUMBER, PASS_FAIL, TEXT, PHOTO = "Number", "Pass/Fail", "Text", "Photo"
KINDS = (NUMBER, PASS_FAIL, TEXT, PHOTO)
PASS, FAIL = "Pass", "Fail"


@dataclass(frozen=True)
class StepResult:
	done: bool
	out_of_limit: bool = False
	failed: bool = False

	@property
	def flagged(self) -> bool:
		return self.out_of_limit or self.failed


def as_number(value) -> float | None:
	"""A finite number from a number or a numeric string; None otherwise."""
	if isinstance(value, str):
		text = value.strip().replace(",", "")
		if not text:
			return None
		try:
			value = Decimal(text)
		except InvalidOperation:
			return None
	if not is_number(value):
		return None
	try:
		number = float(value)
	except OverflowError:
		return None
	return number if math.isfinite(number) else None


def check_limits(low, high) -> None:
	"""A Number step's limits: each a number or None, and low <= high when both are given."""
	for name, limit in (("low limit", low), ("high limit", high)):
		if limit is not None and as_number(limit) is None:
			raise ValueError(f"the {name} must be a number, got {limit!r}")
	if low is not None and high is not None and as_number(low) > as_number(high):
		raise ValueError(f"the low limit {low} is above the high limit {high}")


def evaluate_step(kind: str, value, low=None, high=None) -> StepResult:
	"""What an entry of a step of `kind` means (see the module docstring)."""
	one_of(kind, "step kind", KINDS)
	if kind == NUMBER:
		number = as_number(value)
		if number is None:
			return StepResult(done=False)
		low_n = as_number(low) if low is not None else None
		high_n = as_number(high) if high is not None else None
		out = (low_n is not None and number < low_n) or (high_n is not None and number > high_n)
		return StepResult(done=True, out_of_limit=out)
	if kind == PASS_FAIL:
		if value not in (PASS, FAIL):
			return StepResult(done=False)
		return StepResult(done=True, failed=value == FAIL)
	return StepResult(done=isinstance(value, str) and bool(value.strip()))


def blockers(steps: Iterable[Mapping]) -> list[int]:
	"""Indexes (0-based, in the given order) of mandatory steps that are not done. A step is a mapping with
	"kind", "value", "mandatory" and, for a Number, "low" and "high"."""
	out = []
	for index, step in enumerate(steps):
		if not step.get("mandatory"):
			continue
		result = evaluate_step(step.get("kind"), step.get("value"), step.get("low"), step.get("high"))
		if not result.done:
			out.append(index)
	return out
