"""Maintenance KPIs from the site's data: loads the rows mom_app.engine.maintenance.kpis.compute() takes.

    Scope(start, end, company=None, asset=None, workstation=None, category=None)
    scope_of(filters) -> Scope                 a report's filters (dates as strings or dates)
    load(scope, period=None, operating=True) -> Rows   the orders, operating rows and assets of the scope
    compute(rows, scope, group_by=(), period=None, as_of=None) -> list[dict]   the engine's KPI rows

What is loaded (the session user's rights apply):

- orders: the Maintenance Work Orders the user may read (frappe.get_list: roles and user permissions), neither
  Cancelled nor Rejected, of the scope's company / asset / workstation / asset category, reported before the
  end of the range and not completed before its start (or due inside it). An order's "reported" time is its
  failure time where it has one (a breakdown: when the machine failed, from its state log), else when it was
  reported; "failure" is its Restores a Failure check; the times, due date, estimated and labour hours and
  total cost as the order holds them. Downtime is left to the engine (back in service - failure time for a
  failure, back in service - repair start for other work).
- operating: the OEE Records of the machines (workstations with a Machine Asset the user may read), summed
  in SQL per workstation, "From Machine Data" and period bucket of the engine's `period` (the engine adds the
  buckets up per asset): where the record came from the machine state log, its Running Time; where it did
  not, its Planned Busy Time (the shift patterns' time less breaks and planned downtime). Minutes become hours.
- assets: every machine of the scope and every asset its orders name -> its workstation and asset category:
  the groups of the operating rows, and the number of assets a cost per asset divides by.

The math is the engine's (see its docstring for every formula).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import frappe
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import DateFormat, Extract, Min, Sum
from frappe.utils import getdate
from pypika.enums import DatePart

from mom_app.engine.maintenance import kpis as engine
from mom_app.engine.maintenance.lifecycle import ENDED_STATES

DOCTYPE = "Maintenance Work Order"
ORDER_FIELDS = (
	"name",
	"asset",
	"workstation",
	"asset_category",
	"order_type",
	"is_failure",
	"failure_time",
	"reported_at",
	"acknowledged_at",
	"repair_start",
	"back_in_service",
	"completed_at",
	"due_date",
	"estimated_hours",
	"labour_hours",
	"total_cost",
)
YearWeek = CustomFunction("YEARWEEK", ["date", "mode"])
ISO_WEEK_MODE = 3  # weeks from Monday, as the engine's


@dataclass
class Scope:
	start: date
	end: date
	company: str | None = None
	asset: str | None = None
	workstation: str | None = None
	category: str | None = None


@dataclass
class Rows:
	orders: list = field(default_factory=list)
	operating: list = field(default_factory=list)
	assets: dict = field(default_factory=dict)
	names: dict = field(default_factory=dict)  # asset -> asset name


def scope_of(filters) -> Scope:
	"""The scope of a report's filters: from_date and to_date (required), company, asset, workstation,
	asset_category."""
	filters = frappe._dict(filters or {})
	return Scope(
		start=getdate(filters.from_date),
		end=getdate(filters.to_date),
		company=filters.get("company") or None,
		asset=filters.get("asset") or None,
		workstation=filters.get("workstation") or None,
		category=filters.get("asset_category") or None,
	)


def load(scope: Scope, period: str | None = None, operating: bool = True) -> Rows:
	"""The orders, operating rows and assets of `scope` the session user may read (see the module docstring).
	The operating rows are summed per `period` bucket: compute() may then use that period, or none."""
	frappe.has_permission(DOCTYPE, "read", throw=True)
	rows = Rows()
	machines = machines_of(scope)
	rows.orders = orders_of(scope)
	order_assets = {o["asset"] for o in rows.orders if o["asset"]} - set(machines)
	info = asset_info(set(machines) | order_assets)
	for asset, workstation in machines.items():
		rows.assets[asset] = {"workstation": workstation, "category": info.get(asset, {}).get("category")}
	for order in rows.orders:
		asset = order["asset"]
		if asset and asset not in rows.assets:
			rows.assets[asset] = {
				"workstation": order["workstation"],
				"category": order["category"] or info.get(asset, {}).get("category"),
			}
	rows.names = {asset: i.get("asset_name") for asset, i in info.items()}
	if operating and machines:
		rows.operating = operating_of(scope, machines, period=period)
	return rows


def machines_of(scope: Scope) -> dict:
	"""Asset -> workstation of the machines in scope the user may read (Workstation.mom_asset)."""
	filters = {"mom_asset": ("is", "set")}
	if scope.workstation:
		filters["name"] = scope.workstation
	if scope.asset:
		filters["mom_asset"] = scope.asset
	machines = {}
	for row in frappe.get_list(
		"Workstation", filters=filters, fields=["name", "mom_asset"], order_by="name", limit_page_length=0
	):
		machines.setdefault(row.mom_asset, row.name)
	if machines and (scope.company or scope.category):
		asset_filters = {"name": ("in", list(machines))}
		if scope.company:
			asset_filters["company"] = scope.company
		if scope.category:
			asset_filters["asset_category"] = scope.category
		keep = set(frappe.get_all("Asset", filters=asset_filters, pluck="name"))
		machines = {asset: ws for asset, ws in machines.items() if asset in keep}
	return machines


def asset_info(assets: set) -> dict:
	if not assets:
		return {}
	return {
		row.name: {"category": row.asset_category, "asset_name": row.asset_name}
		for row in frappe.get_all(
			"Asset", filters={"name": ("in", list(assets))}, fields=["name", "asset_category", "asset_name"]
		)
	}


def orders_of(scope: Scope) -> list[dict]:
	"""The engine's order rows of the scope (see the module docstring)."""
	after_end = datetime.combine(scope.end + timedelta(days=1), datetime.min.time())
	filters = [
		[DOCTYPE, "workflow_state", "not in", list(ENDED_STATES)],
		[DOCTYPE, "reported_at", "<", after_end],
	]
	for fieldname, value in (
		("company", scope.company),
		("asset", scope.asset),
		("workstation", scope.workstation),
		("asset_category", scope.category),
	):
		if value:
			filters.append([DOCTYPE, fieldname, "=", value])
	start = datetime.combine(scope.start, datetime.min.time())
	or_filters = [
		[DOCTYPE, "completed_at", "is", "not set"],
		[DOCTYPE, "completed_at", ">=", start],
		[DOCTYPE, "due_date", ">=", scope.start],
	]
	rows = frappe.get_list(
		DOCTYPE,
		filters=filters,
		or_filters=or_filters,
		fields=list(ORDER_FIELDS),
		order_by="reported_at",
		limit_page_length=0,
		as_list=True,
	)
	return [
		{
			"name": name,
			"asset": asset,
			"workstation": workstation,
			"category": category,
			"type": order_type,
			"failure": bool(is_failure),
			"reported": failure_time or reported_at,
			"acknowledged": acknowledged,
			"repair_start": repair_start,
			"back_in_service": back,
			"completed": completed,
			"due": due,
			"estimated_hours": float(estimated or 0),
			"labour_hours": float(labour or 0),
			"cost": float(cost or 0),
		}
		for (
			name,
			asset,
			workstation,
			category,
			order_type,
			is_failure,
			failure_time,
			reported_at,
			acknowledged,
			repair_start,
			back,
			completed,
			due,
			estimated,
			labour,
			cost,
		) in rows
	]


def bucket_of(column, period: str | None):
	"""The SQL grouping terms of a period bucket (each bucket inside one of the engine's periods)."""
	if period is None:
		return []
	if period == engine.DAY:
		return [column]
	if period == engine.WEEK:
		return [YearWeek(column, ISO_WEEK_MODE)]
	if period == engine.MONTH:
		return [DateFormat(column, "%Y-%m")]
	if period == engine.QUARTER:
		return [Extract(DatePart.year, column), Extract(DatePart.quarter, column)]
	if period == engine.YEAR:
		return [Extract(DatePart.year, column)]
	raise ValueError(f"unknown period {period!r}")


def operating_of(scope: Scope, machines: dict, period: str | None = None) -> list[dict]:
	"""The machines' operating rows: OEE Records summed per workstation, machine data or not and period."""
	record = frappe.qb.DocType("OEE Record")
	asset_of = {workstation: asset for asset, workstation in machines.items()}
	buckets = bucket_of(record.day, period)
	query = (
		frappe.qb.from_(record)
		.select(
			record.workstation,
			record.machine_data,
			Min(record.day).as_("first_day"),
			Sum(record.running_time).as_("running"),
			Sum(record.pbt).as_("pbt"),
		)
		.where(record.workstation.isin(list(asset_of)))
		.where(record.day[scope.start : scope.end])
		.groupby(record.workstation, record.machine_data, *buckets)
	)
	out = []
	for workstation, machine_data, first_day, running, pbt in query.run():
		out.append(
			{
				"asset": asset_of[workstation],
				"day": getdate(first_day),
				"running_hours": float(running or 0) / 60 if machine_data else None,
				"planned_busy_hours": float(pbt or 0) / 60,
			}
		)
	return out


def compute(
	rows: Rows, scope: Scope, group_by: tuple = (), period: str | None = None, as_of=None
) -> list[dict]:
	"""The engine's KPI rows of the loaded rows (see mom_app.engine.maintenance.kpis)."""
	return engine.compute(
		rows.orders,
		rows.operating,
		rows.assets,
		group_by=group_by,
		period=period,
		start=scope.start,
		end=scope.end,
		as_of=as_of or frappe.utils.now_datetime(),
	)
