"""Factories for the shop-floor tier-2 tests: a routed item, work orders of each type, operators with badges."""

import frappe
from frappe.utils import add_to_date, now_datetime

from mom_app.tests.utils import (
	default_warehouses,
	erpnext_company,
	make_employee,
	make_user,
	make_workstation,
	root_item_group,
)

PASSWORD = "Mom-Shop-Test-2026!"
RAW, FG = "MOM-SF-RAW", "MOM-SF-FG"
ALL_DAY_SHIFT = "MOM-SF-All Day"


def ensure_item(code: str) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": root_item_group(),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": 5,
			}
		).insert(ignore_permissions=True)
	return code


def all_day_shift() -> str:
	"""A shift 00:00-23:59 every day, so "now" is always inside a window."""
	if not frappe.db.exists("Shift Pattern", ALL_DAY_SHIFT):
		frappe.get_doc(
			{
				"doctype": "Shift Pattern",
				"shift_name": ALL_DAY_SHIFT,
				"start_time": "00:00:00",
				"end_time": "23:59:00",
				**{
					d: 1
					for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
				},
			}
		).insert(ignore_permissions=True)
	return ALL_DAY_SHIFT


def routed_workstation(prefix: str, minutes_per_unit: float = 6, shift: str | None = None) -> frappe._dict:
	"""A workstation, an operation on it and a BOM for MOM-SF-FG routed through it."""
	workstation = make_workstation(f"MOM-SF-WS-{prefix}")
	ws = frappe.get_doc("Workstation", workstation)
	ws.set("mom_shifts", [{"shift_pattern": shift or all_day_shift()}])
	ws.save(ignore_permissions=True)
	operation = f"MOM-SF-OP-{prefix}"
	if not frappe.db.exists("Operation", operation):
		frappe.get_doc(
			{"doctype": "Operation", "name": operation, "workstation": workstation, "description": "Turn it"}
		).insert(ignore_permissions=True)
	ensure_item(RAW)
	ensure_item(FG)
	company = erpnext_company()
	bom = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": FG,
			"company": company,
			"quantity": 1,
			"is_active": 1,
			"is_default": 0,
			"with_operations": 1,
			"rm_cost_as_per": "Valuation Rate",
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"operations": [
				{"operation": operation, "workstation": workstation, "time_in_mins": minutes_per_unit}
			],
			"items": [{"item_code": RAW, "qty": 1}],
		}
	)
	bom.insert(ignore_permissions=True)
	bom.submit()
	return frappe._dict(workstation=workstation, operation=operation, bom=bom.name, company=company)


def work_order(route: frappe._dict, qty: float, order_type: str = "Mass Production", **values):
	"""An unsaved Work Order for the route."""
	warehouses = default_warehouses(route.company)
	doc = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": FG,
			"bom_no": route.bom,
			"company": route.company,
			"qty": qty,
			"skip_transfer": 1,
			"source_warehouse": warehouses.source,
			"wip_warehouse": warehouses.wip,
			"fg_warehouse": warehouses.fg,
			"planned_start_date": add_to_date(now_datetime(), hours=-1),
			"mom_order_type": order_type,
			**values,
		}
	)
	doc.get_items_and_operations_from_bom()
	return doc


def released_job_card(route: frappe._dict, qty: float = 10) -> str:
	"""A submitted (mass production) work order's job card, made as Administrator."""
	frappe.set_user("Administrator")
	wo = work_order(route, qty)
	wo.insert(ignore_permissions=True)
	wo.submit()
	return frappe.db.get_value("Job Card", {"work_order": wo.name}, "name")


def operator(prefix: str, badge: str, roles=("MOM Operator",)) -> frappe._dict:
	"""A user with `roles` and the Employee whose badge it is."""
	email = f"sf-{frappe.scrub(prefix)}@mom-test.example"
	user = make_user(roles[0], email, password=PASSWORD)
	for role in roles[1:]:
		frappe.get_doc("User", user).add_roles(role)
	name = frappe.db.get_value("Employee", {"mom_badge_barcode": badge.upper()})
	if not name:
		emp = make_employee(f"Operator {prefix}", badge)
		emp.user_id = user
		emp.create_user_permission = 0
		name = emp.insert(ignore_permissions=True).name
	else:
		frappe.db.set_value("Employee", name, "user_id", user)
	employee_name = frappe.db.get_value("Employee", name, "employee_name")
	return frappe._dict(user=user, employee=name, employee_name=employee_name, badge=badge.upper())
