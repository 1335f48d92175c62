"""What the due-date scan reads, each in one query for all plans: the enabled plans, the assets they cover,
the assets' meters, each (plan, asset)'s latest order and the service before the plan, the plans' parts.

The latest order per (plan, asset) is found by a grouped query over Maintenance Work Order's index on
(trigger_doctype, trigger_name, asset, creation) (mom_app.setup.indexes), so the scan does not read a plan's
whole order history.
"""

import json

import frappe

from mom_app.engine.maintenance.lifecycle import is_done, is_open
from mom_app.engine.maintenance.plans import in_service

PLAN = "Maintenance Plan"
PLAN_FIELDS = """name, plan_name, applies_to, asset, asset_category, trigger_type, every, every_unit, schedule,
	start_date, meter_type, meter_name, meter_every, meter_start, lead_days, lead_units, order_type, priority,
	checklist, estimated_hours, required_skill, assign_to, description"""
PLANS = "select " + PLAN_FIELDS + " from `tabMaintenance Plan` where enabled = 1 order by name"
SOME_PLANS = (
	"select "
	+ PLAN_FIELDS
	+ " from `tabMaintenance Plan` where enabled = 1 and name in %(plans)s order by name"
)
ASSETS = """select name, asset_name, asset_category, status, docstatus from `tabAsset`
	where name in %(assets)s or asset_category in %(categories)s"""
METERS = """select name, asset, meter_name, meter_type, unit, current_total, last_reading_at, usage_rate
	from `tabAsset Meter` where enabled = 1 and asset in %(assets)s order by name"""
LATEST_ORDERS = """select o.name, o.trigger_name as plan, o.asset, o.workflow_state, o.completed_at,
		o.dedup_key, o.due_value, o.meter_at_completion, o.due_reason
	from `tabMaintenance Work Order` o
	join (select trigger_name, asset, max(creation) as created from `tabMaintenance Work Order`
		where trigger_doctype = 'Maintenance Plan' and trigger_name in %(plans)s
		group by trigger_name, asset) l
	on o.trigger_name = l.trigger_name and o.asset = l.asset and o.creation = l.created
	where o.trigger_doctype = 'Maintenance Plan'"""
SERVICES = """select parent as plan, asset, last_done, meter from `tabMaintenance Plan Service`
	where parenttype = 'Maintenance Plan' and parent in %(plans)s"""
PARTS = """select parent as plan, item_code, qty, warehouse from `tabMaintenance Planned Part`
	where parenttype = 'Maintenance Plan' and parent in %(plans)s order by parent, idx"""


def plans(names: list[str] | None = None) -> list[frappe._dict]:
	if names is not None:
		return frappe.db.sql(SOME_PLANS, {"plans": tuple(names) or ("",)}, as_dict=True) if names else []
	return frappe.db.sql(PLANS, as_dict=True)


def assets_of(rows: list[dict], only: set | None = None) -> tuple[dict, dict]:
	"""(plan -> [asset rows in service], asset -> row). `only`: restrict to these assets."""
	named = {p.asset for p in rows if p.applies_to == "Asset" and p.asset}
	categories = {p.asset_category for p in rows if p.applies_to == "Asset Category" and p.asset_category}
	if not named and not categories:
		return {}, {}
	found = frappe.db.sql(
		ASSETS,
		{"assets": tuple(named) or ("",), "categories": tuple(categories) or ("",)},
		as_dict=True,
	)
	usable = {
		a.name: a
		for a in found
		if a.docstatus == 1 and in_service(a.status) and (only is None or a.name in only)
	}
	by_category: dict[str, list] = {}
	for a in sorted(usable.values(), key=lambda a: a.name):
		by_category.setdefault(a.asset_category, []).append(a)
	out = {}
	for p in rows:
		if p.applies_to == "Asset":
			out[p.name] = [usable[p.asset]] if p.asset in usable else []
		else:
			out[p.name] = by_category.get(p.asset_category, [])
	return out, usable


def meters_of(assets) -> dict[str, list]:
	if not assets:
		return {}
	out: dict[str, list] = {}
	for m in frappe.db.sql(METERS, {"assets": tuple(assets)}, as_dict=True):
		out.setdefault(m.asset, []).append(m)
	return out


def latest_orders(plan_names) -> dict[tuple, dict]:
	"""(plan, asset) -> {"name", "open", "key", "last"}: `last` is the history input of
	engine.maintenance.plans.history when the order is closed."""
	if not plan_names:
		return {}
	out = {}
	for o in frappe.db.sql(LATEST_ORDERS, {"plans": tuple(plan_names)}, as_dict=True):
		data = json.loads(o.due_reason) if o.due_reason else {}
		closed = not is_open(o.workflow_state)
		last = None
		if closed:
			last = {
				"done": is_done(o.workflow_state),
				"completed": o.completed_at,
				"calendar_due": frappe.utils.getdate(data["calendar_due"])
				if data.get("calendar_due")
				else None,
				"due_value": data.get("due_value", o.due_value if o.due_value else None),
				"meter_at_completion": o.meter_at_completion if data.get("meter") else None,
			}
			if last["done"] and not last["completed"]:
				last["done"] = False  # an order marked done without a completion time counts as skipped
		out[(o.plan, o.asset)] = {"name": o.name, "open": not closed, "key": o.dedup_key, "last": last}
	return out


def services_before(plan_names) -> dict[tuple, dict]:
	if not plan_names:
		return {}
	rows = frappe.db.sql(SERVICES, {"plans": tuple(plan_names)}, as_dict=True)
	return {(r.plan, r.asset): {"last_done": r.last_done, "meter": r.meter} for r in rows}


def parts_of(plan_names) -> dict[str, list]:
	if not plan_names:
		return {}
	out: dict[str, list] = {}
	for r in frappe.db.sql(PARTS, {"plans": tuple(plan_names)}, as_dict=True):
		out.setdefault(r.plan, []).append({"item_code": r.item_code, "qty": r.qty, "warehouse": r.warehouse})
	return out
