"""Work order types through the approval workflow (real users, apply_workflow) -> job cards -> terminal
actions -> ERPNext time logs and quantities -> OEE Records; shift patterns, reasons, the traveler."""

import uuid
from datetime import datetime, timedelta

import frappe
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from mom_app.production import oee
from mom_app.production.api import terminal
from mom_app.production.testing import PASSWORD, operator, routed_workstation, work_order
from mom_app.tests.utils import make_user

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def approvers() -> dict:
	roles = {
		"supervisor": "Production Supervisor",
		"rd": "R&D Engineer",
		"process": "Process Engineer",
		"director": "Workshop Director",
		"qa": "Quality Inspector",
	}
	return {
		key: make_user(role, f"wf-{key}@mom-test.example", password=PASSWORD) for key, role in roles.items()
	}


class TestWorkOrderWorkflow(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.users = approvers()
		cls.route = routed_workstation("WF")
		cls.project = frappe.db.get_value("Project", {"project_name": "MOM-SF Trial Project"}) or (
			frappe.get_doc({"doctype": "Project", "project_name": "MOM-SF Trial Project"})
			.insert(ignore_permissions=True)
			.name
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def create(self, order_type, **values):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 5, order_type, **values)
		doc.insert()
		self.assertEqual(doc.mom_workflow_state, "Draft")
		return doc

	def step(self, doc, who, action, state):
		frappe.set_user(self.users[who])
		doc = apply_workflow(frappe.get_doc("Work Order", doc.name), action)
		self.assertEqual(doc.mom_workflow_state, state)
		return doc

	def test_trial_goes_through_rd_process_and_production(self):
		doc = self.create("Trial Production", project=self.project)
		frappe.set_user(self.users["director"])
		self.assertEqual(get_transitions(frappe.get_doc("Work Order", doc.name)), [])  # not the director's
		doc = self.step(doc, "rd", "Approve", "R&D Approved")
		doc = self.step(doc, "process", "Approve", "Process Approved")
		doc = self.step(doc, "supervisor", "Approve", "Production Approved")
		doc = self.step(doc, "supervisor", "Release", "Approved")
		self.assertEqual(doc.docstatus, 1)
		self.assertTrue(frappe.db.exists("Job Card", {"work_order": doc.name}))

	def test_mass_production_needs_the_director(self):
		doc = self.create("Mass Production")
		frappe.set_user(self.users["rd"])
		self.assertEqual(get_transitions(frappe.get_doc("Work Order", doc.name)), [])
		doc = self.step(doc, "director", "Approve", "Director Approved")
		doc = self.step(doc, "supervisor", "Release", "Approved")
		self.assertEqual(doc.docstatus, 1)

	def test_rework_needs_qa(self):
		doc = self.create("Rework", description="Regrind bearing seat after QH")
		doc = self.step(doc, "qa", "Approve", "QA Approved")
		doc = self.step(doc, "supervisor", "Release", "Approved")
		self.assertEqual(doc.docstatus, 1)

	def test_order_type_required_fields(self):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 5, "Trial Production")
		with self.assertRaises(frappe.MandatoryError) as caught:
			doc.insert()
		self.assertIn("Project", str(caught.exception))
		doc = work_order(self.route, 5, None)
		doc.insert()  # no type given: the field's default
		self.assertEqual(doc.mom_order_type, "Mass Production")

	def test_new_type_needs_no_code(self):
		frappe.set_user("Administrator")
		if not frappe.db.exists("Production Order Type", "MOM-SF Sample"):
			frappe.get_doc(
				{
					"doctype": "Production Order Type",
					"type_name": "MOM-SF Sample",
					"required_fields": [{"fieldname": "expected_delivery_date"}],
				}
			).insert()
		frappe.set_user(self.users["supervisor"])
		with self.assertRaises(frappe.MandatoryError):
			work_order(self.route, 1, "MOM-SF Sample").insert()
		doc = work_order(self.route, 1, "MOM-SF Sample", expected_delivery_date=add_days(today(), 7))
		doc.insert()
		self.assertEqual(
			frappe.get_meta("Production Order Type").get_field("required_fields").options,
			"Production Order Type Field",
		)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Production Order Type",
					"type_name": "MOM-SF Bad",
					"required_fields": [{"fieldname": "nope"}],
				}
			).insert(ignore_permissions=True)

	def test_end_to_end_trial_to_oee(self):
		"""Trial order approved -> job card -> terminal start/complete -> time logs -> OEE Record."""
		doc = self.create("Trial Production", project=self.project)
		for who, action in (
			("rd", "Approve"),
			("process", "Approve"),
			("supervisor", "Approve"),
			("supervisor", "Release"),
		):
			frappe.set_user(self.users[who])
			doc = apply_workflow(frappe.get_doc("Work Order", doc.name), action)
		frappe.set_user("Administrator")
		jc = frappe.db.get_value("Job Card", {"work_order": doc.name})
		# the terminal commits: set aside what an earlier run left running at this workstation
		frappe.db.sql(
			"""update `tabJob Card` set docstatus = 2, status = 'Cancelled'
			where docstatus = 0 and workstation = %s and name != %s""",
			(self.route.workstation, jc),
		)
		op = operator("wf-e2e", "SF-WF-0001", roles=("MOM Operator", "Production Supervisor"))
		frappe.set_user(op.user)
		terminal.act(str(uuid.uuid4()), "start", op.badge, jc, self.route.workstation)
		result = terminal.act(
			str(uuid.uuid4()),
			"complete",
			op.badge,
			jc,
			self.route.workstation,
			good_qty=4,
			scrap_qty=1,
			rework_qty=1,
		)
		self.assertTrue(result["submitted"], result)
		frappe.set_user("Administrator")
		card = frappe.get_doc("Job Card", jc)
		self.assertEqual((card.total_completed_qty, card.process_loss_qty, card.mom_rework_qty), (4, 1, 1))
		names = oee.recompute([self.route.workstation], today())
		record = frappe.get_doc("OEE Record", names[0])
		self.assertEqual((record.good, record.scrap, record.rework), (4, 1, 1))
		self.assertEqual(record.produced, 6)
		self.assertAlmostEqual(record.quality, 4 / 6 * 100, places=1)
		self.assertEqual(record.ideal_cycle_time, 360)  # 6 minutes a unit on the BOM operation


class TestOEEAdapter(FrappeTestCase):
	"""Manual data (no machine): a day shift with a break, two hours logged, ten units at 6 min."""

	def test_manual_day(self):
		frappe.set_user("Administrator")
		if not frappe.db.exists("Shift Pattern", "MOM-SF Day"):
			frappe.get_doc(
				{
					"doctype": "Shift Pattern",
					"shift_name": "MOM-SF Day",
					"start_time": "08:00:00",
					"end_time": "16:00:00",
					"breaks": [{"start_time": "12:00:00", "end_time": "12:30:00"}],
					**{
						d: 1
						for d in (
							"monday",
							"tuesday",
							"wednesday",
							"thursday",
							"friday",
							"saturday",
							"sunday",
						)
					},
				}
			).insert()
		route = routed_workstation("OEE", shift="MOM-SF Day")
		day = getdate(add_days(today(), -3))
		wo = work_order(route, 10)
		wo.insert()
		wo.submit()
		card = frappe.get_doc("Job Card", {"work_order": wo.name})
		employee = operator("oee-op", "SF-OEE-0001").employee
		start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
		card.append(
			"time_logs",
			{
				"from_time": start,
				"to_time": start + timedelta(hours=2),
				"completed_qty": 10,
				"employee": employee,
			},
		)
		card.save()
		card.submit()
		frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": route.workstation,
				"operator": employee,
				"from_time": start + timedelta(hours=3),
				"to_time": start + timedelta(hours=3, minutes=30),
				"mom_downtime_reason": "Cleaning",
			}
		).insert()
		(name,) = oee.recompute([route.workstation], day)
		r = frappe.get_doc("OEE Record", name)
		self.assertEqual((r.shift, r.machine_data), ("MOM-SF Day", 0))
		self.assertEqual(r.pot, 450)
		self.assertEqual(r.pbt, 420)  # the cleaning is planned downtime
		self.assertEqual(r.running_time, 120)
		self.assertAlmostEqual(r.availability, 120 / 420 * 100, places=1)
		self.assertAlmostEqual(r.performance, 50, places=1)  # 10 x 6 min ideal in 120 min
		self.assertEqual(r.quality, 100)
		self.assertAlmostEqual(r.oee, 120 / 420 * 50, places=1)
		# idempotent upsert
		self.assertEqual(oee.recompute([route.workstation], day), [name])
		self.assertEqual(frappe.db.count("OEE Record", {"workstation": route.workstation, "day": day}), 1)

	def test_shift_pattern_is_checked(self):
		doc = frappe.get_doc(
			{
				"doctype": "Shift Pattern",
				"shift_name": "MOM-SF Broken",
				"start_time": "08:00:00",
				"end_time": "12:00:00",
				"monday": 1,
				"breaks": [{"start_time": "13:00:00", "end_time": "13:30:00"}],
			}
		)
		with self.assertRaises(frappe.ValidationError):
			doc.insert()

	def test_reason_sets_stop_reason_and_group_refused(self):
		from mom_app.tests.utils import make_employee, make_workstation

		ws = make_workstation("MOM-SF-RS-WS")
		emp = make_employee("Reason Operator").insert(ignore_permissions=True).name
		entry = frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": ws,
				"operator": emp,
				"from_time": "2026-01-05 08:00:00",
				"to_time": "2026-01-05 08:20:00",
				"mom_downtime_reason": "Power Outage",
			}
		).insert()
		self.assertEqual(entry.stop_reason, "Electricity down")
		entry.mom_downtime_reason = "Equipment"
		with self.assertRaises(frappe.ValidationError):
			entry.save()

	def test_traveler_prints_a_qr_per_job_card(self):
		frappe.set_user("Administrator")
		route = routed_workstation("TRAV")
		wo = work_order(route, 3)
		wo.insert()
		wo.submit()
		html = frappe.get_print("Work Order", wo.name, print_format="Work Order Traveler")
		jc = frappe.db.get_value("Job Card", {"work_order": wo.name})
		self.assertIn(jc, html)
		self.assertGreaterEqual(html.count("<svg"), 2)  # the order's and the job card's


class TestOEEByDayChart(FrappeTestCase):
	def test_day_is_weighted_by_planned_busy_time(self):
		"""A 420-minute shift at 60 % and a 60-minute one at 0 %: the day is 52.5 %, not the 30 % average."""
		import json

		from mom_app.production.dashboard_chart_source.oee_by_day import oee_by_day
		from mom_app.tests.utils import make_workstation

		frappe.set_user("Administrator")
		workstation = make_workstation("MOM-SF-WS-CHART")
		day = getdate(add_days(today(), -2))
		frappe.db.delete("OEE Record", {"workstation": workstation})
		for shift, pbt, value in (("A", 420, 60), ("B", 60, 0)):
			frappe.get_doc(
				{
					"doctype": "OEE Record",
					"workstation": workstation,
					"shift": f"MOM-SF-CHART-{shift}",
					"day": day,
					"start": f"{day} {'08' if shift == 'A' else '20'}:00:00",
					"pbt": pbt,
					"calendar_time": pbt,
					"oee": value,
				}
			).insert(ignore_permissions=True, ignore_links=True)
		data = oee_by_day.get(
			chart_name="OEE by Day",
			refresh=1,
			filters=json.dumps({"workstation": workstation}),
			from_date=str(add_days(day, -1)),
			to_date=str(add_days(day, 1)),
			timespan="Select Date Range",
		)
		self.assertEqual(data["labels"], [str(day)])
		self.assertEqual(data["datasets"][0]["values"], [52.5])
		# a user who may not read OEE Records gets nothing
		frappe.set_user(make_user("Website Manager", "sf-chart-nobody@mom-test.example"))
		try:
			with self.assertRaises(frappe.PermissionError):
				oee_by_day.get(chart_name="OEE by Day", refresh=1)
		finally:
			frappe.set_user("Administrator")


class TestOperatorCannotApprove(FrappeTestCase):
	def test_operator_has_no_transition(self):
		route = routed_workstation("WF2")
		frappe.set_user("Administrator")
		doc = work_order(route, 2, "Mass Production")
		doc.insert()
		frappe.set_user(make_user("MOM Operator", "wf-operator@mom-test.example"))
		self.assertEqual(get_transitions(frappe.get_doc("Work Order", doc.name)), [])
		with self.assertRaises(frappe.ValidationError):
			apply_workflow(frappe.get_doc("Work Order", doc.name), "Approve")
		frappe.set_user("Administrator")
