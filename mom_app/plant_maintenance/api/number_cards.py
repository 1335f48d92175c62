"""The MOM workspace's maintenance number cards ("Open Breakdowns", "Overdue PM", "MTTR Last 30 Days (h)").

Each counts what the reader may read (Maintenance Work Orders through frappe.get_list: roles and user
permissions) and opens what it counts when clicked:

- Open Breakdowns: orders that restore a failure (Restores a Failure) and are not yet completed, verified,
  cancelled or rejected;
- Overdue PM: preventive, calibration and inspection orders whose due date is before today and that are not
  yet completed, verified, cancelled or rejected;
- MTTR Last 30 Days (h): the engine's MTTR (mom_app.engine.maintenance.kpis) of the failures reported today
  and in the 29 days before that are back in service, in hours with one decimal; "—" without any (a repair
  time of 0 would read as a measured, excellent figure).
"""

import frappe
from frappe.utils import add_days, flt, getdate, today

from mom_app.engine.maintenance.lifecycle import CLOSED_STATES
from mom_app.engine.maintenance.orders import CALIBRATION, INSPECTION, PREVENTIVE
from mom_app.plant_maintenance import kpis

DOCTYPE = "Maintenance Work Order"
PM_TYPES = (PREVENTIVE, CALIBRATION, INSPECTION)
NO_DATA = "—"
MTTR_DAYS = 30


def open_breakdown_filters() -> dict:
	return {"is_failure": 1, "workflow_state": ["not in", list(CLOSED_STATES)]}


def overdue_pm_filters() -> dict:
	return {
		"order_type": ["in", list(PM_TYPES)],
		"due_date": ["<", today()],
		"workflow_state": ["not in", list(CLOSED_STATES)],
	}


def count_card(filters: dict) -> dict:
	frappe.has_permission(DOCTYPE, "read", throw=True)
	count = frappe.get_list(DOCTYPE, filters=filters, fields=["count(name) as n"])[0].n
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", DOCTYPE],
		"route_options": filters,
	}


@frappe.whitelist()
def open_breakdowns_card(filters: str | dict | None = None) -> dict:
	"""Number card "Open Breakdowns"."""
	return count_card(open_breakdown_filters())


@frappe.whitelist()
def overdue_pm_card(filters: str | dict | None = None) -> dict:
	"""Number card "Overdue PM"."""
	return count_card(overdue_pm_filters())


def mttr_hours(from_day, to_day) -> float | None:
	"""The engine's MTTR of the failures reported between the two days (both included) the reader may read."""
	scope = kpis.Scope(start=getdate(from_day), end=getdate(to_day))
	rows = kpis.load(scope, operating=False)
	total = kpis.compute(rows, scope)
	return total[0]["mttr_hours"] if total else None


@frappe.whitelist()
def mttr_card(filters: str | dict | None = None) -> dict | str:
	"""Number card "MTTR Last 30 Days (h)": "—" without a repair, else hours with one decimal; a click opens
	Maintenance KPIs for the same days."""
	frappe.has_permission(DOCTYPE, "read", throw=True)
	from_day, to_day = add_days(today(), -(MTTR_DAYS - 1)), today()
	mttr = mttr_hours(from_day, to_day)
	if mttr is None:
		return NO_DATA
	return {
		"value": flt(mttr, 1),
		"fieldtype": "Float",
		"precision": 1,
		"route": ["query-report", "Maintenance KPIs"],
		"route_options": {"from_date": from_day, "to_date": to_day, "group_by": "Plant", "period": ""},
	}
