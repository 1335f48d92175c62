"""The trace as plain data (nodes and edges, redacted) for the page, the API, the report and the exports."""

import frappe

from mom_app.engine.genealogy import LOT_DOCTYPES, Node
from mom_app.stock_ext.trace.edges import TraceResult
from mom_app.stock_ext.trace.enrichment import enrichment
from mom_app.stock_ext.trace.redaction import REDACTED, Readable, route


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
