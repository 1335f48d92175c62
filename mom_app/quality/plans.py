"""Inspection plans → ERPNext Quality Inspections (the Frappe adapter of mom_app.engine.aql and
mom_app.engine.inspection_plans).

At each trigger (a receipt, a job card, a Manufacture entry, a delivery) `inspections_for()` finds the plan
that matches the item (most specific wins), works out the sample from the plan's sampling rule and the
item's switching state (AQL: ISO 2859-1 / GB/T 2828.1), and creates the Quality Inspection with the
template's parameters, the sample size, the batch and the work order filled. Creating is idempotent: one
inspection per plan x document row x batch (x IPQC check).
"""

import json

import frappe
from frappe import _
from frappe.utils import nowdate

from mom_app.engine import aql, inspection_plans
from mom_app.engine.inspection_plans import match_plan

STAGE_INSPECTION_TYPE = {"IQC": "Incoming", "IPQC": "In Process", "FQC": "In Process", "OQC": "Outgoing"}
SEVERITY_LABEL = {"normal": "Normal", "tightened": "Tightened", "reduced": "Reduced"}

PLAN_FIELDS = [
	"name",
	"title",
	"stage",
	"item_code",
	"item_group",
	"supplier",
	"operation",
	"enabled",
	"quality_inspection_template",
	"gate",
	"require_photo",
	"readings_per_parameter",
	"sampling_method",
	"inspection_level",
	"fixed_sample_size",
	"aql_critical",
	"aql_major",
	"aql_minor",
]


def item_groups_of(item_code: str) -> list[str]:
	"""The item's group and its ancestors, nearest first."""
	group = frappe.get_cached_value("Item", item_code, "item_group")
	groups = []
	while group and group not in groups:
		groups.append(group)
		group = frappe.get_cached_value("Item Group", group, "parent_item_group")
	return groups


def find_plan(stage: str, item_code: str, supplier: str | None = None, operation: str | None = None):
	# runs on every job card save (IPQC): the plain query, without get_all's permission machinery
	plans = frappe.db.get_values(
		"Inspection Plan", {"stage": stage, "enabled": 1}, PLAN_FIELDS, as_dict=True, order_by="name"
	)
	if not plans:
		return None
	found = match_plan(
		plans, stage, item_code, item_groups_of(item_code), supplier=supplier, operation=operation
	)
	return frappe._dict(found) if found else None


# ------------------------------------------------------------------ sampling


def class_aqls(plan) -> dict[str, str]:
	return {
		cls: aql.normalise_aql(plan.get(f"aql_{cls}")) for cls in aql.DEFECT_CLASSES if plan.get(f"aql_{cls}")
	}


def sampling_for(plan, lot_size: float, item_code: str, supplier: str | None = None) -> dict:
	"""{sample_size, method, severity, discontinued, lot_size, level, text, plans: {class: {n, ac, re,
	code_letter, aql}}} for a lot of `lot_size`; `text` is sampling_text of the rest, in the language of the
	user who creates the inspection."""
	lot = inspection_plans.lot_units(lot_size)
	method = plan.sampling_method or inspection_plans.AQL_SAMPLING
	fixed = inspection_plans.fixed_sample(method, lot, plan.fixed_sample_size)
	if fixed is not None:
		sampling = {"sample_size": fixed, "method": method, "severity": None, "plans": {}}
		return {**sampling, "text": sampling_text(sampling)}

	state = switching_state(plan, item_code, supplier)
	severity = aql.sampling_severity(state.severity.lower())
	plans = aql.plans_for_classes(lot, plan.inspection_level or "II", class_aqls(plan), severity)
	sampling = {
		"sample_size": aql.sample_size_for(plans) if plans else lot,
		"method": method,
		"severity": severity,
		"discontinued": state.severity == "Discontinued",
		"lot_size": lot,
		"level": plan.inspection_level or "II",
		"plans": {cls: aql.plan_to_dict(p) for cls, p in plans.items()},
	}
	return {**sampling, "text": sampling_text(sampling)}


def sampling_text(sampling: dict, method: str | None = None) -> str:
	"""An inspection's sampling in words, in the reader's language, from what sampling_for stored with it
	(mom_sampling_json). `method` is the plan's sampling method, for inspections stored before the method
	was kept with them."""
	method = sampling.get("method") or method or inspection_plans.AQL_SAMPLING
	plans = sampling.get("plans") or {}
	if method == inspection_plans.HUNDRED_PERCENT:
		return _("100 % inspection of {0}").format(sampling.get("sample_size"))
	if method == inspection_plans.FIXED_SAMPLE or not sampling.get("severity"):
		return _("Fixed sample of {0}").format(sampling.get("sample_size"))
	level = sampling.get("level") or "II"
	head = _("ISO 2859-1 / GB/T 2828.1, level {0}, {1} inspection, lot {2}").format(
		level, _(SEVERITY_LABEL.get(sampling["severity"], sampling["severity"])), sampling.get("lot_size")
	)
	if sampling.get("discontinued"):
		head += " — " + _(
			"acceptance under this plan is DISCONTINUED until the supplier has corrected the process"
		)
	parts = [
		_("{0}: AQL {1}, code letter {2}, n = {3}, Ac {4} / Re {5}").format(
			_(cls.title()), p.get("aql"), p.get("code_letter"), p.get("n"), p.get("ac"), p.get("re")
		)
		for cls, p in plans.items()
	]
	return "\n".join([head, *parts])


def switching_state(plan, item_code: str, supplier: str | None = None):
	"""The AQL Switching State of plan x item (x supplier for IQC), created at normal inspection."""
	filters = {
		"inspection_plan": plan.name,
		"item_code": item_code,
		"supplier": supplier or ("is", "not set"),
	}
	name = frappe.db.get_value("AQL Switching State", filters)
	if name:
		return frappe.get_doc("AQL Switching State", name)
	state = frappe.get_doc(
		{
			"doctype": "AQL Switching State",
			"inspection_plan": plan.name,
			"item_code": item_code,
			"supplier": supplier,
			"severity": "Normal",
			"state_json": json.dumps(aql.SwitchState().to_dict()),
		}
	)
	state.insert(ignore_permissions=True)
	return state


# ------------------------------------------------------------------ creating inspections


def existing_inspection(plan_name: str, reference_type: str, reference_name: str, item_code: str, key: str):
	return frappe.db.get_value(
		"Quality Inspection",
		{
			"mom_inspection_plan": plan_name,
			"reference_type": reference_type,
			"reference_name": reference_name,
			"item_code": item_code,
			"child_row_reference": key,
			"docstatus": ("<", 2),
		},
	)


def create_inspection(
	plan,
	reference_type: str,
	reference_name: str,
	item_code: str,
	lot_size: float,
	row_key: str | None = None,
	batch_no: str | None = None,
	supplier: str | None = None,
	work_order: str | None = None,
	check: str | None = None,
):
	"""Create (once) the draft Quality Inspection `plan` asks for; return its name."""
	key = row_key or reference_name
	if check:
		key = f"{key}:{check}"
	found = existing_inspection(plan.name, reference_type, reference_name, item_code, key)
	if found:
		return found
	sampling = sampling_for(plan, lot_size, item_code, supplier)
	qi = frappe.new_doc("Quality Inspection")
	qi.update(
		{
			"inspection_type": STAGE_INSPECTION_TYPE[plan.stage],
			"reference_type": reference_type,
			"reference_name": reference_name,
			"child_row_reference": key,
			"item_code": item_code,
			"batch_no": batch_no,
			"sample_size": sampling["sample_size"],
			"quality_inspection_template": plan.quality_inspection_template,
			"inspected_by": frappe.session.user if frappe.session.user != "Guest" else "Administrator",
			"report_date": nowdate(),
			"status": "Accepted",
			# the verdict follows the plan (see overrides.quality_inspection), not ERPNext's per-save guess
			"manual_inspection": 1,
			"mom_inspection_plan": plan.name,
			"mom_stage": plan.stage,
			"mom_work_order": work_order,
			"mom_check": check,
			"mom_sampling": sampling["text"],
			"mom_sampling_json": json.dumps(sampling),
		}
	)
	qi.get_item_specification_details()
	qi.flags.ignore_permissions = True
	qi.flags.mom_created_by_plan = True
	qi.insert()
	return qi.name


def readings_required(qi) -> int:
	"""How many readings each numeric parameter needs (mom_app.engine.inspection_plans.readings_required)."""
	per = None
	if qi.get("mom_inspection_plan"):
		per = frappe.db.get_value("Inspection Plan", qi.mom_inspection_plan, "readings_per_parameter")
	return inspection_plans.readings_required(per, qi.sample_size)


def open_or_rejected(reference_type: str, reference_name: str, gated_only: bool = True) -> list[dict]:
	"""Plan inspections of a document that are not yet submitted, or were rejected."""
	rows = frappe.get_all(
		"Quality Inspection",
		filters={
			"reference_type": reference_type,
			"reference_name": reference_name,
			"mom_inspection_plan": ("is", "set"),
			"docstatus": ("<", 2),
		},
		fields=["name", "docstatus", "status", "item_code", "mom_inspection_plan", "mom_check"],
	)
	if gated_only:
		gated = set(
			frappe.get_all(
				"Inspection Plan",
				filters={"name": ("in", [r.mom_inspection_plan for r in rows] or [""]), "gate": 1},
				pluck="name",
			)
		)
		rows = [r for r in rows if r.mom_inspection_plan in gated]
	return [r for r in rows if r.docstatus == 0 or r.status == "Rejected"]
