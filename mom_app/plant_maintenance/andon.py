"""The terminal's maintenance andon is a maintenance request: the call (Andon Call) notifies the technicians,
and the workstation gets a corrective Maintenance Work Order (source Terminal andon) waiting for approval as
requests do - one open request per workstation (engine.maintenance.orders.andon_order_key): a call while it
is open adds an occurrence to it (a comment saying who called and why); once it is closed the next call
opens a new one.

    maintenance_request(workstation, call, employee_name, job_card=None, note=None) -> order name | None

Called by mom_app.production.api.terminal.andon after it checked the caller. A request that cannot be
opened is logged and undone to a savepoint: the andon call itself still goes out.
"""

import frappe
from frappe import _

from mom_app.engine.maintenance.orders import andon_order_key

SOURCE = "Terminal andon"
SAVEPOINT = "mom_andon_maintenance_request"


def maintenance_request(
	workstation: str,
	call: str,
	employee_name: str,
	job_card: str | None = None,
	note: str | None = None,
) -> str | None:
	from mom_app.plant_maintenance.orders import open_order

	priority = frappe.db.get_single_value("Maintenance Settings", "andon_priority", cache=False)
	reason = _("Maintenance andon at {0}: {1} calls for help.").format(workstation, employee_name)
	if job_card:
		reason += " " + _("Job card {0}.").format(job_card)
	if note:
		reason += " " + note
	frappe.db.savepoint(SAVEPOINT)
	try:
		name, _created = open_order(
			"Corrective",
			SOURCE,
			workstation=workstation,
			priority=priority or "High",
			dedup_key=andon_order_key(workstation),
			reason=reason,
			references={"trigger_doctype": "Andon Call", "trigger_name": call},
			ignore_permissions=True,
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=f"Maintenance andon at {workstation}: no maintenance request was opened")
		return None
	return name
