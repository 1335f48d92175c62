"""Input checks shared by the maintenance engine: each raises a ValueError that names the value.

Numbers are int, float or Decimal (as the database gives them), never bool. Times are naive datetimes in the site's timezone (wall-clock, as Frappe stores them) or Unix seconds;
dates are `datetime.date` (a datetime passed where a date is expected is taken by its date).
"""

import math
import numbers
from datetime import date, datetime
from decimal import Decimal

_EPOCH = datetime(1970, 1, 1)
SECONDS_PER_DAY = 86400.0


def number(value, name: str) -> float:
	"""A finite real number (bool is refused: True is not a number here)."""
	kind = type(value)
	if kind is float and math.isfinite(value):  # the common case first: no ABC check
		return value
	if kind is not int and not is_number(value):
		raise ValueError(f"{name} must be a number, got {value!r}")
	try:
		value = float(value)
	except OverflowError:
		value = math.inf
	if not math.isfinite(value):
		raise ValueError(f"{name} must be a finite number, got {value!r}")
	return value


def is_number(value) -> bool:
	"""int, float or Decimal (the database's decimals); never bool."""
	return not isinstance(value, bool) and isinstance(value, numbers.Real | Decimal)


def as_float(value) -> float:
	"""A number as a float (NaN when it is not a number, infinite when too large for a float)."""
	if type(value) is float:
		return value
	if not is_number(value):
		return math.nan
	try:
		return float(value)
	except OverflowError:
		return math.inf if value > 0 else -math.inf


def optional_number(value, name: str) -> float | None:
	return None if value is None else number(value, name)


def non_negative(value, name: str) -> float:
	value = number(value, name)
	if value < 0:
		raise ValueError(f"{name} must not be negative, got {value!r}")
	return value


def positive(value, name: str) -> float:
	value = number(value, name)
	if value <= 0:
		raise ValueError(f"{name} must be greater than 0, got {value!r}")
	return value


def whole(value, name: str, minimum: int = 0) -> int:
	"""An int (or an integral float) of at least `minimum`."""
	if isinstance(value, bool) or not isinstance(value, numbers.Real):
		raise ValueError(f"{name} must be a whole number, got {value!r}")
	if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
		raise ValueError(f"{name} must be a whole number, got {value!r}")
	value = int(value)
	if value < minimum:
		raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
	return value


def as_date(value, name: str) -> date:
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	raise ValueError(f"{name} must be a date, got {value!r}")


def optional_date(value, name: str) -> date | None:
	return None if value is None else as_date(value, name)


def seconds(value, name: str) -> float:
	"""Unix seconds of a naive datetime (wall-clock, no timezone applied), or a finite number as it is."""
	if isinstance(value, datetime):
		if value.tzinfo is not None:
			raise ValueError(f"{name} must be a naive datetime in the site's timezone, got {value!r}")
		return (value - _EPOCH).total_seconds()
	if isinstance(value, date):
		raise ValueError(f"{name} must be a datetime or Unix seconds, not a date: {value!r}")
	return number(value, name)


def optional_seconds(value, name: str) -> float | None:
	return None if value is None else seconds(value, name)


def one_of(value, name: str, allowed: tuple) -> str:
	if value not in allowed:
		raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}")
	return value
