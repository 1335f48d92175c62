"""Tier 2: the quality loop in a real site.

receipt → IQC created by plan → rejected on the mobile API → Non Conformance + hold → stock movement of the
held batch refused (quarantine transfer allowed) → disposition → release; IPQC first-article / last-piece
gate on the job card; a rejected IPQC pauses the job card; SPC violation → hold; AQL switching; the API's
bad-input messages; idempotent retries; permissions; the Process Capability report and the chart API.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.quality import api, testing
from mom_app.quality.hold import DispositionError, HeldBatchError, HeldJobCardError
from mom_app.quality.plans import find_plan
from mom_app.quality.triggers import InspectionGateError
from mom_app.tests.utils import make_user


def plan_inspections(reference_type, reference_name):
	return frappe.get_all(
		"Quality Inspection",
		filters={
			"reference_type": reference_type,
			"reference_name": reference_name,
			"mom_inspection_plan": ("is", "set"),
		},
		fields=[
			"name",
			"docstatus",
			"status",
			"batch_no",
			"sample_size",
			"mom_stage",
			"mom_check",
			"item_code",
		],
		order_by="creation",
	)


def fill(qi_name, diameter_values, appearance_ok=True, defects=None, client_id=None):
	"""Submit an inspection through the mobile page's API, as an inspector would."""
	form = api.get_inspection(qi_name)
	readings = {}
	for p in form["parameters"]:
		readings[p["row"]] = list(diameter_values) if p["numeric"] else {"conform": appearance_ok}
	return api.submit_inspection(
		qi_name, json.dumps(readings), json.dumps(defects or {}), remarks="test", client_id=client_id
	)


class QualityCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.inspector = make_user("Quality Inspector", "qc-inspector@mom-test.example")
		cls.operator = make_user("MOM Operator", "qc-operator@mom-test.example")
		cls.storekeeper = make_user("Storekeeper", "qc-store@mom-test.example")

	def setUp(self):
		self.w = testing.world()

	def tearDown(self):
		frappe.set_user("Administrator")


class TestIncomingInspection(QualityCase):
	def test_receipt_rejected_hold_refuses_stock_then_scrap_release(self):
		w = self.w
		plan = testing.plan("IQC", w.rm, w.template, aql_major="1.0")
		lot = f"QC-{w.prefix}-1"
		pr = testing.received(w, lot, qty=500)

		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		self.assertEqual((qi.mom_stage, qi.batch_no, qi.docstatus), ("IQC", lot, 0))
		# lot 500, level II → code letter H, n = 50; AQL 1.0 normal → Ac 1, Re 2 (ISO 2859-1 Table 2-A)
		self.assertEqual(qi.sample_size, 50)
		self.assertIn("H", frappe.db.get_value("Quality Inspection", qi.name, "mom_sampling"))

		frappe.set_user(self.inspector)
		result = fill(qi.name, ["10.0", "10.02", "9.98"], defects={"major": 2})
		frappe.set_user("Administrator")
		self.assertEqual(result["status"], "Rejected")
		hold = frappe.get_doc("Quality Hold", result["quality_hold"])
		self.assertEqual(
			(hold.status, hold.source, hold.quality_inspection), ("Open", "Quality Inspection", qi.name)
		)
		self.assertEqual([b.batch_no for b in hold.batches], [lot])
		self.assertEqual(frappe.db.get_value("Batch", lot, "mom_quality_hold"), hold.name)
		nc = frappe.get_doc("Non Conformance", hold.non_conformance)
		self.assertEqual(nc.status, "Open")
		# inspectors and supervisors are told
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"document_type": "Quality Hold", "document_name": hold.name, "for_user": self.inspector},
			)
		)

		# the held batch cannot move, except into quarantine
		with self.assertRaises(HeldBatchError):
			testing.transfer(w, lot, 10, w.line)
		moved = testing.transfer(w, lot, 10, w.quarantine)
		self.assertEqual(moved.docstatus, 1)

		# release needs a known disposition; scrap issues the held stock
		with self.assertRaises(DispositionError):
			hold.release("Burn it")
		frappe.set_user(self.inspector)
		hold.reload()
		hold.release("Scrap", "bent pins")
		frappe.set_user("Administrator")
		hold.reload()
		self.assertEqual(
			(hold.status, hold.disposition, hold.released_by), ("Released", "Scrap", self.inspector)
		)
		(doc,) = hold.documents
		issue = frappe.get_doc(doc.reference_doctype, doc.reference_name)
		self.assertEqual((issue.purpose, issue.docstatus), ("Material Issue", 1))
		self.assertEqual(sum(r.qty for r in issue.items), 500)
		self.assertFalse(frappe.db.get_value("Batch", lot, "mom_quality_hold"))
		self.assertEqual(frappe.db.get_value("Non Conformance", hold.non_conformance, "status"), "Resolved")
		audit = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Quality Hold", "reference_name": hold.name},
			pluck="content",
		)
		self.assertTrue(any("Scrap" in c and self.inspector in c for c in audit), audit)
		# the plan found the receipt's item
		self.assertEqual(find_plan("IQC", w.rm, supplier=w.supplier).name, plan.name)

	def test_accepted_inspection_leaves_stock_free(self):
		w = self.w
		testing.plan("IQC", w.rm, w.template)
		lot = f"QC-{w.prefix}-OK"
		pr = testing.received(w, lot, qty=100)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		frappe.set_user(self.inspector)
		result = fill(qi.name, ["10.0", "10.01", "9.99"], defects={"major": 0})
		frappe.set_user("Administrator")
		self.assertEqual((result["status"], result["quality_hold"]), ("Accepted", None))
		self.assertEqual(testing.transfer(w, lot, 5, w.line).docstatus, 1)

	def test_reading_out_of_tolerance_rejects(self):
		w = self.w
		testing.plan("IQC", w.rm, w.template)
		pr = testing.received(w, f"QC-{w.prefix}-TOL", qty=100)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		frappe.set_user(self.inspector)
		result = fill(qi.name, ["10.0", "10.5", "9.99"], defects={"major": 0})
		self.assertEqual(result["status"], "Rejected")
		self.assertTrue(result["quality_hold"])

	def test_gated_plan_blocks_receipt_until_accepted(self):
		w = self.w
		testing.plan("IQC", w.rm, w.template, gate=1)
		lot = f"QC-{w.prefix}-G"
		pr = testing.draft_receipt(w, lot, qty=50)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)  # created on the draft
		with self.assertRaises(InspectionGateError):
			pr.reload()
			pr.submit()
		frappe.set_user(self.inspector)
		fill(qi.name, ["10.0", "10.0", "10.0"], defects={"major": 0})
		frappe.set_user("Administrator")
		pr.reload()
		pr.submit()
		self.assertEqual(pr.docstatus, 1)
		self.assertEqual(
			frappe.db.get_value("Purchase Receipt Item", pr.items[0].name, "quality_inspection"), qi.name
		)

	def test_return_to_supplier_and_use_as_is(self):
		w = self.w
		testing.plan("IQC", w.rm, w.template)
		lots = []
		for n in (1, 2):
			lot = f"QC-{w.prefix}-R{n}"
			pr = testing.received(w, lot, qty=80)
			(qi,) = plan_inspections("Purchase Receipt", pr.name)
			frappe.set_user(self.inspector)
			lots.append(fill(qi.name, ["10.0", "10.0", "10.0"], defects={"major": 5})["quality_hold"])
			frappe.set_user("Administrator")
		first = frappe.get_doc("Quality Hold", lots[0])
		first.release("Return to Supplier", "wrong hardness")
		(doc,) = first.documents
		ret = frappe.get_doc(doc.reference_doctype, doc.reference_name)
		self.assertEqual((ret.is_return, ret.docstatus, ret.supplier), (1, 0, w.supplier))
		self.assertEqual([(r.batch_no, r.qty) for r in ret.items], [(f"QC-{w.prefix}-R1", -80)])
		second = frappe.get_doc("Quality Hold", lots[1])
		second.release("Use As Is", "concession from the customer")
		self.assertEqual((second.status, len(second.documents)), ("Released", 0))
		self.assertEqual(testing.transfer(w, f"QC-{w.prefix}-R2", 5, w.line).docstatus, 1)

	def test_switching_to_tightened_after_two_rejections_in_five(self):
		w = self.w
		plan = testing.plan("IQC", w.rm, w.template)
		outcomes = [
			0,
			2,
			0,
			2,
		]  # major defects per lot; Ac 0 / Re 1 at lot 50 (code letter F, n=20... see state)
		for i, defects in enumerate(outcomes):
			pr = testing.received(w, f"QC-{w.prefix}-S{i}", qty=500)
			(qi,) = plan_inspections("Purchase Receipt", pr.name)
			frappe.set_user(self.inspector)
			fill(qi.name, ["10.0", "10.0", "10.0"], defects={"major": defects})
			frappe.set_user("Administrator")
		state = frappe.get_doc(
			"AQL Switching State", {"inspection_plan": plan.name, "item_code": w.rm, "supplier": w.supplier}
		)
		self.assertEqual(state.severity, "Tightened")
		self.assertEqual(state.lots_inspected, 4)
		self.assertEqual(state.history[-1].to_severity.lower(), "tightened")
		# the next lot is sampled at tightened inspection: lot 500 → H, AQL 1.0 tightened → n 80, Ac 1 (↓ arrow)
		pr = testing.received(w, f"QC-{w.prefix}-S9", qty=500)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		sampling = json.loads(frappe.db.get_value("Quality Inspection", qi.name, "mom_sampling_json"))
		self.assertEqual(sampling["severity"], "tightened")


class TestOutgoingInspection(QualityCase):
	def test_gated_oqc_blocks_delivery_until_accepted(self):
		from mom_app.stock_ext.testing import party

		w = self.w
		lot = f"QC-{w.prefix}-OUT"
		testing.received(w, lot, qty=40)
		testing.plan("OQC", w.rm, w.template, gate=1, inspection_level="S-2")
		dn = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": w.company,
				"customer": party("Customer", f"MOM QC Customer {w.prefix}"),
				"items": [
					{
						"item_code": w.rm,
						"qty": 30,
						"rate": 9,
						"warehouse": w.store,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert(ignore_permissions=True)
		(qi,) = plan_inspections("Delivery Note", dn.name)  # created when the draft was saved
		self.assertEqual((qi.mom_stage, qi.batch_no), ("OQC", lot))
		with self.assertRaises(InspectionGateError):
			dn.reload()
			dn.submit()
		frappe.set_user(self.inspector)
		fill(qi.name, ["10.0", "10.0", "10.0"], defects={"major": 0})
		frappe.set_user("Administrator")
		dn.reload()
		dn.submit()
		self.assertEqual(dn.docstatus, 1)


class TestMobileInspectionInput(QualityCase):
	def setUp(self):
		super().setUp()
		testing.plan("IQC", self.w.rm, self.w.template, require_photo=0)
		self.pr = testing.received(self.w, f"QC-{self.w.prefix}-IN", qty=100)
		(self.qi,) = plan_inspections("Purchase Receipt", self.pr.name)
		frappe.set_user(self.inspector)

	def assert_refused(self, values, defects=None, text=None):
		with self.assertRaises(frappe.ValidationError) as ctx:
			fill(self.qi.name, values, defects=defects or {"major": 0})
		if text:
			self.assertIn(text, str(ctx.exception))
		self.assertEqual(frappe.db.get_value("Quality Inspection", self.qi.name, "docstatus"), 0)

	def test_reading_count_must_match_plan(self):
		self.assert_refused(["10.0", "10.0"], text="the plan needs 3")

	def test_non_numeric_reading(self):
		self.assert_refused(["10.0", "abc", "10.0"], text="abc")

	def test_negative_or_fractional_defects(self):
		self.assert_refused(["10", "10", "10"], defects={"major": -1}, text="negative")
		self.assert_refused(["10", "10", "10"], defects={"major": "1.5"}, text="whole number")

	def test_photo_required(self):
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"Inspection Plan",
			frappe.db.get_value("Quality Inspection", self.qi.name, "mom_inspection_plan"),
			"require_photo",
			1,
		)
		frappe.set_user(self.inspector)
		self.assert_refused(["10", "10", "10"], text="photo")
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "sample.png",
				"attached_to_doctype": "Quality Inspection",
				"attached_to_name": self.qi.name,
				"content": b"\x89PNG\r\n\x1a\n",
				"is_private": 1,
			}
		).insert()
		self.assertEqual(fill(self.qi.name, ["10", "10", "10"], defects={"major": 0})["status"], "Accepted")

	def test_retried_request_is_applied_once(self):
		client_id = f"retry-qc-{frappe.generate_hash(length=10)}"
		first = fill(self.qi.name, ["10", "10", "10"], defects={"major": 0}, client_id=client_id)
		again = fill(self.qi.name, ["10", "10", "10"], defects={"major": 0}, client_id=client_id)
		self.assertEqual((first["replayed"], again["replayed"], again["name"]), (False, True, first["name"]))

	def test_scan_resolves_codes(self):
		self.assertEqual(api.scan(self.pr.name)["inspections"][0]["name"], self.qi.name)
		self.assertEqual(api.scan(self.qi.batch_no)["inspections"][0]["name"], self.qi.name)
		with self.assertRaises(api.ScanError):
			api.scan("NO-SUCH-THING-42")

	def test_only_inspectors(self):
		frappe.set_user(self.operator)
		with self.assertRaises(frappe.PermissionError):
			api.scan(self.pr.name)
		with self.assertRaises(frappe.PermissionError):
			api.submit_inspection(self.qi.name, "{}")


class TestInProcessInspection(QualityCase):
	def ipqc_plan(self, **values):
		return testing.plan(
			"IPQC",
			self.w.fg,
			self.w.template,
			sampling_method="Fixed Sample",
			fixed_sample_size=3,
			frequencies=[{"kind": "First Article"}, {"kind": "Last Piece"}],
			**values,
		)

	def test_first_article_and_last_piece_gate_job_card(self):
		self.ipqc_plan(gate=1)
		job = testing.work_order(self.w, qty=10)
		self.assertEqual(plan_inspections("Job Card", job.job_card), [])
		testing.start_job(job.job_card)
		(first,) = plan_inspections("Job Card", job.job_card)
		self.assertTrue(first.mom_check.startswith("First Article"))
		self.assertEqual(first.sample_size, 3)
		card = testing.finish_job(job.job_card, 10)
		checks = [q.mom_check.split("@")[0] for q in plan_inspections("Job Card", job.job_card)]
		self.assertEqual(checks, ["First Article", "Last Piece"])
		card.reload()
		with self.assertRaises(InspectionGateError):
			card.submit()
		frappe.set_user(self.inspector)
		for qi in plan_inspections("Job Card", job.job_card):
			fill(qi.name, ["10.0", "10.0", "10.0"])
		frappe.set_user("Administrator")
		card.reload()
		card.submit()
		self.assertEqual(card.docstatus, 1)

	def test_rejected_ipqc_pauses_job_card(self):
		self.ipqc_plan()
		job = testing.work_order(self.w, qty=10)
		testing.start_job(job.job_card)
		(first,) = plan_inspections("Job Card", job.job_card)
		frappe.set_user(self.inspector)
		result = fill(first.name, ["10.0", "11.0", "10.0"])
		frappe.set_user("Administrator")
		self.assertEqual(result["status"], "Rejected")
		hold = frappe.get_doc("Quality Hold", result["quality_hold"])
		self.assertEqual([r.job_card for r in hold.job_cards], [job.job_card])
		self.assertEqual(hold.job_cards[0].paused, 1)
		self.assertIn(job.work_order, hold.work_orders)
		card = frappe.get_doc("Job Card", job.job_card)
		self.assertEqual((card.status, card.mom_quality_hold), ("On Hold", hold.name))
		self.assertTrue(all(log.to_time for log in card.time_logs))
		with self.assertRaises(HeldJobCardError):
			testing.start_job(job.job_card)
		hold.release("Rework", "re-turn the diameter")
		self.assertEqual(hold.documents, [])  # nothing made yet: corrected in place
		self.assertFalse(frappe.db.get_value("Job Card", job.job_card, "mom_quality_hold"))
		testing.start_job(job.job_card)  # may run again


class TestSPC(QualityCase):
	def characteristic(self, rules, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Quality Characteristic",
				"item_code": self.w.rm,
				"parameter": f"Diameter {self.w.prefix}",
				"chart_type": "Xbar-R",
				"subgroup_size": 3,
				"spec_type": "Two-sided",
				"lsl": 9.9,
				"usl": 10.1,
				"target": 10.0,
				"rules": [{"rule": r, "open_hold": 1} for r in rules],
				**values,
			}
		).insert(ignore_permissions=True)
		return doc

	def inspect_lot(self, i, values):
		pr = testing.received(self.w, f"QC-{self.w.prefix}-P{i}", qty=20)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		return fill(qi.name, values, defects={"major": 0})

	def test_violation_raises_hold_once(self):
		testing.plan("IQC", self.w.rm, self.w.template, sampling_method="Fixed Sample", fixed_sample_size=3)
		char = self.characteristic(["N1", "N2"])
		stable = [
			["10.00", "10.01", "9.99"],
			["10.01", "10.00", "10.00"],
			["9.99", "10.00", "10.01"],
			["10.00", "9.99", "10.00"],
		]
		for i in range(12):
			self.assertFalse(self.inspect_lot(i, stable[i % 4])["quality_hold"])
		self.assertFalse(frappe.get_all("Quality Hold", filters={"quality_characteristic": char.name}))
		# a subgroup mean far outside the limits, but inside the specification: SPC catches it, not the check
		self.inspect_lot(99, ["10.08", "10.09", "10.08"])
		(hold,) = frappe.get_all(
			"Quality Hold", filters={"quality_characteristic": char.name}, fields=["name", "source", "reason"]
		)
		self.assertEqual(hold.source, "SPC")
		self.assertIn("N1", hold.reason)
		self.assertEqual(
			frappe.db.get_value("Batch", f"QC-{self.w.prefix}-P99", "mom_quality_hold"), hold.name
		)
		char.reload()
		self.assertEqual(char.points, 13)
		self.assertGreater(char.violations, 0)
		self.assertIsNotNone(char.cpk)
		# recomputing the same data raises nothing new
		char.recompute()
		self.assertEqual(
			len(frappe.get_all("Quality Hold", filters={"quality_characteristic": char.name})), 1
		)

		chart = api.spc_chart(char.name)
		self.assertEqual(chart["chart"]["n_points"], 13)
		self.assertIn(12, chart["violations"]["N1"])
		self.assertEqual(len(chart["open_holds"]), 1)

		from mom_app.quality.report.process_capability.process_capability import execute

		_columns, data, _msg, graph, _summary = execute({"item_code": self.w.rm})
		(row,) = data
		self.assertEqual((row["characteristic"], row["points"]), (char.name, 13))
		self.assertAlmostEqual(row["cpk"], char.cpk, places=2)
		self.assertEqual(graph["type"], "bar")

	def test_freeze_limits_and_validation(self):
		testing.plan("IQC", self.w.rm, self.w.template, sampling_method="Fixed Sample", fixed_sample_size=3)
		char = self.characteristic([])
		for i in range(5):
			self.inspect_lot(i, ["10.00", "10.02", "9.98"])
		limits = char.freeze_limits()
		char.reload()
		self.assertEqual(char.phase, "II")
		self.assertAlmostEqual(char.center_line, 10.0, places=6)
		self.assertLess(limits["lcl"], limits["center"])
		with self.assertRaises(frappe.ValidationError):
			self.characteristic([], subgroup_size=30)
		with self.assertRaises(frappe.ValidationError):
			self.characteristic([], lsl=10.2, usl=10.1)


class TestSPCFromIoT(QualityCase):
	# the scheduler job under test commits: MOM Settings' quarantine warehouse is put back afterwards
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.previous_quarantine = frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")

	@classmethod
	def tearDownClass(cls):
		testing.restore_quarantine(cls.previous_quarantine)
		super().tearDownClass()

	def test_iot_signal_violation_pauses_the_workstations_running_job(self):
		from frappe.utils import add_to_date, now_datetime

		from mom_app.quality.spc import recompute_iot_characteristics
		from mom_app.tests.utils import make_iot_device

		job = testing.work_order(self.w, qty=5)
		testing.start_job(job.job_card)
		device = make_iot_device(
			f"MOM-QC-DEV-{self.w.prefix}",
			workstation=job.workstation,
			tags=[{"tag_key": "temp", "signal_role": "Process Parameter", "json_key": "temp", "unit": "°C"}],
		)
		start = add_to_date(now_datetime(), minutes=-40)
		values = [40.0 + 0.2 * ((i * 7) % 5 - 2) for i in range(29)] + [55.0]
		for i, value in enumerate(values):
			frappe.get_doc(
				{
					"doctype": "IoT Minute Aggregate",
					"device": device.name,
					"tag": "temp",
					"minute": add_to_date(start, minutes=i),
					"sample_count": 4,
					"minimum": value,
					"maximum": value,
					"total": value * 4,
					"last_value": value,
					"last_ts": add_to_date(start, minutes=i),
				}
			).insert(ignore_permissions=True)
		char = frappe.get_doc(
			{
				"doctype": "Quality Characteristic",
				"item_code": self.w.fg,
				"data_source": "IoT Signal",
				"iot_device": device.name,
				"iot_tag": "temp",
				"chart_type": "I-MR",
				"spec_type": "None",
				"rules": [{"rule": "N1", "open_hold": 1}],
			}
		).insert(ignore_permissions=True)
		recompute_iot_characteristics()
		(hold,) = frappe.get_all(
			"Quality Hold", filters={"quality_characteristic": char.name}, fields=["name", "source"]
		)
		self.assertEqual(hold.source, "SPC")
		card = frappe.get_doc("Job Card", job.job_card)
		self.assertEqual((card.status, card.mom_quality_hold), ("On Hold", hold.name))
		self.assertEqual(frappe.db.get_value("Quality Characteristic", char.name, "points"), 30)


class TestPlanValidation(QualityCase):
	def test_bad_plans_refused(self):
		w = self.w
		with self.assertRaises(frappe.ValidationError):
			testing.plan("IQC", None, w.template)  # no item, no group
		with self.assertRaises(frappe.ValidationError):
			testing.plan("IQC", w.rm, w.template, aql_major="0.7")
		with self.assertRaises(frappe.ValidationError):
			testing.plan("IQC", w.rm, w.template, readings_per_parameter=11)
		with self.assertRaises(frappe.ValidationError):
			testing.plan("FQC", w.rm, w.template, supplier=w.supplier)
		with self.assertRaises(frappe.ValidationError):
			testing.plan("IPQC", w.fg, w.template)  # no frequency
		self.assertEqual(testing.plan("IQC", w.rm, w.template, aql_major="0.65").aql_major, "0.65")

	def test_item_plan_beats_group_plan(self):
		w = self.w
		group = frappe.db.get_value("Item", w.rm, "item_group")
		testing.plan("IQC", None, w.template, item_group=group, title="group")
		own = testing.plan("IQC", w.rm, w.template, title="own")
		self.assertEqual(find_plan("IQC", w.rm).name, own.name)
