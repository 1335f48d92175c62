"""OEE Analysis: OEE Records grouped by workstation, shift or day; ratios computed from the summed times.

Percentages with one decimal (as the number cards and the board show them); quantities as whole numbers when all
of them are whole (pieces: 93, not 93.000), else with the system's float precision; minutes with one decimal."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, today

from mom_app.production.api.board import LOSS_LABELS, LOSSES, RECORD_FIELDS, rollup

GROUPS = {"Workstation": "workstation", "Shift": "shift", "Day": "day"}
QUANTITIES = ("produced", "good", "scrap", "rework")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_field = GROUPS.get(filters.get("group_by") or "Workstation", "workstation")
	records = frappe.get_list("OEE Record", filters=conditions(filters), fields=RECORD_FIELDS, order_by="day")
	groups: dict = {}
	for r in records:
		groups.setdefault(r.get(group_field), []).append(r)
	data = []
	for key in sorted(groups, key=lambda k: str(k)):
		rows = groups[key]
		ratios = rollup(rows)
		data.append(
			{
				"group": str(key) if group_field == "day" else key,
				"records": len(rows),
				"pbt": round(ratios["pbt"], 1),
				**{k: ratios[k] for k in ("availability", "performance", "quality", "oee", "teep")},
				"produced": ratios["produced"],
				"good": ratios["good"],
				"scrap": sum(flt(r.scrap) for r in rows),
				"rework": sum(flt(r.rework) for r in rows),
				**{loss: round(sum(flt(r.get(loss)) for r in rows), 1) for loss in LOSSES},
			}
		)
	return columns(filters, group_field, quantity_type(data)), data, None, chart(data)


def quantity_type(data: list[dict]) -> str:
	"""The column type of the quantities: Int when every one shown is whole, else Float. (Frappe shows a Float
	report column with at least the system's float precision: a precision of 0 is taken as "not set".)"""
	values = [flt(row.get(field)) for row in data for field in QUANTITIES]
	return "Int" if all(value == int(value) for value in values) else "Float"


def conditions(filters) -> dict:
	out = {
		"day": (
			"between",
			(filters.get("from_date") or add_days(today(), -6), filters.get("to_date") or today()),
		)
	}
	if filters.get("workstation"):
		out["workstation"] = filters.workstation
	if filters.get("shift"):
		out["shift"] = filters.shift
	if filters.get("company"):
		floors = frappe.get_all("Plant Floor", filters={"company": filters.company}, pluck="name")
		out["workstation"] = (
			(
				"in",
				frappe.get_all("Workstation", filters={"plant_floor": ("in", floors or [""])}, pluck="name")
				or [""],
			)
			if not filters.get("workstation")
			else filters.workstation
		)
	return out


def columns(filters, group_field, quantity_fieldtype: str = "Float"):
	label = {"workstation": _("Workstation"), "shift": _("Shift"), "day": _("Day")}[group_field]
	cols = [
		{
			"fieldname": "group",
			"label": label,
			"fieldtype": "Link" if group_field == "workstation" else "Data",
			"options": "Workstation",
			"width": 160,
		},
		{"fieldname": "records", "label": _("Shifts"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "pbt",
			"label": _("Planned Busy Time (min)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 120,
		},
	]
	cols += [
		{"fieldname": field, "label": label, "fieldtype": "Percent", "precision": 1, "width": width}
		for field, label, width in (
			("availability", _("Availability"), 100),
			("performance", _("Performance"), 100),
			("quality", _("Quality"), 90),
			("oee", _("OEE"), 90),
			("teep", _("TEEP"), 90),
		)
	]
	cols += [
		{
			"fieldname": field,
			"label": label,
			"fieldtype": quantity_fieldtype,
			"width": 90,
		}
		for field, label in (
			("produced", _("Produced")),
			("good", _("Good")),
			("scrap", _("Scrap")),
			("rework", _("Rework")),
		)
	]
	cols += [
		{
			"fieldname": loss,
			"label": _(LOSS_LABELS[loss]) + " " + _("(min)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		}
		for loss in LOSSES
	]
	return cols


def chart(data):
	if not data:
		return None
	return {
		"data": {
			"labels": [str(d["group"]) for d in data],
			"datasets": [
				{"name": _("OEE"), "values": [d["oee"] or 0 for d in data]},
				{"name": _("Availability"), "values": [d["availability"] or 0 for d in data]},
				{"name": _("Performance"), "values": [d["performance"] or 0 for d in data]},
				{"name": _("Quality"), "values": [d["quality"] or 0 for d in data]},
			],
		},
		"type": "bar",
		"colors": ["#2563eb", "#16a34a", "#f59e0b", "#7c3aed"],
	}
