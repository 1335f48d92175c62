"""What ERPNext knows about the lots a trace reaches: materials and their receipts, work orders, job cards
(machines), operators, inspections, customers, and the process parameters the machines recorded meanwhile.
Every row is redacted through `Readable`.
"""

from collections import defaultdict

import frappe
from frappe.utils import flt, get_datetime

from mom_app.engine.genealogy import LOT_DOCTYPES, Edge, Node
from mom_app.stock_ext.trace.edges import TraceResult
from mom_app.stock_ext.trace.redaction import REDACTED, Readable, route

PRODUCED_BY = """select distinct target_type, target_name, voucher_no, work_order
	from `tabGenealogy Edge`
	where voucher_type = 'Stock Entry' and target_type in %(types)s and target_name in %(names)s"""


PROCESS_WINDOW = """select tag, sum(sample_count) as samples, min(minimum) as minimum, max(maximum) as maximum,
		sum(total) as total
	from `tabIoT Minute Aggregate`
	where device = %(device)s and tag in %(tags)s and minute >= %(start)s and minute < %(end)s
	group by tag
	order by tag"""


def enrichment(result: TraceResult, readable: Readable, nodes: list[dict], items, item_names) -> dict:
	lots = [(n["doctype"], n["name"]) for n in nodes if n["is_lot"] and not n["redacted"]]
	all_edges = [e for t in result.traces.values() for e in t.edges]
	materials = material_rows(result, nodes, all_edges, readable)
	produced = produced_by(lots)
	work_orders = sorted({wo for pairs in produced.values() for _se, wo in pairs if wo})
	job_cards = job_card_rows(work_orders, produced, readable)
	operators = operator_rows(job_cards, readable)
	vouchers = {e.voucher for e in all_edges if e.voucher}
	vouchers |= {("Stock Entry", se) for pairs in produced.values() for se, _wo in pairs}
	# tables left out whole because the user may not read where they come from (the page says so)
	hidden = [] if process_parameters_readable(readable) else ["process_parameters"]
	return {
		"materials": materials,
		"work_orders": [
			{"work_order": wo, "route": route("Work Order", wo)}
			for wo in work_orders
			if readable("Work Order", wo)
		],
		"machines": [{k: v for k, v in jc.items() if k != "logs"} for jc in job_cards],
		"operators": operators,
		"inspections": inspection_rows(lots, vouchers, job_cards, readable),
		"customers": customer_rows(result, readable),
		"process_parameters": [] if hidden else process_parameter_rows(job_cards, readable),
		"hidden": hidden,
	}


def material_rows(
	result: TraceResult, nodes: list[dict], edges: list[Edge], readable: Readable
) -> list[dict]:
	receipts: dict[Node, list[str]] = defaultdict(list)
	supplier_batch: dict[Node, str] = {}
	for edge in edges:
		if edge.source[0] == "Purchase Receipt" and edge.target[0] in LOT_DOCTYPES:
			receipts[edge.target].append(readable.name(*edge.source))
			info = result.edge_info(edge)
			if info.get("supplier_batch_no"):
				supplier_batch[edge.target] = info["supplier_batch_no"]
	rows = []
	for n in nodes:
		if not n["is_lot"] or n["redacted"]:
			continue
		node = (n["doctype"], n["name"])
		rows.append(
			{
				"doctype": n["doctype"],
				"name": n["name"],
				"item_code": n["item_code"],
				"item_name": n["item_name"],
				"side": n["side"],
				"depth": n["depth"],
				"qty": n["qty"],
				"purchase_receipt": ", ".join(dict.fromkeys(receipts.get(node, []))) or None,
				"supplier_batch_no": supplier_batch.get(node),
				"route": n["route"],
			}
		)
	return rows


def produced_by(lots: list[Node]) -> dict[Node, list[tuple[str, str | None]]]:
	"""Lot -> [(Stock Entry, Work Order)] that produced it."""
	if not lots:
		return {}
	params = {"types": tuple({n[0] for n in lots}), "names": tuple({n[1] for n in lots})}
	wanted = set(lots)
	out: dict[Node, list] = defaultdict(list)
	for target_type, target_name, voucher_no, work_order in frappe.db.sql(PRODUCED_BY, params):
		if (target_type, target_name) in wanted:
			out[(target_type, target_name)].append((voucher_no, work_order))
	return out


def job_card_rows(work_orders: list[str], produced, readable: Readable) -> list[dict]:
	if not work_orders:
		return []
	lots_of = defaultdict(list)
	for lot, pairs in produced.items():
		for _se, wo in pairs:
			if wo and lot[1] not in lots_of[wo]:
				lots_of[wo].append(lot[1])
	cards = frappe.get_all(
		"Job Card",
		filters={"work_order": ("in", work_orders), "docstatus": ("<", 2)},
		fields=[
			"name",
			"work_order",
			"operation",
			"workstation",
			"status",
			"for_quantity",
			"total_completed_qty",
			"actual_start_date",
			"actual_end_date",
		],
		order_by="work_order, sequence_id, name",
	)
	cards = [c for c in cards if readable("Job Card", c.name)]
	logs = defaultdict(list)
	if cards:
		for log in frappe.get_all(
			"Job Card Time Log",
			filters={"parent": ("in", [c.name for c in cards]), "parenttype": "Job Card"},
			fields=[
				"parent",
				"employee",
				"from_time",
				"to_time",
				"completed_qty",
				"time_in_mins",
				"operation",
			],
			order_by="from_time",
		):
			logs[log.parent].append(log)
	rows = []
	for card in cards:
		card_logs = logs.get(card.name, [])
		starts = [get_datetime(log.from_time) for log in card_logs if log.from_time]
		ends = [get_datetime(log.to_time) for log in card_logs if log.to_time]
		rows.append(
			{
				"job_card": card.name,
				"work_order": readable.name("Work Order", card.work_order),
				"operation": card.operation,
				"workstation": card.workstation,
				"status": card.status,
				"completed_qty": card.total_completed_qty,
				"from_time": min(starts) if starts else card.actual_start_date,
				"to_time": max(ends) if ends else card.actual_end_date,
				"lots": ", ".join(lots_of.get(card.work_order, [])),
				"route": route("Job Card", card.name),
				"logs": card_logs,
			}
		)
	return rows


def operator_rows(job_cards: list[dict], readable: Readable) -> list[dict]:
	employees = sorted({log.employee for jc in job_cards for log in jc["logs"] if log.employee})
	names = (
		dict(
			frappe.get_all(
				"Employee",
				filters={"name": ("in", employees)},
				fields=["name", "employee_name"],
				as_list=1,
			)
		)
		if employees
		else {}
	)
	rows = []
	for jc in job_cards:
		for log in jc["logs"]:
			visible = bool(log.employee) and readable("Employee", log.employee)
			rows.append(
				{
					"employee": readable.name("Employee", log.employee),
					"employee_name": names.get(log.employee) if visible else None,
					"job_card": jc["job_card"],
					"operation": log.operation or jc["operation"],
					"workstation": jc["workstation"],
					"from_time": log.from_time,
					"to_time": log.to_time,
					"completed_qty": log.completed_qty,
				}
			)
	return rows


def inspection_rows(lots: list[Node], vouchers, job_cards: list[dict], readable: Readable) -> list[dict]:
	batches = [n[1] for n in lots if n[0] == "Batch"]
	serials = [n[1] for n in lots if n[0] == "Serial No"]
	references = sorted({v[1] for v in vouchers} | {jc["job_card"] for jc in job_cards})
	or_filters = []
	if batches:
		or_filters.append(["batch_no", "in", batches])
	if serials:
		or_filters.append(["item_serial_no", "in", serials])
	if references:
		or_filters.append(["reference_name", "in", references])
	if not or_filters:
		return []
	wanted_refs = {(v[0], v[1]) for v in vouchers} | {("Job Card", jc["job_card"]) for jc in job_cards}
	rows = []
	for qi in frappe.get_all(
		"Quality Inspection",
		filters={"docstatus": ("<", 2)},
		or_filters=or_filters,
		fields=[
			"name",
			"inspection_type",
			"reference_type",
			"reference_name",
			"item_code",
			"batch_no",
			"item_serial_no",
			"status",
			"report_date",
			"inspected_by",
			"docstatus",
		],
		order_by="report_date, name",
	):
		by_lot = qi.batch_no in batches or qi.item_serial_no in serials
		if not by_lot and (qi.reference_type, qi.reference_name) not in wanted_refs:
			continue  # a reference_name match of another doctype
		if not readable("Quality Inspection", qi.name):
			continue
		rows.append(
			{
				"quality_inspection": qi.name,
				"inspection_type": qi.inspection_type,
				"reference_type": qi.reference_type,
				"reference_name": readable.name(qi.reference_type, qi.reference_name)
				if qi.reference_type
				else None,
				"item_code": qi.item_code,
				"batch_no": qi.batch_no,
				"serial_no": qi.item_serial_no,
				"status": qi.status,
				"submitted": qi.docstatus == 1,
				"report_date": qi.report_date,
				"inspected_by": qi.inspected_by,
				"route": route("Quality Inspection", qi.name),
			}
		)
	return rows


def customer_rows(result: TraceResult, readable: Readable) -> list[dict]:
	"""One row per Delivery Note reached forward (or backward, for a traced delivery's lot)."""
	deliveries: dict[str, dict] = {}
	for trace in result.traces.values():
		for edge in trace.edges:
			if edge.target[0] == "Delivery Note" and edge.source[0] in LOT_DOCTYPES:
				row = deliveries.setdefault(edge.target[1], {"lots": [], "qty": 0.0, "customer": None})
				row["lots"].append(edge.source)
				row["qty"] += edge.qty
				row["posting_datetime"] = result.edge_info(edge).get("posting_datetime")
			elif edge.source[0] == "Delivery Note" and edge.target[0] == "Customer":
				row = deliveries.setdefault(edge.source[1], {"lots": [], "qty": 0.0, "customer": None})
				row["customer"] = edge.target[1]
	customers = sorted({r["customer"] for r in deliveries.values() if r["customer"]})
	customer_names = (
		dict(
			frappe.get_all(
				"Customer", filters={"name": ("in", customers)}, fields=["name", "customer_name"], as_list=1
			)
		)
		if customers
		else {}
	)
	rows = []
	for delivery, row in sorted(deliveries.items(), key=lambda kv: str(kv[1].get("posting_datetime"))):
		dn_visible = readable("Delivery Note", delivery)
		customer = row["customer"]
		customer_visible = bool(customer) and readable("Customer", customer)
		rows.append(
			{
				"delivery_note": delivery if dn_visible else REDACTED,
				"posting_datetime": row.get("posting_datetime") if dn_visible else None,
				"customer": customer if customer_visible else (REDACTED if customer else None),
				"customer_name": customer_names.get(customer) if customer_visible else None,
				"lots": ", ".join(lot[1] for lot in dict.fromkeys(row["lots"]) if readable(*lot)),
				"qty": row["qty"] if dn_visible else None,
				"route": route("Delivery Note", delivery) if dn_visible else None,
				"customer_route": route("Customer", customer) if customer_visible else None,
			}
		)
	return rows


def iot_available() -> bool:
	return all(
		frappe.db.exists("DocType", dt) for dt in ("IoT Device", "IoT Tag", "IoT Minute Aggregate")
	) and frappe.db.table_exists("IoT Minute Aggregate")


def process_parameters_readable(readable: Readable) -> bool:
	"""Process statistics are the machines' recorded signals: shown to users who may read the IoT Minute
	Aggregates they are computed from (the device names are redacted row by row besides)."""
	return not iot_available() or readable.mode("IoT Minute Aggregate") != "none"


def process_parameter_rows(job_cards: list[dict], readable: Readable) -> list[dict]:
	"""Min / max / mean of each Process Parameter tag of the job card's workstation's IoT devices, over the
	job card's time logs (nothing when the IoT tables are not there or no device is configured)."""
	windows = [jc for jc in job_cards if jc["workstation"] and jc["from_time"] and jc["to_time"]]
	if not windows or not iot_available():
		return []
	devices = frappe.get_all(
		"IoT Device",
		filters={"workstation": ("in", sorted({jc["workstation"] for jc in windows}))},
		fields=["name", "workstation"],
		order_by="name",
	)
	if not devices:
		return []
	tags = defaultdict(dict)
	for tag in frappe.get_all(
		"IoT Tag",
		filters={
			"parent": ("in", [d.name for d in devices]),
			"parenttype": "IoT Device",
			"signal_role": "Process Parameter",
		},
		fields=["parent", "tag_key", "unit"],
		order_by="idx",
	):
		tags[tag.parent][tag.tag_key] = tag.unit
	rows = []
	for jc in windows:
		for device in devices:
			if device.workstation != jc["workstation"] or not tags.get(device.name):
				continue
			visible = readable("IoT Device", device.name)
			for agg in frappe.db.sql(
				PROCESS_WINDOW,
				{
					"device": device.name,
					"tags": tuple(tags[device.name]),
					"start": jc["from_time"],
					"end": jc["to_time"],
				},
				as_dict=True,
			):
				samples = flt(agg.samples)
				rows.append(
					{
						"workstation": jc["workstation"],
						"job_card": jc["job_card"],
						"device": device.name if visible else REDACTED,
						"tag": agg.tag,
						"unit": tags[device.name].get(agg.tag),
						"from_time": jc["from_time"],
						"to_time": jc["to_time"],
						"samples": int(samples),
						"minimum": agg.minimum,
						"maximum": agg.maximum,
						"mean": flt(agg.total) / samples if samples else None,
					}
				)
	return rows
