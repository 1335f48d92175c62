"""Tolerance checks of inspection readings: which reading of a numeric parameter is outside its limits.

ERPNext's Quality Inspection accepts a numeric parameter (one without an acceptance formula) when every
reading entered lies within its limits, both ends included: min_value <= reading <= max_value, a missing
limit counting as 0 (ERPNext's `flt`). `tolerance(min_value, max_value)` gives those limits as numbers, and
`out_of_tolerance(readings, limits)` the readings outside them, by position - the same rule, so a page can
flag a reading as it is typed and a rejected inspection can say which reading failed. ERPNext's own check on
submit stays the verdict.

A reading is text as it was typed ("10.02", " 9.98 "); an empty one is not entered and is skipped, as
ERPNext skips it; one that is not a finite number is not judged here (the inspection's input checks refuse
it). Positions count from 1, as the inspector numbers the samples.
"""

import math
from collections.abc import Iterable


def _number(value) -> float:
	"""A limit as ERPNext reads it: None, "" and what is not a number count as 0."""
	if value is None or isinstance(value, bool):
		return 0.0
	try:
		number = float(str(value).strip() or 0)
	except ValueError:
		return 0.0
	return number if math.isfinite(number) else 0.0


def tolerance(min_value, max_value) -> tuple[float, float]:
	"""The limits of a numeric parameter, (low, high), both included; a missing limit is 0."""
	return _number(min_value), _number(max_value)


def reading_value(text) -> float | None:
	"""A typed reading as a number, or None when it is empty or not a finite number."""
	if text is None or isinstance(text, bool):
		return None
	text = str(text).strip()
	if not text:
		return None
	try:
		value = float(text)
	except ValueError:
		return None
	return value if math.isfinite(value) else None


def within(value: float, limits: tuple[float, float]) -> bool:
	low, high = limits
	return low <= value <= high


def out_of_tolerance(readings: Iterable, limits: tuple[float, float]) -> list[tuple[int, str]]:
	"""The readings outside `limits`, as (position from 1, the reading as typed, stripped)."""
	out = []
	for position, text in enumerate(readings, start=1):
		value = reading_value(text)
		if value is not None and not within(value, limits):
			out.append((position, str(text).strip()))
	return out
