"""A quality hold's life: raised (Non Conformance, Quality Hold, batches frozen, job cards paused), notified,
released with a disposition (batches unfrozen, job cards' hold cleared, Non Conformance resolved).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_link_to_form, now_datetime

from mom_app.quality.hold.dispositions import (
	DISPOSITIONS,
	DispositionError,
	rework_orders,
	scrap_entries,
	supplier_returns,
)
from mom_app.quality.hold.held_stock import stock_by_batch
from mom_app.quality.hold.scope import downstream_batches, job_cards_for, work_orders_consuming

NOTIFY_ROLES = ("Quality Inspector", "Production Supervisor")


class HeldJobCardError(frappe.ValidationError):
	pass


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
	stock = stock_by_batch(all_batches)
	items = dict(
		frappe.get_all("Batch", filters={"name": ("in", all_batches)}, fields=["name", "item"], as_list=True)
	)
	for batch in all_batches:
		item = items.get(batch)
		# a batch not in stock (consumed, delivered, not made yet) keeps one row; the form shows where it is now
		for warehouse, qty in stock[batch] or [(None, 0.0)]:
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
				# the subject and the mail are HTML; the reason is typed
				subject=_("Quality hold {0}: {1}").format(hold.name, escape_html(hold.reason[:100])),
				type="Alert",
				document_type="Quality Hold",
				document_name=hold.name,
				email_content=escape_html(hold.reason),
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
