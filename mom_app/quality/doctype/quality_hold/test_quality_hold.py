"""Tier 2: a quality hold says where its batches are (when it was raised and now, and where the stock went),
names the point an SPC hold is about, and its status reads as a hold's status in Chinese."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.quality import api, testing
from mom_app.quality.hold import raise_hold
from mom_app.stock_ext.testing import submit
from mom_app.tests.utils import make_user

# Frappe makes test records of every doctype Quality Hold links to: not ERPNext's (its Workstation records
# reach Payment Gateway, which a site without the payments app lacks, and the app's whole run stops); the tests
# make their own records (tests/test_doctype_test_records.py keeps this list complete)
test_ignore = [
	"Batch",
	"Item",
	"Job Card",
	"Maintenance Work Order",
	"Non Conformance",
	"Operation",
	"Quality Characteristic",
	"Quality Inspection",
	"Quality Inspection Parameter",
	"Warehouse",
	"Work Order",
	"Workstation",
]


def issue(w, lot: str, qty: float):
	"""A Material Issue of `qty` of `lot` from the stores (the batch used up)."""
	return submit(
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"purpose": "Material Issue",
				"stock_entry_type": "Material Issue",
				"company": w.company,
				"items": [
					{
						"item_code": w.rm,
						"qty": qty,
						"s_warehouse": w.store,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	)


class TestHeldBatches(FrappeTestCase):
	def setUp(self):
		self.w = testing.world()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_raised_hold_lists_stock_per_warehouse_and_the_form_shows_it_now(self):
		w = self.w
		lot = f"QH-{w.prefix}-1"
		testing.received(w, lot, qty=100)
		testing.transfer(w, lot, 40, w.line)
		hold = raise_hold("bent pins", "Quality Inspection", item_code=w.rm, batches=[lot])
		self.assertEqual(
			sorted((r.batch_no, r.item_code, r.warehouse, r.qty) for r in hold.batches),
			sorted([(lot, w.rm, w.store, 60.0), (lot, w.rm, w.line, 40.0)]),
		)
		# held stock may still go to quarantine: the hold's form shows where it is now
		testing.transfer(w, lot, 60, w.quarantine)
		(now,) = hold.batches_now()
		self.assertEqual(now["batch_no"], lot)
		self.assertEqual(
			sorted((s["warehouse"], s["qty"]) for s in now["stock"]), [(w.line, 40.0), (w.quarantine, 60.0)]
		)
		self.assertEqual(now["in_stock"], 100.0)
		first = now["movements"][0]
		self.assertEqual(
			(first["voucher_type"], first["warehouse"], first["qty"]), ("Purchase Receipt", w.store, 100.0)
		)
		self.assertEqual(len(now["movements"]), 5)  # received, two transfers out of and into warehouses

	def test_batch_used_up_says_where_it_went(self):
		w = self.w
		lot = f"QH-{w.prefix}-2"
		testing.received(w, lot, qty=30)
		used = issue(w, lot, 30)
		hold = raise_hold("found later", "Quality Inspection", item_code=w.rm, batches=[lot])
		(row,) = hold.batches
		self.assertEqual((row.warehouse, row.qty), (None, 0.0))
		(now,) = hold.batches_now()
		self.assertEqual((now["stock"], now["in_stock"], now["made_or_received"]), ([], 0, 30.0))
		last = now["movements"][-1]
		self.assertEqual(
			(last["voucher_type"], last["voucher_no"], last["warehouse"], last["qty"]),
			("Stock Entry", used.name, w.store, -30.0),
		)
		self.assertEqual(last["purpose"], "Material Issue")
		# a reader who may not open the stock entry sees that there is one, not its name
		frappe.set_user(make_user("MOM Operator", "qh-operator@mom-test.example"))
		hidden = frappe.get_doc("Quality Hold", hold.name).batches_now()[0]["movements"]
		self.assertIn("•••", [m["voucher_no"] for m in hidden if m["voucher_type"] == "Purchase Receipt"])

	def test_hold_entered_by_hand_fills_in_item_warehouse_and_qty(self):
		w = self.w
		lot = f"QH-{w.prefix}-3"
		testing.received(w, lot, qty=50)
		testing.transfer(w, lot, 20, w.line)
		hold = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"source": "Manual",
				"reason": "supplier warned us",
				"batches": [{"batch_no": lot, "relation": "supplier notice"}],
			}
		).insert()
		self.assertEqual(
			sorted((r.item_code, r.warehouse, r.qty, r.relation) for r in hold.batches),
			sorted([(w.rm, w.store, 30.0, "supplier notice"), (w.rm, w.line, 20.0, "supplier notice")]),
		)
		self.assertEqual(frappe.db.get_value("Batch", lot, "mom_quality_hold"), hold.name)
		hold.release("Use As Is", "checked")


class TestHoldWording(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"

	def test_status_open_reads_as_not_released_in_chinese(self):
		frappe.local.lang = "zh"
		self.assertEqual(frappe._("Open", context="Quality Hold"), "未解除")
		self.assertEqual(frappe._("Released", context="Quality Hold"), "已解除")
		self.assertEqual(frappe._("In Process", context="Quality Inspection"), "制程检验")

	def test_spc_hold_names_the_inspection_not_a_numbered_date(self):
		w = testing.world()
		testing.plan("IQC", w.rm, w.template, sampling_method="Fixed Sample", fixed_sample_size=3)
		char = frappe.get_doc(
			{
				"doctype": "Quality Characteristic",
				"item_code": w.rm,
				"parameter": f"Diameter {w.prefix}",
				"chart_type": "Xbar-R",
				"subgroup_size": 3,
				"spec_type": "Two-sided",
				"lsl": 9.9,
				"usl": 10.1,
				"target": 10.0,
				"rules": [{"rule": "N1", "open_hold": 1}],
			}
		).insert(ignore_permissions=True)
		stable = [["10.00", "10.01", "9.99"], ["10.01", "10.00", "10.00"], ["9.99", "10.00", "10.01"]]
		inspections = []
		for i in range(13):
			pr = testing.received(w, f"QH-{w.prefix}-P{i}", qty=20)
			qi = frappe.get_all(
				"Quality Inspection",
				filters={"reference_type": "Purchase Receipt", "reference_name": pr.name},
				pluck="name",
			)[0]
			form = api.get_inspection(qi)
			values = ["10.08", "10.09", "10.08"] if i == 12 else stable[i % 3]
			readings = {p["row"]: values if p["numeric"] else {"conform": True} for p in form["parameters"]}
			api.submit_inspection(qi, json.dumps(readings), json.dumps({"major": 0}), remarks="test")
			inspections.append(qi)
		reason = frappe.db.get_value("Quality Hold", {"quality_characteristic": char.name}, "reason")
		date = str(frappe.db.get_value("Quality Inspection", inspections[-1], "report_date"))
		self.assertIn(f"inspection {inspections[-1]} of {date} violates N1", reason)
		self.assertNotIn(f"point {date}", reason)
