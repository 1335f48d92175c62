"""What a completed maintenance order writes into ERPNext (the route is the engine's:
mom_app.engine.maintenance.repairs.completion_route).

- A corrective order on an asset with parts or cost: an ERPNext Asset Repair, submitted, linked both ways
  (Asset Repair.mom_maintenance_work_order, the order's asset_repair): failure and completion times, the
  work done, the downtime, the order's total cost as its repair cost. The parts were issued already by the
  order's Material Issues, so the repair consumes no stock a second time and its cost is not capitalised.
- The same on an asset ERPNext refuses to repair (Sold, Fully Depreciated, Scrapped): no Asset Repair; the
  order's ERPNext Note says so and names the Material Issues and the cost centre its parts were issued by.
- An order with an ERPNext Asset Maintenance Log (a calendar task of ERPNext's Asset Maintenance): the log is
  completed (status Completed, the completion date, the work done) and submitted, which moves ERPNext's
  task to its next due date.
A reopened order that is completed again keeps its Asset Repair (no second one). The documents are made as
the system for `user` (orders.system), each saying so in a comment.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate

from mom_app.engine.maintenance.repairs import ASSET_REPAIR, MATERIAL_ISSUE, completion_route
from mom_app.plant_maintenance.orders.system import made_for


def complete_in_erpnext(doc, user: str) -> None:
	if doc.asset_maintenance_log:
		complete_maintenance_log(doc, user)
	if doc.asset_repair:
		return
	status = frappe.db.get_value("Asset", doc.asset, "status") if doc.asset else None
	route = completion_route(doc.order_type, doc.asset, status, flt(doc.parts_cost), flt(doc.other_cost))
	if route.route == ASSET_REPAIR:
		make_asset_repair(doc, user)
	elif route.route == MATERIAL_ISSUE:
		entries = sorted({row.stock_entry for row in doc.used_parts if row.stock_entry})
		note = _(
			"ERPNext records no Asset Repair for asset {0} ({1}): the parts were issued by Material Issue {2} "
			"against cost centre {3}."
		).format(doc.asset, _(status), ", ".join(entries) or "-", doc.cost_center or "-")
		doc.db_set("erpnext_note", note, update_modified=False)
		doc.add_comment("Info", frappe.utils.escape_html(note))


def make_asset_repair(doc, user: str) -> str:
	failure = get_datetime(doc.failure_time or doc.reported_at)
	done = get_datetime(doc.back_in_service or doc.completed_at)
	repair = frappe.get_doc(
		{
			"doctype": "Asset Repair",
			"asset": doc.asset,
			"company": doc.company,
			"failure_date": failure,
			"completion_date": max(done, failure),
			"repair_status": "Completed",
			"description": doc.description or doc.subject,
			"actions_performed": doc.work_done or "",
			"downtime": str(round(max(0.0, (done - failure).total_seconds()) / 3600, 2)),
			"repair_cost": flt(doc.total_cost),
			"cost_center": doc.cost_center,
			"mom_maintenance_work_order": doc.name,
		}
	)
	repair.flags.ignore_permissions = True
	repair.insert()
	repair.submit()
	made_for("Asset Repair", repair.name, doc.name, user)
	doc.db_set("asset_repair", repair.name, update_modified=False)
	return repair.name


def complete_maintenance_log(doc, user: str) -> None:
	log = frappe.get_doc("Asset Maintenance Log", doc.asset_maintenance_log)
	if log.docstatus != 0 or log.maintenance_status == "Completed":
		return
	log.maintenance_status = "Completed"
	log.completion_date = getdate(doc.completed_at)
	log.actions_performed = doc.work_done or doc.subject
	log.mom_maintenance_work_order = doc.name
	log.flags.ignore_permissions = True
	log.save()
	log.submit()
	made_for("Asset Maintenance Log", log.name, doc.name, user)
