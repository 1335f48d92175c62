"""Whitelisted quality methods: the SPC chart page and the mobile inspection portal page (/qc).

Every method checks the caller's rights itself; inspection writes go through ERPNext's Quality Inspection
with the user's own permissions. Messages are HTML: every scanned or typed value in them is escaped.
"""

import json
import os
from io import BytesIO

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, get_url_to_form

from mom_app.engine import aql
from mom_app.engine.tolerances import out_of_tolerance, tolerance
from mom_app.quality import plans
from mom_app.quality.strings import stage_label

INSPECTOR_ROLES = ("Quality Inspector", "MOM Manager", "System Manager")


# the image formats a photo may be in (as Pillow detects them from the content) and the file extension each
# is stored with: the name's extension decides the Content-Type the file is served with
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


class ScanError(frappe.ValidationError):
	pass


class PhotoError(frappe.ValidationError):
	pass


def show(value) -> str:
	"""A scanned or typed value, escaped and in bold, for a message shown as HTML."""
	return frappe.bold(escape_html(str(value)))


def require_inspector():
	if not set(INSPECTOR_ROLES) & set(frappe.get_roles()):
		frappe.throw(_("Only Quality Inspectors can use the inspection page."), frappe.PermissionError)


# ------------------------------------------------------------------ SPC chart


@frappe.whitelist()
def spc_chart(characteristic: str) -> dict:
	"""Everything the SPC chart page draws for one characteristic."""
	char = frappe.get_doc("Quality Characteristic", characteristic)
	char.check_permission("read")
	from mom_app.engine.spc import RULES
	from mom_app.quality.spc import evaluate, spec_limits

	outcome = evaluate(char)
	lsl, usl = spec_limits(char)
	return {
		"name": char.name,
		"title": char.title,
		"item_code": char.item_code,
		"parameter": char.parameter or char.iot_tag,
		"chart_type": char.chart_type,
		"phase": char.phase,
		"unit": char.unit,
		"lsl": lsl,
		"usl": usl,
		"target": char.target if char.spec_type == "Two-sided" else None,
		"labels": outcome.get("labels") or [],
		"keys": outcome.get("keys") or [],
		"chart": outcome.get("chart"),
		"violations": outcome.get("violations") or {},
		"rules": {
			r.rule: {"description": _(RULES.get(r.rule, "")), "open_hold": r.open_hold} for r in char.rules
		},
		"capability": outcome.get("capability"),
		"capability_error": outcome.get("capability_error"),
		"open_holds": frappe.get_all(
			"Quality Hold",
			filters={"quality_characteristic": char.name, "status": "Open"},
			fields=["name", "reason", "raised_on"],
			order_by="raised_on desc",
		),
	}


# ------------------------------------------------------------------ mobile inspection


def check_label(check: str | None) -> str:
	"""An IPQC check as stored with its inspection ("<kind>@<pieces made by then>", e.g. "First
	Article@0"), in the reader's words: the kind, and the pieces made when it fell due."""
	if not check:
		return ""
	kind, _sep, at = check.partition("@")
	labels = {
		"First Article": _("First Article", context="IPQC check"),
		"Every N Pieces": _("Every N Pieces", context="IPQC check"),
		"Every T Minutes": _("Every T Minutes", context="IPQC check"),
		"Last Piece": _("Last Piece", context="IPQC check"),
	}
	label = labels.get(kind) or escape_html(kind)
	made = flt(at) if _is_number(at) else 0
	return _("{0}, after {1} pieces").format(label, f"{made:g}") if made > 0 else label


def labelled(qi: dict) -> dict:
	"""An inspection's summary with what the page shows of it in the reader's words."""
	qi["stage_label"] = stage_label(qi.get("mom_stage") or qi.get("stage"))
	qi["check_label"] = check_label(qi.get("mom_check") or qi.get("check"))
	doctype = qi.get("reference_type")
	qi["reference_label"] = _(doctype) if doctype else ""
	return qi


def _due_for(reference_type: str, reference_name: str) -> list[dict]:
	return frappe.get_list(
		"Quality Inspection",
		filters={"reference_type": reference_type, "reference_name": reference_name, "docstatus": 0},
		fields=["name", "item_code", "batch_no", "mom_stage", "mom_check", "sample_size"],
		order_by="creation",
	)


@frappe.whitelist()
def scan(code: str) -> dict:
	"""A scanned or typed code (work order, job card, batch, receipt, delivery, stock entry or inspection)
	→ the inspections due for it. Receipts and job cards get their due plan inspections created first."""
	require_inspector()
	code = (code or "").strip()
	if not code:
		frappe.throw(_("Scan or type a code."), ScanError)
	if frappe.db.exists("Quality Inspection", code):
		frappe.has_permission("Quality Inspection", "read", doc=code, throw=True)
		return {
			"kind": "Quality Inspection",
			"kind_label": _("Quality Inspection"),
			"name": code,
			"inspections": [_summary(code)],
		}
	for doctype in ("Job Card", "Work Order", "Purchase Receipt", "Delivery Note", "Stock Entry", "Batch"):
		if frappe.db.exists(doctype, code):
			frappe.has_permission(doctype, "read", doc=code, throw=True)
			return {
				"kind": doctype,
				"kind_label": _(doctype),
				"name": code,
				"inspections": _inspections_for(doctype, code),
			}
	frappe.throw(
		_("{0} is not a known work order, job card, batch, receipt, delivery or inspection.").format(
			show(code)
		),
		ScanError,
		title=_("Unknown code"),
	)


def _summary(name: str) -> dict:
	qi = frappe.db.get_value(
		"Quality Inspection",
		name,
		[
			"name",
			"item_code",
			"item_name",
			"batch_no",
			"mom_stage",
			"mom_check",
			"sample_size",
			"docstatus",
			"status",
			"reference_type",
			"reference_name",
		],
		as_dict=True,
	)
	return labelled(qi)


def _inspections_for(doctype: str, name: str) -> list[dict]:
	from mom_app.quality import triggers

	if doctype == "Job Card":
		doc = frappe.get_doc("Job Card", name)
		if doc.docstatus == 0:
			triggers.create_ipqc_inspections(doc)
		refs = [("Job Card", name)]
	elif doctype == "Work Order":
		refs = [
			("Job Card", jc) for jc in frappe.get_all("Job Card", filters={"work_order": name}, pluck="name")
		]
		refs += [
			("Stock Entry", se)
			for se in frappe.get_all(
				"Stock Entry", filters={"work_order": name, "docstatus": 1}, pluck="name"
			)
		]
	elif doctype == "Batch":
		names = frappe.get_list(
			"Quality Inspection",
			filters={"batch_no": name, "docstatus": 0},
			pluck="name",
			order_by="creation",
		)
		return [_summary(n) for n in names]
	else:
		doc = frappe.get_doc(doctype, name)
		stage = {"Purchase Receipt": "IQC", "Delivery Note": "OQC", "Stock Entry": "FQC"}[doctype]
		if (
			doc.docstatus == 1
			or doctype == "Delivery Note"
			or (doctype == "Purchase Receipt" and doc.docstatus == 0)
		):
			if not (doctype == "Stock Entry" and doc.purpose != "Manufacture"):
				triggers.create_document_inspections(
					doc, stage, gated_only=doc.docstatus == 0 and doctype == "Purchase Receipt"
				)
		refs = [(doctype, name)]
	out = []
	for ref_type, ref_name in refs:
		out += [_summary(r.name) for r in _due_for(ref_type, ref_name)]
	return out


@frappe.whitelist()
def get_inspection(name: str) -> dict:
	"""The form the inspector fills: parameters, how many readings, the defect classes of the plan."""
	require_inspector()
	qi = frappe.get_doc("Quality Inspection", name)
	qi.check_permission("read")
	sampling = json.loads(qi.get("mom_sampling_json") or "{}")
	plan = (
		frappe.db.get_value(
			"Inspection Plan",
			qi.mom_inspection_plan,
			["title", "require_photo", "sampling_method"],
			as_dict=True,
		)
		if qi.get("mom_inspection_plan")
		else None
	)
	return labelled(
		{
			"name": qi.name,
			"docstatus": qi.docstatus,
			"status": qi.status,
			"item_code": qi.item_code,
			"item_name": qi.item_name,
			"batch_no": qi.batch_no,
			"work_order": qi.get("mom_work_order"),
			"reference_type": qi.reference_type,
			"reference_name": qi.reference_name,
			"stage": qi.get("mom_stage"),
			"check": qi.get("mom_check"),
			"sample_size": qi.sample_size,
			# in the reader's language (the stored text is in its creator's)
			"sampling": plans.sampling_text(sampling, plan.sampling_method if plan else None)
			if sampling
			else qi.get("mom_sampling"),
			"plan": plan.title if plan else None,
			"require_photo": bool(plan and plan.require_photo),
			"readings_required": plans.readings_required(qi),
			"classes": [
				{"class": cls, "label": _(cls.title()), **p}
				for cls, p in (sampling.get("plans") or {}).items()
			],
			"parameters": [
				{
					"row": r.name,
					"specification": r.specification,
					"numeric": cint(r.numeric),
					"min_value": r.min_value,
					"max_value": r.max_value,
					# the limits a reading is flagged against as it is typed (engine.tolerances: ERPNext's
					# rule); none for a parameter judged by an acceptance formula
					"limits": list(tolerance(r.min_value, r.max_value))
					if cint(r.numeric) and not cint(r.get("formula_based_criteria"))
					else None,
					"value": r.value,
				}
				for r in qi.readings
			],
			"photos": frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Quality Inspection", "attached_to_name": qi.name},
				fields=["name", "file_url", "file_name"],
			),
			"url": get_url_to_form("Quality Inspection", qi.name),
			"failures": rejection_details(qi) if qi.docstatus == 1 else [],
		}
	)


@frappe.whitelist(methods=["POST"])
def submit_inspection(
	name: str,
	readings: str | dict,
	defects: str | dict | None = None,
	remarks: str | None = None,
	client_id: str | None = None,
) -> dict:
	"""Save the readings and defect counts into the Quality Inspection and submit it; the verdict follows
	the plan. A retried request with the same client_id returns the first result."""
	require_inspector()
	readings = json.loads(readings) if isinstance(readings, str) else (readings or {})
	defects = json.loads(defects) if isinstance(defects, str) else (defects or {})
	if client_id:
		done = frappe.db.get_value(
			"Quality Inspection", {"mom_client_id": client_id}, ["name", "status"], as_dict=True
		)
		if done:
			first = frappe.get_doc("Quality Inspection", done.name)
			first.check_permission("read")
			return {
				"name": done.name,
				"status": done.status,
				"replayed": True,
				"failures": rejection_details(first),
				**_hold_of(done.name),
			}
	qi = frappe.get_doc("Quality Inspection", name, for_update=True)
	qi.check_permission("submit")
	if qi.docstatus != 0:
		frappe.throw(_("Inspection {0} is already submitted ({1}).").format(show(qi.name), _(qi.status)))
	needed = plans.readings_required(qi)
	errors = []
	by_row = {r.name: r for r in qi.readings}
	for row_name, entry in readings.items():
		row = by_row.get(row_name)
		if not row:
			errors.append(_("Unknown parameter row {0}.").format(show(row_name)))
			continue
		if cint(row.numeric):
			values = [
				str(v).strip()
				for v in (entry if isinstance(entry, list) else [entry])
				if str(v).strip() != ""
			]
			bad = [v for v in values if not _is_number(v)]
			if bad:
				errors.append(
					_("{0}: {1} is not a number.").format(
						escape_html(row.specification), ", ".join(show(v) for v in bad)
					)
				)
				continue
			if len(values) != needed:
				errors.append(
					_("{0}: {1} readings entered, the plan needs {2}.").format(
						escape_html(row.specification), len(values), needed
					)
				)
				continue
			for i in range(1, 11):
				row.set(f"reading_{i}", values[i - 1] if i <= len(values) else None)
		else:
			value = entry.get("value") if isinstance(entry, dict) else entry
			conform = entry.get("conform") if isinstance(entry, dict) else None
			if conform is not None:
				value = row.value if conform else (value or "NG")
			if not (str(value or "").strip()):
				errors.append(_("{0}: no result entered.").format(escape_html(row.specification)))
				continue
			row.reading_value = str(value).strip()
	missing = [r.specification for r in qi.readings if r.name not in readings]
	if missing:
		errors.append(_("No readings for: {0}.").format(", ".join(escape_html(m) for m in missing)))
	for cls, count in defects.items():
		if cls not in aql.DEFECT_CLASSES:
			errors.append(_("Unknown defect class {0}.").format(show(cls)))
			continue
		try:
			value = int(str(count).strip() or 0)
			if str(count).strip() not in ("", str(value)):
				raise ValueError
		except ValueError:
			errors.append(_("{0} defects must be a whole number.").format(_(cls.title())))
			continue
		if value < 0:
			errors.append(_("{0} defects cannot be negative.").format(_(cls.title())))
			continue
		if value > flt(qi.sample_size):
			errors.append(
				_("{0} defects cannot exceed the sample size {1}.").format(_(cls.title()), qi.sample_size)
			)
			continue
		qi.set(f"mom_defects_{cls}", value)
	if errors:
		frappe.throw("<br>".join(errors), title=_("Please correct the inspection"))
	qi.inspected_by = frappe.session.user
	if remarks:
		qi.remarks = remarks
	if client_id:
		qi.mom_client_id = client_id
	qi.save()
	qi.submit()
	return {
		"name": qi.name,
		"status": qi.status,
		"replayed": False,
		"failures": rejection_details(qi),
		**_hold_of(qi.name),
	}


def rejection_details(qi) -> list[dict]:
	"""Why a submitted inspection was rejected, one entry per failure: each reading of a rejected numeric
	parameter outside its limits (by position, engine.tolerances), a rejected parameter judged otherwise,
	each defect class at or over its rejection number. Entries: {"parameter": row name or None, "reading":
	position or None, "class": defect class or None, "message": HTML, typed values escaped}. Empty for an
	accepted inspection."""
	from mom_app.quality.overrides.quality_inspection import aql_verdict

	if qi.status != "Rejected":
		return []
	out = []
	for row in qi.readings:
		if row.status != "Rejected":
			continue
		spec = escape_html(row.specification or "")
		entry = {"parameter": row.name, "reading": None, "class": None}
		if cint(row.numeric) and not cint(row.get("formula_based_criteria")):
			low, high = tolerance(row.min_value, row.max_value)
			outside = out_of_tolerance([row.get(f"reading_{i}") for i in range(1, 11)], (low, high))
			out += [
				{
					**entry,
					"reading": position,
					"message": _("{0}: reading {1} is {2}, outside {3} – {4}.").format(
						spec, position, show(text), f"{low:g}", f"{high:g}"
					),
				}
				for position, text in outside
			]
			if outside:
				continue
			message = _("{0}: rejected.").format(spec)
		elif cint(row.numeric):
			message = _("{0}: the readings do not meet the acceptance formula.").format(spec)
		else:
			message = _("{0}: {1} entered, {2} expected.").format(
				spec, show(row.reading_value or ""), escape_html(row.value or "")
			)
		out.append({**entry, "message": message})
	verdict = aql_verdict(qi) if qi.get("mom_sampling_json") else None
	for cls, result in (verdict.per_class if verdict else {}).items():
		if not result.accepted:
			out.append(
				{
					"parameter": None,
					"reading": None,
					"class": cls,
					"message": _("{0} defects: {1} found, the plan rejects the lot at {2}.").format(
						_(cls.title()), result.defects, result.re
					),
				}
			)
	return out


@frappe.whitelist(methods=["POST"])
def upload_photo(name: str) -> dict:
	"""A photo for inspection `name`, sent by /qc as the multipart field "file": kept as a private File
	attached to the Quality Inspection, whatever the request asks. Its content must be a JPEG, PNG, WebP or
	GIF image as Pillow reads it (the name proves nothing); it is stored under the extension of what it is, so
	it is always served as that image."""
	from frappe.core.api.file import get_max_file_size

	require_inspector()
	qi = frappe.get_doc("Quality Inspection", name)
	qi.check_permission("write")
	upload = frappe.request.files.get("file") if frappe.request else None
	if not upload:
		frappe.throw(_("Choose a photo to upload."), PhotoError)
	limit = get_max_file_size()
	content = upload.stream.read(limit + 1)
	if len(content) > limit:
		frappe.throw(_("The photo is larger than {0} MB.").format(round(limit / 1024 / 1024, 1)), PhotoError)
	kind = photo_format(content)
	if not kind:
		frappe.throw(
			_("{0} is not a photo: only JPEG, PNG, WebP and GIF images are accepted.").format(
				show(upload.filename or "")
			),
			PhotoError,
			title=_("Not a photo"),
		)
	stem = os.path.splitext(os.path.basename(upload.filename or ""))[0].strip()[:100] or "photo"
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{stem}.{PHOTO_FORMATS[kind]}",
			"attached_to_doctype": "Quality Inspection",
			"attached_to_name": qi.name,
			"is_private": 1,
			"content": content,
		}
	).save()
	return {"name": file.name, "file_url": file.file_url, "file_name": file.file_name}


def photo_format(content: bytes) -> str | None:
	"""The image format of `content` when Pillow reads it as one of PHOTO_FORMATS, else None."""
	from PIL import Image

	try:
		with Image.open(BytesIO(content)) as image:
			kind = image.format
			image.verify()
	except Exception:
		return None
	return kind if kind in PHOTO_FORMATS else None


def _hold_of(name: str) -> dict:
	hold = frappe.db.get_value("Quality Inspection", name, "mom_quality_hold")
	return {"quality_hold": hold}


def _is_number(text: str) -> bool:
	try:
		value = float(text)
	except (TypeError, ValueError):
		return False
	return value == value and abs(value) != float("inf")
