"""Tier 2: what the mobile inspection API (/qc) tells the page besides the data: an inspection's stage, IPQC
check and reference in the reader's words (never "First Article@0" or a doctype's English name), the limits a
reading is flagged against as it is typed, and for a rejected inspection which reading or defect class
failed."""

import json

import frappe

from mom_app.quality import api, testing
from mom_app.quality.test_quality import QualityCase, fill, plan_inspections


def in_language(lang: str):
	"""Run in `lang` as a request of that user would (frappe.local.lang), put back afterwards."""
	previous = frappe.local.lang

	class Switch:
		def __enter__(self):
			frappe.local.lang = lang

		def __exit__(self, *exc):
			frappe.local.lang = previous

	return Switch()


class TestRejectionDetails(QualityCase):
	def setUp(self):
		super().setUp()
		testing.plan("IQC", self.w.rm, self.w.template, aql_major="1.0")
		self.pr = testing.received(self.w, f"QC-{self.w.prefix}-R", qty=500)  # n = 50, Ac 1 / Re 2
		(self.qi,) = plan_inspections("Purchase Receipt", self.pr.name)
		frappe.set_user(self.inspector)

	def test_reject_names_the_readings_and_the_class(self):
		result = fill(self.qi.name, ["10.0", "10.3", "9.8"], appearance_ok=False, defects={"major": 2})
		self.assertEqual(result["status"], "Rejected")
		failures = result["failures"]
		form = api.get_inspection(self.qi.name)
		numeric = next(p["row"] for p in form["parameters"] if p["numeric"])
		visual = next(p["row"] for p in form["parameters"] if not p["numeric"])
		self.assertEqual(
			[(f["parameter"], f["reading"], f["class"]) for f in failures],
			[(numeric, 2, None), (numeric, 3, None), (visual, None, None), (None, None, "major")],
		)
		self.assertIn("10.3", failures[0]["message"])
		self.assertIn(f"Diameter {self.w.prefix}", failures[0]["message"])
		self.assertIn("9.9", failures[0]["message"])
		self.assertIn("9.8", failures[1]["message"])
		self.assertIn(f"Appearance {self.w.prefix}", failures[2]["message"])
		self.assertIn("2", failures[3]["message"])
		# the submitted inspection scanned again says the same
		self.assertEqual(api.get_inspection(self.qi.name)["failures"], failures)

	def test_a_retried_reject_answers_with_the_failures(self):
		client_id = f"qc-fail-{frappe.generate_hash(length=10)}"
		first = fill(self.qi.name, ["10.0", "10.0", "12"], defects={"major": 0}, client_id=client_id)
		again = fill(self.qi.name, ["10.0", "10.0", "12"], defects={"major": 0}, client_id=client_id)
		self.assertTrue(again["replayed"])
		self.assertEqual([f["reading"] for f in again["failures"]], [3])
		self.assertEqual(again["failures"], first["failures"])

	def test_accepted_has_no_failures(self):
		result = fill(self.qi.name, ["10.0", "9.9", "10.1"], defects={"major": 1})  # both limits, Ac 1
		self.assertEqual((result["status"], result["failures"]), ("Accepted", []))

	def test_a_typed_value_is_escaped_in_the_failure(self):
		form = api.get_inspection(self.qi.name)
		readings = {
			p["row"]: ["10", "10", "10"] if p["numeric"] else {"value": "<b>bad</b>"}
			for p in form["parameters"]
		}
		result = api.submit_inspection(self.qi.name, json.dumps(readings), json.dumps({"major": 0}))
		(failure,) = result["failures"]
		self.assertIn("bad", failure["message"])
		self.assertNotIn("<b>", failure["message"])  # the typed markup is text


class TestWhatThePageShows(QualityCase):
	def test_limits_to_flag_readings_as_typed(self):
		testing.plan("IQC", self.w.rm, self.w.template)
		pr = testing.received(self.w, f"QC-{self.w.prefix}-L", qty=100)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		frappe.set_user(self.inspector)
		params = {p["numeric"]: p for p in api.get_inspection(qi.name)["parameters"]}
		self.assertEqual(params[1]["limits"], [9.9, 10.1])
		self.assertIsNone(params[0]["limits"])  # a visual check has none
		# a parameter judged by an acceptance formula is not flagged by limits
		frappe.set_user("Administrator")
		row = frappe.get_doc("Quality Inspection", qi.name).readings
		numeric = next(r for r in row if r.numeric)
		frappe.db.set_value(
			"Quality Inspection Reading",
			numeric.name,
			{"formula_based_criteria": 1, "acceptance_formula": "reading_1 > 0"},
		)
		frappe.set_user(self.inspector)
		params = {p["numeric"]: p for p in api.get_inspection(qi.name)["parameters"]}
		self.assertIsNone(params[1]["limits"])

	def test_ipqc_labels_in_the_readers_words(self):
		testing.plan(
			"IPQC",
			self.w.fg,
			self.w.template,
			sampling_method="Fixed Sample",
			fixed_sample_size=3,
			frequencies=[{"kind": "First Article"}],
		)
		job = testing.work_order(self.w, qty=10)
		testing.start_job(job.job_card)
		frappe.set_user(self.inspector)
		with in_language("zh"):
			scanned = api.scan(job.job_card)
			form = api.get_inspection(scanned["inspections"][0]["name"])
			job_card = frappe._("Job Card")
		(summary,) = scanned["inspections"]
		self.assertEqual(scanned["kind_label"], job_card)
		self.assertEqual(summary["stage_label"], "制程检验")
		self.assertEqual(summary["check_label"], "首件检验")
		self.assertEqual(
			(form["stage_label"], form["check_label"], form["reference_label"]),
			("制程检验", "首件检验", job_card),
		)
		labels = [summary[k] for k in ("stage_label", "check_label", "reference_label")]
		self.assertNotIn("@", json.dumps(labels))
		with in_language("en"):
			self.assertEqual(api.check_label("First Article@0"), "First Article")
			self.assertEqual(api.check_label("Every N Pieces@50"), "Every N Pieces, after 50 pieces")
			self.assertEqual(api.check_label("<img src=x>@0"), "&lt;img src=x&gt;")
			self.assertEqual(api.stage_label("OQC"), "OQC")
		with in_language("zh"):
			self.assertEqual(api.check_label("Every N Pieces@50"), "按件巡检（已生产 50 件）")
			self.assertEqual(api.stage_label("IQC"), "来料检验")
			# an inspection without a plan stage is named by its ERPNext type, as its form says it
			self.assertEqual(api.stage_label("In Process"), "制程检验")

	def test_sampling_in_the_readers_language(self):
		testing.plan("IQC", self.w.rm, self.w.template, aql_major="1.0")
		with in_language("en"):  # the receipt is made by an English-speaking user
			pr = testing.received(self.w, f"QC-{self.w.prefix}-S", qty=500)
		(qi,) = plan_inspections("Purchase Receipt", pr.name)
		self.assertIn("level II", frappe.db.get_value("Quality Inspection", qi.name, "mom_sampling"))
		frappe.set_user(self.inspector)
		with in_language("zh"):
			sampling = api.get_inspection(qi.name)["sampling"]
		self.assertIn("检验水平 II", sampling)
		self.assertIn("n = 50", sampling)
		self.assertNotIn("level", sampling)
