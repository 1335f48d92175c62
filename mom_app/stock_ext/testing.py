"""Tier-2 factories for lot genealogy: a small plant history in the test company.

    RM-A  TR-RMA-1 (from supplier S1, supplier batch no. "SUP-<p>")   RM-B TR-RMB-1 and RM-A TR-RMA-2 (S2)
        \\-- SE1 (Manufacture) --> SA TR-SA-1 <--/                    RM-A TR-RMA-2 -- SE2 --> SA TR-SA-2
    TR-SA-1 + TR-SA-2 -- Work Order (one operation, a job card with a time log) --> FG TR-FG-1
    TR-FG-1 -- Repack --> KIT serials TR-KIT-001, TR-KIT-002
    TR-FG-1 (2) -- DN1 --> customer C1;   TR-FG-1 (1) + TR-KIT-001 -- DN2 --> customer C2

Every name carries a fresh prefix, so a history can be made again on the same site (the browser test
commits its own).
"""

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate
from frappe.utils.nestedset import get_root_of

from mom_app.tests.utils import erpnext_company, make_employee, make_workstation

ITEMS = {
	# code: (has_batch_no, has_serial_no)
	"MOM-TR-RM-A": (1, 0),
	"MOM-TR-RM-B": (1, 0),
	"MOM-TR-SA": (1, 0),
	"MOM-TR-FG": (1, 0),
	"MOM-TR-KIT": (0, 1),
}


def company_warehouse(company: str, name: str) -> str:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	warehouse = f"{name} - {abbr}"
	if not frappe.db.exists("Warehouse", warehouse):
		frappe.get_doc({"doctype": "Warehouse", "warehouse_name": name, "company": company}).insert(
			ignore_permissions=True
		)
	return warehouse


def ensure_items():
	group = "MOM Traceability Test"
	if not frappe.db.exists("Item Group", group):
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": group,
				"parent_item_group": get_root_of("Item Group"),
			}
		).insert(ignore_permissions=True)
	for code, (batch, serial) in ITEMS.items():
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": code.replace("MOM-TR-", "Trace test "),
					"item_group": group,
					"stock_uom": "Nos",
					"is_stock_item": 1,
					"has_batch_no": batch,
					"has_serial_no": serial,
					"valuation_rate": 10,
				}
			).insert(ignore_permissions=True)


def party(doctype: str, name: str) -> str:
	if not frappe.db.exists(doctype, name):
		if doctype == "Supplier":
			values = {"supplier_name": name, "supplier_group": get_root_of("Supplier Group")}
		else:
			values = {
				"customer_name": name,
				"customer_group": get_root_of("Customer Group"),
				"territory": get_root_of("Territory"),
			}
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
	return name


def batch(item: str, name: str, supplier_batch_no: str | None = None) -> str:
	frappe.get_doc(
		{"doctype": "Batch", "batch_id": name, "item": item, "mom_supplier_batch_no": supplier_batch_no}
	).insert(ignore_permissions=True)
	return name


def serial(item: str, name: str) -> str:
	frappe.get_doc({"doctype": "Serial No", "serial_no": name, "item_code": item}).insert(
		ignore_permissions=True
	)
	return name


def submit(doc):
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def receipt(company, supplier, warehouse, rows):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": company,
				"supplier": supplier,
				"posting_date": nowdate(),
				"items": [
					{
						"item_code": item,
						"qty": qty,
						"rate": 5,
						"warehouse": warehouse,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
					for item, lot, qty in rows
				],
			}
		)
	)


def manufacture(company, source, target, consumed, produced, purpose="Manufacture", work_order=None):
	"""A Stock Entry consuming [(item, batch, serials, qty)] and producing the same."""
	items = []
	for item, lot, serials, qty in consumed:
		items.append(
			{
				"item_code": item,
				"qty": qty,
				"s_warehouse": source,
				"batch_no": lot,
				"serial_no": "\n".join(serials or []),
				"use_serial_batch_fields": 1,
			}
		)
	for item, lot, serials, qty in produced:
		items.append(
			{
				"item_code": item,
				"qty": qty,
				"t_warehouse": target,
				"batch_no": lot,
				"serial_no": "\n".join(serials or []),
				"is_finished_item": 1,
				"use_serial_batch_fields": 1,
			}
		)
	doc = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": purpose,
			"stock_entry_type": purpose,
			"company": company,
			"work_order": work_order,
			"items": items,
		}
	)
	if work_order:
		wo = frappe.db.get_value("Work Order", work_order, ["bom_no", "qty"], as_dict=True)
		doc.update({"from_bom": 1, "bom_no": wo.bom_no, "fg_completed_qty": produced[0][3]})
	return submit(doc)


def delivery(company, customer, warehouse, rows):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company,
				"customer": customer,
				"posting_date": nowdate(),
				"items": [
					{
						"item_code": item,
						"qty": qty,
						"rate": 50,
						"warehouse": warehouse,
						"batch_no": lot,
						"serial_no": "\n".join(serials or []),
						"use_serial_batch_fields": 1,
					}
					for item, lot, serials, qty in rows
				],
			}
		)
	)


def work_order_with_job_card(company, prefix, store, fg_warehouse, qty):
	"""A submitted Work Order for MOM-TR-FG (one operation on its own workstation) whose job card an
	operator completed an hour ago."""
	workstation = make_workstation(f"MOM-TR-WS-{prefix}")
	operation = f"MOM-TR-OP-{prefix}"
	frappe.get_doc({"doctype": "Operation", "name": operation, "workstation": workstation}).insert(
		ignore_permissions=True
	)
	bom = submit(
		frappe.get_doc(
			{
				"doctype": "BOM",
				"item": "MOM-TR-FG",
				"company": company,
				"quantity": 1,
				"is_active": 1,
				"is_default": 0,
				"with_operations": 1,
				"rm_cost_as_per": "Valuation Rate",
				"currency": frappe.get_cached_value("Company", company, "default_currency"),
				"operations": [{"operation": operation, "workstation": workstation, "time_in_mins": 10}],
				"items": [{"item_code": "MOM-TR-SA", "qty": 1}],
			}
		)
	)
	wo = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": "MOM-TR-FG",
			"bom_no": bom.name,
			"company": company,
			"qty": qty,
			"skip_transfer": 1,
			"source_warehouse": store,
			"fg_warehouse": fg_warehouse,
			"wip_warehouse": store,
			"planned_start_date": add_to_date(now_datetime(), hours=-3),
		}
	)
	wo.get_items_and_operations_from_bom()  # what the form does when the BOM is picked
	submit(wo)
	employee = make_employee(f"Trace Operator {prefix}").insert(ignore_permissions=True).name
	card = frappe.get_doc("Job Card", {"work_order": wo.name})
	start = add_to_date(now_datetime(), hours=-2)
	card.append(
		"time_logs",
		{
			"from_time": start,
			"to_time": add_to_date(start, minutes=50),
			"completed_qty": qty,
			"employee": employee,
		},
	)
	card.save(ignore_permissions=True)
	card.submit()
	return frappe._dict(
		work_order=wo.name, job_card=card.name, workstation=workstation, employee=employee, bom=bom.name
	)


def make_history(prefix: str | None = None) -> frappe._dict:
	"""Receipts -> two levels of manufacture (the second through a work order) -> repack -> deliveries."""
	prefix = prefix or frappe.generate_hash(length=6).upper()
	company = erpnext_company()
	ensure_items()
	store = company_warehouse(company, "MOM Trace Stores")
	fg_store = company_warehouse(company, "MOM Trace Finished")
	h = frappe._dict(prefix=prefix, company=company, store=store, fg_store=fg_store)
	h.s1 = party("Supplier", f"MOM Trace Steel {prefix}")
	h.s2 = party("Supplier", f"MOM Trace Alloy {prefix}")
	h.c1 = party("Customer", f"MOM Trace Customer A {prefix}")
	h.c2 = party("Customer", f"MOM Trace Customer B {prefix}")
	h.supplier_batch_no = f"SUP-{prefix}"
	h.rma1 = batch("MOM-TR-RM-A", f"TR-RMA-1-{prefix}", h.supplier_batch_no)
	h.rma2 = batch("MOM-TR-RM-A", f"TR-RMA-2-{prefix}")
	h.rmb1 = batch("MOM-TR-RM-B", f"TR-RMB-1-{prefix}")
	h.sa1 = batch("MOM-TR-SA", f"TR-SA-1-{prefix}")
	h.sa2 = batch("MOM-TR-SA", f"TR-SA-2-{prefix}")
	h.fg1 = batch("MOM-TR-FG", f"TR-FG-1-{prefix}")
	h.kits = [serial("MOM-TR-KIT", f"TR-KIT-{prefix}-{i:03d}") for i in (1, 2)]

	h.pr1 = receipt(company, h.s1, store, [("MOM-TR-RM-A", h.rma1, 100)]).name
	h.pr2 = receipt(company, h.s2, store, [("MOM-TR-RM-B", h.rmb1, 50), ("MOM-TR-RM-A", h.rma2, 100)]).name
	h.se1 = manufacture(
		company,
		store,
		store,
		[("MOM-TR-RM-A", h.rma1, None, 10), ("MOM-TR-RM-B", h.rmb1, None, 5)],
		[("MOM-TR-SA", h.sa1, None, 10)],
	).name
	h.se2 = manufacture(
		company, store, store, [("MOM-TR-RM-A", h.rma2, None, 10)], [("MOM-TR-SA", h.sa2, None, 10)]
	).name
	h.update(work_order_with_job_card(company, prefix, store, fg_store, 5))
	h.se3 = manufacture(
		company,
		store,
		fg_store,
		[("MOM-TR-SA", h.sa1, None, 3), ("MOM-TR-SA", h.sa2, None, 2)],
		[("MOM-TR-FG", h.fg1, None, 5)],
		work_order=h.work_order,
	).name
	h.repack = manufacture(
		company,
		fg_store,
		fg_store,
		[("MOM-TR-FG", h.fg1, None, 2)],
		[("MOM-TR-KIT", None, h.kits, 2)],
		purpose="Repack",
	).name
	h.dn1 = delivery(company, h.c1, fg_store, [("MOM-TR-FG", h.fg1, None, 2)]).name
	h.dn2 = delivery(
		company, h.c2, fg_store, [("MOM-TR-FG", h.fg1, None, 1), ("MOM-TR-KIT", None, [h.kits[0]], 1)]
	).name
	return h
