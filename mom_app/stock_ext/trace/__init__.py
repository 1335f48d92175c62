"""Trace adapter: mom_app.engine.genealogy over the Genealogy Edge table, plus what ERPNext knows about the
lots it reaches (work orders, job cards, operators, inspections, customers, process parameters).

The package: edges (EdgeStore, one query per BFS level, and `run_trace`), redaction (`Readable`: what the user
may read; the rest keeps its type and loses its name, "•••"), graph (`serialize`: the trace as plain data),
enrichment (materials, job cards, operators, inspections, customers, process parameters), recall_scope
(`recall`: everything downstream of a suspect lot), export (the trace as Excel and PDF).
"""

from mom_app.stock_ext.trace.edges import (
	DIRECTIONS,
	MAX_DEPTH,
	EdgeStore,
	TraceResult,
	resolve_lot,
	run_trace,
)
from mom_app.stock_ext.trace.enrichment import iot_available
from mom_app.stock_ext.trace.graph import serialize
from mom_app.stock_ext.trace.recall_scope import recall
from mom_app.stock_ext.trace.redaction import REDACTED, Readable

__all__ = [
	"DIRECTIONS",
	"MAX_DEPTH",
	"REDACTED",
	"EdgeStore",
	"Readable",
	"TraceResult",
	"iot_available",
	"recall",
	"resolve_lot",
	"run_trace",
	"serialize",
]
