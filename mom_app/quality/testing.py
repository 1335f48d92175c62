"""Tier-2 factories for the quality pillar: items, a template with one numeric and one visual parameter,
plans, receipts and a work order with job cards. Every name carries a fresh prefix."""

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate
from frappe.utils.nestedset import get_root_of

from mom_app.stock_ext.testing import company_warehouse, party, submit
from mom_app.tests.utils import erpnext_company, make_workstation


def parameter(name: str) -> str:
	if not frappe.db.exists("Quality Inspection Parameter", name):
		frappe.get_doc({"doctype": "Quality Inspection Parameter", "parameter": name}).insert(
			ignore_permissions=True
		)
	return name


def template(
	prefix: str, numeric: str, visual: str | None = None, low: float = 9.9, high: float = 10.1
) -> str:
	name = f"MOM-QT-{prefix}"
	rows = [{"specification": parameter(numeric), "numeric": 1, "min_value": low, "max_value": high}]
	if visual:
		rows.append({"specification": parameter(visual), "numeric": 0, "value": "OK"})
	frappe.get_doc(
		{
			"doctype": "Quality Inspection Template",
			"quality_inspection_template_name": name,
			"item_quality_inspection_parameter": rows,
		}
	).insert(ignore_permissions=True)
	return name


def item(code: str, batch: bool = True) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": code,
				"item_group": get_root_of("Item Group"),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": int(batch),
				"valuation_rate": 10,
			}
		).insert(ignore_permissions=True)
	return code


def plan(stage: str, item_code: str, tmpl: str, **values) -> frappe._dict:
	doc = frappe.get_doc(
		{
			"doctype": "Inspection Plan",
			"title": f"{stage} {item_code}",
			"stage": stage,
			"item_code": item_code,
			"quality_inspection_template": tmpl,
			"sampling_method": "AQL",
			"inspection_level": "II",
			"aql_major": "1.0",
			"aql_minor": "",
			"readings_per_parameter": 3,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def restore_quarantine(previous: str | None):
	"""Put MOM Settings' quarantine warehouse back after a test pointed it at the test company's."""
	frappe.db.set_single_value("MOM Settings", "quarantine_warehouse", previous)
	frappe.db.commit()


def world(prefix: str | None = None) -> frappe._dict:
	prefix = prefix or frappe.generate_hash(length=6).upper()
	company = erpnext_company()
	w = frappe._dict(prefix=prefix, company=company)
	w.store = company_warehouse(company, "MOM QC Stores")
	w.line = company_warehouse(company, "MOM QC Line")
	w.quarantine = company_warehouse(company, "MOM QC Quarantine")
	w.fg_store = company_warehouse(company, "MOM QC Finished")
	frappe.db.set_single_value("MOM Settings", "quarantine_warehouse", w.quarantine)
	w.supplier = party("Supplier", f"MOM QC Supplier {prefix}")
	w.rm = item(f"MOM-QC-RM-{prefix}")
	w.fg = item(f"MOM-QC-FG-{prefix}")
	w.template = template(prefix, f"Diameter {prefix}", f"Appearance {prefix}")
	return w


def draft_receipt(w, lot: str, qty: float = 500):
	frappe.get_doc({"doctype": "Batch", "batch_id": lot, "item": w.rm}).insert(ignore_permissions=True)
	doc = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": w.company,
			"supplier": w.supplier,
			"posting_date": nowdate(),
			"items": [
				{
					"item_code": w.rm,
					"qty": qty,
					"rate": 5,
					"warehouse": w.store,
					"batch_no": lot,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def received(w, lot: str, qty: float = 500):
	doc = draft_receipt(w, lot, qty)
	doc.submit()
	return doc


def transfer(w, lot: str, qty: float, target: str, item_code: str | None = None):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"purpose": "Material Transfer",
				"stock_entry_type": "Material Transfer",
				"company": w.company,
				"items": [
					{
						"item_code": item_code or w.rm,
						"qty": qty,
						"s_warehouse": w.store,
						"t_warehouse": target,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	)


def work_order(w, qty: float = 10) -> frappe._dict:
	"""A submitted Work Order for w.fg with one operation; its draft job card."""
	workstation = make_workstation(f"MOM-QC-WS-{w.prefix}")
	operation = f"MOM-QC-OP-{w.prefix}"
	if not frappe.db.exists("Operation", operation):
		frappe.get_doc({"doctype": "Operation", "name": operation, "workstation": workstation}).insert(
			ignore_permissions=True
		)
	bom = submit(
		frappe.get_doc(
			{
				"doctype": "BOM",
				"item": w.fg,
				"company": w.company,
				"quantity": 1,
				"is_active": 1,
				"is_default": 1,
				"with_operations": 1,
				"rm_cost_as_per": "Valuation Rate",
				"currency": frappe.get_cached_value("Company", w.company, "default_currency"),
				"operations": [{"operation": operation, "workstation": workstation, "time_in_mins": 5}],
				"items": [{"item_code": w.rm, "qty": 1}],
			}
		)
	)
	wo = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": w.fg,
			"bom_no": bom.name,
			"company": w.company,
			"qty": qty,
			"skip_transfer": 1,
			"source_warehouse": w.store,
			"fg_warehouse": w.fg_store,
			"wip_warehouse": w.store,
			"planned_start_date": add_to_date(now_datetime(), hours=-3),
		}
	)
	wo.get_items_and_operations_from_bom()
	submit(wo)
	card = frappe.get_doc("Job Card", {"work_order": wo.name})
	return frappe._dict(
		work_order=wo.name, job_card=card.name, operation=operation, workstation=workstation, bom=bom.name
	)


def start_job(job_card: str, employee: str | None = None, minutes_ago: int = 30):
	card = frappe.get_doc("Job Card", job_card)
	card.append(
		"time_logs", {"from_time": add_to_date(now_datetime(), minutes=-minutes_ago), "employee": employee}
	)
	card.save(ignore_permissions=True)
	return card


def finish_job(job_card: str, qty: float):
	card = frappe.get_doc("Job Card", job_card)
	for log in card.time_logs:
		if not log.to_time:
			log.to_time = now_datetime()
			log.completed_qty = qty
	card.save(ignore_permissions=True)
	return card
