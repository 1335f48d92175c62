"""Lockout: an open Emergency maintenance order locks its workstation when Maintenance Settings' Emergency
Lockout is on - the operator terminal refuses to start or resume jobs there, naming the order, until the
order is completed (or cancelled or rejected). The terminal's rule is the engine's
(mom_app.engine.job_actions, the snapshot's `lockout`); this says whether a workstation is locked now.

    lockout(workstation) -> {"order", "workstation"} | None

Read from the orders themselves (open: not done, cancelled or rejected, as engine.maintenance.lifecycle
says; the oldest first), so switching the setting on or off applies at once to the orders already open.
"""

import frappe
from frappe.utils import cint

from mom_app.engine.maintenance.lifecycle import CLOSED_STATES
from mom_app.engine.maintenance.orders import EMERGENCY


def lockout(workstation: str | None) -> dict | None:
	if not workstation:
		return None
	if not cint(frappe.db.get_single_value("Maintenance Settings", "emergency_lockout", cache=False)):
		return None
	order = frappe.db.sql(
		"""select name from `tabMaintenance Work Order`
		where workstation = %(ws)s and priority = %(priority)s and ifnull(workflow_state, '') not in %(closed)s
		order by creation limit 1""",
		{"ws": workstation, "priority": EMERGENCY, "closed": CLOSED_STATES},
	)
	if not order:
		return None
	return {"order": order[0][0], "workstation": workstation}
