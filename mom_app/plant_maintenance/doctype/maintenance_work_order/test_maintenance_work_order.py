# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""The Maintenance Work Order end to end: the workflow with each role's rights, the checklist, labour, spare
parts in ERPNext's stock, the Asset Repair / Asset Maintenance Log on completion, the machine's times."""

import uuid
from datetime import timedelta

import frappe
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, flt, get_datetime, now_datetime

from mom_app.plant_maintenance import api, testing
from mom_app.plant_maintenance.orders import MaintenanceActionError, apply_action

DOCTYPE = "Maintenance Work Order"
# the tests make their own records (testing.py); Frappe's generated test records of ERPNext's linked doctypes
# would reach doctypes of apps this site does not have (Payment Gateway)
test_ignore = [
	"Asset",
	"Asset Category",
	"Asset Maintenance Log",
	"Asset Repair",
	"Batch",
	"Company",
	"Cost Center",
	"Downtime Entry",
	"Item",
	"Machine State Log",
	"Maintenance Checklist",
	"Material Request",
	"Quality Hold",
	"Stock Entry",
	"UOM",
	"Warehouse",
	"Workstation",
]


def cid() -> str:
	return str(uuid.uuid4())


class MaintenanceCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.people = testing.people()

	def tearDown(self):
		frappe.set_user("Administrator")

	def as_user(self, kind: str):
		frappe.set_user(self.people[kind])

	def get(self, name):
		return frappe.get_doc(DOCTYPE, name)


class TestWorkflowAndRoles(MaintenanceCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.machine = testing.machine("FLOW")

	def test_request_to_verified_with_each_roles_rights(self):
		# an operator requests work on their machine
		self.as_user("operator")
		doc = frappe.get_doc(
			{"doctype": DOCTYPE, "workstation": self.machine.workstation, "description": "Spindle noise"}
		).insert()
		self.assertEqual(doc.workflow_state, "Requested")
		self.assertEqual(doc.source, "Request")
		self.assertEqual(doc.requested_by, self.people.operator)
		# ... may correct their request while it waits, but not approve it
		doc.description = "Spindle noise, louder at high speed"
		doc.save()
		with self.assertRaises(MaintenanceActionError):
			apply_action(self.get(doc.name), "Approve")
		# a technician does not approve either
		self.as_user("technician")
		with self.assertRaises(MaintenanceActionError):
			apply_action(self.get(doc.name), "Approve")

		self.as_user("supervisor")
		apply_action(self.get(doc.name), "Approve")
		self.assertEqual(self.get(doc.name).workflow_state, "Approved")

		# the operator can no longer change it, nor work it
		self.as_user("operator")
		mine = self.get(doc.name)
		mine.description = "changed"
		with self.assertRaises(frappe.PermissionError):
			mine.save()
		with self.assertRaises(frappe.PermissionError):
			api.start(cid(), doc.name)

		# the technician takes it, starts, finishes
		self.as_user("technician")
		state = api.acknowledge(cid(), doc.name)
		self.assertIn(self.people.technician, state["assigned"])
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_type": DOCTYPE,
					"reference_name": doc.name,
					"allocated_to": self.people.technician,
				},
			)
		)
		state = api.start(cid(), doc.name)
		self.assertEqual(state["state"], "In Progress")
		self.assertTrue(state["running"])
		self.assertIn("Complete", state["actions"])
		self.assertNotIn("Verify", state["actions"])
		state = api.finish(cid(), doc.name, work_done="Replaced the spindle bearing")
		self.assertEqual(state["state"], "Completed")
		# technicians do not verify their own work
		with self.assertRaises(MaintenanceActionError):
			api.verify(cid(), doc.name)
		# the operator cannot complete or verify
		self.as_user("operator")
		with self.assertRaises(frappe.PermissionError):
			api.verify(cid(), doc.name)

		self.as_user("supervisor")
		state = api.verify(cid(), doc.name, note="Runs quietly")
		self.assertEqual(state["state"], "Verified")
		done = self.get(doc.name)
		self.assertEqual(done.verified_by, self.people.supervisor)
		self.assertEqual(done.completed_by, self.people.technician)
		self.assertEqual(done.acknowledged_by, self.people.technician)
		self.assertEqual(done.verification_note, "Runs quietly")
		for field in ("acknowledged_at", "repair_start", "back_in_service", "completed_at", "verified_at"):
			self.assertTrue(done.get(field), field)
		self.assertLessEqual(get_datetime(done.acknowledged_at), get_datetime(done.completed_at))
		# closing closed the technician's to-do
		self.assertFalse(
			frappe.db.exists(
				"ToDo", {"reference_type": DOCTYPE, "reference_name": doc.name, "status": "Open"}
			)
		)
		# a verified order is locked for technicians and supervisors
		self.as_user("technician")
		locked = self.get(doc.name)
		locked.work_done = "rewritten"
		with self.assertRaises(frappe.PermissionError):
			locked.save()

	def test_no_mom_role_sees_nothing(self):
		name = testing.order(self.machine)
		self.as_user("norole")
		self.assertFalse(frappe.has_permission(DOCTYPE, "read"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list(DOCTYPE)
		with self.assertRaises(frappe.PermissionError):
			self.get(name).check_permission("read")
		with self.assertRaises(frappe.PermissionError):
			api.acknowledge(cid(), name)
		for doctype in ("Maintenance Settings", "Maintenance Checklist", "Failure Mode", "Remedy Action"):
			self.assertFalse(frappe.has_permission(doctype, "read"), doctype)

	def test_an_order_cannot_jump_states(self):
		name = testing.order(self.machine)  # Requested (a request)
		self.as_user("supervisor")
		doc = self.get(name)
		doc.workflow_state = "Completed"
		with self.assertRaises((WorkflowPermissionError, WorkflowTransitionError)):
			doc.save()

	def test_waiting_for_parts_and_resuming(self):
		name = testing.order(self.machine, approve=True)
		self.as_user("technician")
		api.start(cid(), name)
		state = api.pause(cid(), name, waiting_for_parts=True, note="bearing on order")
		self.assertEqual(state["state"], "Waiting for Parts")
		self.assertFalse(state["running"])
		self.assertEqual(self.get(name).time_logs[0].note, "bearing on order")
		state = api.start(cid(), name)  # resume
		self.assertEqual(state["state"], "In Progress")
		self.assertTrue(state["running"])
		self.assertEqual(len(self.get(name).time_logs), 2)

	def test_reopened_order_is_completed_again(self):
		name = testing.order(self.machine, approve=True)
		self.as_user("technician")
		api.start(cid(), name)
		api.finish(cid(), name)
		self.as_user("supervisor")
		apply_action(self.get(name), "Reopen")
		reopened = self.get(name)
		self.assertEqual(reopened.workflow_state, "In Progress")
		self.assertIsNone(reopened.completed_at)
		self.assertIsNone(reopened.back_in_service)
		self.as_user("technician")
		state = api.finish(cid(), name)
		self.assertEqual(state["state"], "Completed")
		self.assertTrue(self.get(name).completed_at)


class TestChecklistAndLabour(MaintenanceCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.machine = testing.machine("CHECK")
		cls.checklist = testing.checklist(
			"MOM-PM Spindle Check",
			[
				{
					"instruction": "Spindle temperature",
					"kind": "Number",
					"low_limit": "20",
					"high_limit": "60",
					"unit": "°C",
					"mandatory": 1,
				},
				{"instruction": "Belt tension OK", "kind": "Pass/Fail", "mandatory": 1},
				{"instruction": "Notes", "kind": "Text", "mandatory": 0},
			],
		)

	def test_checklist_copied_mandatory_step_blocks_completion_out_of_limit_flagged(self):
		name = testing.order(self.machine, checklist=self.checklist, approve=True)
		doc = self.get(name)
		self.assertEqual(
			[row.instruction for row in doc.checklist], ["Spindle temperature", "Belt tension OK", "Notes"]
		)
		self.assertEqual((doc.checklist[0].low_limit, doc.checklist[0].high_limit), ("20", "60"))

		self.as_user("technician")
		api.start(cid(), name)
		state = api.record_step(cid(), name, 1, value="72.5")
		self.assertIn("flagged", state["message"])
		self.assertEqual(state["flagged_steps"], 1)
		row = self.get(name).checklist[0]
		self.assertTrue(row.flagged and row.done)
		self.assertEqual(row.done_by, self.people.technician)

		# step 2 (mandatory) not done: completion refused, nothing written
		logs_before = [(r.from_time, r.to_time) for r in self.get(name).time_logs]
		with self.assertRaises(frappe.ValidationError) as refused:
			api.finish(cid(), name, work_done="done")
		self.assertIn("Belt tension OK", str(refused.exception))
		after = self.get(name)
		self.assertEqual(after.workflow_state, "In Progress")
		self.assertEqual([(r.from_time, r.to_time) for r in after.time_logs], logs_before)
		self.assertFalse(after.work_done)

		# a value that is not a number is refused with a message, the step stays as it was
		with self.assertRaises(frappe.ValidationError):
			api.record_step(cid(), name, 1, value="hot")
		self.assertEqual(self.get(name).checklist[0].value, "72.5")
		with self.assertRaises(frappe.ValidationError):
			api.record_step(cid(), name, 2, value="Maybe")

		api.record_step(cid(), name, 2, value="Pass")
		api.record_step(cid(), name, 1, value="55")
		self.assertEqual(self.get(name).flagged_steps, 0)
		state = api.finish(cid(), name)
		self.assertEqual(state["state"], "Completed")

	def test_template_limits_are_checked(self):
		with self.assertRaises(frappe.ValidationError):
			testing.checklist(
				"MOM-PM Bad Limits",
				[{"instruction": "Pressure", "kind": "Number", "low_limit": "9", "high_limit": "3"}],
			)

	def test_labour_totals_and_typed_in_logs(self):
		name = testing.order(self.machine, approve=True)
		self.as_user("technician")
		now = now_datetime()
		api.add_labour(cid(), name, str(add_to_date(now, hours=-5)), str(add_to_date(now, hours=-3)))
		api.add_labour(
			cid(), name, str(add_to_date(now, hours=-3)), str(add_to_date(now, hours=-2, minutes=-30))
		)
		with self.assertRaises(frappe.ValidationError):  # overlaps the first log
			api.add_labour(cid(), name, str(add_to_date(now, hours=-4)), str(add_to_date(now, hours=-1)))
		with self.assertRaises(frappe.PermissionError):  # a technician logs only their own time
			api.add_labour(
				cid(),
				name,
				str(add_to_date(now, hours=-9)),
				str(add_to_date(now, hours=-8)),
				technician=self.people.supervisor,
			)
		self.as_user("supervisor")
		api.add_labour(
			cid(),
			name,
			str(add_to_date(now, hours=-4)),
			str(add_to_date(now, hours=-3)),
			technician=self.people.supervisor,
		)
		doc = self.get(name)
		self.assertAlmostEqual(doc.labour_hours, 2.5 + 1.0, places=4)
		self.assertEqual(sorted(flt(r.hours, 3) for r in doc.time_logs), [0.5, 1.0, 2.0])


class TestClientIdOnce(MaintenanceCase):
	def test_same_client_id_applied_once(self):
		machine = testing.machine("ONCE")
		name = testing.order(machine, approve=True)
		self.as_user("technician")
		request = cid()
		first = api.start(request, name)
		again = api.start(request, name)
		self.assertTrue(again["replayed"])
		self.assertEqual(again["state"], first["state"])
		self.assertEqual(len(self.get(name).time_logs), 1)
		self.assertEqual(frappe.db.count("Maintenance Action", {"maintenance_work_order": name}), 1)
		# a refused action stores nothing: the same id may be sent again once the problem is fixed
		refused = cid()
		with self.assertRaises(frappe.ValidationError):
			api.start(refused, name)  # running already
		self.assertFalse(frappe.db.exists("Maintenance Action", refused))
		with self.assertRaises(frappe.ValidationError):
			api.start("", name)
		with self.assertRaises(frappe.ValidationError):
			api.start(cid(), "MWO-NOPE")


class TestMachineTimesAndLockout(MaintenanceCase):
	def test_times_from_the_state_log_and_downtime(self):
		machine = testing.machine("TIMES")
		now = now_datetime().replace(microsecond=0)
		down_at = now - timedelta(hours=2)
		back_at = now - timedelta(minutes=10)
		for state, start, end in (
			("Running", now - timedelta(hours=5), down_at),
			("Down", down_at, back_at),
			("Running", back_at, None),
		):
			log = frappe.get_doc(
				{
					"doctype": "Machine State Log",
					"workstation": machine.workstation,
					"state": state,
					"source": "IoT",
					"start": start,
					"end": end,
				}
			)
			log.flags.from_iot = True  # as the IoT writer stores it (the last interval still open)
			log.insert(ignore_permissions=True)
		name = testing.order(
			machine,
			"Corrective",
			"Machine breakdown",
			approve=True,
			references={"reported_at": down_at + timedelta(minutes=5)},
		)
		self.as_user("technician")
		api.start(cid(), name)
		api.finish(cid(), name)
		doc = self.get(name)
		self.assertEqual(get_datetime(doc.failure_time), down_at)
		self.assertEqual(get_datetime(doc.back_in_service), back_at)
		self.assertAlmostEqual(doc.downtime_hours, (back_at - down_at).total_seconds() / 3600, places=4)

	def test_emergency_lockout(self):
		machine = testing.machine("LOCK")
		testing.settings(emergency_lockout=1)
		name = testing.order(machine, priority="Emergency", approve=True)
		self.assertTrue(self.get(name).locks_workstation)
		self.as_user("technician")
		api.start(cid(), name)
		api.finish(cid(), name)
		self.assertFalse(self.get(name).locks_workstation)
		frappe.set_user("Administrator")
		testing.settings(emergency_lockout=0)
		other = testing.order(machine, priority="Emergency", approve=True)
		self.assertFalse(self.get(other).locks_workstation)


class TestPartsAndERPNext(MaintenanceCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.store = testing.store()
		cls.bearing = testing.spare_part("MOM-PM-BEARING", batch=True, rate=40)
		cls.batch = testing.batch(cls.bearing, "MOM-PM-BRG-B1")
		testing.stock_in(cls.bearing, 10, rate=40, batch_no=cls.batch)
		cls.belt = testing.spare_part("MOM-PM-BELT", rate=15)
		testing.stock_in(cls.belt, 5, rate=15)

	def stock(self, item, batch=None):
		return api.stock_of(item, self.store, batch)

	def test_material_request_on_approval_issue_by_scan_and_asset_repair(self):
		machine = testing.machine("PARTS")
		name = testing.order(
			machine, planned_parts=[{"item_code": self.bearing, "qty": 2}, {"item_code": self.belt, "qty": 1}]
		)
		self.assertFalse(self.get(name).material_request)
		self.as_user("supervisor")
		apply_action(self.get(name), "Approve")
		doc = self.get(name)
		self.assertTrue(doc.material_request)
		request = frappe.get_doc("Material Request", doc.material_request)
		self.assertEqual(request.docstatus, 1)
		self.assertEqual(request.material_request_type, "Material Issue")
		self.assertEqual(request.mom_maintenance_work_order, name)
		self.assertEqual(
			[(i.item_code, i.qty, i.warehouse) for i in request.items],
			[(self.bearing, 2, self.store), (self.belt, 1, self.store)],
		)

		before = self.stock(self.bearing, self.batch)
		self.as_user("technician")
		api.start(cid(), name)
		state = api.issue_part(cid(), name, self.batch, qty=2)  # the batch label scanned
		self.assertIn("issued", state["message"])
		with self.assertRaises(frappe.ValidationError):  # more than the store holds: nothing written
			api.issue_part(cid(), name, self.belt, qty=99)
		with self.assertRaises(frappe.ValidationError):
			api.issue_part(cid(), name, "NO-SUCH-PART-<b>")
		api.issue_part(cid(), name, self.belt, qty=1)
		doc = self.get(name)
		self.assertEqual(len(doc.used_parts), 2)
		self.assertEqual(self.stock(self.bearing, self.batch), before - 2)
		bearing_row = doc.used_parts[0]
		self.assertEqual((bearing_row.item_code, bearing_row.batch_no), (self.bearing, self.batch))
		entry = frappe.get_doc("Stock Entry", bearing_row.stock_entry)
		self.assertEqual((entry.docstatus, entry.purpose), (1, "Material Issue"))
		self.assertEqual(entry.mom_maintenance_work_order, name)
		self.assertEqual(entry.items[0].cost_center, doc.cost_center)
		self.assertEqual(entry.items[0].material_request, doc.material_request)
		self.assertAlmostEqual(doc.parts_cost, 2 * 40 + 15, places=2)

		api.finish(cid(), name, work_done="Bearing and belt replaced")
		doc = self.get(name)
		self.assertTrue(doc.asset_repair)
		repair = frappe.get_doc("Asset Repair", doc.asset_repair)
		self.assertEqual(repair.docstatus, 1)
		self.assertEqual(repair.repair_status, "Completed")
		self.assertEqual(repair.asset, machine.asset)
		self.assertEqual(repair.mom_maintenance_work_order, name)  # linked both ways
		self.assertAlmostEqual(flt(repair.repair_cost), flt(doc.total_cost), places=2)
		self.assertEqual(repair.actions_performed, "Bearing and belt replaced")
		self.assertFalse(repair.stock_consumption)  # the order's Material Issues took the parts out once

	def test_desk_rows_are_issued_on_save_and_stay_issued(self):
		machine = testing.machine("DESK")
		name = testing.order(machine, approve=True)
		self.as_user("technician")
		doc = self.get(name)
		doc.append("used_parts", {"item_code": self.belt, "qty": 1})
		doc.save()
		row = self.get(name).used_parts[0]
		self.assertTrue(row.stock_entry)
		self.assertEqual(row.warehouse, self.store)
		doc = self.get(name)
		doc.used_parts[0].qty = 3
		with self.assertRaises(frappe.ValidationError):
			doc.save()
		doc = self.get(name)
		doc.used_parts = []
		with self.assertRaises(frappe.ValidationError):
			doc.save()

	def test_batch_part_without_batch_is_refused(self):
		machine = testing.machine("NOBATCH")
		name = testing.order(machine, approve=True)
		doc = self.get(name)
		doc.append("used_parts", {"item_code": self.bearing, "qty": 1})
		with self.assertRaises(frappe.ValidationError):
			doc.save()

	def test_fully_depreciated_asset_parts_by_material_issue(self):
		machine = testing.machine("OLD", fully_depreciated=True)
		self.assertEqual(frappe.db.get_value("Asset", machine.asset, "status"), "Fully Depreciated")
		name = testing.order(machine, approve=True)
		self.as_user("technician")
		api.start(cid(), name)
		api.issue_part(cid(), name, self.belt, qty=1)
		api.finish(cid(), name)
		doc = self.get(name)
		self.assertFalse(doc.asset_repair)
		self.assertFalse(frappe.db.exists("Asset Repair", {"asset": machine.asset}))
		entry = doc.used_parts[0].stock_entry
		self.assertEqual(frappe.db.get_value("Stock Entry", entry, "docstatus"), 1)
		self.assertIn(entry, doc.erpnext_note)
		self.assertIn(doc.cost_center, doc.erpnext_note)

	def test_preventive_order_completes_its_asset_maintenance_log(self):
		machine = testing.machine("AML")
		log = testing.asset_maintenance_log(machine, self.people.technician)
		self.assertTrue(log)
		name = testing.order(machine, "Preventive", "Calendar PM", references={"asset_maintenance_log": log})
		self.as_user("technician")
		api.start(cid(), name)
		api.finish(cid(), name, work_done="Lubricated")
		frappe.set_user("Administrator")
		log_doc = frappe.get_doc("Asset Maintenance Log", log)
		self.assertEqual((log_doc.docstatus, log_doc.maintenance_status), (1, "Completed"))
		self.assertEqual(log_doc.mom_maintenance_work_order, name)
		self.assertEqual(str(log_doc.completion_date), str(get_datetime(self.get(name).completed_at).date()))
		self.assertFalse(self.get(name).asset_repair)  # planned work: no Asset Repair


class TestClientIdOnceConcurrently(MaintenanceCase):
	"""One client id sent twice at the same moment over two connections: applied once, both get its answer."""

	def test_twin_requests(self):
		from mom_app.production.api.test_terminal import run_concurrently

		machine = testing.machine("TWIN")
		name = testing.order(machine, approve=True)
		frappe.db.commit()
		request = cid()
		technician = self.people.technician

		def call():
			frappe.set_user(technician)
			return api.start(request, name)

		try:
			results = run_concurrently(call, call)
			for result in results:
				self.assertIsInstance(result, dict, results)
			self.assertEqual(sorted(bool(r.get("replayed")) for r in results), [False, True])
			self.assertEqual({r["state"] for r in results}, {"In Progress"})
			frappe.db.rollback()
			self.assertEqual(len(self.get(name).time_logs), 1)
			self.assertEqual(frappe.db.count("Maintenance Action", {"maintenance_work_order": name}), 1)
		finally:
			frappe.db.delete("Maintenance Action", {"maintenance_work_order": name})
			frappe.db.delete("ToDo", {"reference_type": DOCTYPE, "reference_name": name})
			frappe.delete_doc(DOCTYPE, name, ignore_permissions=True, force=True)
			frappe.db.commit()
