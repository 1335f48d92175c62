"""After a Maintenance Work Order is saved: what its state change means outside the order.

entering Approved               the planned parts reserved (parts.reserve_parts)
every save                      used parts not issued yet leave stock (parts.issue_parts)
entering Completed or Verified  (from an open state) ERPNext's Asset Repair / Asset Maintenance Log
                                (completion.complete_in_erpnext)
closing (done, cancelled, rejected)  the open assignments (ToDos) closed
"""

from frappe.desk.form.assign_to import close_all_assignments

from mom_app.engine.maintenance.lifecycle import APPROVED, is_done, is_open
from mom_app.plant_maintenance.orders.completion import complete_in_erpnext
from mom_app.plant_maintenance.orders.parts import issue_parts, reserve_parts
from mom_app.plant_maintenance.orders.system import as_system


def after_save(doc, old_state: str | None, new_state: str | None) -> None:
	changed = old_state != new_state
	with as_system() as user:
		if changed and new_state == APPROVED:
			reserve_parts(doc, user)
		issue_parts(doc, user)
		if changed and is_done(new_state) and not is_done(old_state):
			complete_in_erpnext(doc, user)
	if changed and not is_open(new_state) and is_open(old_state):
		close_all_assignments(doc.doctype, doc.name, ignore_permissions=True)
