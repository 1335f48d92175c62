"""Genealogy traversal on constructed graphs."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.genealogy import Edge, recall_scope, trace
from tests.genealogy_graph import Graph


def B(name):
	return ("Batch", name)


def plant():
	"""Supplier batch RM1 -> two sub-assembly batches -> one finished batch (a diamond) -> two deliveries."""
	return Graph(
		[
			Edge(("Purchase Receipt", "PR1"), B("RM1"), 100, ("Purchase Receipt", "PR1")),
			Edge(("Supplier", "Acme"), ("Purchase Receipt", "PR1"), 100),
			Edge(B("RM1"), B("SA1"), 40, ("Stock Entry", "SE1")),
			Edge(B("RM1"), B("SA2"), 60, ("Stock Entry", "SE2")),
			Edge(B("RM2"), B("SA2"), 5, ("Stock Entry", "SE2")),
			Edge(B("SA1"), B("FG1"), 10, ("Stock Entry", "SE3")),
			Edge(B("SA2"), B("FG1"), 10, ("Stock Entry", "SE3")),
			Edge(B("FG1"), ("Delivery Note", "DN1"), 6, ("Delivery Note", "DN1")),
			Edge(B("FG1"), ("Delivery Note", "DN2"), 4, ("Delivery Note", "DN2")),
			Edge(("Delivery Note", "DN1"), ("Customer", "Bolt Ltd"), 6),
			Edge(("Delivery Note", "DN2"), ("Customer", "Nut Co"), 4),
		]
	)


def test_backward_diamond():
	t = trace(plant().fetch, B("FG1"), "backward")
	assert t.depth == {
		B("FG1"): 0,
		B("SA1"): 1,
		B("SA2"): 1,
		B("RM1"): 2,
		B("RM2"): 2,
		("Purchase Receipt", "PR1"): 3,
		("Supplier", "Acme"): 4,
	}
	# RM1 reached through both sub-assemblies: both edges kept with their own quantities
	assert t.through_qty[B("RM1")] == 100
	assert t.through_qty[B("RM2")] == 5
	assert t.cycles == 0
	assert len(t.edges) == 7


def test_forward_and_recall_scope():
	scope = recall_scope(plant().fetch, B("RM1"))
	assert set(scope.lots) == {B("SA1"), B("SA2"), B("FG1")}
	assert scope.finished == [B("FG1")]
	assert set(scope.deliveries) == {("Delivery Note", "DN1"), ("Delivery Note", "DN2")}
	assert set(scope.customers) == {("Customer", "Bolt Ltd"), ("Customer", "Nut Co")}
	assert scope.trace.through_qty[("Delivery Note", "DN1")] == 6


def test_unrelated_lot_not_in_scope():
	scope = recall_scope(plant().fetch, B("RM2"))
	assert B("SA1") not in scope.lots
	assert B("SA2") in scope.lots


def test_repacking_cycle_terminates():
	g = Graph([Edge(B("A"), B("B"), 5), Edge(B("B"), B("A"), 5), Edge(B("B"), B("C"), 2)])
	t = trace(g.fetch, B("A"), "forward")
	assert t.depth == {B("A"): 0, B("B"): 1, B("C"): 2}
	assert t.cycles == 1
	t = trace(g.fetch, B("C"), "backward")
	assert t.depth == {B("C"): 0, B("B"): 1, B("A"): 2}


def test_split_and_merge_quantities():
	g = Graph(
		[
			Edge(B("X"), B("Y1"), 3),
			Edge(B("X"), B("Y2"), 7),
			Edge(B("Y1"), B("Z"), 3),
			Edge(B("Y2"), B("Z"), 7),
		]
	)
	t = trace(g.fetch, B("X"), "forward")
	assert t.through_qty == {B("Y1"): 3, B("Y2"): 7, B("Z"): 10}


def chain(n):
	return Graph([Edge(B(f"L{i}"), B(f"L{i + 1}"), 1.0) for i in range(n)])


def test_depth_fifty():
	t = trace(chain(50).fetch, B("L50"), "backward")
	assert len(t.depth) == 51
	assert t.depth[B("L0")] == 50
	assert not t.truncated


def test_max_depth_truncates_and_says_so():
	t = trace(chain(50).fetch, B("L0"), "forward", max_depth=20)
	assert max(t.depth.values()) == 20
	assert t.truncated
	t = trace(chain(5).fetch, B("L0"), "forward", max_depth=20)
	assert not t.truncated


def test_fetch_called_once_per_level():
	g = plant()
	calls = []

	def fetch(frontier, direction):
		calls.append(tuple(frontier))
		return g.fetch(frontier, direction)

	trace(fetch, B("FG1"), "backward")
	assert len(calls) == 5  # 4 levels with edges + the last empty level
	assert calls[0] == (B("FG1"),)


def test_unknown_start_is_alone_and_bad_direction_rejected():
	t = trace(plant().fetch, B("nope"), "forward")
	assert t.depth == {B("nope"): 0} and t.edges == []
	with pytest.raises(ValueError):
		trace(plant().fetch, B("FG1"), "sideways")


edges = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(1, 9)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(edges)
def test_depths_are_shortest_paths(raw):
	g = Graph([Edge(B(str(a)), B(str(b)), q) for a, b, q in raw])
	t = trace(g.fetch, B("0"), "forward")
	# reference: Bellman-style relaxation
	dist = {B("0"): 0}
	for _ in range(13):
		for a, b, _q in raw:
			if B(str(a)) in dist and dist[B(str(a))] + 1 < dist.get(B(str(b)), 10**9):
				dist[B(str(b))] = dist[B(str(a))] + 1
	assert t.depth == dist
	# forward from x reaches y iff backward from y reaches x
	for node in t.depth:
		assert B("0") in trace(g.fetch, node, "backward").depth
