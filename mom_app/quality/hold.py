"""Quality holds: a rejected inspection or a selected SPC rule violation stops the affected work.

`raise_hold()` creates an ERPNext Non Conformance and a Quality Hold listing the affected batches (the
inspected batch and, through the lot genealogy, every batch made from it), job cards and work orders; it
pauses those job cards (ERPNext's own "On Hold" status, their open time logs closed), freezes the batches
(Batch.mom_quality_hold, checked by every Stock Ledger Entry: only a transfer into the quarantine warehouse
may move them) and notifies the Quality Inspectors and Production Supervisors.

`release()` needs a disposition (use as is, rework, scrap, return to supplier), creates the matching ERPNext
documents, unfreezes the batches and clears the job cards' hold (they stay paused until an operator resumes).
Every step is in the hold's version history and comments.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_link_to_form, now_datetime

from mom_app.engine import genealogy
from mom_app.quality.stock import row_batches, sle_batches

DISPOSITIONS = ("Use As Is", "Rework", "Scrap", "Return to Supplier")
NOTIFY_ROLES = ("Quality Inspector", "Production Supervisor")
OPEN_JOB_CARD_STATUSES = ("Open", "Work In Progress", "Material Transferred", "On Hold")


class HeldBatchError(frappe.ValidationError):
	pass


class HeldJobCardError(frappe.ValidationError):
	pass


class DispositionError(frappe.ValidationError):
	pass


# ------------------------------------------------------------------ what a hold affects


def downstream_batches(batches: list[str]) -> dict[str, str]:
	"""Batches made (directly or not) from `batches`, through the lot genealogy: {batch: from which}."""
	from mom_app.stock_ext.trace import EdgeStore

	store = EdgeStore()
	found: dict[str, str] = {}
	for batch in batches:
		walk = genealogy.trace(store.fetch, ("Batch", batch), "forward", 20)
		for _doctype, name in walk.nodes("Batch"):
			if name not in batches and name not in found:
				found[name] = batch
	return found


def batch_stock(batch: str) -> list[tuple[str, float]]:
	"""[(warehouse, qty)] where the batch has stock now."""
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	rows = get_batch_qty(batch_no=batch) or []
	return [(r.get("warehouse"), flt(r.get("qty"))) for r in rows if flt(r.get("qty")) > 0]


def reference_batches(qi) -> list[str]:
	"""The batches an inspection is about: its own batch, else the batches of its document's rows."""
	if qi.batch_no:
		return [qi.batch_no]
	if not (qi.reference_type and qi.reference_name):
		return []
	if qi.reference_type == "Job Card":
		return []
	doc = frappe.get_doc(qi.reference_type, qi.reference_name)
	batches = []
	for row in doc.get("items") or []:
		if row.item_code == qi.item_code:
			batches += [b for b, _qty in row_batches(row) if b]
	return list(dict.fromkeys(batches))


def job_cards_for(work_orders: list[str]) -> list[dict]:
	if not work_orders:
		return []
	return frappe.get_all(
		"Job Card",
		filters={"work_order": ("in", work_orders), "docstatus": 0, "status": ("in", OPEN_JOB_CARD_STATUSES)},
		fields=["name", "work_order", "operation"],
		order_by="work_order, sequence_id, name",
	)


def work_orders_consuming(batches: list[str]) -> list[str]:
	"""Open work orders whose material transfers took one of `batches` (they are making something of it)."""
	if not batches:
		return []
	rows = frappe.db.sql(
		"""
		select distinct se.work_order
		from `tabStock Entry` se
		join `tabStock Entry Detail` sed on sed.parent = se.name
		left join `tabSerial and Batch Entry` sbe on sbe.parent = sed.serial_and_batch_bundle
		where se.docstatus = 1 and se.purpose = 'Material Transfer for Manufacture'
			and ifnull(se.work_order, '') != ''
			and (sed.batch_no in %(batches)s or sbe.batch_no in %(batches)s)
		""",
		{"batches": tuple(batches)},
		pluck=True,
	)
	if not rows:
		return []
	return frappe.get_all(
		"Work Order",
		filters={
			"name": ("in", rows),
			"docstatus": 1,
			"status": ("not in", ("Completed", "Stopped", "Closed")),
		},
		pluck="name",
	)


# ------------------------------------------------------------------ raising a hold


def quality_procedure() -> str:
	"""The Quality Procedure Non Conformances are raised under (MOM Settings, else one made for it)."""
	name = frappe.db.get_single_value("MOM Settings", "quality_procedure")
	if name and frappe.db.exists("Quality Procedure", name):
		return name
	title = _("Control of Nonconforming Output")
	if not frappe.db.exists("Quality Procedure", title):
		frappe.get_doc({"doctype": "Quality Procedure", "quality_procedure_name": title}).insert(
			ignore_permissions=True
		)
	return title


def raise_hold(
	reason: str,
	source: str,
	item_code: str | None = None,
	batches: list[str] | None = None,
	work_orders: list[str] | None = None,
	job_cards: list[str] | None = None,
	quality_inspection: str | None = None,
	quality_characteristic: str | None = None,
):
	"""Create the Non Conformance and the Quality Hold, pause and freeze what it affects, notify."""
	batches = list(dict.fromkeys(b for b in (batches or []) if b))
	relation = {b: _("inspected") for b in batches}
	for batch, parent in downstream_batches(batches).items():
		relation[batch] = _("made from {0}").format(parent)
	all_batches = list(relation)

	work_orders = list(dict.fromkeys([*(work_orders or []), *work_orders_consuming(all_batches)]))
	cards = {c["name"]: c for c in job_cards_for(work_orders)}
	for name in job_cards or []:
		if name not in cards and frappe.db.exists("Job Card", name):
			card = frappe.db.get_value(
				"Job Card", name, ["name", "work_order", "operation", "docstatus"], as_dict=True
			)
			if card.docstatus == 0:
				cards[name] = card
				if card.work_order and card.work_order not in work_orders:
					work_orders.append(card.work_order)

	nc = frappe.get_doc(
		{
			"doctype": "Non Conformance",
			"subject": reason[:140],
			"procedure": quality_procedure(),
			"status": "Open",
			"details": f"<p>{frappe.utils.escape_html(reason)}</p>",
		}
	).insert(ignore_permissions=True)

	hold = frappe.new_doc("Quality Hold")
	hold.update(
		{
			"status": "Open",
			"source": source,
			"item_code": item_code,
			"reason": reason,
			"quality_inspection": quality_inspection,
			"quality_characteristic": quality_characteristic,
			"non_conformance": nc.name,
			"raised_on": now_datetime(),
			"work_orders": "\n".join(work_orders),
		}
	)
	for batch in all_batches:
		stock = batch_stock(batch)
		item = frappe.db.get_value("Batch", batch, "item")
		for warehouse, qty in stock or [(None, 0.0)]:
			hold.append(
				"batches",
				{
					"batch_no": batch,
					"item_code": item,
					"warehouse": warehouse,
					"qty": qty,
					"relation": relation[batch],
				},
			)
	for card in cards.values():
		hold.append(
			"job_cards",
			{"job_card": card["name"], "work_order": card["work_order"], "operation": card["operation"]},
		)
	hold.flags.ignore_permissions = True
	hold.insert()

	for batch in all_batches:
		frappe.db.set_value("Batch", batch, "mom_quality_hold", hold.name, update_modified=False)
	for row in hold.job_cards:
		row.db_set("paused", pause_job_card(row.job_card, hold.name), update_modified=False)
	if quality_inspection:
		frappe.db.set_value(
			"Quality Inspection", quality_inspection, "mom_quality_hold", hold.name, update_modified=False
		)
	hold.add_comment(
		"Info",
		_("Hold raised: {0} batch(es) frozen, {1} job card(s) paused.").format(
			len(all_batches), len(hold.job_cards)
		),
	)
	notify(hold)
	return hold


def pause_job_card(name: str, hold_name: str) -> bool:
	"""Pause a draft job card for the hold: open time logs end now, status On Hold. True if it was running."""
	card = frappe.get_doc("Job Card", name)
	now = now_datetime()
	running = False
	for log in card.time_logs:
		if not log.to_time:
			log.to_time = max(now, log.from_time) if log.from_time else now
			running = True
	card.mom_quality_hold = hold_name
	card.status = "On Hold"
	card.flags.ignore_permissions = True
	card.flags.mom_hold_update = True
	card.save()
	card.add_comment(
		"Info", _("Paused by quality hold {0}.").format(get_link_to_form("Quality Hold", hold_name))
	)
	return running


def notify(hold):
	"""A notification for every enabled Quality Inspector and Production Supervisor, and a realtime event
	on the hold's own document room."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	users = frappe.get_all(
		"Has Role",
		filters={"role": ("in", NOTIFY_ROLES), "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	users = [
		u for u in users if u not in ("Administrator", "Guest") and frappe.db.get_value("User", u, "enabled")
	]
	if users:
		make_notification_logs(
			frappe._dict(
				subject=_("Quality hold {0}: {1}").format(hold.name, hold.reason[:100]),
				type="Alert",
				document_type="Quality Hold",
				document_name=hold.name,
				email_content=hold.reason,
				from_user=frappe.session.user,
			),
			users,
		)
	frappe.publish_realtime(
		"mom_quality_hold",
		{"name": hold.name, "status": hold.status},
		doctype="Quality Hold",
		docname=hold.name,
	)


# ------------------------------------------------------------------ the stock guard


def held_batches(batches: list[str]) -> dict[str, str]:
	if not batches:
		return {}
	rows = frappe.get_all(
		"Batch",
		filters={"name": ("in", batches), "mom_quality_hold": ("is", "set")},
		fields=["name", "mom_quality_hold"],
	)
	return {r.name: r.mom_quality_hold for r in rows}


def quarantine_warehouse() -> str | None:
	return frappe.db.get_single_value("MOM Settings", "quarantine_warehouse")


def is_transfer_to_quarantine(sle, quarantine: str | None) -> bool:
	"""A Stock Entry row moving the batch from anywhere into the quarantine warehouse (both its legs)."""
	if not quarantine or sle.voucher_type != "Stock Entry" or not sle.voucher_detail_no:
		return False
	row = frappe.db.get_value(
		"Stock Entry Detail", sle.voucher_detail_no, ["s_warehouse", "t_warehouse"], as_dict=True
	)
	return bool(row and row.s_warehouse and row.t_warehouse == quarantine)


def check_stock_ledger_entry(sle, method=None):
	"""doc_event on Stock Ledger Entry (validate): every stock transaction of every kind passes here."""
	if sle.is_cancelled or frappe.flags.in_install:
		return
	# every stock transaction passes here: one indexed lookup when nothing is held (the usual case)
	if not frappe.db.exists("Batch", {"mom_quality_hold": ("is", "set")}):
		return
	batches = sle_batches(sle)
	held = held_batches(batches)
	if not held:
		return
	quarantine = quarantine_warehouse()
	if is_transfer_to_quarantine(sle, quarantine):
		return
	if frappe.flags.get("mom_releasing_hold") in set(held.values()):
		return
	batch, hold = next(iter(held.items()))
	reason = frappe.db.get_value("Quality Hold", hold, "reason") or ""
	message = _("Batch {0} is frozen by quality hold {1} ({2}).").format(
		frappe.bold(batch), get_link_to_form("Quality Hold", hold), reason
	)
	if quarantine:
		message += " " + _(
			"Only a transfer into the quarantine warehouse {0} may move it until the hold is released."
		).format(frappe.bold(quarantine))
	else:
		message += " " + _("It cannot be moved until the hold is released.")
	frappe.throw(message, HeldBatchError, title=_("Batch on quality hold"))


# ------------------------------------------------------------------ release


def release(hold, disposition: str, remarks: str | None = None):
	if hold.status != "Open":
		frappe.throw(_("Quality hold {0} is already released.").format(hold.name), DispositionError)
	if disposition not in DISPOSITIONS:
		frappe.throw(
			_("Choose a disposition: {0}.").format(", ".join(_(d) for d in DISPOSITIONS)), DispositionError
		)
	documents = []
	releaser = frappe.session.user
	frappe.flags.mom_releasing_hold = hold.name
	# The documents a disposition makes are the system's, authorised by the release (QA may release a hold
	# without the right to write stock entries): they are made as Administrator and say who released.
	frappe.set_user("Administrator")
	try:
		if disposition == "Scrap":
			documents += scrap_entries(hold)
		elif disposition == "Rework":
			documents += rework_orders(hold)
		elif disposition == "Return to Supplier":
			documents += supplier_returns(hold)
		for doctype, name, _purpose in documents:
			frappe.get_doc(doctype, name).add_comment(
				"Info", _("Made by the release of quality hold {0} by {1}.").format(hold.name, releaser)
			)
	finally:
		frappe.set_user(releaser)
		frappe.flags.mom_releasing_hold = None

	for row in hold.batches:
		if frappe.db.get_value("Batch", row.batch_no, "mom_quality_hold") == hold.name:
			frappe.db.set_value("Batch", row.batch_no, "mom_quality_hold", None, update_modified=False)
	for row in hold.job_cards:
		if frappe.db.get_value("Job Card", row.job_card, "mom_quality_hold") == hold.name:
			frappe.db.set_value("Job Card", row.job_card, "mom_quality_hold", None)
			frappe.get_doc("Job Card", row.job_card).add_comment(
				"Info",
				_("Quality hold {0} released ({1}); the job may be resumed.").format(
					hold.name, _(disposition)
				),
			)

	hold.status = "Released"
	hold.disposition = disposition
	hold.disposition_remarks = remarks
	hold.released_by = frappe.session.user
	hold.released_on = now_datetime()
	for doctype, name, purpose in documents:
		hold.append("documents", {"reference_doctype": doctype, "reference_name": name, "purpose": purpose})
	hold.flags.ignore_permissions = True
	hold.save()
	if hold.non_conformance:
		nc = frappe.get_doc("Non Conformance", hold.non_conformance)
		nc.status = "Resolved"
		nc.corrective_action = "<p>{}</p>".format(
			frappe.utils.escape_html(f"{_(disposition)}: {remarks or ''}".strip(": "))
		)
		nc.flags.ignore_permissions = True
		nc.save()
	hold.add_comment(
		"Info",
		_("Released with disposition {0} by {1}. {2}").format(
			_(disposition), frappe.session.user, remarks or ""
		),
	)
	notify(hold)
	return hold


def held_stock(hold) -> list:
	rows = []
	for row in hold.batches:
		for warehouse, qty in batch_stock(row.batch_no):
			rows.append(
				frappe._dict(batch_no=row.batch_no, item_code=row.item_code, warehouse=warehouse, qty=qty)
			)
	return rows


def company_of_warehouse(warehouse: str) -> str:
	return frappe.get_cached_value("Warehouse", warehouse, "company")


def scrap_entries(hold) -> list[tuple[str, str, str]]:
	"""Scrap: a submitted Material Issue of every held batch's remaining stock, per company."""
	rows = held_stock(hold)
	if not rows:
		return []
	by_company: dict[str, list] = {}
	for row in rows:
		by_company.setdefault(company_of_warehouse(row.warehouse), []).append(row)
	made = []
	for company, items in by_company.items():
		se = frappe.new_doc("Stock Entry")
		se.stock_entry_type = "Material Issue"
		se.purpose = "Material Issue"
		se.company = company
		se.remarks = _("Scrapped: quality hold {0}").format(hold.name)
		for row in items:
			se.append(
				"items",
				{
					"item_code": row.item_code,
					"s_warehouse": row.warehouse,
					"qty": row.qty,
					"batch_no": row.batch_no,
					"use_serial_batch_fields": 1,
				},
			)
		se.flags.ignore_permissions = True
		se.insert()
		se.submit()
		made.append(("Stock Entry", se.name, _("Scrap")))
	return made


def rework_orders(hold) -> list[tuple[str, str, str]]:
	"""Rework: a draft Work Order per held item (production order type Rework where that field exists) for
	the planner to schedule; the held stock stays where it is, now free to be issued to it."""
	made = []
	by_item: dict[str, float] = {}
	for row in held_stock(hold):
		by_item[row.item_code] = by_item.get(row.item_code, 0.0) + row.qty
	if not by_item:
		# nothing held in stock (an in-process hold): what the paused job cards already made is reworked
		for row in hold.job_cards:
			card = frappe.db.get_value(
				"Job Card", row.job_card, ["production_item", "total_completed_qty"], as_dict=True
			)
			if card and flt(card.total_completed_qty) > 0:
				by_item[card.production_item] = by_item.get(card.production_item, 0.0) + flt(
					card.total_completed_qty
				)
		if not by_item:
			return []  # nothing made yet: the job is corrected in place when it resumes
	for item_code, qty in by_item.items():
		bom = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1, "is_active": 1})
		if not bom:
			continue
		wo = frappe.new_doc("Work Order")
		wo.production_item = item_code
		wo.bom_no = bom
		wo.qty = qty
		wo.company = frappe.db.get_value("BOM", bom, "company")
		if frappe.get_meta("Work Order").has_field("mom_order_type") and frappe.db.exists(
			"Production Order Type", "Rework"
		):
			wo.mom_order_type = "Rework"
		wo.description = _("Rework after quality hold {0}").format(hold.name)
		wo.flags.ignore_permissions = True
		wo.flags.ignore_mandatory = True
		wo.insert()
		made.append(("Work Order", wo.name, _("Rework")))
	if not made:
		frappe.throw(
			_("Rework needs a default BOM for the held item to make a rework Work Order; none was found."),
			DispositionError,
		)
	return made


def supplier_returns(hold) -> list[tuple[str, str, str]]:
	"""Return to supplier: a draft Purchase Receipt return against each receipt the held batches came in
	on, with exactly the held batches and quantities, for purchasing to submit."""
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return

	held = {r.batch_no: r for r in held_stock(hold)}
	if not held:
		return []
	receipts = frappe.db.sql(
		"""
		select distinct pri.parent
		from `tabPurchase Receipt Item` pri
		left join `tabSerial and Batch Entry` sbe on sbe.parent = pri.serial_and_batch_bundle
		where pri.docstatus = 1 and (pri.batch_no in %(b)s or sbe.batch_no in %(b)s)
		""",
		{"b": tuple(held)},
		pluck=True,
	)
	if not receipts:
		frappe.throw(
			_("None of the held batches came in on a Purchase Receipt: nothing to return."), DispositionError
		)
	made = []
	for receipt in receipts:
		ret = make_purchase_return(receipt)
		keep = []
		for row in ret.items:
			batch = row.batch_no or next(
				(
					b
					for b, _q in row_batches(
						frappe.get_doc("Purchase Receipt Item", row.purchase_receipt_item)
					)
					if b in held
				),
				None,
			)
			if batch in held:
				row.batch_no = batch
				row.use_serial_batch_fields = 1
				row.serial_and_batch_bundle = None
				row.qty = -abs(held[batch].qty)
				row.received_qty = row.qty
				row.rejected_qty = 0
				row.stock_qty = row.qty * flt(row.conversion_factor or 1)
				keep.append(row)
		if not keep:
			continue
		ret.items = keep
		ret.remarks = _("Returned: quality hold {0}").format(hold.name)
		ret.flags.ignore_permissions = True
		ret.insert()
		made.append(("Purchase Receipt", ret.name, _("Return to Supplier")))
	return made
