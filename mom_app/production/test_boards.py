"""The shop-floor board and the line board (电子看板): one OEE figure and period on tile and drill-down, the words
for states, the stops by reason, the plan and actual of the shift hour by hour, andon calls until answered.

`board_line()` builds a line for these and the browser tests: a Plant Floor with a routed workstation whose
shift runs from the whole hour two hours ago for five hours, two job cards (20 and 10 units at 6 minutes a
unit) of which the first logged 3 units in the shift's first hour and 4 in its second."""

import uuid
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from mom_app.production.api import board, terminal
from mom_app.production.testing import operator, released_job_card, routed_workstation
from mom_app.tests.utils import daytime_zone, erpnext_company, make_user, set_time_zone

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]

LINE = "MOM-BOARD-LINE"
SHIFT = "MOM-BOARD-Shift"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def shift_window():
	"""[start, end) of the test shift: from the whole hour two hours ago, five hours long."""
	start = (now_datetime() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
	return start, start + timedelta(hours=5)


def board_shift() -> str:
	start, end = shift_window()
	doc = (
		frappe.get_doc("Shift Pattern", SHIFT)
		if frappe.db.exists("Shift Pattern", SHIFT)
		else frappe.new_doc("Shift Pattern")
	)
	doc.shift_name = SHIFT
	doc.start_time = start.strftime("%H:%M:00")
	doc.end_time = end.strftime("%H:%M:00")
	for day in WEEKDAYS:
		doc.set(day, 1)
	doc.set("breaks", [])
	doc.set("planned_downtime", [])
	doc.save(ignore_permissions=True)
	return doc.name


def plant_floor(name: str = LINE) -> str:
	if not frappe.db.exists("Plant Floor", name):
		frappe.get_doc({"doctype": "Plant Floor", "floor_name": name, "company": erpnext_company()}).insert(
			ignore_permissions=True
		)
	return name


def clear_workstation(workstation: str):
	"""What earlier runs left at the workstation: job cards set aside, states, stops and calls removed."""
	frappe.db.sql(
		"update `tabJob Card` set docstatus = 2, status = 'Cancelled' where docstatus < 2 and workstation = %s",
		workstation,
	)
	for doctype in ("Machine State Log", "Andon Call"):
		frappe.db.delete(doctype, {"workstation": workstation})
	frappe.db.sql("update `tabDowntime Entry` set docstatus = 2 where workstation = %s", workstation)
	frappe.cache.delete_keys("mom:andon:")


def log_time(job_card: str, employee: str, logs: list[tuple]):
	card = frappe.get_doc("Job Card", job_card)
	for start, end, qty in logs:
		card.append(
			"time_logs", {"from_time": start, "to_time": end, "completed_qty": qty, "employee": employee}
		)
	card.save(ignore_permissions=True)


def board_line(prefix: str = "BOARD") -> frappe._dict:
	frappe.set_user("Administrator")
	line = plant_floor()
	route = routed_workstation(prefix, minutes_per_unit=6, shift=board_shift())
	frappe.db.set_value("Workstation", route.workstation, "plant_floor", line)
	clear_workstation(route.workstation)
	op = operator(f"{prefix.lower()}-op", f"SF-{prefix}-01")
	first = released_job_card(route, 20)
	second = released_job_card(route, 10)
	start, end = shift_window()
	log_time(
		first,
		op.employee,
		[
			(start + timedelta(minutes=5), start + timedelta(minutes=50), 3),
			(start + timedelta(minutes=65), start + timedelta(minutes=110), 4),
		],
	)
	return frappe._dict(
		line=line,
		workstation=route.workstation,
		route=route,
		first=first,
		second=second,
		start=start,
		end=end,
		op=op,
	)


def cid() -> str:
	return str(uuid.uuid4())


class TestBoards(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		# registered first, so it runs last: after FrappeTestCase's rollback of the class's records
		cls.zone_before = None
		cls.addClassCleanup(lambda: cls.zone_before and set_time_zone(cls.zone_before))
		super().setUpClass()
		cls.zone_before = daytime_zone()  # the test shift (two hours ago to three ahead) within today
		cls.b = board_line("BOARD")
		cls.supervisor = make_user("Production Supervisor", "board-sup@mom-test.example")
		cls.keeper = make_user("Storekeeper", "board-keeper@mom-test.example")

	def setUp(self):
		# each test starts from the line as built: no machine states, stops or andon calls
		frappe.set_user("Administrator")
		for doctype in ("Machine State Log", "Andon Call"):
			frappe.db.delete(doctype, {"workstation": self.b.workstation})
		frappe.db.sql(
			"update `tabDowntime Entry` set docstatus = 2 where workstation = %s", self.b.workstation
		)
		frappe.cache.delete_keys("mom:andon:")
		frappe.set_user(self.supervisor)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"

	def tile(self, period="shift"):
		return next(t for t in board.get_board(period) if t["name"] == self.b.workstation)

	def test_tile_and_drilldown_show_one_figure_for_one_period(self):
		for period in ("shift", "day"):
			tile = self.tile(period)
			detail = board.get_workstation_detail(self.b.workstation, period, as_of=tile["as_of"])
			self.assertEqual(tile["period"], detail["period"], period)
			self.assertEqual(tile["oee"], detail["oee"], period)
			self.assertIsNotNone(tile["oee"]["oee"], period)
			self.assertGreater(tile["oee"]["oee"], 0, period)
		tile = self.tile("shift")
		self.assertEqual(tile["period"]["how"], "running")
		self.assertEqual(tile["period"]["shift"], SHIFT)
		self.assertIn(SHIFT, tile["period"]["label"])
		self.assertIn(self.b.start.strftime("%H:%M"), tile["period"]["label"])
		self.assertEqual(
			self.tile("day")["period"]["label"],
			frappe._("Today · {0}").format(frappe.utils.formatdate(frappe.utils.today())),
		)

	def test_oee_is_computed_now_from_the_shift(self):
		# 7 good units at 6 minutes in the time logged (manual data: the logs are the running time)
		tile = self.tile("shift")
		self.assertEqual(tile["oee"]["quality"], 100.0)
		self.assertEqual(tile["oee"]["performance"], round(7 * 6 / 90 * 100, 1))  # 42 of 90 minutes logged

	def test_states_and_statuses_in_the_shop_floors_words(self):
		frappe.set_user("Administrator")
		log = frappe.get_doc(
			{
				"doctype": "Machine State Log",
				"workstation": self.b.workstation,
				"state": "Setup",
				"source": "IoT",  # still open: the machine is in setup now
				"start": now_datetime() - timedelta(minutes=10),
			}
		)
		log.flags.from_iot = True
		log.insert(ignore_permissions=True)
		frappe.set_user(self.supervisor)
		frappe.local.lang = "zh"
		tile = self.tile()
		self.assertEqual(tile["state"], "Setup")
		self.assertEqual(tile["state_label"], "换型调机")  # a changeover, not 设置 (Settings)
		from mom_app.production.api.board.common import (
			job_card_status_label,
			machine_state_label,
			workstation_status_label,
		)

		self.assertEqual(
			[machine_state_label(s) for s in ("Running", "Idle", "Down", "Setup")],
			["运行中", "待机", "停机", "换型调机"],
		)
		self.assertEqual(
			[workstation_status_label(s) for s in ("Production", "Off", "Idle", "Problem", "Setup")],
			["生产中", "关机", "待机", "故障", "换型调机"],
		)
		self.assertEqual(job_card_status_label("Open"), "待开工")
		detail = board.get_workstation_detail(self.b.workstation)
		self.assertEqual(
			[l["label"] for l in detail["legend"]], ["运行中", "待机", "换型调机", "停机", "关机"]
		)
		self.assertIn("换型调机", [t["label"] for t in detail["timeline"]])

	def test_stops_by_reason_each_with_a_label(self):
		start = self.b.start
		for minutes, reason in ((10, None), (20, "Changeover")):
			entry = frappe.get_doc(
				{
					"doctype": "Downtime Entry",
					"workstation": self.b.workstation,
					"from_time": start + timedelta(minutes=minutes),
					"to_time": start + timedelta(minutes=minutes + 5),
					"stop_reason": "",
					"mom_source": "Automatic",
				}
			)
			if reason and frappe.db.exists("Downtime Reason", reason):
				entry.mom_downtime_reason = reason
			entry.flags.mom_automatic = True
			entry.insert(ignore_permissions=True)
			if not reason:  # ERPNext's own reason left empty, as an automatic stop has it
				frappe.db.set_value("Downtime Entry", entry.name, "stop_reason", "")
		detail = board.get_workstation_detail(self.b.workstation)
		self.assertTrue(detail["reasons"])
		self.assertTrue(all(r["label"] for r in detail["reasons"]), detail["reasons"])
		self.assertIn(frappe._("Unclassified"), [r["label"] for r in detail["reasons"]])
		self.assertEqual(sum(r["stops"] for r in detail["reasons"]), 2)
		self.assertEqual(len(detail["stops"]), 2)
		self.assertTrue(all(s["name"] for s in detail["stops"]))

	def test_drilldown_names_the_jobs_of_the_period(self):
		detail = board.get_workstation_detail(self.b.workstation)
		self.assertEqual(detail["workstation"], self.b.workstation)
		jobs = {j["name"]: j for j in detail["jobs"]}
		self.assertEqual(set(jobs), {self.b.first})
		self.assertEqual(jobs[self.b.first]["completed_in_period"], 7)

	def test_line_board_target_and_actual_hour_by_hour(self):
		data = board.get_line_board(self.b.line)
		row = next(r for r in data["workstations"] if r["name"] == self.b.workstation)
		# 10 an hour: the first card's 20 in two hours, then the second's 10
		self.assertEqual([h["planned"] for h in row["hours"]], [10, 10, 10, 0, 0])
		self.assertEqual([h["actual"] for h in row["hours"]], [3, 4, 0, 0, 0])
		self.assertEqual([h["past"] for h in row["hours"]][:2], [True, True])
		current = int((now_datetime() - self.b.start).total_seconds() // 3600)
		self.assertEqual([h["current"] for h in row["hours"]], [i == current for i in range(5)])
		self.assertEqual(row["target"], 30)
		self.assertEqual(row["actual"], 7)
		elapsed = (now_datetime() - (self.b.start + timedelta(hours=2))).total_seconds()
		self.assertGreaterEqual(row["target_now"], 20)
		self.assertLessEqual(row["target_now"], 20 + int(10 * elapsed / 3600) + 1)
		self.assertEqual(row["gap"], 7 - row["target_now"])
		self.assertEqual(row["hours"][0]["label"], self.b.start.strftime("%H:%M"))
		self.assertEqual(row["period"]["how"], "running")
		self.assertEqual(data["line"], self.b.line)
		# one row on its own (what a realtime event refreshes)
		one = board.get_line_board(self.b.line, self.b.workstation)
		self.assertEqual([r["name"] for r in one["workstations"]], [self.b.workstation])

	def test_line_board_refuses_an_unknown_line(self):
		with self.assertRaises(frappe.ValidationError):
			board.get_line_board("<b>no such line</b>")
		self.assertIn(self.b.line, [line["name"] for line in board.get_lines()])

	def test_unknown_period_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			board.get_board("week")

	def test_andon_call_stays_open_until_answered(self):
		op = self.b.op
		frappe.set_user(op.user)
		terminal.andon(cid(), op.badge, self.b.workstation, "material", note="钢材用完")
		terminal.andon(cid(), op.badge, self.b.workstation, "material")  # again: the same call, counted
		frappe.set_user("Administrator")
		calls = frappe.get_all(
			"Andon Call",
			filters={"workstation": self.b.workstation},
			fields=["name", "status", "calls", "kind"],
		)
		self.assertEqual(len(calls), 1, calls)
		call = calls[0]
		self.assertEqual((call.status, call.calls, call.kind), ("Open", 2, "Material"))
		notified = frappe.get_all(
			"Notification Log", filters={"document_type": "Andon Call", "document_name": call.name}
		)
		self.assertTrue(notified)  # the storekeepers' notification opens the call
		frappe.set_user(self.supervisor)
		self.assertEqual([c["name"] for c in self.tile()["andon"]], [call.name])
		row = board.get_line_board(self.b.line, self.b.workstation)["workstations"][0]
		self.assertEqual([c["kind"] for c in row["andon"]], ["Material"])
		# the operator who called does not answer it
		frappe.set_user(op.user)
		doc = frappe.get_doc("Andon Call", call.name)
		with self.assertRaises(frappe.PermissionError):
			doc.acknowledge()
		frappe.set_user(self.keeper)
		doc = frappe.get_doc("Andon Call", call.name)
		doc.acknowledge()
		self.assertEqual(doc.status, "Acknowledged")
		self.assertEqual(doc.acknowledged_by, self.keeper)
		doc.close("送料到位")
		self.assertEqual((doc.status, doc.resolution), ("Closed", "送料到位"))
		with self.assertRaises(frappe.ValidationError):
			doc.close()
		frappe.set_user(self.supervisor)
		self.assertEqual(self.tile()["andon"], [])
		# a new call after the last was closed is a new call
		frappe.set_user(op.user)
		frappe.cache.delete_keys("mom:andon:")
		terminal.andon(cid(), op.badge, self.b.workstation, "material")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Andon Call", {"workstation": self.b.workstation}), 2)
