"""Dashboard chart source "OEE by Day": the plant's OEE per day from the day's OEE Records, weighted by their
planned busy time (the sum of fully productive time over the sum of planned busy time), not the average of
the shifts' percentages, which gives a short shift as much weight as a long one. Days without records are
left out (no data is not 0 %); drawn as bars, which frappe-charts draws for a single day too (a line of one
point made broken SVG paths)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.dashboard import cache_source
from frappe.utils.dateutils import get_from_date_from_timespan

from mom_app.production.api.board import RECORD_FIELDS, rollup


@frappe.whitelist()
@cache_source
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: bool | None = None,
	filters: str | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
) -> dict:
	frappe.has_permission("OEE Record", "read", throw=True)
	filters = frappe.parse_json(filters) or {}
	to_date = getdate(to_date or nowdate())
	if timespan and timespan != "Select Date Range":
		from_date = get_from_date_from_timespan(to_date, timespan)
	from_date = getdate(from_date or add_days(to_date, -29))
	conditions = {"day": ("between", (from_date, to_date))}
	if filters.get("workstation"):
		conditions["workstation"] = filters["workstation"]
	by_day: dict = {}
	for record in frappe.get_list("OEE Record", filters=conditions, fields=RECORD_FIELDS, order_by="day"):
		by_day.setdefault(getdate(record.day), []).append(record)
	days = sorted(by_day)
	if not days:
		return {}  # Frappe's chart then says "No Data" (an empty dataset drew broken SVG paths)
	return {
		"labels": [str(day) for day in days],
		"datasets": [{"name": _("OEE"), "values": [rollup(by_day[day])["oee"] or 0 for day in days]}],
	}
