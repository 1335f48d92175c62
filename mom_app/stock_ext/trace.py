"""Trace adapter: mom_app.engine.genealogy over the Genealogy Edge table, plus what ERPNext knows about the
lots it reaches (work orders, job cards, operators, inspections, customers, process parameters).

`EdgeStore.fetch` answers one whole BFS level with ONE parameterised query on an index of Genealogy Edge.
Everything shown is passed through `Readable`: a node or document the user may not read keeps its type but
loses its name and data ("•••").
"""

from collections import defaultdict
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from mom_app.engine import genealogy
from mom_app.engine.genealogy import LOT_DOCTYPES, Edge, Node
from mom_app.stock_ext.capture import SUPPLIER_BATCH_FIELD

REDACTED = "•••"
DIRECTIONS = ("backward", "forward", "both")
MAX_DEPTH = 50

EDGE_COLUMNS = """source_type, source_name, target_type, target_name, qty, voucher_type, voucher_no,
	source_item, target_item, work_order, posting_datetime, supplier_batch_no"""
# The IN lists may hold pairs that are not in the frontier (Batch X with Serial No Y's name): fetch()
# drops those; the index on (type, name) serves both lists.
BACKWARD_LEVEL = (
	"select "
	+ EDGE_COLUMNS
	+ """ from `tabGenealogy Edge`
	where target_type in %(types)s and target_name in %(names)s
	order by posting_datetime, name"""
)
FORWARD_LEVEL = (
	"select "
	+ EDGE_COLUMNS
	+ """ from `tabGenealogy Edge`
	where source_type in %(types)s and source_name in %(names)s
	order by posting_datetime, name"""
)
PRODUCED_BY = """select distinct target_type, target_name, voucher_no, work_order
	from `tabGenealogy Edge`
	where voucher_type = 'Stock Entry' and target_type in %(types)s and target_name in %(names)s"""
PROCESS_WINDOW = """select tag, sum(sample_count) as samples, min(minimum) as minimum, max(maximum) as maximum,
		sum(total) as total
	from `tabIoT Minute Aggregate`
	where device = %(device)s and tag in %(tags)s and minute >= %(start)s and minute < %(end)s
	group by tag
	order by tag"""


class EdgeStore:
	"""The `fetch` engine.genealogy needs, over the Genealogy Edge table; remembers each edge's row."""

	def __init__(self):
		self.rows: dict[Edge, tuple] = {}
		self.queries = 0

	def fetch(self, frontier, direction) -> list[Edge]:
		wanted = set(frontier)
		if not wanted:
			return []
		params = {"types": tuple({n[0] for n in wanted}), "names": tuple({n[1] for n in wanted})}
		rows = frappe.db.sql(BACKWARD_LEVEL if direction == "backward" else FORWARD_LEVEL, params)
		self.queries += 1
		edges = []
		for row in rows:
			source, target = (row[0], row[1]), (row[2], row[3])
			if (target if direction == "backward" else source) not in wanted:
				continue
			edge = Edge(source, target, flt(row[4]), (row[5], row[6]))
			self.rows.setdefault(edge, row)
			edges.append(edge)
		return edges


class Readable:
	"""Whether the current user may read a document, asked once per document.

	A doctype the user's roles cannot read is hidden whole (documents shared with the user excepted); one
	they can read is checked document by document only where something could still deny it (user
	permissions, if-owner rules, has_permission hooks), with frappe.has_permission on that document."""

	def __init__(self, user: str | None = None):
		self.user = user or frappe.session.user
		self.modes: dict[str, str] = {}
		self.answers: dict[Node, bool] = {}
		self._user_permissions = None

	def mode(self, doctype: str) -> str:
		if doctype not in self.modes:
			self.modes[doctype] = self._mode(doctype)
		return self.modes[doctype]

	def _mode(self, doctype: str) -> str:
		if self.user == "Administrator":
			return "all"
		if not frappe.db.exists("DocType", doctype):
			return "none"
		from frappe.permissions import get_role_permissions, get_user_permissions

		roles = get_role_permissions(frappe.get_meta(doctype), user=self.user)
		if not roles.get("read"):
			return "each" if frappe.has_permission(doctype, "read", user=self.user) else "none"
		if self._user_permissions is None:
			self._user_permissions = bool(get_user_permissions(self.user))
		if (
			roles.get("has_if_owner_enabled")
			or self._user_permissions
			or frappe.get_hooks("has_permission").get(doctype)
		):
			return "each"
		return "all"

	def __call__(self, doctype: str, name: str | None) -> bool:
		if not name:
			return False
		key = (doctype, name)
		if key not in self.answers:
			mode = self.mode(doctype)
			if mode == "each":
				try:
					allowed = bool(frappe.has_permission(doctype, "read", doc=name, user=self.user))
				except frappe.DoesNotExistError:
					allowed = False
			else:
				allowed = mode == "all"
			self.answers[key] = allowed
		return self.answers[key]

	def name(self, doctype: str, name: str | None) -> str | None:
		"""`name` if readable, else the redaction mark (None stays None)."""
		if not name:
			return name
		return name if self(doctype, name) else REDACTED


# ----------------------------------------------------------------------------------------- lookups


def resolve_lot(lot: str) -> Node:
	"""The Batch or Serial No called `lot` (as typed or scanned); throws DoesNotExistError if none."""
	text = (lot or "").strip()
	if text:
		for doctype in ("Batch", "Serial No"):
			name = frappe.db.get_value(doctype, text, "name")
			if name:
				return (doctype, name)
		# a supplier's label scanned at goods receipt: the one batch that carries its number
		if frappe.get_meta("Batch").has_field(SUPPLIER_BATCH_FIELD):
			batches = frappe.get_all("Batch", filters={SUPPLIER_BATCH_FIELD: text}, pluck="name", limit=2)
			if len(batches) == 1:
				return ("Batch", batches[0])
	frappe.throw(
		_("No Batch or Serial No {0} was found.").format(frappe.bold(text or _("(empty)"))),
		frappe.DoesNotExistError,
		title=_("Unknown lot"),
	)


def check_lot_readable(node: Node):
	if not frappe.has_permission(node[0], "read", doc=node[1]):
		frappe.throw(
			_("You are not permitted to read {0} {1}.").format(_(node[0]), frappe.bold(node[1])),
			frappe.PermissionError,
		)


def check_options(direction: str, max_depth) -> int:
	if direction not in DIRECTIONS:
		frappe.throw(
			_("Direction must be one of {0}, not {1}.").format(", ".join(DIRECTIONS), frappe.bold(direction))
		)
	depth = int(flt(max_depth)) if max_depth not in (None, "") else 20
	return max(1, min(depth, MAX_DEPTH))


# ----------------------------------------------------------------------------------------- the trace


class TraceResult:
	"""The traversal(s) of one lot with everything needed to show them."""

	def __init__(self, start: Node, direction: str, max_depth: int, store: EdgeStore, traces: dict):
		self.start = start
		self.direction = direction
		self.max_depth = max_depth
		self.store = store
		self.traces: dict[str, genealogy.Trace] = traces

	@classmethod
	def walk(cls, start: Node, direction: str, max_depth: int) -> "TraceResult":
		store = EdgeStore()
		traces = {
			side: genealogy.trace(store.fetch, start, side, max_depth)
			for side in ("backward", "forward")
			if direction in (side, "both")
		}
		return cls(start, direction, max_depth, store, traces)

	def edge_info(self, edge: Edge) -> dict:
		row = self.store.rows.get(edge)
		if not row:
			return {}
		return {
			"source_item": row[7],
			"target_item": row[8],
			"work_order": row[9],
			"posting_datetime": row[10],
			"supplier_batch_no": row[11],
		}


def run_trace(lot: str, direction: str = "both", max_depth: int = 20) -> TraceResult:
	depth = check_options(direction, max_depth)
	start = resolve_lot(lot)
	check_lot_readable(start)
	return TraceResult.walk(start, direction, depth)


def route(doctype: str, name: str) -> str:
	return f"/app/{frappe.scrub(doctype).replace('_', '-')}/{quote(str(name), safe='')}"


def serialize(result: TraceResult, readable: Readable | None = None, enrich: bool = True) -> dict:
	"""The trace as plain data for the page, the API, the report and the exports (redacted)."""
	readable = readable or Readable()
	ids: dict[tuple[str, Node], str] = {}
	nodes: list[dict] = []
	items: dict[Node, str] = {}
	for trace in result.traces.values():
		for edge in trace.edges:
			info = result.edge_info(edge)
			if info.get("source_item"):
				items.setdefault(edge.source, info["source_item"])
			if info.get("target_item"):
				items.setdefault(edge.target, info["target_item"])
	item_names = (
		dict(
			frappe.get_all(
				"Item",
				filters={"name": ("in", sorted(set(items.values())))},
				fields=["name", "item_name"],
				as_list=1,
			)
		)
		if items
		else {}
	)

	def node_id(side: str, node: Node) -> str:
		key = ("start" if node == result.start else side, node)
		return ids[key]

	def add_node(side: str, node: Node, depth: int, qty: float | None, at_limit: bool):
		key = ("start" if node == result.start else side, node)
		if key in ids:
			return
		ids[key] = f"n{len(ids)}"
		visible = readable(*node)
		item_code = items.get(node)
		nodes.append(
			{
				"id": ids[key],
				"doctype": node[0],
				"name": node[1] if visible else REDACTED,
				"redacted": not visible,
				"is_lot": node[0] in LOT_DOCTYPES,
				"side": key[0],
				"depth": depth,
				"qty": qty if visible else None,
				"item_code": item_code if visible else None,
				"item_name": item_names.get(item_code) if visible and item_code else None,
				"route": route(*node) if visible else None,
				"more": at_limit,
			}
		)

	add_node("start", result.start, 0, None, False)
	edges: list[dict] = []
	for side, trace in result.traces.items():
		sign = -1 if side == "backward" else 1
		for node, depth in trace.depth.items():
			add_node(
				side,
				node,
				sign * depth,
				trace.through_qty.get(node),
				trace.truncated and depth == result.max_depth,
			)
		for edge in trace.edges:
			info = result.edge_info(edge)
			hidden = not (readable(*edge.source) and readable(*edge.target))
			voucher_type, voucher_no = edge.voucher or (None, None)
			far = edge.source if side == "backward" else edge.target
			edges.append(
				{
					"source": node_id(side, edge.source),
					"target": node_id(side, edge.target),
					"side": side,
					"depth": sign * trace.depth[far],
					"qty": None if hidden else edge.qty,
					"voucher_type": voucher_type,
					"voucher_no": readable.name(voucher_type, voucher_no) if voucher_type else None,
					"work_order": readable.name("Work Order", info.get("work_order")),
					"posting_datetime": info.get("posting_datetime"),
				}
			)
	out = {
		"lot": {"doctype": result.start[0], "name": result.start[1]},
		"direction": result.direction,
		"max_depth": result.max_depth,
		"truncated": {side: t.truncated for side, t in result.traces.items()},
		"cycles": sum(t.cycles for t in result.traces.values()),
		"nodes": nodes,
		"edges": edges,
		"queries": result.store.queries,
	}
	if enrich:
		out.update(enrichment(result, readable, nodes, items, item_names))
	return out


# ----------------------------------------------------------------------------------------- enrichment


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
		"process_parameters": process_parameter_rows(job_cards, readable),
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


# ----------------------------------------------------------------------------------------- recall scope


def recall(lot: str, max_depth: int = MAX_DEPTH) -> dict:
	"""Everything downstream of a suspect lot (engine.genealogy.recall_scope), redacted."""
	depth = check_options("forward", max_depth)
	start = resolve_lot(lot)
	check_lot_readable(start)
	store = EdgeStore()
	scope = genealogy.recall_scope(store.fetch, start, depth)
	readable = Readable()

	def show(nodes):
		return [
			{
				"doctype": n[0],
				"name": readable.name(*n),
				"redacted": not readable(*n),
				"depth": scope.trace.depth.get(n),
				"qty": scope.trace.through_qty.get(n) if readable(*n) else None,
			}
			for n in nodes
		]

	result = TraceResult(start, "forward", depth, store, {"forward": scope.trace})
	return {
		"lot": {"doctype": start[0], "name": start[1]},
		"lots": show(scope.lots),
		"finished": show(scope.finished),
		"deliveries": show(scope.deliveries),
		"customers": show(scope.customers),
		"counts": {
			"lots": len(scope.lots),
			"finished": len(scope.finished),
			"deliveries": len(scope.deliveries),
			"customers": len(scope.customers),
		},
		"truncated": scope.trace.truncated,
		"graph": serialize(result, readable, enrich=False),
	}
