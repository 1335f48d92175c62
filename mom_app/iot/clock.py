"""Reading times: Unix seconds (UTC) in the IoT code, naive datetimes in the site's time zone in the database.

Rows carry Unix seconds. They are stored as naive datetimes in the site's System Settings time zone, like
every other Datetime in Frappe (`to_local`); the state machine works in Unix seconds (`to_unix`). Around a
daylight-saving fall-back hour the local wall clock repeats, so an interval stored in that hour may read back
one hour off; plants in China (no DST) are not affected.
"""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe.utils import get_system_timezone


@lru_cache(maxsize=8)
def _zone(name: str):
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError):
		return ZoneInfo("UTC")


def system_zone():
	return _zone(get_system_timezone())


def to_local(ts: float) -> datetime:
	"""Unix seconds -> naive datetime in the system time zone (how Frappe stores Datetime)."""
	return datetime.fromtimestamp(ts, tz=system_zone()).replace(tzinfo=None)


def local_times(ts_values: list[float]) -> list[datetime]:
	"""`to_local` of many times (the time zone looked up once)."""
	zone = system_zone()
	return [datetime.fromtimestamp(ts, tz=zone).replace(tzinfo=None) for ts in ts_values]


def to_unix(moment) -> float:
	"""Naive system-time datetime (or its string) -> Unix seconds."""
	moment = frappe.utils.get_datetime(moment)
	return moment.replace(tzinfo=system_zone()).timestamp()
