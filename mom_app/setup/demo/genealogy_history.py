"""Demo step "genealogy_history": a week of receipts, production and deliveries to trace.

Raw-material batches are received from five suppliers (with the supplier's own batch number), turned into
output-shaft and housing batches through work orders whose job cards the demo operators completed on the
machines, assembled into two gear-motor batches, and delivered to three customers. So a trace runs

    supplier -> receipt -> raw batch -> sub-assembly batch -> finished batch -> delivery -> customer

and the bar-steel batch RM-BAR-45-D001 reaches every finished batch and every customer (a recall).

The job cards lie in the machine-history week of the "iot_history" step (when it ran), on the shifts of the
workstations, so the trace shows the process parameters the machines recorded meanwhile. Stock
transactions are posted on those days too. Every record is looked up by a stable key (batch number,
supplier delivery note, customer order number, a work order's description), so a second run creates
nothing.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import flt, get_datetime, get_system_timezone, getdate, now_datetime
from frappe.utils.nestedset import get_root_of

from mom_app.setup.demo import data
from mom_app.setup.demo.state import Demo
from mom_app.setup.demo.steps import warehouse

IOT_ANCHOR = "mom_demo_iot_history_end"  # set by the iot_history step

SUPPLIERS = {
	"steel": "江阴华钢特钢贸易有限公司",
	"casting": "宁波精铸铝业有限公司",
	"bearing": "浙江环宇轴承有限公司",
	"fastener": "上海标准紧固件有限公司",
	"motor": "苏州微特电机有限公司",
}
CUSTOMERS = {
	"hengli": "常州恒力输送设备有限公司",
	"huadong": "无锡华东包装机械有限公司",
	"haigong": "南通海工起重设备有限公司",
}

# supplier delivery note: (supplier key, day, [(item, batch, qty, supplier's batch no)])
RECEIPTS = {
	"HG-SD-261101": (
		"steel",
		0,
		[("RM-BAR-45", "RM-BAR-45-D001", 60, "HG2611-0457"), ("RM-BAR-45", "RM-BAR-45-D002", 60, "HG2611-0462")],
	),
	"NJ-SD-26-3381": (
		"casting",
		0,
		[("RM-ALU-BLANK", "RM-ALU-BLANK-D001", 15, "NJ-A3381"), ("RM-ALU-BLANK", "RM-ALU-BLANK-D002", 15, "NJ-A3382")],
	),
	"HY-SD-26K11": ("bearing", 0, [("RM-BRG-6204", "RM-BRG-6204-D001", 100, "HY6204-26K11")]),
	"BZ-SD-260877": ("fastener", 0, [("RM-SCR-M6X20", "RM-SCR-M6X20-D001", 500, None)]),
	"WT-SD-2611-09": ("motor", 0, [("RM-MOTOR-075", "RM-MOTOR-075-D001", 30, "WT075-2611-09")]),
}  # fmt: skip

# produced batch: (item, qty, day, [(item, batch, qty)] consumed, {operation: badge of the operator})
PRODUCTION = {
	"SA-SHAFT-D001": ("SA-SHAFT", 12, 1, [("RM-BAR-45", "RM-BAR-45-D001", 10.2)], {"粗车": "JG-E0001", "精车": "JG-E0008"}),
	"SA-HOUSING-D001": ("SA-HOUSING", 12, 1, [("RM-ALU-BLANK", "RM-ALU-BLANK-D001", 12)], {"铣削": "JG-E0007", "钻孔攻丝": "JG-E0007"}),
	"SA-SHAFT-D002": (
		"SA-SHAFT", 12, 2,
		[("RM-BAR-45", "RM-BAR-45-D001", 4.2), ("RM-BAR-45", "RM-BAR-45-D002", 6.0)],
		{"粗车": "JG-E0001", "精车": "JG-E0008"},
	),
	"SA-HOUSING-D002": ("SA-HOUSING", 12, 2, [("RM-ALU-BLANK", "RM-ALU-BLANK-D002", 12)], {"铣削": "JG-E0007", "钻孔攻丝": "JG-E0007"}),
	"FG-GM-075-D001": (
		"FG-GM-075", 12, 3,
		[
			("SA-SHAFT", "SA-SHAFT-D001", 12), ("SA-HOUSING", "SA-HOUSING-D001", 12),
			("RM-BRG-6204", "RM-BRG-6204-D001", 24), ("RM-SCR-M6X20", "RM-SCR-M6X20-D001", 96),
			("RM-MOTOR-075", "RM-MOTOR-075-D001", 12),
		],
		{"总装": "JG-E0001", "出厂检验": "JG-E0002"},
	),
	"FG-GM-075-D002": (
		"FG-GM-075", 12, 4,
		[
			("SA-SHAFT", "SA-SHAFT-D002", 12), ("SA-HOUSING", "SA-HOUSING-D002", 12),
			("RM-BRG-6204", "RM-BRG-6204-D001", 24), ("RM-SCR-M6X20", "RM-SCR-M6X20-D001", 96),
			("RM-MOTOR-075", "RM-MOTOR-075-D001", 12),
		],
		{"总装": "JG-E0007", "出厂检验": "JG-E0002"},
	),
}  # fmt: skip

# customer's order no.: (customer key, day, [(batch, qty)])
DELIVERIES = {
	"HL-PO-2611-118": ("hengli", 5, [("FG-GM-075-D001", 8)]),
	"HD-PO-2611-042": ("huadong", 5, [("FG-GM-075-D001", 4), ("FG-GM-075-D002", 5)]),
	"HG-PO-2611-077": ("haigong", 6, [("FG-GM-075-D002", 7)]),
}

SELLING_RATE = 1680.0
BUYING_PRICE_LIST = "演示采购价目表"
SELLING_PRICE_LIST = "演示销售价目表"
SHIFT_START = (8, 10)  # first job of a day starts at 08:10
INSPECTOR_BADGE = "JG-E0002"


def item_warehouse(demo: Demo, item: str) -> str:
	return warehouse(demo, data.ITEMS[item][4])


def week_start() -> datetime:
	"""Local midnight of the first day of the history: the machine-history week when it exists, else the
	six days before today (never before the calendar year, whose fiscal year the demo has)."""
	anchor = frappe.db.get_default(IOT_ANCHOR)
	zone = ZoneInfo(get_system_timezone())
	end = datetime.fromtimestamp(float(anchor), zone).replace(tzinfo=None) if anchor else now_datetime()
	start = datetime.combine(getdate(end) - timedelta(days=6), datetime.min.time())
	return max(start, datetime(end.year, 1, 1))


def at(day: int, hour: int, minute: int = 0) -> datetime:
	moment = week_start() + timedelta(days=day, hours=hour, minutes=minute)
	return min(moment, now_datetime() - timedelta(minutes=5))


def posting(moment: datetime) -> dict:
	return {
		"set_posting_time": 1,
		"posting_date": moment.date(),
		"posting_time": moment.time().replace(microsecond=0),
	}


def employee(badge: str) -> str | None:
	return frappe.db.get_value("Employee", {"mom_badge_barcode": badge}, "name")


def genealogy_history(demo: Demo):
	demo.track(
		"Supplier",
		"Customer",
		"Batch",
		"Purchase Receipt",
		"Work Order",
		"Job Card",
		"Stock Entry",
		"Delivery Note",
		"Quality Inspection",
	)
	currency = frappe.get_cached_value("Company", demo.company, "default_currency")
	price_lists(demo, currency)
	parties(demo)
	for note, (supplier, day, rows) in RECEIPTS.items():
		receive(demo, currency, note, SUPPLIERS[supplier], day, rows)
		frappe.db.commit()
	for batch_no, spec in PRODUCTION.items():
		produce(demo, batch_no, *spec)
		frappe.db.commit()
	for order, (customer, day, rows) in DELIVERIES.items():
		deliver(demo, currency, order, CUSTOMERS[customer], day, rows)
		frappe.db.commit()


def price_lists(demo: Demo, currency: str):
	"""Price lists in the company's currency: ERPNext's standard ones may be in another currency (a test
	site's USD), and an exchange rate nobody has entered would stop the receipts."""
	for name, buying in ((BUYING_PRICE_LIST, 1), (SELLING_PRICE_LIST, 0)):
		demo.ensure(
			"Price List",
			name,
			{
				"price_list_name": name,
				"currency": currency,
				"buying": buying,
				"selling": 1 - buying,
				"enabled": 1,
			},
		)


def parties(demo: Demo):
	for name in SUPPLIERS.values():
		demo.ensure(
			"Supplier",
			name,
			{
				"supplier_name": name,
				"supplier_group": get_root_of("Supplier Group"),
				"supplier_type": "Company",
			},
		)
	for name in CUSTOMERS.values():
		demo.ensure(
			"Customer",
			name,
			{
				"customer_name": name,
				"customer_type": "Company",
				"customer_group": get_root_of("Customer Group"),
				"territory": get_root_of("Territory"),
			},
		)


def ensure_batch(demo: Demo, item: str, batch_no: str, supplier: str | None = None, supplier_batch=None):
	return demo.ensure(
		"Batch",
		batch_no,
		{
			"batch_id": batch_no,
			"item": item,
			"supplier": supplier,
			"mom_supplier_batch_no": supplier_batch,
		},
	)


def receive(demo: Demo, currency: str, note: str, supplier: str, day: int, rows):
	if frappe.db.exists("Purchase Receipt", {"supplier_delivery_note": note, "docstatus": 1}):
		return
	for item, batch_no, _qty, supplier_batch in rows:
		ensure_batch(demo, item, batch_no, supplier, supplier_batch)
	doc = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": demo.company,
			"supplier": supplier,
			"supplier_delivery_note": note,
			**posting(at(day, 9, 30)),
			"currency": currency,
			"conversion_rate": 1,
			"buying_price_list": BUYING_PRICE_LIST,
			"price_list_currency": currency,
			"plc_conversion_rate": 1,
			"set_warehouse": warehouse(demo, "main"),
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": data.ITEMS[item][3],
					"warehouse": warehouse(demo, "main"),
					"batch_no": batch_no,
					"use_serial_batch_fields": 1,
				}
				for item, batch_no, qty, _supplier_batch in rows
			],
		}
	)
	doc.insert()
	doc.submit()
	demo.count("Purchase Receipt")


def inspect(demo: Demo, reference_type: str, reference_name: str, item: str, batch_no: str, remarks: str, on):
	key = {"reference_type": reference_type, "reference_name": reference_name, "batch_no": batch_no}
	if frappe.db.exists("Quality Inspection", key):
		return
	inspector = frappe.db.get_value("Employee", {"mom_badge_barcode": INSPECTOR_BADGE}, "user_id")
	doc = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": "In Process",
			"report_date": getdate(on),
			"reference_type": reference_type,
			"reference_name": reference_name,
			"item_code": item,
			"batch_no": batch_no,
			"sample_size": 1,
			"inspected_by": inspector or "Administrator",
			"manual_inspection": 1,
			"status": "Accepted",
			"remarks": remarks,
			"company": demo.company,
		}
	)
	doc.insert()
	doc.submit()
	demo.count("Quality Inspection")


def produce(demo: Demo, batch_no: str, item: str, qty: float, day: int, consumed, operators: dict):
	produced = frappe.db.sql(
		"""select 1 from `tabStock Entry Detail` d join `tabStock Entry` e on e.name = d.parent
		where e.docstatus = 1 and e.purpose = 'Manufacture' and d.t_warehouse is not null
			and d.batch_no = %s limit 1""",
		batch_no,
	) or frappe.db.exists("Genealogy Edge", {"target_type": "Batch", "target_name": batch_no})
	if produced:
		return
	ensure_batch(demo, item, batch_no)
	marker = f"演示生产：批次 {batch_no}"  # demo data (Chinese), the key an interrupted run finds it by
	start = at(day, *SHIFT_START)
	work_order = frappe.db.get_value(
		"Work Order", {"production_item": item, "description": marker, "docstatus": 1}, "name"
	) or make_work_order(demo, item, qty, start, marker)
	end = complete_job_cards(demo, work_order, batch_no, start, operators)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Manufacture",
			"stock_entry_type": "Manufacture",
			"company": demo.company,
			"work_order": work_order,
			"from_bom": 1,
			"bom_no": frappe.db.get_value("Work Order", work_order, "bom_no"),
			"fg_completed_qty": qty,
			**posting(end + timedelta(minutes=10)),
			"remarks": marker,
			"items": [
				{
					"item_code": code,
					"qty": used,
					"s_warehouse": item_warehouse(demo, code),
					"batch_no": lot,
					"use_serial_batch_fields": 1,
				}
				for code, lot, used in consumed
			]
			+ [
				{
					"item_code": item,
					"qty": qty,
					"t_warehouse": item_warehouse(demo, item),
					"batch_no": batch_no,
					"is_finished_item": 1,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	entry.insert()
	entry.submit()
	demo.count("Stock Entry")
	if item.startswith("SA-"):  # first-article inspection of the machined parts
		inspect(
			demo,
			"Stock Entry",
			entry.name,
			item,
			batch_no,
			"首件尺寸检验合格（三坐标测量）",
			entry.posting_date,
		)


def make_work_order(demo: Demo, item: str, qty: float, start: datetime, marker: str) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": item,
			"bom_no": frappe.db.get_value("Item", item, "default_bom"),
			"company": demo.company,
			"qty": qty,
			"skip_transfer": 1,
			"source_warehouse": warehouse(demo, "main"),
			"wip_warehouse": item_warehouse(demo, item),
			"fg_warehouse": item_warehouse(demo, item),
			"planned_start_date": start,
			"description": marker,
		}
	)
	doc.get_items_and_operations_from_bom()  # as the form does when the BOM is set
	doc.insert()
	doc.submit()
	demo.count("Work Order")
	demo.count("Job Card", frappe.db.count("Job Card", {"work_order": doc.name}))
	return doc.name


def complete_job_cards(
	demo: Demo, work_order: str, batch_no: str, start: datetime, operators: dict
) -> datetime:
	"""Log each operation's time (one after the other, from `start`) by its operator and submit the job
	card; returns when the last operation ended."""
	moment = start
	cards = frappe.get_all(
		"Job Card",
		filters={"work_order": work_order, "docstatus": ("<", 2)},
		fields=["name", "docstatus", "operation", "for_quantity"],
		order_by="sequence_id, creation",
	)
	for row in cards:
		card = frappe.get_doc("Job Card", row.name)
		if card.docstatus == 1:
			moment = max(moment, get_datetime(card.actual_end_date or moment))
			continue
		minutes = flt(
			frappe.db.get_value(
				"Work Order Operation", {"parent": work_order, "operation": card.operation}, "time_in_mins"
			)
		)
		end = moment + timedelta(minutes=minutes or 30)
		card.set("time_logs", [])
		card.append(
			"time_logs",
			{
				"from_time": moment,
				"to_time": end,
				"completed_qty": card.for_quantity,
				"employee": employee(operators.get(card.operation, "")),
			},
		)
		card.save()
		card.submit()
		if card.operation == "出厂检验":
			inspect(
				demo, "Job Card", card.name, card.production_item, batch_no, "空载试运行，噪声与温升合格", end
			)
		moment = end + timedelta(minutes=10)
	return moment


def deliver(demo: Demo, currency: str, order: str, customer: str, day: int, rows):
	if frappe.db.exists("Delivery Note", {"po_no": order, "docstatus": 1}):
		return
	doc = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": demo.company,
			"customer": customer,
			"po_no": order,
			**posting(at(day, 14, 0)),
			"currency": currency,
			"conversion_rate": 1,
			"selling_price_list": SELLING_PRICE_LIST,
			"price_list_currency": currency,
			"plc_conversion_rate": 1,
			"items": [
				{
					"item_code": "FG-GM-075",
					"qty": qty,
					"rate": SELLING_RATE,
					"warehouse": warehouse(demo, "finished"),
					"batch_no": batch_no,
					"use_serial_batch_fields": 1,
				}
				for batch_no, qty in rows
			],
		}
	)
	doc.insert()
	doc.submit()
	demo.count("Delivery Note")
