"""The MOM workspace's OEE number cards ("OEE Today", "OEE Last 7 Days").

A period without OEE Records has no OEE: the card shows "—", not 0 % (which reads as a measured, very bad
figure). With records, the plant's OEE of the period (time-weighted from the summed times, never an average
of percentages) with one decimal, as a Percent Frappe formats in the reader's number format."""

import frappe
from frappe.utils import add_days, flt, today

from mom_app.engine.oee import rollup
from mom_app.production.api.board import RECORD_FIELDS

NO_DATA = "—"


def card_value(from_day: str, to_day: str) -> dict | str:
	"""What a number card shows for the OEE Records of these days: "—" without data, else the OEE to one
	decimal, and a click opens OEE Analysis for the same days."""
	frappe.has_permission("OEE Record", "read", throw=True)
	records = frappe.get_list(
		"OEE Record", filters={"day": ("between", (from_day, to_day))}, fields=RECORD_FIELDS
	)
	oee = rollup(records)["oee"]
	if oee is None:
		return NO_DATA
	# Frappe's number card formats a dict with frappe.format(value, that dict): a Percent with 1 decimal
	return {
		"value": flt(oee, 1),
		"fieldtype": "Percent",
		"precision": 1,
		"route": ["query-report", "OEE Analysis"],
		"route_options": {"from_date": from_day, "to_date": to_day},
	}


@frappe.whitelist()
def oee_today_card(filters: str | dict | None = None) -> dict | str:
	"""Number card "OEE Today": the plant's OEE of today's records."""
	return card_value(today(), today())


@frappe.whitelist()
def oee_week_card(filters: str | dict | None = None) -> dict | str:
	"""Number card "OEE Last 7 Days": the plant's OEE of the records of today and the six days before."""
	return card_value(add_days(today(), -6), today())
