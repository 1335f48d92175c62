"""Why a plan's order opened, in the reader's words: the Due's reason code and figures (kept on the order as
Due Reason (Data), `due_reason`) rendered with `_()` in the current language.

    reason_data(due, plan, meter, lead) -> dict      what the order keeps (codes, numbers, dates, IDs only)
    erpnext_task_data(log, task, due_date) -> dict
    render(data) -> str                              the sentence; names the user typed are escaped

The sentence is stored in the order's reason (in the language of whoever opened it: the scheduler's is the
site's) and rendered again in the reader's language when the order is opened in the desk
(mom_app.plant_maintenance.overrides.maintenance_work_order.onload).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, flt, formatdate, getdate

from mom_app.engine.maintenance import due

ERPNEXT_TASK = "erpnext_task"


def reason_data(evaluation: due.Due, plan: str, meter: str | None, lead_days: int, lead_units: float) -> dict:
	return {
		"code": evaluation.reason,
		"details": evaluation.details,
		"plan": plan,
		"meter": meter,
		"calendar_due": evaluation.calendar_due.isoformat() if evaluation.calendar_due else None,
		"due_date": evaluation.due_date.isoformat() if evaluation.due_date else None,
		"due_value": evaluation.due_value,
		"lead_days": lead_days,
		"lead_units": lead_units,
	}


def erpnext_task_data(log: str, task: str | None, due_date) -> dict:
	return {
		"code": ERPNEXT_TASK,
		"log": log,
		"task": task,
		"due_date": getdate(due_date).isoformat() if due_date else None,
	}


def _date(value) -> str:
	return formatdate(value) if value else "-"


def _number(value) -> str:
	value = flt(value)
	return f"{value:,.1f}".removesuffix(".0")


def _qty(value, unit: str) -> str:
	return f"{_number(value)} {unit}" if unit else _number(value)


def render(data: dict | None) -> str:
	"""The reason sentence of `data` (see reason_data / erpnext_task_data) in the current language."""
	if not data:
		return ""
	code = data.get("code")
	if code == ERPNEXT_TASK:
		task = data.get("task")
		subject = frappe.db.get_value("Asset Maintenance Task", task, "maintenance_task") if task else None
		return _("ERPNext maintenance task {0} is due on {1} (Asset Maintenance Log {2}).").format(
			escape_html(subject or task or "-"),
			_date(data.get("due_date")),
			escape_html(data.get("log") or "-"),
		)
	plan_name = frappe.db.get_value("Maintenance Plan", data.get("plan"), "plan_name") or data.get("plan")
	sentence = _sentence(code, data)
	return _("Maintenance plan {0}: {1}").format(escape_html(plan_name or "-"), sentence)


def _sentence(code: str, data: dict) -> str:
	d = data.get("details") or {}
	meter = data.get("meter")
	names = (
		frappe.db.get_value("Asset Meter", meter, ["meter_name", "unit"], as_dict=True) if meter else None
	) or frappe._dict()
	meter_name, unit = escape_html(names.meter_name or meter or "-"), escape_html(names.unit or "")
	if code == due.DUE_BY_CALENDAR:
		late = -int(d.get("days_left") or 0)
		if late <= 0:
			return _("due by the calendar today ({0}).").format(_date(d.get("due_date")))
		return _("due by the calendar on {0}, {1} days ago.").format(_date(d.get("due_date")), late)
	if code == due.LEAD_BY_CALENDAR:
		return _("due by the calendar on {0}, in {1} days (opened {2} days ahead).").format(
			_date(d.get("due_date")), d.get("days_left"), data.get("lead_days") or 0
		)
	if code == due.DUE_BY_METER:
		return _("due at {0} on meter {1}, which reads {2}.").format(
			_qty(d.get("due_value"), unit), meter_name, _qty(d.get("meter"), unit)
		)
	if code == due.LEAD_BY_METER:
		return _("due at {0} on meter {1}, which reads {2}: {3} to go (opened {4} ahead).").format(
			_qty(d.get("due_value"), unit),
			meter_name,
			_qty(d.get("meter"), unit),
			_qty(d.get("units_left"), unit),
			_qty(data.get("lead_units"), unit),
		)
	if code == due.LEAD_BY_PROJECTION:
		return _(
			"due at {0} on meter {1}, which reads {2}: about {3} at its average use of {4} a day (opened {5} "
			"days ahead)."
		).format(
			_qty(d.get("due_value"), unit),
			meter_name,
			_qty(d.get("meter"), unit),
			_date(d.get("projected_date")),
			_qty(d.get("rate_per_day"), unit),
			data.get("lead_days") or 0,
		)
	if code == due.NO_METER_READING:
		return _("meter {0} has no reading yet.").format(meter_name)
	if d.get("trigger") == "meter":
		when = d.get("projected_date")
		if when:
			return _("not due yet: due at {0} on meter {1} (about {2}), which reads {3}.").format(
				_qty(d.get("due_value"), unit), meter_name, _date(when), _qty(d.get("meter"), unit)
			)
		return _("not due yet: due at {0} on meter {1}, which reads {2}.").format(
			_qty(d.get("due_value"), unit), meter_name, _qty(d.get("meter"), unit)
		)
	return _("not due yet: due by the calendar on {0}.").format(_date(d.get("due_date")))
