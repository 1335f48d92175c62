"""Factories for the plant maintenance tier-2 tests: machines (an ERPNext Asset and the Workstation that is it),
spare parts in a maintenance store, people in each role, checklists, orders."""

import frappe
from frappe.utils import add_days, nowdate

from mom_app.tests.utils import erpnext_company, make_user, make_workstation, root_item_group

PASSWORD = "Mom-Maint-Test-2026!"
CATEGORY = "MOM-PM Machines"
ASSET_ITEM = "MOM-PM-MACHINE"
LOCATION = "MOM-PM Shop"
STORE = "MOM-PM Store"
ROLES = {
	"operator": "MOM Operator",
	"technician": "Maintenance Technician",
	"supervisor": "Production Supervisor",
	"manager": "MOM Manager",
	"norole": None,
}


def company() -> str:
	return erpnext_company()


def account_of(company_name: str, account_type: str) -> str | None:
	return frappe.db.get_value(
		"Account", {"company": company_name, "account_type": account_type, "is_group": 0}, "name"
	)


def asset_category(name: str = CATEGORY) -> str:
	"""An asset category with the test company's asset accounts (ERPNext requires them)."""
	if not frappe.db.exists("Asset Category", name):
		doc = frappe.get_doc({"doctype": "Asset Category", "asset_category_name": name})
		fixed = account_of(company(), "Fixed Asset")
		if fixed:
			doc.append(
				"accounts",
				{
					"company_name": company(),
					"fixed_asset_account": fixed,
					"accumulated_depreciation_account": account_of(company(), "Accumulated Depreciation"),
					"depreciation_expense_account": account_of(company(), "Depreciation"),
				},
			)
		doc.insert(ignore_permissions=True)
	return name


def asset_item() -> str:
	if not frappe.db.exists("Item", ASSET_ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ASSET_ITEM,
				"item_name": "Machine",
				"item_group": root_item_group(),
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"is_fixed_asset": 1,
				"auto_create_assets": 0,
				"asset_category": asset_category(),
			}
		).insert(ignore_permissions=True)
	return ASSET_ITEM


def location() -> str:
	if not frappe.db.exists("Location", LOCATION):
		frappe.get_doc({"doctype": "Location", "location_name": LOCATION}).insert(ignore_permissions=True)
	return LOCATION


def make_asset(asset_name: str, fully_depreciated: bool = False) -> str:
	"""A submitted existing asset (no depreciation); ERPNext says Fully Depreciated for `fully_depreciated`."""
	name = frappe.db.get_value("Asset", {"asset_name": asset_name, "docstatus": 1})
	if name:
		return name
	doc = frappe.get_doc(
		{
			"doctype": "Asset",
			"asset_name": asset_name,
			"item_code": asset_item(),
			"asset_category": asset_category(),
			"company": company(),
			"location": location(),
			"purchase_date": add_days(nowdate(), -800),
			"available_for_use_date": add_days(nowdate(), -790),
			"gross_purchase_amount": 120000,
			"purchase_amount": 120000,
			"is_existing_asset": 1,
			"calculate_depreciation": 0,
			"is_fully_depreciated": int(fully_depreciated),
			"cost_center": frappe.get_cached_value("Company", company(), "cost_center"),
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc.name


def machine(prefix: str, fully_depreciated: bool = False) -> frappe._dict:
	"""An asset and the workstation that is it (Workstation.mom_asset)."""
	asset = make_asset(f"MOM-PM Machine {prefix}", fully_depreciated=fully_depreciated)
	workstation = make_workstation(f"MOM-PM-WS-{prefix}")
	frappe.db.set_value("Workstation", workstation, "mom_asset", asset)
	return frappe._dict(asset=asset, workstation=workstation, company=company())


def store() -> str:
	"""The maintenance store (a warehouse of the test company), set in Maintenance Settings."""
	abbr = frappe.get_cached_value("Company", company(), "abbr")
	name = f"{STORE} - {abbr}"
	if not frappe.db.exists("Warehouse", name):
		parent = frappe.db.get_value("Warehouse", {"company": company(), "is_group": 1}, "name")
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": STORE,
				"company": company(),
				"parent_warehouse": parent,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_single_value("Maintenance Settings", "maintenance_store", name)
	return name


def spare_part(code: str, batch: bool = False, serial: bool = False, rate: float = 25) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": root_item_group(),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": rate,
				"has_batch_no": int(batch),
				"create_new_batch": 0,
				"has_serial_no": int(serial),
			}
		).insert(ignore_permissions=True)
	return code


def batch(item_code: str, batch_id: str) -> str:
	if not frappe.db.exists("Batch", batch_id):
		frappe.get_doc({"doctype": "Batch", "batch_id": batch_id, "item": item_code}).insert(
			ignore_permissions=True
		)
	return batch_id


def stock_in(
	item_code: str, qty: float, rate: float = 25, batch_no: str | None = None, serial_no=None
) -> str:
	"""Receive `qty` into the maintenance store (a submitted Material Receipt)."""
	row = {"item_code": item_code, "qty": qty, "t_warehouse": store(), "basic_rate": rate}
	if batch_no or serial_no:
		row.update(use_serial_batch_fields=1, batch_no=batch_no, serial_no=serial_no)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company(),
			"items": [row],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	return entry.name


def person(kind: str, language: str = "en") -> str:
	"""A user holding the role of `kind` (operator, technician, supervisor, manager, norole)."""
	return make_user(ROLES[kind], f"pm-{kind}@mom-test.example", language=language, password=PASSWORD)


def people() -> frappe._dict:
	return frappe._dict({kind: person(kind) for kind in ROLES})


def checklist(name: str, steps: list[dict]) -> str:
	"""A Maintenance Checklist made afresh with `steps` ({"instruction", "kind", "mandatory", ...})."""
	if frappe.db.exists("Maintenance Checklist", name):
		frappe.delete_doc("Maintenance Checklist", name, ignore_permissions=True, force=True)
	frappe.get_doc({"doctype": "Maintenance Checklist", "checklist_name": name, "steps": steps}).insert(
		ignore_permissions=True
	)
	return name


def order(machine: frappe._dict, order_type: str = "Corrective", source: str = "Request", **kwargs) -> str:
	"""An order opened as the system (open_order with ignore_permissions)."""
	from mom_app.plant_maintenance.orders import open_order

	kwargs.setdefault("ignore_permissions", True)
	name, _created = open_order(order_type, source, asset=machine.asset, **kwargs)
	return name


def settings(**values) -> None:
	"""Set Maintenance Settings values for a test (tests roll back their transaction)."""
	for key, value in values.items():
		frappe.db.set_single_value("Maintenance Settings", key, value)


def asset_maintenance_log(machine: frappe._dict, technician: str, task: str = "Lubricate the spindle") -> str:
	"""ERPNext's Asset Maintenance for the machine with one monthly task assigned to `technician`; the Asset
	Maintenance Log ERPNext plans for it."""
	team = f"MOM-PM Team {machine.asset}"
	if not frappe.db.exists("Asset Maintenance Team", team):
		frappe.get_doc(
			{
				"doctype": "Asset Maintenance Team",
				"maintenance_team_name": team,
				"company": machine.company,
				"maintenance_team_members": [
					{"team_member": technician, "maintenance_role": "Maintenance Technician"}
				],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Asset Maintenance", machine.asset):
		frappe.db.set_value("Asset", machine.asset, "maintenance_required", 1)
		frappe.get_doc(
			{
				"doctype": "Asset Maintenance",
				"asset_name": machine.asset,
				"company": machine.company,
				"maintenance_team": team,
				"asset_maintenance_tasks": [
					{
						"maintenance_task": task,
						"maintenance_type": "Preventive Maintenance",
						"maintenance_status": "Planned",
						"start_date": nowdate(),
						"periodicity": "Monthly",
						"assign_to": technician,
					}
				],
			}
		).insert(ignore_permissions=True)
	return frappe.db.get_value(
		"Asset Maintenance Log",
		{"asset_maintenance": machine.asset, "maintenance_status": ("in", ["Planned", "Overdue"])},
		"name",
	)
