"""The Plant Maintenance API, a package of modules each with one job; this module re-exports the order actions
so their dotted paths (mom_app.plant_maintenance.api.start, ...) keep working.

    orders       the actions on a Maintenance Work Order (acknowledge, start, pause, finish, add_labour,
                 record_step, issue_part, verify), each once per client id: see its docstring
"""

from mom_app.plant_maintenance.api.orders import (
	DOCTYPE,
	LEAD_ROLES,
	MAX_CLIENT_ID,
	SAVEPOINT,
	WORK_ROLES,
	MaintenanceError,
	acknowledge,
	add_labour,
	check_client_id,
	check_worker,
	fail,
	finish,
	issue_part,
	labour_message,
	logs_of,
	once,
	order_state,
	pause,
	record_step,
	resolve_scan,
	run_action,
	show,
	start,
	stock_of,
	stored_result,
	to_row,
	verify,
)
