"""Demo step "maintenance_history": the machines as assets, their plans, meters and condition rule, and a month
of maintenance.

- an ERPNext Asset for every demo workstation (a submitted existing asset without depreciation, of an asset
  category carrying the demo company's accounts), set as the workstation's Machine Asset;
- a spare-parts store, set as the Maintenance Settings' maintenance store when none of the plant's is set;
- maintenance checklists (numbers with limits, pass/fail, text);
- Asset Meters fed by the machines' IoT tags (CNC-01's run hours, CNC-03's cycles), their readings taken from
  the machine-history week (a reading a day), so they go on counting when `mom-simulate` runs;
- Maintenance Plans: a monthly calendar plan for the CNC machines, a run-hour plan for CNC-01, a quarterly or
  cycles (whichever first) plan for CNC-03;
- a month of history for the Maintenance KPIs, written as finished records (times, labour, failure codes,
  Verified or Completed), not through the workflow:
  - the breakdowns of the machine-history week: every Down interval of the state log long enough to be a
    breakdown has its order (source Machine breakdown, keyed by the interval, opened by the IoT writer or
    here), repaired until the machine ran again;
  - repairs earlier in the month that operators called in (andon, requests);
  - the monthly plan's occurrence, opened by the plan's own scan on its lead day, done around its due date
    with its checklist filled in;
- a Condition Rule on CNC-02's drifting spindle temperature (tag "process"), enabled: with `mom-simulate` and
  `mom-collector` running it opens a condition-based order when the temperature stays above its limit.

The month ends with the machine-history week (its end, fixed by the first run). Every record is found by a
stable key before it is made (a name, the breakdown's or repair's order key, the plan's occurrence), and an
order is finished only while it is open, so a second run creates nothing.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.desk.form.assign_to import close_all_assignments
from frappe.utils import get_datetime, get_system_timezone, getdate, now_datetime
from frappe.utils.nestedset import get_root_of

from mom_app.engine.machine_state import DOWN
from mom_app.engine.maintenance.lifecycle import is_open
from mom_app.engine.maintenance.orders import breakdown_order_key, is_breakdown
from mom_app.setup.demo import data
from mom_app.setup.demo.genealogy_history import IOT_ANCHOR
from mom_app.setup.demo.state import Demo
from mom_app.setup.demo.steps import uom

DOCTYPE = "Maintenance Work Order"
DAYS = 30
TECHNICIAN, SUPERVISOR = "technician", "supervisor"


def maintenance_history(demo: Demo):
	demo.track(
		"Asset Category",
		"Asset",
		"Warehouse",
		"Maintenance Settings",
		"Maintenance Checklist",
		"Asset Meter",
		"Asset Meter Reading",
		"Maintenance Plan",
		"Condition Rule",
		DOCTYPE,
	)
	machines = machine_assets(demo)
	if not machines:
		demo.note(_("No demo workstations: the maintenance history is skipped."))
		return
	maintenance_store(demo)
	for name, spec in data.CHECKLISTS.items():
		checklist(demo, name, spec)
	meters = asset_meters(demo, machines)
	plans = maintenance_plans(demo, machines, meters)
	attach_assets(machines)
	breakdown_orders(demo, machines)
	repair_orders(demo, machines)
	monthly_service(demo, plans, machines)
	condition_rules(demo, machines)


# --- the month ------------------------------------------------------------------------------------------


def month() -> tuple[date, date]:
	"""First and last day of the demo month: the 30 days ending with the machine-history week (today without
	it)."""
	end = history_end().date()
	return end - timedelta(days=DAYS - 1), end


def history_end() -> datetime:
	anchor = frappe.db.get_default(IOT_ANCHOR)
	if not anchor:
		return now_datetime()
	zone = ZoneInfo(get_system_timezone())
	return datetime.fromtimestamp(float(anchor), zone).replace(tzinfo=None)


def on(day: int, hhmm: str) -> datetime:
	"""Day `day` of the demo month (0: its first day) at hh:mm."""
	hour, minute = (int(part) for part in hhmm.split(":"))
	return datetime.combine(month()[0] + timedelta(days=day), datetime.min.time()).replace(
		hour=hour, minute=minute
	)


def user(login: str) -> str:
	email = data.user_email(login)
	return email if frappe.db.exists("User", email) else "Administrator"


# --- machines -------------------------------------------------------------------------------------------


def machine_assets(demo: Demo) -> dict[str, str]:
	"""Workstation -> its Asset, for the demo workstations on the site."""
	item_group = demo.ensure(
		"Item Group",
		data.ASSET_ITEM_GROUP,
		{
			"item_group_name": data.ASSET_ITEM_GROUP,
			"parent_item_group": get_root_of("Item Group"),
			"is_group": 0,
		},
	)
	machines = {}
	for workstation, (category_key, purchased, amount) in data.MACHINE_ASSETS.items():
		if not frappe.db.exists("Workstation", workstation):
			continue
		category = asset_category(demo, category_key)
		item = asset_item(demo, category_key, item_group)
		floor = data.WORKSTATIONS[workstation][1]
		location_name = data.PLANT_FLOORS[floor][0] if floor else data.COMPANY["company_name"]
		location = demo.ensure("Location", location_name, {"location_name": location_name})
		asset_name = data.WORKSTATIONS[workstation][4]
		asset = demo.ensure(
			"Asset",
			{"asset_name": asset_name, "company": demo.company, "docstatus": 1},
			{
				"asset_name": asset_name,
				"item_code": item,
				"asset_category": category,
				"company": demo.company,
				"location": location,
				"purchase_date": purchased,
				"available_for_use_date": purchased,
				"gross_purchase_amount": amount,
				"purchase_amount": amount,
				"is_existing_asset": 1,
				"calculate_depreciation": 0,
				"cost_center": frappe.get_cached_value("Company", demo.company, "cost_center"),
			},
			submit=True,
		)
		if frappe.db.get_value("Workstation", workstation, "mom_asset") != asset:
			frappe.db.set_value("Workstation", workstation, "mom_asset", asset)
		machines[workstation] = asset
	return machines


def account(demo: Demo, account_type: str) -> str | None:
	return frappe.db.get_value(
		"Account", {"company": demo.company, "account_type": account_type, "is_group": 0}, "name"
	)


def asset_category(demo: Demo, key: str) -> str:
	"""The asset category of `key` with the demo company's asset accounts (ERPNext requires them)."""
	name = data.ASSET_CATEGORIES[key][0]

	def values():
		accounts = {
			"fixed_asset_account": account(demo, "Fixed Asset"),
			"accumulated_depreciation_account": account(demo, "Accumulated Depreciation"),
			"depreciation_expense_account": account(demo, "Depreciation"),
		}
		return {
			"asset_category_name": name,
			"accounts": [{"company_name": demo.company, **accounts}]
			if accounts["fixed_asset_account"]
			else [],
		}

	return demo.ensure("Asset Category", name, values)


def asset_item(demo: Demo, key: str, item_group: str) -> str:
	category, code, item_name = data.ASSET_CATEGORIES[key]
	return demo.ensure(
		"Item",
		code,
		{
			"item_code": code,
			"item_name": item_name,
			"item_group": item_group,
			"stock_uom": uom("Nos"),
			"is_stock_item": 0,
			"is_fixed_asset": 1,
			"auto_create_assets": 0,
			"asset_category": category,
		},
	)


def maintenance_store(demo: Demo):
	"""The spare-parts store, and the Maintenance Settings pointing at it unless they name one of the plant's
	warehouses already (a store of another company is replaced only while MOM Settings run the demo plant)."""
	store = demo.ensure(
		"Warehouse",
		{"warehouse_name": data.MAINTENANCE_STORE, "company": demo.company},
		lambda: {
			"warehouse_name": data.MAINTENANCE_STORE,
			"company": demo.company,
			"parent_warehouse": frappe.db.get_value(
				"Warehouse", {"company": demo.company, "is_group": 1, "parent_warehouse": ("is", "not set")}
			),
		},
	)
	current = frappe.db.get_single_value("Maintenance Settings", "maintenance_store")
	if current == store:
		return
	if current and frappe.db.get_value("Warehouse", current, "company") == demo.company:
		return  # one of the plant's stores, chosen by someone
	if current and frappe.db.get_single_value("MOM Settings", "company") != demo.company:
		demo.note(
			_("The maintenance store is {0}; left unchanged (the demo plant is {1}).").format(
				current, demo.company
			)
		)
		return
	settings = frappe.get_single("Maintenance Settings")
	settings.maintenance_store = store
	settings.save()
	demo.count("Maintenance Settings")


def checklist(demo: Demo, name: str, spec) -> str:
	category_key, minutes, description, steps = spec
	return demo.ensure(
		"Maintenance Checklist",
		name,
		{
			"checklist_name": name,
			"asset_category": data.ASSET_CATEGORIES[category_key][0],
			"estimated_minutes": minutes,
			"description": description,
			"steps": [
				{
					"instruction": instruction,
					"kind": kind,
					"mandatory": mandatory,
					"low_limit": low,
					"high_limit": high,
					"unit": unit,
				}
				for instruction, kind, mandatory, low, high, unit in steps
			],
		},
	)


# --- meters ---------------------------------------------------------------------------------------------


def asset_meters(demo: Demo, machines: dict) -> dict[str, str]:
	"""Workstation -> its Asset Meter, fed by the workstation's IoT device tag."""
	from mom_app.iot.simulator import device_name

	meters = {}
	for workstation, (meter_name, meter_type, unit, tag, total) in data.METERS.items():
		asset = machines.get(workstation)
		device = device_name(workstation)
		if not asset or not frappe.db.exists("IoT Device", device):
			continue
		name = frappe.db.get_value("Asset Meter", {"asset": asset, "meter_name": meter_name})
		if not name:
			doc = frappe.get_doc(
				{
					"doctype": "Asset Meter",
					"asset": asset,
					"meter_name": meter_name,
					"meter_type": meter_type,
					"unit": unit,
					"source": "IoT Tag",
					"iot_device": device,
					"tag_key": tag,
					"initial_total": total,
				}
			).insert()
			demo.count("Asset Meter")
			demo.count("Asset Meter Reading")  # the total at setup
			name = doc.name
			feed_history(demo, name, device, tag)
		meters[workstation] = name
	return meters


def feed_history(demo: Demo, meter: str, device: str, tag: str):
	"""The meter's readings of the machine-history week: the tag's last value of each day, counted as the
	IoT writer counts them; the total at setup dated at the week's first value."""
	from mom_app.iot.clock import to_unix
	from mom_app.plant_maintenance.meters.feed import advance

	rows = frappe.db.sql(
		"""select r.ts, r.value from `tabIoT Reading` r
		join (select date(ts) as day, max(ts) as ts from `tabIoT Reading`
			where device = %(device)s and tag = %(tag)s and uid like %(history)s group by date(ts)) d
		on r.ts = d.ts
		where r.device = %(device)s and r.tag = %(tag)s and r.uid like %(history)s
		order by r.ts""",
		{"device": device, "tag": tag, "history": f"{device}:hist:%"},
		as_dict=True,
	)
	first = frappe.db.sql(
		"""select ts, value from `tabIoT Reading` where device = %s and tag = %s and uid like %s
		order by ts limit 1""",
		(device, tag, f"{device}:hist:%"),
		as_dict=True,
	)
	if not rows or not first:
		return
	samples = [(to_unix(first[0].ts), first[0].value)] + [(to_unix(r.ts), r.value) for r in rows]
	before = frappe.db.count("Asset Meter Reading", {"asset_meter": meter})
	frappe.db.set_value(
		"Asset Meter Reading",
		{"asset_meter": meter, "source": "Manual"},
		"reading_time",
		first[0].ts,
		update_modified=False,
	)
	advance(meter, samples)
	demo.count("Asset Meter Reading", frappe.db.count("Asset Meter Reading", {"asset_meter": meter}) - before)
	from mom_app.plant_maintenance.meters.rates import update_rates

	update_rates([meter], now=history_end())


# --- plans ----------------------------------------------------------------------------------------------


def maintenance_plans(demo: Demo, machines: dict, meters: dict) -> dict[str, str]:
	"""Plan name -> Maintenance Plan; a plan whose machine or meter is missing is left out."""
	first_day = month()[0]
	plans = {}
	for plan_name, spec in data.PLANS.items():
		values = {
			"plan_name": plan_name,
			"enabled": 1,
			"order_type": "Preventive",
			"priority": "Medium",
			"applies_to": spec["applies_to"],
			"trigger_type": spec["trigger_type"],
			"checklist": spec["checklist"],
			"estimated_hours": spec["estimated_hours"],
			"description": spec["description"],
			"lead_days": spec.get("lead_days", 0),
			"assign_to": user(TECHNICIAN) if user(TECHNICIAN) != "Administrator" else None,
		}
		if spec["applies_to"] == "Asset":
			asset = machines.get(spec["workstation"])
			if not asset:
				continue
			values["asset"] = asset
		else:
			values["asset_category"] = data.ASSET_CATEGORIES[spec["category"]][0]
		if spec["trigger_type"] != "Meter":
			values.update(
				every=spec["every"],
				every_unit=spec["every_unit"],
				schedule=spec["schedule"],
				start_date=first_day + timedelta(days=spec["start_in_days"]),
			)
		if spec["trigger_type"] != "Calendar":
			meter = meters.get(spec["workstation"])
			if not meter:
				continue
			total = frappe.db.get_value("Asset Meter", meter, "current_total") or 0
			values.update(
				meter_type=spec["meter_type"],
				meter_name=spec["meter_name"],
				meter_every=spec["meter_every"],
				lead_units=spec["lead_units"],
				meter_start=max(0, round(total - spec["done_units_ago"])),
			)
		plans[plan_name] = demo.ensure("Maintenance Plan", {"plan_name": plan_name}, values)
	return plans


def monthly_service(demo: Demo, plans: dict, machines: dict):
	"""The monthly plan's occurrence of the demo month: opened by the plan's scan on its lead day, then done
	around the due date (data.PM_DONE) with the checklist filled in."""
	from mom_app.plant_maintenance.plans.scan import scan

	plan_name = next(name for name, spec in data.PLANS.items() if spec["trigger_type"] == "Calendar")
	plan = plans.get(plan_name)
	if not plan:
		return
	due, lead = frappe.db.get_value("Maintenance Plan", plan, ["start_date", "lead_days"])
	due = getdate(due)
	opened_on = datetime.combine(due - timedelta(days=lead or 0), datetime.min.time()).replace(hour=6)
	before = frappe.db.count(DOCTYPE)
	# the past's orders were worked, not assigned: the plan's scan of that day runs without its assignee
	assignee = frappe.db.get_value("Maintenance Plan", plan, "assign_to")
	frappe.db.set_value("Maintenance Plan", plan, "assign_to", None, update_modified=False)
	try:
		scan(today=opened_on.date(), plans=[plan], now=opened_on)
	finally:
		frappe.db.set_value("Maintenance Plan", plan, "assign_to", assignee, update_modified=False)
	demo.count(DOCTYPE, frappe.db.count(DOCTYPE) - before)
	assets = {asset: ws for ws, asset in machines.items()}
	for order in frappe.get_all(
		DOCTYPE,
		filters={"trigger_doctype": "Maintenance Plan", "trigger_name": plan, "due_date": due},
		fields=["name", "asset", "workflow_state"],
	):
		done = data.PM_DONE.get(assets.get(order.asset))
		if not done or not is_open(order.workflow_state):
			continue
		days_after, hhmm, minutes, state = done
		hour, minute = (int(part) for part in hhmm.split(":"))
		start = datetime.combine(due + timedelta(days=days_after), datetime.min.time()).replace(
			hour=hour, minute=minute
		)
		end = start + timedelta(minutes=minutes)
		fill_checklist(order.name, end)
		finish(
			order.name,
			state,
			reported=opened_on,
			acknowledged=opened_on + timedelta(hours=2, minutes=30),
			repair_start=start,
			back_in_service=end,
			values={"scheduled_start": start, "other_cost": data.PM_COST, "work_done": data.PM_WORK_DONE},
		)


def fill_checklist(order: str, moment: datetime):
	for row, value in zip(
		frappe.get_all(
			"Maintenance Work Order Step",
			filters={"parent": order, "parenttype": DOCTYPE},
			fields=["name"],
			order_by="idx",
		),
		data.PM_VALUES,
		strict=False,
	):
		frappe.db.set_value(
			"Maintenance Work Order Step",
			row.name,
			{"value": value, "done": 1, "flagged": 0, "done_by": user(TECHNICIAN), "done_at": moment},
			update_modified=False,
		)


# --- repairs --------------------------------------------------------------------------------------------


def attach_assets(machines: dict):
	"""Orders opened for a demo workstation before it was an asset (the machine-history week's breakdowns,
	opened by the IoT writer) name its asset now."""
	for row in frappe.get_all(
		DOCTYPE,
		filters={"workstation": ("in", list(machines)), "asset": ("is", "not set")},
		fields=["name", "workstation"],
	):
		doc = frappe.get_doc(DOCTYPE, row.name)
		doc.asset = machines[row.workstation]
		doc.company = doc.cost_center = None
		doc.fill_machine()
		frappe.db.set_value(
			DOCTYPE,
			row.name,
			{f: doc.get(f) for f in ("asset", "asset_name", "asset_category", "company", "cost_center")},
			update_modified=False,
		)


def breakdown_orders(demo: Demo, machines: dict):
	"""Every breakdown of the machine-history week (a closed Down interval of the state log lasting the
	breakdown time) has its order - opened here when the IoT writer did not - repaired until the machine ran
	again; a breakdown of the last two days is left Completed for the supervisor to verify."""
	from mom_app.plant_maintenance.breakdowns import open_breakdown, threshold_seconds

	first_day, last_day = month()
	recent = datetime.combine(last_day - timedelta(days=1), datetime.min.time())
	for workstation in machines:
		threshold = threshold_seconds(workstation)
		if threshold <= 0:
			continue
		logs = frappe.get_all(
			"Machine State Log",
			filters={
				"workstation": workstation,
				"state": DOWN,
				"source": "IoT",
				"end": ("is", "set"),
				"start": ("between", [datetime.combine(first_day, datetime.min.time()), history_end()]),
			},
			fields=["name", "device", "start", "end", "downtime_entry"],
			order_by="start",
		)
		for log in logs:
			start, end = get_datetime(log.start), get_datetime(log.end)
			if not is_breakdown(DOWN, start, end, threshold):
				continue
			existing = frappe.db.get_value(
				DOCTYPE,
				{"dedup_key": breakdown_order_key(workstation, start)},
				["name", "workflow_state"],
				as_dict=True,
			)
			if existing and not is_open(existing.workflow_state):
				continue
			name = (
				existing.name
				if existing
				else open_breakdown(workstation, log.name, start, log.downtime_entry)
			)
			if not name:
				continue
			if not existing:
				demo.count(DOCTYPE)
			lasted = (end - start).total_seconds() / 60
			mode, mechanism, cause, remedy, work = data.BREAKDOWN_FINDINGS.get(
				alarm_at(log.device, start), data.BREAKDOWN_FINDINGS[None]
			)
			finish(
				name,
				"Completed" if start >= recent else "Verified",
				reported=start,
				acknowledged=start + timedelta(minutes=min(6, lasted * 0.15)),
				repair_start=start + timedelta(minutes=min(12, lasted * 0.3)),
				back_in_service=end,
				values={
					"asset": machines[workstation],
					"failure_time": start,
					"failure_mode": mode,
					"failure_mechanism": mechanism,
					"failure_cause": cause,
					"detection_method": "Production Interference",
					"remedy_action": remedy,
					"work_done": work,
				},
			)


def alarm_at(device: str, start: datetime) -> int | None:
	"""The alarm code the machine raised as it went down (its "alarm" tag within a minute of the start)."""
	value = frappe.db.get_value(
		"IoT Reading",
		{
			"device": device,
			"tag": "alarm",
			"ts": ("between", [start - timedelta(seconds=60), start + timedelta(seconds=60)]),
			"value": ("!=", 0),
		},
		"value",
	)
	return int(value) if value else None


def repair_orders(demo: Demo, machines: dict):
	"""The repairs operators called in earlier in the month (data.REPAIRS), each once by its key."""
	from mom_app.plant_maintenance.orders import open_order

	for key, spec in data.REPAIRS.items():
		(workstation, day, hhmm, source, priority, to_ack, to_start, to_back, cost, description, mode,
		 mechanism, cause, detection, remedy, work) = spec  # fmt: skip
		asset = machines.get(workstation)
		if not asset:
			continue
		existing = frappe.db.get_value(DOCTYPE, {"dedup_key": key}, ["name", "workflow_state"], as_dict=True)
		if existing and not is_open(existing.workflow_state):
			continue
		reported = on(day, hhmm)
		if existing:
			name = existing.name
		else:
			name, _created = open_order(
				"Corrective",
				source,
				asset=asset,
				priority=priority,
				dedup_key=key,
				reason=description,
				references={"reported_at": reported},
				approve=True,
				ignore_permissions=True,
			)
			demo.count(DOCTYPE)
		finish(
			name,
			"Verified",
			reported=reported,
			acknowledged=reported + timedelta(minutes=to_ack),
			repair_start=reported + timedelta(minutes=to_start),
			back_in_service=reported + timedelta(minutes=to_back),
			values={
				"failure_time": reported,
				"failure_mode": mode,
				"failure_mechanism": mechanism,
				"failure_cause": cause,
				"detection_method": detection,
				"remedy_action": remedy,
				"work_done": work,
				"other_cost": cost,
			},
		)


def finish(
	order: str,
	state: str,
	*,
	reported: datetime,
	acknowledged: datetime,
	repair_start: datetime,
	back_in_service: datetime,
	values: dict,
):
	"""Write an order's history as it happened (the workflow stamps the present, so the times are written in
	place): the technician acknowledged, worked from the repair's start until the machine was back in service
	(one time log: the labour), completed ten minutes later; the supervisor verified an hour after that."""
	technician, supervisor = user(TECHNICIAN), user(SUPERVISOR)
	completed = back_in_service + timedelta(minutes=10)
	labour = round((back_in_service - repair_start).total_seconds() / 3600, 4)
	frappe.db.delete("Maintenance Time Log", {"parent": order, "parenttype": DOCTYPE})
	frappe.get_doc(
		{
			"doctype": "Maintenance Time Log",
			"parent": order,
			"parenttype": DOCTYPE,
			"parentfield": "time_logs",
			"idx": 1,
			"technician": technician,
			"from_time": repair_start,
			"to_time": back_in_service,
			"hours": labour,
		}
	).db_insert()
	fields = {
		"workflow_state": state,
		"reported_at": reported,
		"last_occurrence": reported,
		"acknowledged_at": acknowledged,
		"acknowledged_by": technician,
		"repair_start": repair_start,
		"back_in_service": back_in_service,
		"completed_at": completed,
		"completed_by": technician,
		"labour_hours": labour,
		"creation": reported,
		"modified": completed,
		**values,
	}
	if state == "Verified":
		fields.update(verified_by=supervisor, verified_at=completed + timedelta(hours=1))
	frappe.db.set_value(DOCTYPE, order, fields, update_modified=False)
	# what the order's save derives from these: the machine's asset and company, costs, targets and downtime
	doc = frappe.get_doc(DOCTYPE, order)
	doc.company = doc.cost_center = None
	doc.fill_machine()
	doc.sum_costs()
	doc.timing()
	frappe.db.set_value(
		DOCTYPE,
		order,
		{
			field: doc.get(field)
			for field in (
				"asset",
				"asset_name",
				"asset_category",
				"company",
				"cost_center",
				"parts_cost",
				"total_cost",
				"response_due",
				"repair_due",
				"response_minutes",
				"repair_minutes",
				"downtime_hours",
			)
		},
		update_modified=False,
	)
	close_all_assignments(DOCTYPE, order, ignore_permissions=True)


# --- condition rules ------------------------------------------------------------------------------------


def condition_rules(demo: Demo, machines: dict):
	from mom_app.iot.simulator import device_name

	for rule_name, spec in data.CONDITION_RULES.items():
		workstation = spec["workstation"]
		device = device_name(workstation)
		if workstation not in machines or not frappe.db.exists(
			"IoT Tag", {"parent": device, "parenttype": "IoT Device", "tag_key": spec["tag"]}
		):
			continue
		demo.ensure(
			"Condition Rule",
			rule_name,
			{
				"rule_name": rule_name,
				"enabled": 1,
				"device": device,
				"samples": "Raw Readings",
				"measure": "Value",
				"workstation": workstation,
				"asset": machines[workstation],
				**{key: value for key, value in spec.items() if key != "workstation"},
			},
		)
