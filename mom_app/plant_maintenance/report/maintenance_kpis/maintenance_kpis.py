"""Maintenance KPIs: MTBF, MTTR, MTTA, mean downtime, inherent availability, PM compliance, backlog, planned vs
unplanned share and cost per asset, per asset / workstation / asset category / the plant, and per period.

The rows are loaded by mom_app.plant_maintenance.kpis and computed by the engine
(mom_app.engine.maintenance.kpis: the formulas are in its docstring). Each row names its orders (the Orders
column opens them); the summary shows the whole selection; the chart shows the selection's availability, PM
compliance and planned share per period, or, without a period, the groups with the most unplanned downtime.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from mom_app.plant_maintenance import kpis

GROUPS = {
	"Asset": ("asset",),
	"Workstation": ("workstation",),
	"Asset Category": ("category",),
	"Plant": (),
}
PERIODS = {"": None, "Day": "day", "Week": "week", "Month": "month", "Quarter": "quarter", "Year": "year"}
RATIOS = ("inherent_availability", "pm_compliance", "planned_share", "planned_downtime_share")
CHART_GROUPS = 15
NO_DATA = "—"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("from_date") or not filters.get("to_date"):
		frappe.throw(_("Choose the period's first and last day."))
	group_by = GROUPS.get(filters.get("group_by") or "Asset")
	if group_by is None:
		frappe.throw(_("Unknown grouping {0}.").format(frappe.utils.escape_html(str(filters.group_by))))
	if (filters.get("period") or "") not in PERIODS:
		frappe.throw(_("Unknown period {0}.").format(frappe.utils.escape_html(str(filters.period))))
	period = PERIODS[filters.get("period") or ""]
	scope = kpis.scope_of(filters)
	if scope.end < scope.start:
		frappe.throw(_("The last day is before the first day."))
	as_of = now_datetime()
	rows = kpis.load(scope, period=period)
	result = kpis.compute(rows, scope, group_by=group_by, period=period, as_of=as_of)
	total = kpis.compute(rows, scope, as_of=as_of)
	data = [shown(row, rows, period) for row in result]
	if period:
		trend = [shown(row, rows, period) for row in kpis.compute(rows, scope, period=period, as_of=as_of)]
		chart = trend_chart(trend)
	else:
		chart = downtime_chart(data, group_by)
	return (
		columns(group_by, period, data),
		data,
		None,
		chart,
		summary(total[0] if total else None, currency_of(filters.get("company"))),
	)


def shown(row: dict, rows: kpis.Rows, period: str | None) -> dict:
	"""A KPI row as the report shows it: ratios in percent, the period's label, the orders' names and count."""
	out = dict(row)
	for key in RATIOS:
		if out.get(key) is not None:
			out[key] = out[key] * 100
	if "asset" in out:
		info = rows.assets.get(out["asset"]) or {}
		out["asset_name"] = rows.names.get(out["asset"])
		out.setdefault("workstation", info.get("workstation"))
		out.setdefault("category", info.get("category"))
	out["period_label"] = period_label(row.get("period"), period)
	out["order_names"] = row["orders"]
	out["orders"] = len(row["orders"])
	out["inconsistent_names"] = row["inconsistent"]
	out["inconsistent"] = len(row["inconsistent"])
	return out


def period_label(first, period: str | None) -> str | None:
	"""2026-05 for a month, 2026 Q2, 2026; a day or a week by its (first) day."""
	if first is None or period is None:
		return None
	if period == "month":
		return first.strftime("%Y-%m")
	if period == "quarter":
		return f"{first.year} Q{(first.month - 1) // 3 + 1}"
	if period == "year":
		return str(first.year)
	return str(first)


def link_column(fieldname: str, label: str, doctype: str, width: int) -> dict:
	"""A link for a reader of `doctype`, else the name as text: Frappe refuses the whole report to a user
	who may not read a doctype its link columns name (an operator reads no Asset, few read Asset Category)."""
	if frappe.has_permission(doctype, "read"):
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Link",
			"options": doctype,
			"width": width,
		}
	return {"fieldname": fieldname, "label": label, "fieldtype": "Data", "width": width}


def columns(group_by: tuple, period: str | None, data: list[dict]) -> list[dict]:
	cols = []
	if "asset" in group_by:
		cols += [
			link_column("asset", _("Asset"), "Asset", 130),
			{"fieldname": "asset_name", "label": _("Asset Name"), "fieldtype": "Data", "width": 150},
		]
	if "asset" in group_by or "workstation" in group_by:
		cols.append(link_column("workstation", _("Workstation"), "Workstation", 120))
	if "asset" in group_by or "category" in group_by:
		cols.append(link_column("category", _("Asset Category"), "Asset Category", 130))
	if period:
		cols.append({"fieldname": "period_label", "label": _("Period"), "fieldtype": "Data", "width": 100})

	def hours(fieldname, label, width=110):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "precision": 1, "width": width}

	def count(fieldname, label, width=90):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	def percent(fieldname, label, width=120):
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Percent",
			"precision": 1,
			"width": width,
		}

	def money(fieldname, label, width=120):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Currency", "width": width}

	cols += [
		hours("operating_hours", _("Operating Hours")),
		count("failures", _("Failures")),
		hours("mtbf_hours", _("MTBF (h)")),
		count("repairs", _("Repairs")),
		hours("mttr_hours", _("MTTR (h)")),
		hours("mdt_hours", _("Mean Downtime (h)"), 140),
		{
			"fieldname": "mtta_hours",
			"label": _("MTTA (h)"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 90,
		},
		percent("inherent_availability", _("Inherent Availability"), 130),
		count("pm_due", _("PM Due")),
		count("pm_on_time", _("PM On Time")),
		percent("pm_compliance", _("PM Compliance"), 130),
		hours("backlog_hours", _("Backlog (h)"), 130),
		hours("planned_hours", _("Planned Labour (h)"), 160),
		hours("unplanned_hours", _("Unplanned Labour (h)"), 160),
		percent("planned_share", _("Planned Share"), 130),
		hours("unplanned_downtime_hours", _("Unplanned Downtime (h)"), 140),
		hours("planned_downtime_hours", _("Planned Downtime (h)"), 130),
		money("cost", _("Maintenance Cost")),
		count("assets", _("Assets", context="Maintenance KPIs"), 70),
		money("cost_per_asset", _("Cost per Asset"), 140),
		count("orders", _("Orders", context="Maintenance KPIs")),
	]
	if any(row["inconsistent"] for row in data):
		cols.append(count("inconsistent", _("Orders with Times Out of Order"), 170))
	return cols


def summary(total: dict | None, currency: str | None) -> list[dict]:
	"""The whole selection's figures above the table, with one decimal ("—" where there is nothing to divide
	by); "figure" holds the unrounded number."""
	total = total or {}

	def card(key, label, fieldtype, indicator="Blue"):
		value = total.get(key)
		if value is None:
			return {"value": NO_DATA, "label": label, "datatype": "Data", "indicator": "Grey", "figure": None}
		if fieldtype == "Currency":
			return {
				"value": value,
				"label": label,
				"datatype": "Currency",
				"currency": currency,
				"indicator": indicator,
				"figure": value,
			}
		shown = value * 100 if fieldtype == "Percent" else value
		text = frappe.format_value(shown, {"fieldtype": "Float", "precision": 1})
		return {
			"value": text + "%" if fieldtype == "Percent" else text,
			"label": label,
			"datatype": "Data",
			"indicator": indicator,
			"figure": shown,
		}

	return [
		card("mtbf_hours", _("MTBF (h)"), "Float"),
		card("mttr_hours", _("MTTR (h)"), "Float"),
		card("mtta_hours", _("MTTA (h)"), "Float"),
		card("inherent_availability", _("Inherent Availability"), "Percent", "Green"),
		card("pm_compliance", _("PM Compliance"), "Percent", "Green"),
		card("backlog_hours", _("Backlog (h)"), "Float", "Orange"),
		card("planned_share", _("Planned Share"), "Percent"),
		card("cost_per_asset", _("Cost per Asset"), "Currency"),
	]


def currency_of(company: str | None) -> str | None:
	company = company or frappe.defaults.get_user_default("Company") or frappe.db.get_default("company")
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


def trend_chart(trend: list[dict]) -> dict | None:
	"""The selection's inherent availability, PM compliance and planned share per period (percent)."""
	if not trend:
		return None
	return {
		"data": {
			"labels": [row["period_label"] for row in trend],
			"datasets": [
				{
					"name": _("Inherent Availability"),
					"values": [row["inherent_availability"] or 0 for row in trend],
				},
				{"name": _("PM Compliance"), "values": [row["pm_compliance"] or 0 for row in trend]},
				{"name": _("Planned Share"), "values": [row["planned_share"] or 0 for row in trend]},
			],
		},
		# one period is bars: Frappe Charts draws a one-point line as broken SVG paths (console errors)
		"type": "line" if len(trend) > 1 else "bar",
		"colors": ["#16a34a", "#2563eb", "#f59e0b"],
		"fieldtype": "Percent",
	}


def downtime_chart(data: list[dict], group_by: tuple) -> dict | None:
	"""The groups with the most unplanned downtime (hours), with their planned downtime."""
	if not group_by:
		return None
	ranked = sorted(
		(row for row in data if row["unplanned_downtime_hours"] or row["planned_downtime_hours"]),
		key=lambda row: -row["unplanned_downtime_hours"],
	)[:CHART_GROUPS]
	if not ranked:
		return None
	dim = group_by[0]
	return {
		"data": {
			"labels": [
				str((row.get("asset_name") if dim == "asset" else None) or row.get(dim) or _("(none)"))
				for row in ranked
			],
			"datasets": [
				{
					"name": _("Unplanned Downtime (h)"),
					"values": [round(row["unplanned_downtime_hours"], 1) for row in ranked],
				},
				{
					"name": _("Planned Downtime (h)"),
					"values": [round(row["planned_downtime_hours"], 1) for row in ranked],
				},
			],
		},
		"type": "bar",
		"colors": ["#dc2626", "#2563eb"],
	}
