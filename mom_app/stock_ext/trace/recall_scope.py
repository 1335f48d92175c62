"""The recall scope of a suspect lot: everything downstream of it, redacted."""

from mom_app.engine import genealogy
from mom_app.stock_ext.trace.edges import MAX_DEPTH, EdgeStore, TraceResult, check_options, resolve_lot
from mom_app.stock_ext.trace.graph import serialize
from mom_app.stock_ext.trace.redaction import Readable, check_lot_readable


def recall(lot: str, max_depth: int = MAX_DEPTH, graph: bool = False) -> dict:
	"""Everything downstream of a suspect lot (engine.genealogy.recall_scope), redacted; with `graph`, also the
	forward trace's nodes and edges as the page shows them (left out by default: for one coil that went into
	10,000 finished lots the graph is four times the size of the lists and takes longer than the walk)."""
	depth = check_options("forward", max_depth)
	start = resolve_lot(lot)
	check_lot_readable(start)
	store = EdgeStore(details=graph)
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

	out = {
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
	}
	if graph:
		result = TraceResult(start, "forward", depth, store, {"forward": scope.trace})
		out["graph"] = serialize(result, readable, enrich=False)
	return out
