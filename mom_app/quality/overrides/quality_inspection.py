"""Quality Inspection: the verdict follows the plan, and a submitted inspection moves the quality loop.

before submit (inspections made by a plan):
  - every numeric parameter has exactly the plan's number of readings, all numbers; every other parameter
    has its reading; defect counts are whole numbers >= 0; a plan that wants a photo has one attached;
  - verdict: rejected if any parameter is rejected (ERPNext's own min/max or formula check per reading) or
    the defects of any class reach its AQL plan's rejection number (ISO 2859-1 single sampling).
on submit:
  - the item's AQL switching state moves (normal / tightened / reduced / discontinued, with the reason);
  - SPC characteristics of the item and these parameters are recomputed;
  - a rejected inspection raises a Non Conformance and a Quality Hold.
"""

import json

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, get_link_to_form

from mom_app.engine import aql
from mom_app.quality import plans
from mom_app.quality.strings import stage_label


class InspectionInputError(frappe.ValidationError):
	pass


def numeric_readings(reading) -> list[str]:
	return [
		(reading.get(f"reading_{i}") or "").strip()
		for i in range(1, 11)
		if (reading.get(f"reading_{i}") or "").strip()
	]


def check_inputs(qi):
	"""Clear messages for every incomplete or malformed input of a plan inspection."""
	needed = plans.readings_required(qi)
	problems = []
	for reading in qi.readings:
		if reading.get("formula_based_criteria") and not cint(reading.numeric):
			continue
		if cint(reading.numeric):
			values = numeric_readings(reading)
			bad = [v for v in values if not is_number(v)]
			if bad:
				problems.append(
					_("{0}: {1} is not a number.").format(
						escape_html(reading.specification),
						", ".join(frappe.bold(escape_html(b)) for b in bad),
					)
				)
			elif len(values) != needed:
				problems.append(
					_("{0}: {1} readings entered, the plan needs {2}.").format(
						escape_html(reading.specification), len(values), needed
					)
				)
		elif not (reading.get("reading_value") or "").strip() and not reading.get("manual_inspection"):
			problems.append(_("{0}: no result entered.").format(escape_html(reading.specification)))
	for cls in aql.DEFECT_CLASSES:
		value = qi.get(f"mom_defects_{cls}")
		if value is not None and cint(value) < 0:
			problems.append(_("{0} defects cannot be negative.").format(_(cls.title())))
	if qi.mom_inspection_plan and frappe.db.get_value(
		"Inspection Plan", qi.mom_inspection_plan, "require_photo"
	):
		if not frappe.db.count(
			"File", {"attached_to_doctype": "Quality Inspection", "attached_to_name": qi.name, "is_folder": 0}
		):
			problems.append(_("The plan requires at least one photo; attach it before submitting."))
	if problems:
		frappe.throw("<br>".join(problems), InspectionInputError, title=_("Inspection incomplete"))


def is_number(text: str) -> bool:
	try:
		value = float(text)
	except (TypeError, ValueError):
		return False
	return value == value and value not in (float("inf"), float("-inf"))


def defect_counts(qi) -> dict[str, int]:
	return {cls: cint(qi.get(f"mom_defects_{cls}")) for cls in aql.DEFECT_CLASSES}


def aql_verdict(qi) -> aql.Verdict | None:
	"""The sampling plans' verdict on the inspection's defect counts (None without AQL plans)."""
	return aql.judge_sampling(json.loads(qi.mom_sampling_json or "{}"), defect_counts(qi))


def before_submit(qi, method=None):
	if not qi.get("mom_inspection_plan"):
		return
	check_inputs(qi)
	qi.manual_inspection = 0
	qi.inspect_and_set_status()  # ERPNext's own per-parameter acceptance (min/max, value, formula)
	qi.manual_inspection = 1
	verdict = aql_verdict(qi)
	if verdict is not None and not verdict.accepted:
		qi.status = "Rejected"
		qi.add_comment("Info", _("Rejected by the sampling plan: {0}").format(verdict.reason))


def on_submit(qi, method=None):
	if qi.get("mom_inspection_plan"):
		update_switching(qi)
	from mom_app.quality.spc import on_inspection_submitted

	on_inspection_submitted(qi)
	if qi.status == "Rejected" and not qi.get("mom_quality_hold"):
		raise_inspection_hold(qi)


def update_switching(qi):
	sampling = json.loads(qi.mom_sampling_json or "{}")
	if not sampling.get("plans"):
		return
	plan = frappe._dict(
		frappe.db.get_value("Inspection Plan", qi.mom_inspection_plan, plans.PLAN_FIELDS, as_dict=True)
	)
	supplier = None
	if plan.stage == "IQC" and qi.reference_type in ("Purchase Receipt", "Purchase Invoice"):
		supplier = frappe.db.get_value(qi.reference_type, qi.reference_name, "supplier")
	state_doc = plans.switching_state(plan, qi.item_code, supplier)
	state = aql.SwitchState.from_dict(json.loads(state_doc.state_json or "{}"))
	lot = aql.lot_result(
		sampling,
		defect_counts(qi),
		qi.status == "Accepted",
		production_steady=bool(state_doc.production_steady),
		reduced_approved=bool(state_doc.approve_reduced),
		sample_size=cint(qi.sample_size),
	)
	new_state, switch = aql.next_state(state, lot)
	state_doc.state_json = json.dumps(new_state.to_dict())
	state_doc.severity = (
		"Discontinued" if new_state.discontinued else plans.SEVERITY_LABEL[new_state.severity]
	)
	state_doc.switching_score = cint(new_state.switching_score)
	state_doc.lots_inspected = cint(state_doc.lots_inspected) + 1
	if switch:
		state_doc.append(
			"history",
			{
				"switched_on": frappe.utils.now_datetime(),
				"from_severity": switch.from_severity,
				"to_severity": switch.to_severity,
				"rule": switch.rule,
				"reason": switch.reason,
				"quality_inspection": qi.name,
			},
		)
	state_doc.flags.ignore_permissions = True
	state_doc.save()


def raise_inspection_hold(qi):
	from mom_app.quality.hold import raise_hold, reference_batches

	work_orders, job_cards = [], []
	if qi.get("mom_work_order"):
		work_orders.append(qi.mom_work_order)
	if qi.reference_type == "Job Card":
		job_cards.append(qi.reference_name)
		wo = frappe.db.get_value("Job Card", qi.reference_name, "work_order")
		if wo and wo not in work_orders:
			work_orders.append(wo)
	elif qi.reference_type == "Stock Entry":
		wo = frappe.db.get_value("Stock Entry", qi.reference_name, "work_order")
		if wo and wo not in work_orders:
			work_orders.append(wo)
	rejected = [r.specification for r in qi.readings if r.status == "Rejected"]
	detail = ", ".join(rejected) if rejected else _("sampling plan")
	reason = _("Inspection {0} of {1} ({2}) rejected: {3}").format(
		qi.name, qi.item_code, stage_label(qi.get("mom_stage") or qi.inspection_type), detail
	)
	hold = raise_hold(
		reason,
		"Quality Inspection",
		item_code=qi.item_code,
		batches=reference_batches(qi),
		work_orders=work_orders,
		job_cards=job_cards,
		quality_inspection=qi.name,
	)
	qi.mom_quality_hold = hold.name
	frappe.msgprint(
		_("Quality hold {0} raised.").format(get_link_to_form("Quality Hold", hold.name)),
		alert=True,
		indicator="red",
	)
	return hold
