"""Database indexes mom_app adds to ERPNext tables: applied on install (and by a patch), dropped on uninstall.

Every operator-terminal action saves an ERPNext Job Card, and ERPNext validates each of its time logs against
the employee's other open job cards at the workstation (JobCard.get_open_job_cards / get_time_logs). Those
queries filter `tabJob Card` by workstation and `tabJob Card Time Log` by employee, and ERPNext has no index
on either: each save scanned every job card of the plant, once per time log.

Also composite indexes on mom_app's own tables that a DocType's JSON cannot declare (they go with the table
on uninstall): the maintenance plans' due-date scan finds each plan's latest order per asset by trigger and
asset (mom_app.plant_maintenance.plans.loading).
"""

import frappe

# (doctype, columns, index name). Two columns each: Frappe's schema sync drops a single-column index on a
# field whose meta has no search_index, and leaves composite ones alone.
INDEXES = (
	("Job Card", ("workstation", "docstatus"), "mom_workstation_docstatus"),
	("Job Card Time Log", ("employee", "from_time"), "mom_employee_from_time"),
	(
		"Maintenance Work Order",
		("trigger_doctype", "trigger_name", "asset", "creation"),
		"mom_trigger_asset_creation",
	),
	# the Maintenance KPIs' operating time: the OEE Records' sums per workstation and month read from this
	# index alone (without it MariaDB reads every row by the day index: 2.2 s instead of 0.6 s for 500
	# machines over two years)
	(
		"OEE Record",
		("workstation", "day", "machine_data", "running_time", "pbt"),
		"mom_kpi_operating",
	),
)


def apply_indexes():
	for doctype, columns, name in INDEXES:
		frappe.db.add_index(doctype, list(columns), index_name=name)


# DDL takes no parameters: the statements are written out
DROP_INDEXES = (
	"alter table `tabJob Card` drop index if exists `mom_workstation_docstatus`",
	"alter table `tabJob Card Time Log` drop index if exists `mom_employee_from_time`",
)


def remove_indexes():
	for statement in DROP_INDEXES:
		frappe.db.sql_ddl(statement)
