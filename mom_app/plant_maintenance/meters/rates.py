"""The average use per day of asset meters (engine.maintenance.meters.usage_rate) over the Maintenance
Settings' usage rate window, from three readings per meter: the last one before the window (the total at the
window's start is interpolated from it), the first one inside it, and the meter's current total. Two grouped
queries for any number of meters (the readings' index on asset_meter and reading_time).
"""

from datetime import timedelta

import frappe
from frappe.utils import cint, flt, get_datetime, now_datetime

from mom_app.engine.maintenance.meters import usage_rate

DEFAULT_WINDOW_DAYS = 30
BEFORE = """select r.asset_meter, r.reading_time, r.total from `tabAsset Meter Reading` r
	join (select asset_meter, max(reading_time) as at from `tabAsset Meter Reading`
		where asset_meter in %(meters)s and reading_time < %(start)s group by asset_meter) b
	on r.asset_meter = b.asset_meter and r.reading_time = b.at"""
FIRST_INSIDE = """select r.asset_meter, r.reading_time, r.total from `tabAsset Meter Reading` r
	join (select asset_meter, min(reading_time) as at from `tabAsset Meter Reading`
		where asset_meter in %(meters)s and reading_time >= %(start)s and reading_time <= %(now)s
		group by asset_meter) b
	on r.asset_meter = b.asset_meter and r.reading_time = b.at"""


def window_days() -> float:
	days = cint(frappe.db.get_single_value("Maintenance Settings", "meter_usage_window_days"))
	return days if days > 0 else DEFAULT_WINDOW_DAYS


def usage_rates(meters: list[dict], now=None) -> dict[str, float | None]:
	"""Meter name -> average use per day (None without enough readings). `meters`: rows with name,
	current_total and last_reading_at."""
	meters = [m for m in meters if m.get("last_reading_at")]
	if not meters:
		return {}
	now = get_datetime(now or now_datetime())
	days = window_days()
	start = now - timedelta(days=days)
	params = {"meters": tuple(m["name"] for m in meters), "start": start, "now": now}
	points: dict[str, list] = {m["name"]: [] for m in meters}
	for query in (BEFORE, FIRST_INSIDE):
		for row in frappe.db.sql(query, params, as_dict=True):
			points[row.asset_meter].append((get_datetime(row.reading_time), flt(row.total)))
	out = {}
	for m in meters:
		last = get_datetime(m["last_reading_at"])
		readings = points[m["name"]]
		if last <= now:
			readings.append((last, flt(m["current_total"])))
		out[m["name"]] = usage_rate(readings, now, days) if readings else None
	return out


def update_rates(names: list[str], now=None) -> dict[str, float | None]:
	"""Compute and store the usage rate of these meters (Asset Meter.usage_rate; 0 without enough readings)."""
	if not names:
		return {}
	meters = frappe.get_all(
		"Asset Meter",
		filters={"name": ("in", names)},
		fields=["name", "current_total", "last_reading_at", "usage_rate"],
	)
	rates = usage_rates(meters, now)
	store_changed(meters, rates)
	return rates


def store_changed(meters: list[dict], rates: dict) -> None:
	for m in meters:
		rate = rates.get(m["name"])
		value = round(rate, 6) if rate is not None else 0
		if abs(flt(m.get("usage_rate")) - value) > 1e-6:
			frappe.db.set_value("Asset Meter", m["name"], "usage_rate", value, update_modified=False)
