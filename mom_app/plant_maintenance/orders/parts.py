"""Spare parts of a maintenance order in ERPNext's stock.

- `reserve_parts(doc)`: on approval, the planned parts are reserved by a submitted Material Request (type
  Material Issue) from the maintenance store (or each part's warehouse), linked to the order
  (Material Request.mom_maintenance_work_order) and the order to it.
- `issue_parts(doc)`: the used parts not issued yet leave stock by one submitted Stock Entry (Material Issue)
  from the maintenance store (or each part's warehouse) against the order's cost centre (the asset's), with
  their batch or serial numbers as ERPNext requires them (ERPNext makes the Serial and Batch Bundle from
  them), and linked to the Material Request's rows of the same item. Each row then shows its Stock Entry,
  valuation rate and amount.

Both run as the system (orders.system.as_system) for `user`, who acted on the order (allowed to approve
it or to work it); each document says so in a comment.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, flt, getdate, now_datetime, nowdate

from mom_app.plant_maintenance.orders.system import made_for

DOCTYPE = "Maintenance Work Order"


class PartsError(frappe.ValidationError):
	pass


def store() -> str | None:
	return frappe.db.get_single_value("Maintenance Settings", "maintenance_store")


def warehouse_of(row) -> str:
	warehouse = row.warehouse or store()
	if not warehouse:
		frappe.throw(
			_("Set the Maintenance Store in Maintenance Settings, or a warehouse on part {0} ({1}).").format(
				row.idx, escape_html(row.item_code)
			),
			PartsError,
			title=_("No Warehouse"),
		)
	return warehouse


def reserve_parts(doc, user: str) -> str | None:
	rows = [row for row in doc.planned_parts if flt(row.qty) > 0]
	if not rows or doc.material_request:
		return None
	schedule_date = getdate(doc.scheduled_start) if doc.scheduled_start else getdate(nowdate())
	schedule_date = max(schedule_date, getdate(nowdate()))
	request = frappe.get_doc(
		{
			"doctype": "Material Request",
			"material_request_type": "Material Issue",
			"company": doc.company,
			"transaction_date": nowdate(),
			"schedule_date": schedule_date,
			"mom_maintenance_work_order": doc.name,
			"items": [
				{
					"item_code": row.item_code,
					"qty": flt(row.qty),
					"warehouse": warehouse_of(row),
					"schedule_date": schedule_date,
					"cost_center": doc.cost_center,
				}
				for row in rows
			],
		}
	)
	request.flags.ignore_permissions = True
	request.insert()
	request.submit()
	made_for("Material Request", request.name, doc.name, user)
	for row, item in zip(rows, request.items, strict=True):
		row.db_set("material_request_item", item.name, update_modified=False)
	doc.db_set("material_request", request.name, update_modified=False)
	return request.name


def issue_parts(doc, user: str) -> str | None:
	rows = [row for row in doc.used_parts if not row.stock_entry and flt(row.qty) > 0]
	if not rows:
		return None
	if not doc.company:
		frappe.throw(_("The order has no company to issue parts for."), PartsError)
	request_items = {}
	if doc.material_request:
		for item in frappe.get_all(
			"Material Request Item",
			filters={"parent": doc.material_request},
			fields=["name", "item_code"],
			order_by="idx",
		):
			request_items.setdefault(item.item_code, item.name)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Issue",
			"purpose": "Material Issue",
			"company": doc.company,
			"mom_maintenance_work_order": doc.name,
			"remarks": _("Spare parts for maintenance order {0}").format(doc.name),
		}
	)
	for row in rows:
		has_batch, has_serial = frappe.get_cached_value(
			"Item", row.item_code, ["has_batch_no", "has_serial_no"]
		)
		if has_batch and not row.batch_no:
			frappe.throw(
				_("Part {0} ({1}) is kept by batch: scan or choose its batch.").format(
					row.idx, escape_html(row.item_code)
				),
				PartsError,
				title=_("Batch Needed"),
			)
		if has_serial and not (row.serial_no or "").strip():
			frappe.throw(
				_("Part {0} ({1}) is kept by serial number: scan or enter its serial numbers.").format(
					row.idx, escape_html(row.item_code)
				),
				PartsError,
				title=_("Serial Numbers Needed"),
			)
		item = {
			"item_code": row.item_code,
			"qty": flt(row.qty),
			"s_warehouse": warehouse_of(row),
			"cost_center": doc.cost_center,
		}
		if has_batch or has_serial:
			item["use_serial_batch_fields"] = 1
			item["batch_no"] = row.batch_no if has_batch else None
			item["serial_no"] = (row.serial_no or "").strip() if has_serial else None
		if request_items.get(row.item_code):
			item["material_request"] = doc.material_request
			item["material_request_item"] = request_items[row.item_code]
		entry.append("items", item)
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	made_for("Stock Entry", entry.name, doc.name, user)
	now = now_datetime()
	for row, item in zip(rows, entry.items, strict=True):
		rate = flt(item.valuation_rate or item.basic_rate)
		row.db_set(
			{
				"stock_entry": entry.name,
				"warehouse": item.s_warehouse,
				"rate": rate,
				"amount": rate * flt(row.qty),
				"issued_by": user,
				"issued_at": now,
			},
			update_modified=False,
		)
	parts = sum(flt(r.amount) for r in doc.used_parts)
	doc.db_set({"parts_cost": parts, "total_cost": parts + flt(doc.other_cost)}, update_modified=False)
	return entry.name
