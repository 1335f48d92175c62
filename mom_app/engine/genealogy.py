"""Lot genealogy: which batches went into which, traced backward and forward.

The graph's nodes are `(doctype, name)` pairs: ("Batch", "RM-240101-001"), ("Serial No", ...), and the graph's
ends, ("Purchase Receipt", ...)/("Supplier", ...) on the way in and ("Delivery Note", ...)/("Customer", ...) on
the way out. An edge says "`qty` of `source` went into `target`", made by `voucher` (the Stock Entry, receipt or
delivery that moved it).

The traversal is breadth-first and level by level: it asks a `fetch(frontier, direction)` function for the
edges touching one whole level at a time, so an adapter can answer each level with ONE indexed query instead of
loading a plant's whole history. Every node is visited once, so repacking cycles (A -> B -> A) terminate; its
depth is the length of the shortest path from the start.

Quantities are carried along as they were recorded: every traversed edge keeps its own qty, and each node
reports `through_qty`, the sum of the qty on the traversed edges that reached it (forward: edges into it;
backward: edges out of it towards the start). No proportional split is invented: a batch that fed two
products shows both edges with their real quantities.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Node = tuple[str, str]
Direction = Literal["backward", "forward"]

LOT_DOCTYPES = frozenset({"Batch", "Serial No"})


@dataclass(frozen=True)
class Edge:
	source: Node
	target: Node
	qty: float = 0.0
	voucher: tuple[str, str] | None = None


Fetch = Callable[[Sequence[Node], Direction], Iterable[Edge]]


@dataclass
class Trace:
	start: Node
	direction: Direction
	depth: dict[Node, int] = field(default_factory=dict)  # node -> shortest distance from start
	through_qty: dict[Node, float] = field(default_factory=dict)
	edges: list[Edge] = field(default_factory=list)
	cycles: int = 0  # edges that led back to a node already reached (repacking loops)
	truncated: bool = False  # max_depth stopped the walk while edges continued

	def nodes(self, doctype: str | None = None) -> list[Node]:
		return [n for n in self.depth if doctype is None or n[0] == doctype]


def trace(
	fetch: Fetch, start: Node, direction: Direction = "backward", max_depth: int | None = None
) -> Trace:
	"""Walk from `start` backward (where did it come from) or forward (where did it go)."""
	if direction not in ("backward", "forward"):
		raise ValueError(f"direction must be 'backward' or 'forward', not {direction!r}")
	result = Trace(start=start, direction=direction)
	result.depth[start] = 0
	seen_edges: set[Edge] = set()
	frontier = [start]
	level = 0
	while frontier:
		edges = list(fetch(frontier, direction))
		if max_depth is not None and level >= max_depth:
			result.truncated = bool(edges)
			break
		level += 1
		next_frontier = []
		for edge in edges:
			if edge in seen_edges:
				continue
			seen_edges.add(edge)
			result.edges.append(edge)
			far = edge.source if direction == "backward" else edge.target
			result.through_qty[far] = result.through_qty.get(far, 0.0) + edge.qty
			if far in result.depth:
				if result.depth[far] < level:
					result.cycles += 1
				continue
			result.depth[far] = level
			next_frontier.append(far)
		frontier = next_frontier
	return result


@dataclass
class RecallScope:
	start: Node
	lots: list[Node]  # every batch/serial downstream of the start
	finished: list[Node]  # downstream lots nothing else was made from (what left or sits as product)
	deliveries: list[Node]
	customers: list[Node]
	trace: Trace


def recall_scope(fetch: Fetch, start: Node, max_depth: int | None = None) -> RecallScope:
	"""Everything a suspect lot (e.g. a supplier batch) reached: lots, finished lots, deliveries, customers."""
	forward = trace(fetch, start, "forward", max_depth)
	made_from = {edge.source for edge in forward.edges if edge.target[0] in LOT_DOCTYPES}
	lots = [n for n in forward.depth if n[0] in LOT_DOCTYPES and n != start]
	return RecallScope(
		start=start,
		lots=lots,
		finished=[n for n in lots if n not in made_from],
		deliveries=forward.nodes("Delivery Note"),
		customers=forward.nodes("Customer"),
		trace=forward,
	)
