"""An in-memory edge store for the genealogy tests: the `fetch` mom_app.engine.genealogy.trace() needs."""

from collections.abc import Iterable, Sequence

from mom_app.engine.genealogy import Direction, Edge, Node


class Graph:
	"""Edges kept in memory, answering `fetch` like the adapter's one query per level."""

	def __init__(self, edges: Iterable[Edge] = ()):
		self._out: dict[Node, list[Edge]] = {}
		self._in: dict[Node, list[Edge]] = {}
		for edge in edges:
			self.add(edge)

	def add(self, edge: Edge) -> None:
		self._out.setdefault(edge.source, []).append(edge)
		self._in.setdefault(edge.target, []).append(edge)

	def fetch(self, frontier: Sequence[Node], direction: Direction) -> list[Edge]:
		index = self._in if direction == "backward" else self._out
		return [edge for node in frontier for edge in index.get(node, ())]
