"""Andon at the operator terminal: a call for help notifies the users of the role that helps (once per
request id)."""

import json

import frappe
from frappe import _

from mom_app.production.api.terminal.apply import answer_of_concurrent_twin, start_request
from mom_app.production.api.terminal.identity import (
	check_acting,
	check_workstation,
	employee_of_badge,
	fail,
)
from mom_app.production.api.terminal.views import job_card_name

ANDON_ROLES = {
	"material": "Storekeeper",
	"quality": "Quality Inspector",
	"maintenance": "Maintenance Technician",
}
ANDON_EVENT = "mom_andon"


@frappe.whitelist(methods=["POST"])
def andon(
	client_id: str,
	badge: str,
	workstation: str,
	kind: str,
	job_card: str | None = None,
	note: str | None = None,
) -> dict:
	"""Call for help: material (storekeepers), quality (inspectors), maintenance (technicians)."""
	client_id, replay = start_request(client_id)
	if replay:
		return replay
	kind = (kind or "").strip().lower()
	if kind not in ANDON_ROLES:
		fail(_("Unknown andon call {0}.").format(frappe.bold(kind)))
	employee = employee_of_badge(badge)
	workstation = check_workstation(workstation)
	if not workstation:
		fail(_("Choose the workstation first."))
	check_acting(employee, workstation)
	job = job_card_name(job_card) if job_card else None
	role = ANDON_ROLES[kind]
	users = role_users(role)
	labels = {"material": _("Material"), "quality": _("Quality"), "maintenance": _("Maintenance")}
	subject = _("Andon {0} at {1}: {2} calls for help").format(
		labels[kind], workstation, employee.employee_name
	)
	if job:
		subject += " (" + job + ")"
	note = (note or "").strip()[:500]
	result = {"ok": True, "replayed": False, "action": f"andon:{kind}", "notified": len(users), "role": role}
	# the id is claimed before anybody is notified: a twin sent at the same moment waits on it, then replays
	try:
		frappe.get_doc(
			{
				"doctype": "Terminal Action",
				"client_id": client_id,
				"action": f"andon:{kind}",
				"job_card": job,
				"employee": employee.name,
				"workstation": workstation,
				"user": frappe.session.user,
				"reason": note[:140] or None,
				"result": json.dumps(result),
			}
		).insert(ignore_permissions=True, ignore_links=True)  # all of them were just read or checked
	except frappe.DuplicateEntryError:
		return answer_of_concurrent_twin(client_id)
	if users:
		from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

		make_notification_logs(
			{
				"subject": subject,
				"type": "Alert",
				"document_type": "Workstation",
				"document_name": workstation,
				"email_content": note or subject,
				"from_user": frappe.session.user,
			},
			users,
		)
	frappe.publish_realtime(
		ANDON_EVENT,
		{"workstation": workstation, "kind": kind, "employee_name": employee.employee_name, "job_card": job},
		doctype="Workstation",
		docname=workstation,
		after_commit=True,
	)
	return result


def role_users(role: str) -> list[str]:
	users = frappe.get_all(
		"Has Role", filters={"role": role, "parenttype": "User"}, pluck="parent", distinct=True
	)
	if not users:
		return []
	return frappe.get_all(
		"User",
		filters=[["name", "in", users], ["enabled", "=", 1], ["name", "not in", ("Administrator", "Guest")]],
		pluck="name",
	)
