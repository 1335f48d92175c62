"""The shop-floor boards' data: the desk page shop-floor-board (车间实时看板: a tile per workstation and its
drill-down) and the full-screen desk page line-board (电子看板: one line for a TV).

- common: who may read what, OEE Record fields and losses, the words for states and statuses;
- period: a workstation's period (this shift / today) and its OEE, computed live, said on tile and drill-down;
- tiles, detail: the board's tiles and a workstation's drill-down;
- line: the line board (target vs actual per shift and hour, state, current job, open andon calls).

Ratios of several OEE records are never averaged: they are computed again from the summed times (OEE x PBT is
the fully productive time of a record, so sum(OEE x PBT) / sum(PBT) is the OEE of the sum)."""

import frappe

from mom_app.production.api.board.common import LOSS_LABELS, LOSSES, RECORD_FIELDS, rollup
from mom_app.production.api.board.detail import detail
from mom_app.production.api.board.line import line_board, lines
from mom_app.production.api.board.period import check_as_of, check_period
from mom_app.production.api.board.tiles import tiles

__all__ = [
	"LOSSES",
	"LOSS_LABELS",
	"RECORD_FIELDS",
	"get_board",
	"get_line_board",
	"get_lines",
	"get_workstation_detail",
	"rollup",
]


@frappe.whitelist()
def get_board(period: str = "shift", workstation: str | None = None) -> list[dict]:
	"""One tile per workstation (or only `workstation`'s): state, current job, open andon calls and the
	OEE of the period ("shift": this shift, "day": today)."""
	return tiles(check_period(period), workstation or None)


@frappe.whitelist()
def get_workstation_detail(workstation: str, period: str = "shift", as_of: str | None = None) -> dict:
	"""One workstation's drill-down for the period: the tile's OEE figure, the state timeline, the losses,
	the stops by reason, the job cards worked. `as_of` is the moment the tile was computed at (its `as_of`),
	so the drill-down shows the very figure of the tile; now when not given."""
	return detail(workstation, check_period(period), check_as_of(as_of))


@frappe.whitelist()
def get_lines() -> list[dict]:
	"""The lines (Plant Floors) a line board can show."""
	return lines()


@frappe.whitelist()
def get_line_board(line: str | None = None, workstation: str | None = None) -> dict:
	"""The line board of a line (a Plant Floor; none: the workstations on no line), or of one workstation
	of it."""
	return line_board(line, workstation or None)
