"""Job Card: IPQC per operation, and the quality hold.

- every save of a draft job card checks the plan's frequency (first article, every N pieces, every T
  minutes) and creates the inspections that are due;
- a job card paused by an open quality hold cannot be started or resumed (no open time log);
- the last-piece check is created when the full quantity is reported; completing (submitting) needs it, and,
  for a gated plan, every inspection submitted
  and accepted.
"""

import frappe
from frappe import _
from frappe.utils import get_link_to_form

from mom_app.quality import triggers
from mom_app.quality.hold import HeldJobCardError


def validate(doc, method=None):
	check_hold(doc)


def on_update(doc, method=None):
	if doc.docstatus == 0 and not doc.flags.get("mom_hold_update"):
		triggers.create_ipqc_inspections(doc)


def before_submit(doc, method=None):
	check_hold(doc, completing=True)
	triggers.check_last_piece(doc)
	triggers.check_gate(doc)


def check_hold(doc, completing: bool = False):
	hold = doc.get("mom_quality_hold")
	if not hold or doc.flags.get("mom_hold_update"):
		return
	if frappe.db.get_value("Quality Hold", hold, "status") != "Open":
		return
	running = any(not log.to_time for log in doc.time_logs)
	if running or completing:
		reason = frappe.db.get_value("Quality Hold", hold, "reason")
		frappe.throw(
			_("Job card {0} is paused by quality hold {1}: {2}").format(
				doc.name, get_link_to_form("Quality Hold", hold), reason
			),
			HeldJobCardError,
			title=_("Quality hold"),
		)
