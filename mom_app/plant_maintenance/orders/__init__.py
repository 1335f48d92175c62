"""Maintenance Work Orders for the rest of the app: open one from any trigger, assign it, move it.

    open_order(...) -> (name, created)      opening (idempotent by dedup key): see orders.opening
    add_occurrence(name, reason)            count a repeated trigger on an order
    assign(name, users)                     Frappe assignments (ToDo, notification)
    apply_action(doc, action)               a user's workflow action, role-checked: see orders.transitions
    system_transition(doc, state, note)     the system moves an order (e.g. starts it Approved)
    available_actions(doc) -> [action]      what the session user may do now

Modules: `opening`, `transitions`, `parts` (Material Request, Material Issue), `completion` (Asset Repair,
Asset Maintenance Log), `effects` (what a state change does after saving).
"""

from mom_app.plant_maintenance.orders.opening import OpenOrderError, add_occurrence, assign, open_order
from mom_app.plant_maintenance.orders.transitions import (
	MaintenanceActionError,
	apply_action,
	available_actions,
	system_transition,
)

__all__ = [
	"MaintenanceActionError",
	"OpenOrderError",
	"add_occurrence",
	"apply_action",
	"assign",
	"available_actions",
	"open_order",
	"system_transition",
]
