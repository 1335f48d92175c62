"""Demo step "shop_history": the shop floor of the demo week.

- shift patterns (白班 08:00-17:00 with a lunch break, 晚班 18:00-22:00) on the demo workstations, as their
  working hours say;
- one user per workflow approver role (R&D, process engineering, workshop director);
- a work order of each type (trial, mass production, rework) taken through the Work Order approval workflow
  by those users, its job cards worked on days 5 and 6 of the week (time logs by the demo operators), the
  last operation of the rework order left running at the operator terminal (so the board shows a live job);
- half of the automatic stops classified with reasons from the downtime reason tree (the rest stay in
  "Unclassified Stops" for the supervisor);
- the OEE Records of every demo workstation for the week.

Every record is looked up by a stable key (a work order's description, a user's e-mail, a shift's name, the
terminal action's id), and the OEE of the week is computed up to the end of the machine-history week, so a
second run creates nothing.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import flt, get_system_timezone, getdate

from mom_app.production import oee
from mom_app.setup.demo import data
from mom_app.setup.demo.genealogy_history import IOT_ANCHOR, at, employee, item_warehouse, week_start
from mom_app.setup.demo.state import Demo
from mom_app.setup.demo.steps import ensure_user, warehouse

SHIFTS = {
	"白班": ("08:00:00", "17:00:00", [("12:00:00", "13:00:00")]),
	"晚班": ("18:00:00", "22:00:00", []),
}
WORKSTATION_SHIFTS = {
	"CNC-01": ("白班", "晚班"),
	"CNC-02": ("白班", "晚班"),
	"CNC-03": ("白班", "晚班"),
	"CNC-04": ("白班", "晚班"),
	"ASM-01": ("白班",),
	"QC-LAB": ("白班",),
}
# login: (name, role)
APPROVERS = {
	"rd": ("吴研", "R&D Engineer"),
	"process": ("郑工艺", "Process Engineer"),
	"director": ("冯主任", "Workshop Director"),
}
SUPERVISOR, OPERATOR, INSPECTOR = "supervisor", "operator", "inspector"
PROJECT = "输出轴改进试制"
# description (the key): (order type, qty, (day, hour), [(who, action)], live: leave the last operation running)
ORDERS = {
	"演示试制：输出轴新刀具试切": (
		"Trial Production",
		6,
		(5, 9),
		[("rd", "Approve"), ("process", "Approve"), (SUPERVISOR, "Approve"), (SUPERVISOR, "Release")],
		False,
	),
	"演示量产：输出轴补库": (
		"Mass Production",
		10,
		(5, 13),
		[("director", "Approve"), (SUPERVISOR, "Release")],
		False,
	),
	"演示返工：轴承位尺寸超差返修": (
		"Rework",
		4,
		(6, 9),
		[(INSPECTOR, "Approve"), (SUPERVISOR, "Release")],
		True,
	),
}
OPERATION_BADGES = {"粗车": "JG-E0007", "精车": "JG-E0008"}
REASONS = ("Machine Breakdown", "Changeover", "Waiting for Material", "Tooling Failure", "Adjustment")


def shop_history(demo: Demo):
	demo.track("Shift Pattern", "User", "Project", "Work Order", "Job Card", "OEE Record")
	shift_patterns(demo)
	for login, (name, role) in APPROVERS.items():
		ensure_user(demo, data.user_email(login), name, role)
	for description, spec in ORDERS.items():
		approved_order(demo, description, *spec)
	classify_stops(demo)
	frappe.db.commit()
	week_oee(demo)


def shift_patterns(demo: Demo):
	for name, (start, end, breaks) in SHIFTS.items():
		demo.ensure(
			"Shift Pattern",
			name,
			{
				"shift_name": name,
				"start_time": start,
				"end_time": end,
				"breaks": [{"start_time": s, "end_time": e} for s, e in breaks],
				**{
					day: 1
					for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
				},
			},
		)
	for workstation, shifts in WORKSTATION_SHIFTS.items():
		if not frappe.db.exists("Workstation", workstation):
			continue
		doc = frappe.get_doc("Workstation", workstation)
		if doc.get("mom_shifts"):
			continue
		doc.set("mom_shifts", [{"shift_pattern": s} for s in shifts])
		doc.save()


def approved_order(demo: Demo, description, order_type, qty, when, steps, live):
	day, hour = when
	name = frappe.db.get_value("Work Order", {"description": description, "docstatus": ("<", 2)})
	if not name:
		values = {}
		if order_type == "Trial Production":
			values["project"] = demo.ensure("Project", {"project_name": PROJECT}, {"project_name": PROJECT})
		name = as_user(SUPERVISOR, lambda: new_order(demo, description, order_type, qty, day, values))
		demo.count("Work Order")
		demo.count("Job Card", frappe.db.count("Job Card", {"work_order": name}))
	for who, action in steps:
		doc = frappe.get_doc("Work Order", name)
		if doc.docstatus == 1:
			break
		as_user(who, lambda doc=doc, action=action: apply_workflow(doc, action))
	work_job_cards(demo, name, day, hour, live)


def new_order(demo, description, order_type, qty, day, values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": "SA-SHAFT",
			"bom_no": frappe.db.get_value("Item", "SA-SHAFT", "default_bom"),
			"company": demo.company,
			"qty": qty,
			"skip_transfer": 1,
			"source_warehouse": warehouse(demo, "main"),
			"wip_warehouse": item_warehouse(demo, "SA-SHAFT"),
			"fg_warehouse": item_warehouse(demo, "SA-SHAFT"),
			"planned_start_date": at(day, 8, 30),
			"description": description,
			"mom_order_type": order_type,
			**values,
		}
	)
	doc.get_items_and_operations_from_bom()
	doc.insert()
	return doc.name


def as_user(login: str, fn):
	user = data.user_email(login)
	current = frappe.session.user
	frappe.set_user(user if frappe.db.exists("User", user) else "Administrator")
	try:
		return fn()
	finally:
		frappe.set_user(current)


def work_job_cards(demo: Demo, work_order: str, day: int, hour: int, live: bool):
	"""Time logs on `day` for each job card (one after another), submitted; the last one left running at the
	terminal when `live`."""
	cards = frappe.get_all(
		"Job Card",
		filters={"work_order": work_order, "docstatus": ("<", 2)},
		fields=["name", "docstatus", "operation", "for_quantity"],
		order_by="sequence_id, creation",
	)
	moment = at(day, hour, 0)
	for i, row in enumerate(cards):
		if live and i == len(cards) - 1:
			start_at_terminal(row.name, row.operation)
			continue
		card = frappe.get_doc("Job Card", row.name)
		if card.docstatus == 1:
			moment = max(moment, card.actual_end_date or moment)
			continue
		minutes = flt(frappe.db.get_value("Work Order Operation", card.operation_id, "time_in_mins")) or 60
		scrap = 1 if card.for_quantity > 5 else 0
		# a little slower than the routing says, and a scrapped piece on the larger orders
		end = moment + timedelta(minutes=minutes * 1.15)
		card.set("time_logs", [])
		card.append(
			"time_logs",
			{
				"from_time": moment,
				"to_time": end,
				"completed_qty": card.for_quantity - scrap,
				"employee": employee(OPERATION_BADGES.get(card.operation, "JG-E0001")),
			},
		)
		card.mom_terminal_qty = 1
		card.mom_scrap_qty = scrap
		card.save()  # creates the in-process inspections the quality plans want now
		accept_inspections(card.name, end)
		card.reload()
		card.submit()
		moment = end + timedelta(minutes=20)


def accept_inspections(job_card: str, moment: datetime):
	"""The inspector passes the job card's open in-process inspections: every reading on its nominal."""
	from mom_app.quality.plans import readings_required

	for name in frappe.get_all(
		"Quality Inspection",
		filters={"reference_type": "Job Card", "reference_name": job_card, "docstatus": 0},
		pluck="name",
	):
		qi = frappe.get_doc("Quality Inspection", name)
		n = readings_required(qi)
		for row in qi.readings:
			if row.numeric:
				nominal = (flt(row.min_value) + flt(row.max_value)) / 2
				for i in range(1, n + 1):
					row.set(f"reading_{i}", f"{nominal:.4f}")
			else:
				row.reading_value = row.value
		qi.inspected_by = (
			data.user_email(INSPECTOR)
			if frappe.db.exists("User", data.user_email(INSPECTOR))
			else "Administrator"
		)
		qi.report_date = moment.date()
		qi.save()
		qi.submit()


def start_at_terminal(job_card: str, operation: str):
	"""Start the job at the operator terminal as its operator (idempotent by the action's id)."""
	from mom_app.production.api.terminal import act

	badge = OPERATION_BADGES.get(operation, "JG-E0001")
	user = frappe.db.get_value("Employee", {"mom_badge_barcode": badge}, "user_id") or data.user_email(
		OPERATOR
	)
	current = frappe.session.user
	frappe.set_user(user)
	try:
		# a shared terminal account may act for the badge: the operator of CNC-02 has no login of their own
		workstation = frappe.db.get_value("Job Card", job_card, "workstation")
		if user == data.user_email(OPERATOR) and badge != "JG-E0001":
			frappe.db.set_value("Workstation", workstation, "mom_terminal_user", user)
		act(f"demo-shop-start-{job_card}", "start", badge, job_card, workstation)
	finally:
		frappe.set_user(current)


def classify_stops(demo: Demo):
	"""Every second automatic stop gets a reason from the tree (what a supervisor does in the list)."""
	names = frappe.get_all(
		"Downtime Entry", filters={"mom_source": "Automatic"}, pluck="name", order_by="from_time, name"
	)
	for i, name in enumerate(names):
		if i % 2:
			continue
		entry = frappe.get_doc("Downtime Entry", name)
		if entry.get("mom_downtime_reason"):
			continue
		entry.mom_downtime_reason = REASONS[(i // 2) % len(REASONS)]
		entry.save()


def week_oee(demo: Demo):
	"""OEE Records of the demo workstations, up to the end of the machine-history week (fixed by its first
	run, so a second run only recomputes the same windows)."""
	start = week_start()
	anchor = frappe.db.get_default(IOT_ANCHOR)
	zone = ZoneInfo(get_system_timezone())
	end = (
		datetime.fromtimestamp(float(anchor), zone).replace(tzinfo=None)
		if anchor
		else datetime.combine(getdate(), datetime.min.time())
	)
	end = min(end, frappe.utils.now_datetime())
	workstations = [w for w in WORKSTATION_SHIFTS if frappe.db.exists("Workstation", w)]
	before = frappe.db.count("OEE Record")
	oee.recompute(workstations, start.date(), end.date(), now=end)
	demo.count("OEE Record", frappe.db.count("OEE Record") - before)
	frappe.db.commit()
