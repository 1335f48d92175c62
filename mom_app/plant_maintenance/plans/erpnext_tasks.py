"""ERPNext's own calendar maintenance keeps working: a due *Asset Maintenance Log* opens a Maintenance Work Order.

ERPNext plans its tasks itself: saving an Asset Maintenance makes one open log (Planned, or Overdue once its
due date has passed - ERPNext's daily job) per task with the task's next due date; submitting a Completed log
moves the task to its next due date and ERPNext makes the next log. `open_due_logs()` (the hourly scan,
plans.scan.run) opens one order per open log whose due date is at most the Maintenance Settings' ERPNext
task lead time away:

- source Calendar PM, type Calibration for ERPNext's "Calibration" tasks, else Preventive; the settings'
  ERPNext task priority; assigned to the task's assignee; linked to the log (asset_maintenance_log), so the
  order's completion completes and submits the log (orders.completion), which moves ERPNext's task on;
- due date the log's, the reason "ERPNext maintenance task ... is due on ..." (plans.reasons);
- once per log: dedup key "aml|<log>" (engine.maintenance.plans.erpnext_task_key), kept when the order
  closes, so a log is never opened twice (also by two scans at once).
"""

import json

import frappe
from frappe.utils import add_days, cint, getdate, nowdate

from mom_app.engine.maintenance.orders import CALIBRATION, PREVENTIVE
from mom_app.engine.maintenance.plans import erpnext_task_key
from mom_app.plant_maintenance.plans.reasons import erpnext_task_data, render

SAVEPOINT = "mom_erpnext_task_order"
DUE_LOGS = """select l.name, l.task, l.due_date, l.maintenance_type, l.task_assignee_email,
		l.description, am.asset_name as asset
	from `tabAsset Maintenance Log` l
	join `tabAsset Maintenance` am on am.name = l.asset_maintenance
	left join `tabMaintenance Work Order` o on o.dedup_key = concat('aml|', l.name)
	where l.docstatus = 0 and l.maintenance_status in ('Planned', 'Overdue')
		and l.due_date is not null and l.due_date <= %(until)s and o.name is null
	order by l.due_date, l.name"""


def open_due_logs(today=None) -> int:
	"""Open an order for each due ERPNext Asset Maintenance Log without one; how many were opened."""
	from mom_app.plant_maintenance.doctype.maintenance_settings.maintenance_settings import settings

	config = settings()
	until = add_days(getdate(today or nowdate()), cint(config.get("erpnext_task_lead_days")))
	opened = 0
	for log in frappe.db.sql(DUE_LOGS, {"until": until}, as_dict=True):
		if open_for_log(log, config.get("erpnext_task_priority") or "Medium"):
			opened += 1
	return opened


def open_for_log(log, priority: str) -> bool:
	from mom_app.plant_maintenance.orders import open_order

	data = erpnext_task_data(log.name, log.task, log.due_date)
	text = render(data)
	frappe.db.savepoint(SAVEPOINT)
	try:
		_name, created = open_order(
			CALIBRATION if log.maintenance_type == "Calibration" else PREVENTIVE,
			"Calendar PM",
			asset=log.asset,
			priority=priority,
			dedup_key=erpnext_task_key(log.name),
			reason=text,
			description=log.description or text,
			references={
				"trigger_doctype": "Asset Maintenance Log",
				"trigger_name": log.name,
				"asset_maintenance_log": log.name,
				"due_date": getdate(log.due_date),
			},
			values={"due_reason": json.dumps(data)},
			assign_to=log.task_assignee_email or None,
			ignore_permissions=True,
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=f"Asset Maintenance Log {log.name}: opening the maintenance order failed")
		return False
	return created
