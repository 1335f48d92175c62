"""The recall scope at plant scale: one coil that went into hundreds of finished lots, on a real site."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine import genealogy
from mom_app.stock_ext import api, synthetic
from mom_app.stock_ext.trace import EdgeStore
from mom_app.tests.utils import erpnext_company

PLAN = synthetic.WidePlan(
	lots=300, customers=20, intermediates=3, prefix="MOMTEST-RS-", edge_company="MOMTEST Recall Scale"
)


class TestRecallScale(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if synthetic.exists(PLAN):
			synthetic.remove(PLAN)
		synthetic.create(PLAN, erpnext_company())

	@classmethod
	def tearDownClass(cls):
		synthetic.remove(PLAN)
		super().tearDownClass()

	def test_recall_reaches_every_lot_delivery_and_customer(self):
		scope = api.recall_scope(PLAN.coil)
		self.assertEqual(
			scope["counts"],
			{"lots": 303, "finished": 300, "deliveries": 60, "customers": 20},
		)
		self.assertEqual(
			{c["name"] for c in scope["customers"]}, {PLAN.customer(c) for c in range(PLAN.customers)}
		)
		self.assertEqual(len({n["name"] for n in scope["lots"]}), 303)

	def test_recall_leaves_the_graph_out_unless_asked(self):
		# the lists are what a recall acts on; the graph of a wide recall is several times their size
		self.assertNotIn("graph", api.recall_scope(PLAN.coil))
		graph = api.recall_scope(PLAN.coil, graph=True)["graph"]
		lots = {n["name"] for n in graph["nodes"] if n["is_lot"]}
		self.assertEqual(len(lots), 304)  # the coil and everything made from it
		self.assertEqual(len(graph["edges"]), PLAN.edge_count() - 2)  # all but the receipt's two

	def test_walk_without_details_reads_the_same_edges(self):
		start = ("Batch", PLAN.coil)
		full, light = EdgeStore(), EdgeStore(details=False)
		a = genealogy.recall_scope(full.fetch, start)
		b = genealogy.recall_scope(light.fetch, start)
		self.assertEqual(a.trace.edges, b.trace.edges)
		self.assertEqual(a.trace.depth, b.trace.depth)
		self.assertEqual({len(r) for r in light.rows.values()}, {7})
		self.assertEqual({len(r) for r in full.rows.values()}, {12})

	def test_recall_as_a_user_who_reads_deliveries_and_customers(self):
		user = "recall-scale@mom-test.example"
		if not frappe.db.exists("User", user):
			frappe.get_doc(
				{"doctype": "User", "email": user, "first_name": "Recall", "send_welcome_email": 0}
			).insert(ignore_permissions=True)
		frappe.get_doc("User", user).add_roles("MOM Manager", "Sales User")
		frappe.set_user(user)
		try:
			scope = api.recall_scope(PLAN.coil)
		finally:
			frappe.set_user("Administrator")
		self.assertFalse(any(c["redacted"] for c in scope["customers"]))
		self.assertFalse(any(d["redacted"] for d in scope["deliveries"]))
