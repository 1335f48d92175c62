"""The operator terminal's refusals in the user's language: the engine's error codes
(mom_app.engine.job_actions.ERRORS) as messages shown as HTML, every stored or typed value escaped."""

import frappe
from frappe import _

from mom_app.engine.job_actions import ActionError
from mom_app.production.api.terminal.identity import show


def action_message(error: ActionError, employee: frappe._dict | None) -> str:
	"""The translated message of an engine error code (HTML: every stored or typed value escaped);
	`employee` is who acts ({"employee_name": ...}), for the messages that name them."""
	v = error.values
	name = show(employee.employee_name) if employee else ""
	messages = {
		"unknown_action": lambda: _("Unknown action {0}.").format(show(v.get("action"))),
		"job_card_submitted": lambda: _("This job card is already submitted; nothing more can be recorded."),
		"job_card_cancelled": lambda: _("This job card is cancelled."),
		"job_card_completed": lambda: _("This job card is completed."),
		"wrong_workstation": lambda: _("This job card is for workstation {0}, not {1}.").format(
			show(v.get("expected")), show(v.get("given"))
		),
		"missing_employee": lambda: _("Scan your badge first."),
		"quality_hold": lambda: _("The job is on quality hold: {0}").format(show(v.get("reason"))),
		"lockout": lambda: _(
			"Workstation {0} is locked out by maintenance order {1}; jobs start there again when the order is "
			"completed."
		).format(show(v.get("workstation")), show(v.get("order"))),
		"already_running": lambda: _("{0} is already working on this job.").format(name),
		"job_paused": lambda: _("The job is paused; resume it first."),
		"not_running": lambda: _("The job is not running, so it cannot be paused."),
		"not_paused": lambda: _("The job is not paused, so it cannot be resumed."),
		"not_started": lambda: _("{0} has not started this job, so there is nothing to complete.").format(
			name
		),
		"invalid_quantity": lambda: _("Quantities must be numbers of zero or more, not {0}.").format(
			show(v.get("value"))
		),
		"over_completion": lambda: _(
			"{0} good and {1} scrap is more than the {2} still to make (quantity {3})."
		).format(v.get("good"), v.get("scrap"), round(v.get("remaining") or 0, 3), v.get("for_quantity")),
		"missing_reason": lambda: _("Choose the reason for the downtime."),
		"nothing_reported": lambda: _(
			"No quantity is reported: enter the good, scrap or rework quantity; to stop working, pause."
		),
		"time_before_start": lambda: _("The terminal's time is before the start of the open time log."),
	}
	return messages.get(error.code, lambda: str(error))()
