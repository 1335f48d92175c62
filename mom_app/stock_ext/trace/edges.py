"""The genealogy walk: mom_app.engine.genealogy over the Genealogy Edge table.

`EdgeStore.fetch` answers one whole BFS level with ONE parameterised query on an index of Genealogy Edge.
`run_trace` checks the options, finds the lot (as typed or scanned) and walks backward, forward or both.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, flt

from mom_app.engine import genealogy
from mom_app.engine.genealogy import Edge, Node
from mom_app.stock_ext.capture import SUPPLIER_BATCH_FIELD
from mom_app.stock_ext.trace.redaction import check_lot_readable

DIRECTIONS = ("backward", "forward", "both")
MAX_DEPTH = 50


# what the walk needs; DETAIL_COLUMNS only what the graph and the tables show (the recall scope leaves them out:
# on a wide recall, reading twelve columns of every edge instead of seven costs more than the walk itself)
WALK_COLUMNS = "source_type, source_name, target_type, target_name, qty, voucher_type, voucher_no"
DETAIL_COLUMNS = "source_item, target_item, work_order, posting_datetime, supplier_batch_no"
EDGE_COLUMNS = WALK_COLUMNS + ", " + DETAIL_COLUMNS


def level_query(direction: str, details: bool = True) -> str:
	"""One BFS level's edges. The IN lists may hold pairs that are not in the frontier (Batch X with Serial No
	Y's name): fetch() drops those; the index on (type, name) serves both lists."""
	side = "target" if direction == "backward" else "source"
	return (
		f"select {EDGE_COLUMNS if details else WALK_COLUMNS} from `tabGenealogy Edge`"
		f" where {side}_type in %(types)s and {side}_name in %(names)s"
		" order by posting_datetime, name"
	)


LEVEL_QUERIES = {
	(direction, details): level_query(direction, details)
	for direction in ("backward", "forward")
	for details in (True, False)
}


class EdgeStore:
	"""The `fetch` engine.genealogy needs, over the Genealogy Edge table; remembers each edge's row (with
	`details`, the columns TraceResult.edge_info reads; without, only what the walk needs)."""

	def __init__(self, details: bool = True):
		self.rows: dict[Edge, tuple] = {}
		self.queries = 0
		self.details = details

	def fetch(self, frontier, direction) -> list[Edge]:
		wanted = set(frontier)
		if not wanted:
			return []
		params = {"types": tuple({n[0] for n in wanted}), "names": tuple({n[1] for n in wanted})}
		rows = frappe.db.sql(LEVEL_QUERIES[(direction, self.details)], params)
		self.queries += 1
		edges = []
		for row in rows:
			source, target = (row[0], row[1]), (row[2], row[3])
			if (target if direction == "backward" else source) not in wanted:
				continue
			edge = Edge(source, target, float(row[4] or 0), (row[5], row[6]))
			self.rows.setdefault(edge, row)
			edges.append(edge)
		return edges


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
		_("No Batch or Serial No {0} was found.").format(
			frappe.bold(escape_html(text)) if text else frappe.bold(_("(empty)"))
		),
		frappe.DoesNotExistError,
		title=_("Unknown lot"),
	)


def check_options(direction: str, max_depth) -> int:
	if direction not in DIRECTIONS:
		frappe.throw(
			_("Direction must be one of {0}, not {1}.").format(
				", ".join(DIRECTIONS), frappe.bold(escape_html(str(direction)))
			)
		)
	depth = int(flt(max_depth)) if max_depth not in (None, "") else 20
	return max(1, min(depth, MAX_DEPTH))


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
		if not row or len(row) < 12:
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
