"""Process Capability: every quality characteristic with its control-chart state and Cp, Cpk, Pp, Ppk,
computed now from the same data the SPC chart page shows."""

import frappe
from frappe import _

from mom_app.quality.spc import VARIABLE_CHARTS, evaluate


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = {"enabled": 1}
	if filters.get("item_code"):
		conditions["item_code"] = filters.item_code
	if filters.get("chart_type"):
		conditions["chart_type"] = filters.chart_type
	names = frappe.get_list(
		"Quality Characteristic", filters=conditions, pluck="name", order_by="item_code, name"
	)
	open_holds = {}
	for row in frappe.get_all(
		"Quality Hold",
		filters={"status": "Open", "quality_characteristic": ("is", "set")},
		fields=["quality_characteristic"],
	):
		open_holds[row.quality_characteristic] = open_holds.get(row.quality_characteristic, 0) + 1
	data = []
	for name in names:
		char = frappe.get_doc("Quality Characteristic", name)
		outcome = evaluate(char)
		cap = outcome.get("capability") or {}
		violations = sum(len(v) for v in (outcome.get("violations") or {}).values())
		cpk = cap.get("cpk")
		data.append(
			{
				"characteristic": name,
				"item_code": char.item_code,
				"parameter": char.parameter or char.iot_tag,
				"chart_type": char.chart_type,
				"points": outcome.get("points"),
				"mean": cap.get("mean"),
				"sigma_within": cap.get("sigma_within"),
				"cp": cap.get("cp"),
				"cpk": cpk,
				"pp": cap.get("pp"),
				"ppk": cap.get("ppk"),
				"violations": violations,
				"open_holds": open_holds.get(name, 0),
				"assessment": assessment(cpk, char.chart_type, outcome),
			}
		)
	if filters.get("below_target"):
		data = [d for d in data if d["cpk"] is None or d["cpk"] < 1.33]
	return columns(), data, None, chart(data), summary(data)


def assessment(cpk, chart_type, outcome) -> str:
	if chart_type not in VARIABLE_CHARTS:
		return _("Attribute chart")
	if cpk is None:
		return outcome.get("capability_error") or _("No specification limits")
	if cpk >= 1.67:
		return _("Excellent (Cpk ≥ 1.67)")
	if cpk >= 1.33:
		return _("Capable (Cpk ≥ 1.33)")
	if cpk >= 1.0:
		return _("Marginal (1.00 ≤ Cpk < 1.33)")
	return _("Not capable (Cpk < 1.00)")


def columns():
	return [
		{
			"fieldname": "characteristic",
			"label": _("Characteristic"),
			"fieldtype": "Link",
			"options": "Quality Characteristic",
			"width": 120,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 140},
		{"fieldname": "parameter", "label": _("Parameter"), "fieldtype": "Data", "width": 140},
		{"fieldname": "chart_type", "label": _("Chart"), "fieldtype": "Data", "width": 70},
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 70},
		{"fieldname": "mean", "label": _("Mean"), "fieldtype": "Float", "precision": 4, "width": 90},
		{
			"fieldname": "sigma_within",
			"label": _("Sigma (within)"),
			"fieldtype": "Float",
			"precision": 4,
			"width": 100,
		},
		{"fieldname": "cp", "label": "Cp", "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "cpk", "label": "Cpk", "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "pp", "label": "Pp", "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "ppk", "label": "Ppk", "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "violations", "label": _("Rule Violations"), "fieldtype": "Int", "width": 100},
		{"fieldname": "open_holds", "label": _("Open Holds"), "fieldtype": "Int", "width": 90},
		{"fieldname": "assessment", "label": _("Assessment"), "fieldtype": "Data", "width": 200},
	]


def chart(data):
	rows = [d for d in data if d["cpk"] is not None]
	if not rows:
		return None
	return {
		"data": {
			"labels": [f"{d['item_code']} {d['parameter']}" for d in rows],
			"datasets": [
				{"name": "Cpk", "values": [round(d["cpk"], 3) for d in rows]},
				{"name": "Ppk", "values": [round(d["ppk"], 3) if d["ppk"] is not None else 0 for d in rows]},
			],
		},
		"type": "bar",
		"colors": ["#2490ef", "#7c5cff"],
		"yMarkers": [{"label": "1.33", "value": 1.33}],
	}


def summary(data):
	indexed = [d for d in data if d["cpk"] is not None]
	capable = len([d for d in indexed if d["cpk"] >= 1.33])
	return [
		{"label": _("Characteristics"), "value": len(data), "datatype": "Int"},
		{"label": _("Capable (Cpk ≥ 1.33)"), "value": capable, "datatype": "Int", "indicator": "green"},
		{
			"label": _("Below 1.33"),
			"value": len(indexed) - capable,
			"datatype": "Int",
			"indicator": "red" if len(indexed) > capable else "green",
		},
		{
			"label": _("With rule violations"),
			"value": len([d for d in data if d["violations"]]),
			"datatype": "Int",
			"indicator": "orange",
		},
	]
