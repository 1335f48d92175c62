"""When inspections are created, and when a missing or rejected one stops a document (the gates)."""

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, get_link_to_form, now_datetime

from mom_app.engine.inspection_plans import ipqc_due
from mom_app.quality import plans
from mom_app.quality.stock import row_batches


class InspectionGateError(frappe.ValidationError):
	pass


def create_document_inspections(doc, stage: str, gated_only: bool = False) -> list[str]:
	"""One inspection per stock row (per batch when the row has batches) whose item has a `stage` plan."""
	made = []
	supplier = doc.get("supplier") if stage == "IQC" else None
	for row in doc.get("items") or []:
		if stage == "FQC" and not (row.get("is_finished_item") and row.get("t_warehouse")):
			continue
		plan = plans.find_plan(stage, row.item_code, supplier=supplier)
		if not plan or (gated_only and not plan.gate):
			continue
		batches = (
			row_batches(row)
			if doc.docstatus == 1
			else [
				(
					row.get("batch_no") or None,
					flt(row.get("stock_qty") or row.get("transfer_qty") or row.get("qty")),
				)
			]
		)
		for batch, qty in batches:
			key = row.name if len(batches) == 1 else f"{row.name}:{batch}"
			existing = plans.existing_inspection(plan.name, doc.doctype, doc.name, row.item_code, key)
			if existing:
				# a gated inspection made on the draft learns its batch when the receipt is submitted
				if batch and not frappe.db.get_value("Quality Inspection", existing, "batch_no"):
					frappe.db.set_value(
						"Quality Inspection", existing, "batch_no", batch, update_modified=False
					)
				continue
			made.append(
				plans.create_inspection(
					plan,
					doc.doctype,
					doc.name,
					row.item_code,
					qty,
					row_key=key,
					batch_no=batch,
					supplier=supplier,
					work_order=doc.get("work_order"),
				)
			)
	if made and doc.docstatus == 0:
		frappe.msgprint(
			_("Quality inspection(s) created: {0}").format(
				", ".join(get_link_to_form("Quality Inspection", n) for n in made)
			),
			alert=True,
		)
	return made


def ipqc_done(job_card: str) -> list[dict]:
	rows = frappe.get_all(
		"Quality Inspection",
		filters={
			"reference_type": "Job Card",
			"reference_name": job_card,
			"docstatus": ("<", 2),
			"mom_check": ("is", "set"),
		},
		fields=["mom_check", "creation"],
	)
	done = []
	for row in rows:
		kind, _sep, at = (row.mom_check or "").partition("@")
		done.append(
			{"kind": kind, "at_qty": flt(at) if at else None, "at_ts": get_datetime(row.creation).timestamp()}
		)
	return done


def job_started_ts(doc) -> float | None:
	starts = [get_datetime(log.from_time) for log in doc.time_logs if log.from_time]
	return min(starts).timestamp() if starts else None


def create_ipqc_inspections(doc) -> list[str]:
	plan = plans.find_plan("IPQC", doc.production_item, operation=doc.operation)
	if not plan:
		return []
	frequencies = frappe.get_all(
		"Inspection Plan Frequency",
		filters={"parent": plan.name, "parenttype": "Inspection Plan"},
		fields=["kind", "every_n_pieces", "every_minutes"],
		order_by="idx",
	)
	produced = flt(doc.total_completed_qty) + flt(doc.process_loss_qty)
	completing = produced >= flt(doc.for_quantity) > 0
	started = job_started_ts(doc)
	if started is None:
		return []  # nothing is made before the job starts: the first-article check comes with the start
	frequency = {}
	for row in frequencies:
		if row.kind == "First Article":
			frequency["first_article"] = True
		elif row.kind == "Last Piece":
			frequency["last_piece"] = True
		elif row.kind == "Every N Pieces":
			frequency["every_n_pieces"] = cint(row.every_n_pieces)
		elif row.kind == "Every T Minutes":
			frequency["every_t_minutes"] = cint(row.every_minutes)
	made = []
	for kind in ipqc_due(
		frequency, ipqc_done(doc.name), produced, now_datetime().timestamp(), started, completing
	):
		made.append(
			plans.create_inspection(
				plan,
				"Job Card",
				doc.name,
				doc.production_item,
				doc.for_quantity,
				row_key=doc.name,
				batch_no=doc.get("batch_no"),
				work_order=doc.work_order,
				check=f"{kind}@{produced:g}",
			)
		)
	return made


def check_last_piece(doc):
	plan = plans.find_plan("IPQC", doc.production_item, operation=doc.operation)
	if not plan:
		return
	wants = frappe.db.exists(
		"Inspection Plan Frequency",
		{"parent": plan.name, "parenttype": "Inspection Plan", "kind": "Last Piece"},
	)
	if wants and not any(d["kind"] == "Last Piece" for d in ipqc_done(doc.name)):
		frappe.throw(
			_(
				"Job card {0} needs its last-piece inspection (plan {1}). It is created when the full quantity is recorded; save the job card with its completed quantity first."
			).format(doc.name, get_link_to_form("Inspection Plan", plan.name)),
			InspectionGateError,
			title=_("Inspection required"),
		)


def check_gate(doc):
	"""Refuse submission while a gated plan's inspection of this document is open or rejected."""
	blocking = plans.open_or_rejected(doc.doctype, doc.name, gated_only=True)
	if not blocking:
		return
	open_ones = [r for r in blocking if r.docstatus == 0]
	rejected = [r for r in blocking if r.docstatus == 1]
	if open_ones:
		frappe.throw(
			_("{0} {1} cannot be submitted while these required inspections are open: {2}").format(
				_(doc.doctype),
				doc.name,
				", ".join(get_link_to_form("Quality Inspection", r.name) for r in open_ones),
			),
			InspectionGateError,
			title=_("Inspection required"),
		)
	action = (
		frappe.db.get_single_value("Stock Settings", "action_if_quality_inspection_is_rejected") or "Stop"
	)
	message = _("{0} {1}: these inspections were rejected: {2}").format(
		_(doc.doctype), doc.name, ", ".join(get_link_to_form("Quality Inspection", r.name) for r in rejected)
	)
	if action == "Stop" or doc.doctype == "Job Card":
		frappe.throw(message, InspectionGateError, title=_("Inspection rejected"))
	frappe.msgprint(message, title=_("Inspection rejected"), indicator="orange")
