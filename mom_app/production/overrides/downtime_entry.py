"""Downtime Entry (ERPNext) extended for machine-detected downtime.

mom_app records downtime automatically from machine signals (mom_app.iot.machine_state): such entries have
`mom_source` Automatic, the machine's times and a link to their Machine State Log, but no operator and no
reason yet. ERPNext makes `operator` and `stop_reason` mandatory, so mom_app relaxes both with Property
Setters (mom_app.setup.property_setters) and enforces them here instead:

- a Manual entry (anything people record) needs both, as before;
- an Automatic entry needs a stop reason as soon as a person saves it (that is classifying it), and its
  workstation, times, source and state log stay what the machine reported.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime

MANUAL, AUTOMATIC = "Manual", "Automatic"
MACHINE_FIELDS = ("workstation", "from_time", "to_time", "mom_machine_state_log")


def validate(doc, method=None):
	automatic_by_system = bool(doc.flags.mom_automatic)
	before = None if doc.is_new() else doc.get_doc_before_save()
	if automatic_by_system:
		doc.mom_source = AUTOMATIC
	elif doc.is_new():
		doc.mom_source = MANUAL  # people cannot create "automatic" entries
		doc.mom_machine_state_log = None
	elif before and (before.get("mom_source") or MANUAL) != (doc.mom_source or MANUAL):
		frappe.throw(_("The source of a downtime entry cannot be changed."), title=_("Downtime Source"))

	doc.mom_source = doc.mom_source or MANUAL
	if automatic_by_system:
		return
	if doc.mom_source == AUTOMATIC:
		validate_classification(doc, before)
	else:
		require(doc, ("operator", "stop_reason"))


def validate_classification(doc, before):
	changed = [f for f in MACHINE_FIELDS if before and not same(before.get(f), doc.get(f))]
	if changed:
		frappe.throw(
			_("{0} of an automatic downtime entry come from the machine and cannot be changed.").format(
				", ".join(_(doc.meta.get_label(f)) for f in changed)
			),
			title=_("Automatic Downtime"),
		)
	require(doc, ("stop_reason",))


def same(old, new) -> bool:
	"""Equal values; datetimes to the second (the form may send them back without microseconds)."""
	if isinstance(old, datetime) or isinstance(new, datetime):
		if not (old and new):
			return not old and not new
		return abs((get_datetime(old) - get_datetime(new)).total_seconds()) < 1
	return str(old or "") == str(new or "")


def require(doc, fieldnames):
	missing = [_(doc.meta.get_label(f)) for f in fieldnames if not doc.get(f)]
	if missing:
		frappe.throw(
			_("Please set {0} on this downtime entry.").format(", ".join(missing)),
			frappe.MandatoryError,
			title=_("Missing Values"),
		)


# --- shop floor ---
def apply_reason(doc, method=None):
	"""The reason from the Downtime Reason tree sets ERPNext's stop reason (runs before validate(), which
	requires a stop reason: choosing a tree reason on an automatic entry therefore classifies it)."""
	reason = doc.get("mom_downtime_reason")
	if not reason:
		return
	row = frappe.db.get_value("Downtime Reason", reason, ["is_group", "stop_reason"], as_dict=True)
	if not row:
		return  # the link check reports it
	if row.is_group:
		frappe.throw(
			_("{0} is a group of downtime reasons; choose one of its reasons.").format(
				frappe.bold(escape_html(_(reason)))
			),
			title=_("Downtime Reason"),
		)
	if not doc.stop_reason or (doc.get_doc_before_save() and doc.has_value_changed("mom_downtime_reason")):
		doc.stop_reason = row.stop_reason or "Other"


# --- end shop floor ---
