"""Maintenance Work Order events (the order's own rules are its controller's; these add what other parts of
the pillar need):

- on_update: a completed order's work classifies its workstation's stops, so OEE counts planned maintenance
  as planned downtime and a repair as unplanned (mom_app.plant_maintenance.downtime);
- validate: an order with a meter (a meter plan's occurrence) entering Completed or Verified keeps the
  meter's total at completion, unless the technician typed one: the plan's next occurrence counts from it;
- onload: the reason a plan's or an ERPNext task's order fell due, rendered again in the reader's language
  from Due Reason (Data) (plans.reasons).
"""

import json

import frappe
from frappe.utils import flt

from mom_app.engine.maintenance.lifecycle import is_done
from mom_app.plant_maintenance import downtime


def on_update(doc, method=None):
	downtime.on_update(doc, method)


def due_reason(doc) -> dict:
	data = doc.get("due_reason")
	if isinstance(data, str):
		try:
			data = json.loads(data) if data.strip() else None
		except ValueError:
			return {}
	return data if isinstance(data, dict) else {}


def validate(doc, method=None):
	meter = due_reason(doc).get("meter")
	if not meter:
		return
	before = doc.get_doc_before_save()
	old, new = (before.workflow_state if before else None), doc.workflow_state
	if old != new and is_done(new) and not is_done(old) and not flt(doc.meter_at_completion):
		doc.meter_at_completion = frappe.db.get_value("Asset Meter", meter, "current_total")


def onload(doc, method=None):
	from mom_app.plant_maintenance.plans.reasons import render

	data = due_reason(doc)
	if data.get("code"):
		doc.reason = render(data)
