"""The technician page's own endpoints (/maintenance): what it reads, and the actions on an order that the
order API (api.orders: acknowledge, start, pause, finish, record_step, issue_part) does not have.

Reads (GET):

    worklist() -> {"user", "mine": [row], "unassigned": [row]}
                                        open orders assigned to me, and those nobody is assigned to, by
                                        priority and due time (engine.maintenance.worklist)
    scan(code) -> {"order": name}  or  {"asset": {...}, "open": [row], "history": [row], "meters": [...]}
                                        a maintenance order's name opens it; an asset's label (its name), a
                                        workstation or an asset's own name shows the machine's open orders
                                        (whoever has them), its last closed ones and its meters
    order(name) -> {...}                the order as the page shows it: state, the actions I may take now,
                                        checklist, parts, failure codes, photos, my running time, the
                                        asset's meters
    failure_codes() -> {field: {"doctype", "label", "groups": [{"label", "items": [...]}]}}
                                        the five ISO 14224 trees' enabled codes, grouped by their parent
    part(order, scan) -> {...}          a spare part by scan (item barcode, item code, batch or serial
                                        number) and its stock in the maintenance store

Actions (POST), each applied once per client id and all or nothing (api.orders.once):

    set_failure_code(client_id, order, field, value)   field: failure_mode, failure_mechanism, failure_cause,
                                                       detection_method or remedy_action; value "" clears it
    set_photo(client_id, order, which, file_url)       which: "before" or "after"; a photo uploaded to the
                                                       order ("" clears it)

A meter reading goes to the Asset Meter's own endpoint (record_meter_reading, also once per client id).
    upload_photo(order) -> {"name", "file_url", "file_name"}
                                        a photo (multipart field "file"), kept as a private File attached to
                                        the order; only JPEG, PNG, WebP or GIF images as Pillow reads them

Who: users with the role Maintenance Technician (the page's role) who may read the order (reads) or work it
(actions: api.orders.check_worker). Every value a user typed or scanned that goes back in a message is
escaped.
"""

import json
import os

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime

from mom_app.engine.maintenance import labour
from mom_app.engine.maintenance import worklist as worklist_rules
from mom_app.engine.maintenance.lifecycle import CLOSED_STATES
from mom_app.engine.rbac import TECHNICIAN
from mom_app.plant_maintenance.api.orders import (
	DOCTYPE,
	check_worker,
	fail,
	logs_of,
	once,
	resolve_scan,
	show,
	stock_of,
)
from mom_app.plant_maintenance.orders import available_actions

PAGE_ROLE = TECHNICIAN
CONTEXT = "Maintenance Work Order"  # the order's select options as its form says them (Inspection: 点检)
MAX_OPEN = 500
HISTORY = 20
FAILURE_FIELDS = {
	"failure_mode": "Failure Mode",
	"failure_mechanism": "Failure Mechanism",
	"failure_cause": "Failure Cause",
	"detection_method": "Detection Method",
	"remedy_action": "Remedy Action",
}
PHOTO_FIELDS = {"before": "photo_before", "after": "photo_after"}
LIST_FIELDS = [
	"name",
	"subject",
	"priority",
	"order_type",
	"source",
	"workflow_state",
	"asset",
	"asset_name",
	"workstation",
	"reported_at",
	"acknowledged_at",
	"back_in_service",
	"completed_at",
	"response_due",
	"repair_due",
	"due_date",
	"_assign",
]


class TechnicianPageError(frappe.ValidationError):
	pass


def require_technician() -> None:
	if PAGE_ROLE not in frappe.get_roles():
		raise frappe.PermissionError(
			_("The maintenance page is for users with the role {0}.").format(_(PAGE_ROLE))
		)


def readable_order(name: str):
	require_technician()
	name = (name or "").strip()
	if not name or not frappe.db.exists(DOCTYPE, name):
		fail(_("Unknown maintenance order {0}.").format(show(name)))
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission("read")
	return doc


# -- rows -----------------------------------------------------------------------------------------------------


def as_engine_order(row) -> dict:
	"""A Maintenance Work Order row in the terms of engine.maintenance.worklist."""

	def when(value):
		return get_datetime(value) if value else None

	return {
		"name": row.name,
		"priority": row.priority,
		"state": row.workflow_state,
		"assigned": json.loads(row.get("_assign") or "[]"),
		"reported": when(row.reported_at),
		"acknowledged": when(row.acknowledged_at),
		"back_in_service": when(row.back_in_service),
		"completed": when(row.completed_at),
		"response_due": when(row.response_due),
		"repair_due": when(row.repair_due),
		"due_date": getdate(row.due_date) if row.due_date else None,
		"row": row,
	}


def labels(order) -> dict:
	"""An order's priority, type, source and state, and their words in the reader's language."""
	return {
		"priority_label": _(order.priority, context=CONTEXT),
		"order_type_label": _(order.order_type, context=CONTEXT),
		"source_label": _(order.source, context=CONTEXT),
		"state": order.workflow_state,
		"state_label": _(order.workflow_state) if order.workflow_state else "",
	}


def list_row(order: dict) -> dict:
	"""What the page shows of an order in a list (labels in the reader's language)."""
	row = order["row"]
	me = frappe.session.user
	assigned = order["assigned"]
	return {
		"name": row.name,
		"subject": row.subject,
		"priority": row.priority,
		**labels(row),
		"asset": row.asset,
		"asset_name": row.asset_name,
		"workstation": row.workstation,
		"reported_at": row.reported_at,
		"due": order.get("due"),
		"overdue": bool(order.get("overdue")),
		"mine": me in assigned,
		"assigned": [user_name(u) for u in assigned],
	}


def user_name(user: str) -> str:
	return frappe.utils.get_fullname(user) or user


def open_orders(filters: dict | None = None, or_filters: list | None = None) -> list[dict]:
	"""Open orders the user may read (at most MAX_OPEN, the oldest reported first)."""
	rows = frappe.get_list(
		DOCTYPE,
		filters={"workflow_state": ("not in", CLOSED_STATES), **(filters or {})},
		or_filters=or_filters,
		fields=LIST_FIELDS,
		order_by="reported_at asc",
		limit_page_length=MAX_OPEN,
	)
	return [as_engine_order(row) for row in rows]


# -- reads ----------------------------------------------------------------------------------------------------


@frappe.whitelist(methods=["GET"])
def worklist() -> dict:
	"""My open orders and the unassigned ones, by priority and due time."""
	require_technician()
	me = frappe.session.user
	mine_or_nobodys = [
		[DOCTYPE, "_assign", "like", f'%"{me}"%'],
		[DOCTYPE, "_assign", "is", "not set"],
		[DOCTYPE, "_assign", "=", "[]"],
	]
	result = worklist_rules.worklist(open_orders(or_filters=mine_or_nobodys), me, now_datetime())
	return {
		"user": frappe.session.user,
		"mine": [list_row(o) for o in result.mine],
		"unassigned": [list_row(o) for o in result.unassigned],
	}


@frappe.whitelist(methods=["GET"])
def scan(code: str) -> dict:
	"""What a scanned or typed code names: a maintenance order, or a machine with its orders."""
	require_technician()
	text = (code or "").strip()
	if not text:
		fail(_("Scan an asset label, a workstation or a maintenance order."))
	if frappe.db.exists(DOCTYPE, text):
		readable_order(text)
		return {"order": text}
	asset, workstation = machine_of(text)
	if not asset and not workstation:
		fail(_("Unknown code {0}: not an asset, a workstation or a maintenance order.").format(show(text)))
	if asset and not frappe.has_permission("Asset", "read", asset):
		raise frappe.PermissionError(_("You may not read asset {0}.").format(show(asset)))
	return machine_view(asset, workstation)


def machine_of(code: str) -> tuple[str | None, str | None]:
	"""(asset, workstation) a code names: an asset's name (its label's QR), a workstation, an asset's own
	name when only one asset has it."""
	if frappe.db.exists("Asset", code):
		return code, frappe.db.get_value("Workstation", {"mom_asset": code}, "name")
	if frappe.db.exists("Workstation", code):
		return frappe.db.get_value("Workstation", code, "mom_asset"), code
	named = frappe.get_all(
		"Asset", filters={"asset_name": code, "docstatus": ("<", 2)}, pluck="name", limit=2
	)
	if len(named) == 1:
		return named[0], frappe.db.get_value("Workstation", {"mom_asset": named[0]}, "name")
	return None, None


def machine_view(asset: str | None, workstation: str | None) -> dict:
	info = (
		frappe.db.get_value("Asset", asset, ["asset_name", "location", "status"], as_dict=True)
		if asset
		else frappe._dict()
	)
	which = {"asset": asset} if asset else {"workstation": workstation}
	now = now_datetime()
	opened = []
	for order in open_orders(which):
		order["due"] = worklist_rules.due_time(order)
		order["overdue"] = order["due"] is not None and order["due"] < now
		opened.append(order)
	opened.sort(key=worklist_rules.sort_key)
	history = frappe.get_list(
		DOCTYPE,
		filters={**which, "workflow_state": ("in", CLOSED_STATES)},
		fields=[
			"name",
			"subject",
			"order_type",
			"workflow_state",
			"completed_at",
			"reported_at",
			"failure_mode",
			"work_done",
		],
		order_by="reported_at desc",
		limit_page_length=HISTORY,
	)
	return {
		"asset": {
			"name": asset,
			"asset_name": info.get("asset_name"),
			"location": info.get("location"),
			"status_label": _(info.status) if info.get("status") else "",
			"workstation": workstation,
		},
		"open": [list_row(o) for o in opened],
		"meters": meters_of(asset),
		"history": [
			{
				"name": row.name,
				"subject": row.subject,
				"order_type_label": _(row.order_type, context=CONTEXT),
				"state_label": _(row.workflow_state) if row.workflow_state else "",
				"when": row.completed_at or row.reported_at,
				"failure_mode_label": _(row.failure_mode) if row.failure_mode else "",
				"work_done": row.work_done,
			}
			for row in history
		],
	}


@frappe.whitelist(methods=["GET"])
def order(name: str) -> dict:
	"""The order as the page shows it."""
	doc = readable_order(name)
	me = frappe.session.user
	engine_order = as_engine_order(doc)
	due = worklist_rules.due_time(engine_order)
	assigned = engine_order["assigned"]
	try:
		check_worker(doc)
		may_work = True
	except frappe.PermissionError:
		may_work = False
	return {
		"name": doc.name,
		"subject": doc.subject,
		"description": doc.description,
		"reason": doc.reason,
		"priority": doc.priority,
		**labels(doc),
		"asset": doc.asset,
		"asset_name": doc.asset_name,
		"workstation": doc.workstation,
		"reported_at": doc.reported_at,
		"acknowledged_at": doc.acknowledged_at,
		"due": due,
		"overdue": due is not None and due < now_datetime(),
		"may_work": may_work,
		"actions": available_actions(doc) if may_work else [],
		"mine": me in assigned,
		"assigned": [user_name(u) for u in assigned],
		"running": labour.open_index(logs_of(doc), me) is not None,
		"labour_hours": flt(doc.labour_hours, 2),
		"work_done": doc.work_done,
		"checklist": [
			{
				"idx": row.idx,
				"instruction": row.instruction,
				"kind": row.kind,
				"mandatory": cint(row.mandatory),
				"low": row.low_limit,
				"high": row.high_limit,
				"unit": row.unit,
				"value": row.value,
				"photo": row.photo,
				"flagged": cint(row.flagged),
				"done": cint(row.done),
			}
			for row in doc.checklist
		],
		"planned_parts": [
			{"item_code": row.item_code, "item_name": item_name(row.item_code), "qty": flt(row.qty)}
			for row in doc.planned_parts
		],
		"used_parts": [
			{
				"item_code": row.item_code,
				"item_name": row.item_name or item_name(row.item_code),
				"qty": flt(row.qty),
				"batch_no": row.batch_no,
				"serial_no": row.serial_no,
				"stock_entry": row.stock_entry,
			}
			for row in doc.used_parts
		],
		"failure": {
			field: {"value": doc.get(field), "label": _(doc.get(field)) if doc.get(field) else ""}
			for field in FAILURE_FIELDS
		},
		"photos": {which: doc.get(field) for which, field in PHOTO_FIELDS.items()},
		"store": frappe.db.get_single_value("Maintenance Settings", "maintenance_store"),
		"meters": meters_of(doc.asset),
	}


def meters_of(asset: str | None) -> list[dict]:
	"""The asset's enabled meters the user may read, with their totals."""
	if not asset or not frappe.has_permission("Asset Meter", "read"):
		return []
	rows = frappe.get_list(
		"Asset Meter",
		filters={"asset": asset, "enabled": 1},
		fields=["name", "meter_name", "meter_type", "unit", "current_total", "last_reading_at", "source"],
		order_by="meter_name asc",
	)
	return [
		{
			"name": row.name,
			"meter_name": row.meter_name,
			"meter_type_label": _(row.meter_type) if row.meter_type else "",
			"unit": row.unit or "",
			"total": flt(row.current_total, 3),
			"last_reading_at": row.last_reading_at,
			"from_device": row.source == "IoT Tag",
		}
		for row in rows
	]


def item_name(item_code: str | None) -> str:
	return (frappe.get_cached_value("Item", item_code, "item_name") if item_code else None) or item_code or ""


@frappe.whitelist(methods=["GET"])
def failure_codes() -> dict:
	"""The five failure coding trees: their enabled codes by group, in the reader's language."""
	require_technician()
	out = {}
	for field, doctype in FAILURE_FIELDS.items():
		if not frappe.has_permission(doctype, "read"):
			continue
		parent_field = f"parent_{frappe.scrub(doctype)}"
		rows = frappe.get_all(
			doctype,
			filters={"enabled": 1},
			fields=["name", "code", "is_group", parent_field + " as parent", "lft"],
			order_by="lft asc",
		)
		groups, order_of = {}, []
		for row in rows:
			if row.is_group:
				continue
			if row.parent not in groups:
				groups[row.parent] = []
				order_of.append(row.parent)
			groups[row.parent].append({"name": row.name, "label": _(row.name), "code": row.code or ""})
		out[field] = {
			"doctype": doctype,
			"label": _(doctype),
			"groups": [
				{"label": _(parent) if parent else "", "items": groups[parent]} for parent in order_of
			],
		}
	return out


@frappe.whitelist(methods=["GET"])
def part(order: str, scan: str) -> dict:
	"""A spare part by scan and its stock in the maintenance store."""
	readable_order(order)
	found = resolve_scan(scan)
	store = frappe.db.get_single_value("Maintenance Settings", "maintenance_store")
	item = frappe.get_cached_value(
		"Item", found.item_code, ["item_name", "stock_uom", "has_batch_no", "has_serial_no"], as_dict=True
	)
	return {
		"item_code": found.item_code,
		"item_name": item.item_name,
		"stock_uom": _(item.stock_uom) if item.stock_uom else "",
		"batch_no": found.batch_no,
		"serial_no": found.serial_no,
		"has_batch_no": cint(item.has_batch_no),
		"has_serial_no": cint(item.has_serial_no),
		"warehouse": store,
		"available": flt(stock_of(found.item_code, store, found.batch_no), 3) if store else None,
	}


# -- actions --------------------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def set_failure_code(client_id: str, order: str, field: str, value: str | None = None) -> dict:
	"""One failure code of the order (ISO 14224 trees): an enabled code that is not a group, or none."""
	require_technician()
	doctype = FAILURE_FIELDS.get(field)
	if not doctype:
		fail(_("Unknown failure coding field {0}.").format(show(field)))
	code = (value or "").strip()

	def apply(doc):
		if code:
			row = frappe.db.get_value(doctype, code, ["enabled", "is_group"], as_dict=True)
			if not row:
				fail(_("Unknown {0}: {1}.").format(_(doctype), show(code)))
			if not cint(row.enabled):
				fail(_("{0} {1} is disabled.").format(_(doctype), show(_(code))))
			if cint(row.is_group):
				fail(_("{0} is a group: choose one of its codes.").format(show(_(code))))
		doc.set(field, code or None)
		doc.save()
		return _("{0}: {1}").format(_(doctype), _(code) if code else "-")

	return once(client_id, "set_failure_code", order, apply)


@frappe.whitelist(methods=["POST"])
def set_photo(client_id: str, order: str, which: str, file_url: str | None = None) -> dict:
	"""The photo before or after the work: a photo uploaded to this order, or none."""
	require_technician()
	field = PHOTO_FIELDS.get(which)
	if not field:
		fail(_("Unknown photo {0}: before or after.").format(show(which)))
	url = (file_url or "").strip()

	def apply(doc):
		if url and not frappe.db.exists(
			"File", {"file_url": url, "attached_to_doctype": DOCTYPE, "attached_to_name": doc.name}
		):
			fail(_("Upload the photo to this order first."))
		doc.set(field, url or None)
		doc.save()
		return _("Photo saved.") if url else _("Photo removed.")

	return once(client_id, f"set_photo_{which}", order, apply)


@frappe.whitelist(methods=["POST"])
def upload_photo(order: str) -> dict:
	"""A photo for the order, sent as the multipart field "file": kept as a private File attached to it,
	whatever the request asks. Its content must be a JPEG, PNG, WebP or GIF image as Pillow reads it (the
	name proves nothing); it is stored under the extension of what it is."""
	from frappe.core.api.file import get_max_file_size

	from mom_app.quality.api import PHOTO_FORMATS, photo_format

	doc = readable_order(order)
	check_worker(doc)
	upload = frappe.request.files.get("file") if frappe.request else None
	if not upload:
		frappe.throw(_("Choose a photo to upload."), TechnicianPageError)
	limit = get_max_file_size()
	content = upload.stream.read(limit + 1)
	if len(content) > limit:
		frappe.throw(
			_("The photo is larger than {0} MB.").format(round(limit / 1024 / 1024, 1)), TechnicianPageError
		)
	kind = photo_format(content)
	if not kind:
		frappe.throw(
			_("{0} is not a photo: only JPEG, PNG, WebP and GIF images are accepted.").format(
				show(upload.filename or "")
			),
			TechnicianPageError,
			title=_("Not a photo"),
		)
	stem = os.path.splitext(os.path.basename(upload.filename or ""))[0].strip()[:100] or "photo"
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{stem}.{PHOTO_FORMATS[kind]}",
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True
	file.save()
	return {"name": file.name, "file_url": file.file_url, "file_name": file.file_name}
