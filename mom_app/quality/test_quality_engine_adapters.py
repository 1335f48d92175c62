"""Tier 2: the quality adapters call the engine's rules with the site's data.

Production Steady on the AQL Switching State (ISO 2859-1 9.3.3 b) decides whether a scheme with a switching
score of 30 and approval goes to reduced inspection, clearing it returns to normal at once, and only a
manager may set it; the patch that added it keeps schemes already at reduced inspection there; the sampling
of 100 % and fixed-sample plans.
"""

import json

import frappe

from mom_app.engine import aql
from mom_app.quality import plans, testing
from mom_app.quality.test_quality import QualityCase, fill, plan_inspections


class TestProductionSteady(QualityCase):
	def receive_and_accept(self, suffix: str) -> dict:
		"""Receive a lot of 500 (code letter H, AQL 1.0: Ac 1 at normal) and accept it; its sampling."""
		w = self.w
		pr = testing.received(w, f"QC-{w.prefix}-{suffix}", qty=500)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		sampling = json.loads(frappe.db.get_value("Quality Inspection", qi.name, "mom_sampling_json"))
		frappe.set_user(self.inspector)
		fill(qi.name, ["10.0", "10.0", "10.0"], defects={"major": 0})
		frappe.set_user("Administrator")
		return sampling

	def state(self, plan):
		return frappe.get_doc(
			"AQL Switching State",
			{"inspection_plan": plan.name, "item_code": self.w.rm, "supplier": self.w.supplier},
		)

	def test_reduced_inspection_needs_steady_production(self):
		w = self.w
		plan = testing.plan("IQC", w.rm, w.template)
		state = plans.switching_state(plan, w.rm, w.supplier)
		self.assertEqual(state.production_steady, 0)  # off until a manager says otherwise
		# 14 accepted lots at Ac 1 so far, reduced inspection approved
		state.state_json = json.dumps(aql.SwitchState(switching_score=28).to_dict())
		state.approve_reduced = 1
		state.save()

		self.assertEqual(self.receive_and_accept("L1")["severity"], "normal")
		state = self.state(plan)
		# score 30 and approved, but production is not known to be steady: still normal
		self.assertEqual((state.severity, state.switching_score), ("Normal", 30))
		self.assertFalse(state.history)

		state.production_steady = 1
		state.save()
		self.receive_and_accept("L2")
		state = self.state(plan)
		self.assertEqual(state.severity, "Reduced")
		self.assertEqual(state.history[-1].rule, "N->R score 30")
		pr = testing.received(w, f"QC-{w.prefix}-L3", qty=500)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		sampling = json.loads(frappe.db.get_value("Quality Inspection", qi.name, "mom_sampling_json"))
		self.assertEqual(sampling["severity"], "reduced")

		# production became irregular: the manager clears the box, normal inspection at once
		state.production_steady = 0
		state.save()
		state.reload()
		self.assertEqual(state.severity, "Normal")
		self.assertEqual(state.history[-1].rule, "R->N irregular production")
		self.assertEqual(json.loads(state.state_json)["severity"], "normal")
		self.assertEqual(self.receive_and_accept("L4")["severity"], "normal")

	def test_only_a_manager_declares_production_steady(self):
		plan = testing.plan("IQC", self.w.rm, self.w.template)
		state = plans.switching_state(plan, self.w.rm, self.w.supplier)
		frappe.set_user(self.inspector)
		state = frappe.get_doc("AQL Switching State", state.name)
		state.production_steady = 1
		with self.assertRaises(frappe.PermissionError):
			state.save()

	def test_patch_keeps_schemes_at_reduced_inspection_there(self):
		from mom_app.patches.v0_1.aql_production_steady_007 import execute

		plan = testing.plan("IQC", self.w.rm, self.w.template)
		reduced = plans.switching_state(plan, self.w.rm, self.w.supplier)
		frappe.db.set_value(
			"AQL Switching State",
			reduced.name,
			{"severity": "Reduced", "state_json": json.dumps(aql.SwitchState(severity="reduced").to_dict())},
		)
		normal = plans.switching_state(plan, self.w.rm, None)
		execute()
		self.assertEqual(frappe.db.get_value("AQL Switching State", reduced.name, "production_steady"), 1)
		self.assertEqual(frappe.db.get_value("AQL Switching State", normal.name, "production_steady"), 0)


class TestSamplingWithoutTables(QualityCase):
	def test_hundred_percent_and_fixed_sample(self):
		whole = plans.sampling_for(frappe._dict(sampling_method="100%"), 37.4, self.w.rm)
		self.assertEqual((whole["sample_size"], whole["plans"], whole["severity"]), (37, {}, None))
		fixed = plans.sampling_for(
			frappe._dict(sampling_method="Fixed Sample", fixed_sample_size=13), 10, self.w.rm
		)
		self.assertEqual(fixed["sample_size"], 10)  # never more than the lot
		self.assertIn("10", fixed["text"])
