"""A completed maintenance order's work in its workstation's downtime, so OEE counts it right: planned
maintenance is planned downtime, a breakdown (or any corrective repair) unplanned downtime.

    on_update(doc, method=None)     doc_events: Maintenance Work Order, when it enters Completed or Verified
    record_downtime(doc) -> dict    {"classified": [entries], "recorded": entry or None}

The engine (engine.maintenance.downtime.plan) says what to do with the workstation's Downtime Entries
overlapping the order's work window (from the failure or the start of the work to back in service): its
unclassified stops (automatic entries without a Downtime Reason; an entry a person made has its stop reason)
take the Maintenance Settings' Planned Maintenance
Reason or Breakdown Reason (Downtime Reasons of kind Planned / Unplanned); when no stop overlaps, one is
recorded for the window with that reason (source Automatic: the system recorded it), and linked on the order
when it has none. Entries a person classified are left as they are. The OEE Records of the days touched are
computed again after the commit (a background job).
"""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime

from mom_app.engine.maintenance import downtime as rules
from mom_app.engine.maintenance.lifecycle import is_done

DEFAULT_REASONS = {rules.PLANNED: "Preventive Maintenance", rules.UNPLANNED: "Machine Breakdown"}
REASON_FIELDS = {rules.PLANNED: "planned_maintenance_reason", rules.UNPLANNED: "breakdown_reason"}


def on_update(doc, method=None):
	before = doc.get_doc_before_save()
	old_state = before.workflow_state if before else None
	if doc.workstation and is_done(doc.workflow_state) and not is_done(old_state):
		record_downtime(doc)


def reason_for(kind: str) -> str | None:
	reason = frappe.db.get_single_value("Maintenance Settings", REASON_FIELDS[kind], cache=False)
	reason = reason or DEFAULT_REASONS[kind]
	return reason if frappe.db.exists("Downtime Reason", reason) else None


def dt(value):
	return get_datetime(value) if value else None


def record_downtime(doc) -> dict:
	order = {
		"order_type": doc.order_type,
		"is_failure": cint(doc.is_failure),
		"failure_time": dt(doc.failure_time),
		"reported": dt(doc.reported_at),
		"acknowledged": dt(doc.acknowledged_at),
		"repair_start": dt(doc.repair_start),
		"back_in_service": dt(doc.back_in_service),
	}
	window = rules.work_window(order)
	if window is None:
		return {"classified": [], "recorded": None}
	entries = frappe.db.sql(
		"""select name, from_time, to_time,
			ifnull(
				nullif(mom_downtime_reason, ''),
				if(ifnull(mom_source, 'Manual') = 'Manual', nullif(stop_reason, ''), null)
			) as reason
		from `tabDowntime Entry`
		where workstation = %(ws)s and docstatus < 2 and from_time < %(end)s
			and (to_time is null or to_time > %(start)s)
		order by from_time""",
		{"ws": doc.workstation, "start": window[0], "end": window[1]},
		as_dict=True,
	)
	plan = rules.plan(order, [{**e, "from_time": dt(e.from_time), "to_time": dt(e.to_time)} for e in entries])
	reason = reason_for(plan.kind)
	if not reason:
		return {"classified": [], "recorded": None}
	note = _("Maintenance order {0}.").format(doc.name)
	for name in plan.classify:
		entry = frappe.get_doc("Downtime Entry", name)
		entry.mom_downtime_reason = reason
		entry.remarks = "\n".join(x for x in (entry.remarks, note) if x)
		entry.flags.ignore_permissions = True
		entry.save()
	recorded = None
	if plan.record:
		entry = frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": doc.workstation,
				"from_time": plan.record[0],
				"to_time": plan.record[1],
				"mom_downtime_reason": reason,
				"remarks": note,
			}
		)
		entry.flags.mom_automatic = True  # recorded by the system for the order, not by a person
		entry.insert(ignore_permissions=True)
		recorded = entry.name
		if not doc.downtime_entry:
			doc.db_set("downtime_entry", recorded, update_modified=False)
	frappe.enqueue(
		"mom_app.production.oee.recompute",
		workstations=[doc.workstation],
		date_from=get_datetime(window[0]).date(),
		date_to=get_datetime(window[1]).date(),
		enqueue_after_commit=True,
	)
	return {"classified": list(plan.classify), "recorded": recorded}
