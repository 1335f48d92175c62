"""Lot genealogy on a real site: capture on submit, traces both ways, recall scope, cancel, rebuild,
redaction, exports and the Batch Genealogy report."""

import io

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date

from mom_app.stock_ext import api, capture
from mom_app.stock_ext.testing import delivery, make_history, party
from mom_app.stock_ext.trace import REDACTED, iot_available
from mom_app.stock_ext.trace.export import render_html
from mom_app.tests.utils import make_iot_device, make_user


def edges_of(*vouchers):
	return frappe.get_all(
		"Genealogy Edge",
		filters={"voucher_no": ("in", vouchers)},
		fields=list(capture.EDGE_FIELDS),
		order_by="name",
	)


def all_edges() -> list[tuple]:
	"""Every edge on the site as comparable tuples (without name / timestamps)."""
	rows = frappe.db.sql(
		"""select source_type, source_name, source_item, target_type, target_name, target_item, qty,
			supplier_batch_no, voucher_type, voucher_no, work_order, posting_datetime, company
		from `tabGenealogy Edge`"""
	)
	return sorted(tuple(str(v) for v in row) for row in rows)


def names(nodes, doctype=None):
	return {n["name"] for n in nodes if doctype is None or n["doctype"] == doctype}


class TestTraceability(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.h = make_history()
		cls.qi = (
			frappe.get_doc(
				{
					"doctype": "Quality Inspection",
					"inspection_type": "In Process",
					"reference_type": "Stock Entry",
					"reference_name": cls.h.se1,
					"item_code": "MOM-TR-SA",
					"batch_no": cls.h.sa1,
					"sample_size": 1,
					"inspected_by": "Administrator",
					"status": "Accepted",
					"manual_inspection": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- capture ------------------------------------------------------------------------------------

	def test_capture_on_submit(self):
		h = self.h
		receipt = {(e.source_name, e.target_name, e.qty) for e in edges_of(h.pr1)}
		self.assertEqual(receipt, {(h.s1, h.pr1, 100), (h.pr1, h.rma1, 100)})
		received = next(e for e in edges_of(h.pr1) if e.target_name == h.rma1)
		self.assertEqual(received.supplier_batch_no, h.supplier_batch_no)
		self.assertEqual(received.target_item, "MOM-TR-RM-A")

		sub = {(e.source_name, e.target_name, e.qty) for e in edges_of(h.se1)}
		self.assertEqual(sub, {(h.rma1, h.sa1, 10), (h.rmb1, h.sa1, 5)})

		final = edges_of(h.se3)
		self.assertEqual(
			{(e.source_name, e.target_name, e.qty) for e in final}, {(h.sa1, h.fg1, 3), (h.sa2, h.fg1, 2)}
		)
		self.assertEqual({e.work_order for e in final}, {h.work_order})

		kits = edges_of(h.repack)
		self.assertEqual({(e.source_type, e.target_type) for e in kits}, {("Batch", "Serial No")})
		self.assertEqual({e.target_name for e in kits}, set(h.kits))

		delivered = {(e.source_type, e.source_name, e.target_type, e.target_name) for e in edges_of(h.dn2)}
		self.assertEqual(
			delivered,
			{
				("Batch", h.fg1, "Delivery Note", h.dn2),
				("Serial No", h.kits[0], "Delivery Note", h.dn2),
				("Delivery Note", h.dn2, "Customer", h.c2),
			},
		)

	def test_legacy_serial_batch_fields_read_like_bundles(self):
		"""Rows without a Serial and Batch Bundle (history from before v15) are read from batch_no/serial_no."""
		h = self.h
		bundled = capture.voucher_edges("Stock Entry", h.repack)
		delivered = capture.voucher_edges("Delivery Note", h.dn2)
		saved = {
			doctype: frappe.get_all(
				doctype, filters={"parent": parent}, fields=["name", "serial_and_batch_bundle"]
			)
			for doctype, parent in (("Stock Entry Detail", h.repack), ("Delivery Note Item", h.dn2))
		}
		try:
			for doctype, rows in saved.items():
				for row in rows:
					frappe.db.set_value(doctype, row.name, "serial_and_batch_bundle", None)
			self.assertEqual(capture.voucher_edges("Stock Entry", h.repack), bundled)
			self.assertEqual(capture.voucher_edges("Delivery Note", h.dn2), delivered)
		finally:
			for doctype, rows in saved.items():
				for row in rows:
					frappe.db.set_value(
						doctype, row.name, "serial_and_batch_bundle", row.serial_and_batch_bundle
					)

	def test_other_purposes_and_returns_write_nothing(self):
		self.assertEqual(capture.voucher_edges("Stock Entry", "does-not-exist"), [])
		transfer = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"purpose": "Material Transfer",
				"stock_entry_type": "Material Transfer",
				"company": self.h.company,
				"items": [
					{
						"item_code": "MOM-TR-RM-A",
						"qty": 1,
						"s_warehouse": self.h.store,
						"t_warehouse": self.h.fg_store,
						"batch_no": self.h.rma2,
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert(ignore_permissions=True)
		transfer.submit()
		self.assertEqual(edges_of(transfer.name), [])

	# --- traces -------------------------------------------------------------------------------------

	def test_backward_trace_to_suppliers(self):
		h = self.h
		data = api.trace(h.fg1, "backward")
		depth = {(n["doctype"], n["name"]): n["depth"] for n in data["nodes"]}
		self.assertEqual(depth[("Batch", h.fg1)], 0)
		self.assertEqual(depth[("Batch", h.sa1)], -1)
		self.assertEqual(depth[("Batch", h.sa2)], -1)
		self.assertEqual({depth[("Batch", b)] for b in (h.rma1, h.rma2, h.rmb1)}, {-2})
		self.assertEqual(depth[("Purchase Receipt", h.pr1)], -3)
		self.assertEqual({depth[("Supplier", s)] for s in (h.s1, h.s2)}, {-4})
		self.assertNotIn(("Customer", h.c1), depth)
		# one query per BFS level (4 levels with edges, the 5th finds none)
		self.assertEqual(data["queries"], 5)
		material = next(m for m in data["materials"] if m["name"] == h.rma1)
		self.assertEqual(material["supplier_batch_no"], h.supplier_batch_no)
		self.assertEqual(material["purchase_receipt"], h.pr1)

	def test_forward_trace_and_enrichment(self):
		h = self.h
		data = api.trace(h.rma1, "forward")
		self.assertEqual(
			names(data["nodes"], "Batch") | names(data["nodes"], "Serial No"), {h.rma1, h.sa1, h.fg1, *h.kits}
		)
		self.assertEqual(names(data["nodes"], "Customer"), {h.c1, h.c2})
		self.assertFalse(any(n["redacted"] for n in data["nodes"]))
		machines = data["machines"]
		self.assertEqual([m["job_card"] for m in machines], [h.job_card])
		self.assertEqual(machines[0]["workstation"], h.workstation)
		self.assertIn(h.fg1, machines[0]["lots"])
		self.assertEqual([o["employee"] for o in data["operators"]], [h.employee])
		self.assertIn(self.qi, [i["quality_inspection"] for i in data["inspections"]])
		self.assertEqual({c["customer"] for c in data["customers"]}, {h.c1, h.c2})

	def test_both_directions_and_depth_limit(self):
		h = self.h
		data = api.trace(h.sa1, "both", 1)
		depth = {(n["doctype"], n["name"]): n["depth"] for n in data["nodes"]}
		self.assertEqual(
			depth, {("Batch", h.sa1): 0, ("Batch", h.rma1): -1, ("Batch", h.rmb1): -1, ("Batch", h.fg1): 1}
		)
		self.assertEqual(data["truncated"], {"backward": True, "forward": True})
		self.assertTrue(all(n["more"] for n in data["nodes"] if n["depth"]))

	def test_recall_scope_from_supplier_batch(self):
		h = self.h
		scope = api.recall_scope(h.rma1)
		self.assertEqual(names(scope["lots"]), {h.sa1, h.fg1, *h.kits})
		self.assertEqual(names(scope["finished"]), set(h.kits))
		self.assertEqual(names(scope["deliveries"]), {h.dn1, h.dn2})
		self.assertEqual(names(scope["customers"]), {h.c1, h.c2})
		# RM-B went into SA-1 only, never into SA-2
		other = api.recall_scope(h.rmb1)
		self.assertIn(h.sa1, names(other["lots"]))
		self.assertNotIn(h.sa2, names(other["lots"]))

	def test_process_parameters_of_the_job_card_window(self):
		if not iot_available():
			self.skipTest("mom_app IoT tables are not installed")
		h = self.h
		device = make_iot_device(
			f"MOM-TR-DEV-{h.prefix}",
			tags=[{"tag_key": "spindle_temp", "signal_role": "Process Parameter", "unit": "degC"}],
			workstation=h.workstation,
		)
		start = frappe.db.get_value("Job Card Time Log", {"parent": h.job_card}, "from_time")
		for minute, (low, high, total, count) in enumerate([(40, 42, 164, 4), (41, 45, 172, 4)]):
			frappe.get_doc(
				{
					"doctype": "IoT Minute Aggregate",
					"device": device.name,
					"tag": "spindle_temp",
					"minute": add_to_date(start, minutes=minute + 1),
					"sample_count": count,
					"minimum": low,
					"maximum": high,
					"total": total,
				}
			).insert(ignore_permissions=True)
		rows = api.trace(h.fg1, "backward")["process_parameters"]
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0]["tag"], "spindle_temp")
		self.assertEqual((rows[0]["minimum"], rows[0]["maximum"], rows[0]["samples"]), (40, 45, 8))
		self.assertAlmostEqual(rows[0]["mean"], 42.0)

	# --- cancel and rebuild ---------------------------------------------------------------------------

	def test_rebuild_equals_incremental_capture(self):
		before = all_edges()
		self.assertTrue(any(self.h.fg1 in row for row in before))
		frappe.db.delete("Genealogy Edge", {"voucher_no": self.h.se3})
		counts = capture.rebuild(commit=False)
		self.assertGreaterEqual(counts["vouchers"], 8)
		self.assertEqual(all_edges(), before)

	def test_cancel_removes_edges(self):
		h = self.h
		customer = f"MOM Trace Customer C {h.prefix}"
		dn = delivery(h.company, party("Customer", customer), h.store, [("MOM-TR-RM-A", h.rma2, None, 1)])
		self.assertEqual(len(edges_of(dn.name)), 2)
		self.assertIn(customer, names(api.recall_scope(h.rma2)["customers"]))
		dn.cancel()
		self.assertEqual(edges_of(dn.name), [])
		self.assertEqual(capture.voucher_edges("Delivery Note", dn.name), [])
		self.assertNotIn(customer, names(api.recall_scope(h.rma2)["customers"]))

	# --- permissions and messages ---------------------------------------------------------------------

	def test_unreadable_documents_are_redacted(self):
		h = self.h
		# a supervisor reads batches, stock entries and work orders, but no receipts, deliveries or parties
		supervisor = make_user("Production Supervisor", "trace-supervisor@mom-test.example")
		frappe.set_user(supervisor)
		data = api.trace(h.sa1, "both")
		for node in data["nodes"]:
			if node["doctype"] in ("Delivery Note", "Customer", "Purchase Receipt", "Supplier"):
				self.assertTrue(node["redacted"], node)
				self.assertEqual(node["name"], REDACTED)
				self.assertIsNone(node["qty"])
				self.assertIsNone(node["route"])
			else:
				self.assertFalse(node["redacted"], node)
		redacted = {n["doctype"] for n in data["nodes"] if n["redacted"]}
		self.assertEqual(redacted, {"Customer", "Delivery Note", "Purchase Receipt", "Supplier"})
		text = frappe.as_json(data)
		for secret in (h.c1, h.c2, h.dn1, h.dn2, h.s1, h.pr1):
			self.assertNotIn(secret, text)
		self.assertTrue(data["customers"])
		self.assertTrue(all(c["customer"] == REDACTED for c in data["customers"]))
		scope = api.recall_scope(h.rma2)
		self.assertTrue(scope["customers"])
		self.assertTrue(all(c["name"] == REDACTED for c in scope["customers"]))

	def test_who_cannot_read_batches_cannot_trace(self):
		technician = make_user("Maintenance Technician", "trace-technician@mom-test.example")
		frappe.set_user(technician)
		with self.assertRaises(frappe.PermissionError):
			api.trace(self.h.fg1)

	def test_unknown_lot(self):
		with self.assertRaises(frappe.DoesNotExistError) as raised:
			api.trace("NO-SUCH-LOT-42")
		self.assertIn("NO-SUCH-LOT-42", str(raised.exception))
		with self.assertRaises(frappe.DoesNotExistError):
			api.recall_scope("NO-SUCH-LOT-42")
		with self.assertRaises(frappe.ValidationError):
			api.trace(self.h.fg1, "sideways")

	def test_supplier_batch_number_finds_the_batch(self):
		data = api.trace(self.h.supplier_batch_no, "forward", 1)
		self.assertEqual(data["lot"], {"doctype": "Batch", "name": self.h.rma1})

	# --- exports and report ---------------------------------------------------------------------------

	def test_excel_export(self):
		from openpyxl import load_workbook

		api.export_excel(self.h.fg1)
		self.assertEqual(frappe.response["type"], "binary")
		self.assertTrue(frappe.response["filename"].endswith(".xlsx"))
		book = load_workbook(io.BytesIO(frappe.response["filecontent"]))
		data = api.trace(self.h.fg1)
		self.assertIn("Materials", book.sheetnames)
		materials = list(book["Materials"].iter_rows(values_only=True))
		self.assertEqual(len(materials), 1 + len(data["materials"]))
		self.assertIn(self.h.rma1, {row[3] for row in materials})
		graph = list(book["Genealogy"].iter_rows(values_only=True))
		self.assertEqual(len(graph), 1 + len(data["edges"]))
		customers = list(book["Customers"].iter_rows(values_only=True))
		self.assertEqual({row[0] for row in customers[1:]}, {self.h.c1, self.h.c2})

	def test_pdf(self):
		api.print_pdf(self.h.fg1)
		self.assertEqual(frappe.response["type"], "pdf")
		self.assertTrue(frappe.response["filecontent"].startswith(b"%PDF"))
		html = render_html(api.trace(self.h.fg1))
		self.assertIn(self.h.rma1, html)
		self.assertIn(self.h.c1, html)

	def test_batch_genealogy_report(self):
		from frappe.desk.query_report import run

		result = run(
			"Batch Genealogy", filters={"batch": self.h.fg1, "direction": "Backward", "max_depth": 20}
		)
		rows = result["result"]
		self.assertEqual({r["depth"] for r in rows}, {-1, -2, -3, -4})
		first = next(r for r in rows if r["source"] == self.h.sa1)
		self.assertEqual(
			(first["target"], first["qty"], first["work_order"]), (self.h.fg1, 3, self.h.work_order)
		)
		self.assertEqual(first["voucher_no"], self.h.se3)
