"""Andon at the operator terminal: a call for help notifies the users of the role that helps (once per
request id); a maintenance call is also a maintenance request for the workstation
(mom_app.plant_maintenance.andon: one open request per workstation).

Repeats are throttled per workstation and kind: after a call has notified people, another call of the same
kind at the same workstation within MOM Settings' Andon Repeat Window (120 s by default) notifies nobody; it
is recorded, and answered (not refused) with when the next call notifies again. The window is a Redis key
per workstation and kind, claimed after the request id, so a twin of the same request still replays."""

import json

import frappe
from frappe import _
from frappe.utils import cint, escape_html

from mom_app.production.api.terminal.apply import answer_of_concurrent_twin, start_request
from mom_app.production.api.terminal.identity import (
	check_acting,
	check_workstation,
	employee_of_badge,
	fail,
	show,
)
from mom_app.production.api.terminal.views import job_card_name
from mom_app.production.doctype.andon_call.andon_call import raise_call

ANDON_ROLES = {
	"material": "Storekeeper",
	"quality": "Quality Inspector",
	"maintenance": "Maintenance Technician",
}
ANDON_EVENT = "mom_andon"
ANDON_REPEAT_SECONDS = 120  # MOM Settings' default


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
		fail(_("Unknown andon call {0}.").format(show(kind)))
	employee = employee_of_badge(badge)
	workstation = check_workstation(workstation)
	if not workstation:
		fail(_("Choose the workstation first."))
	check_acting(employee, workstation)
	job = job_card_name(job_card) if job_card else None
	role = ANDON_ROLES[kind]
	users = role_users(role)
	labels = {"material": _("Material"), "quality": _("Quality"), "maintenance": _("Maintenance")}
	# the subject and the mail are HTML
	subject = _("Andon {0} at {1}: {2} calls for help").format(
		labels[kind], escape_html(workstation), escape_html(employee.employee_name)
	)
	if job:
		subject += " (" + escape_html(job) + ")"
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
	retry_after = claim_window(workstation, kind)
	# the call stays open (on the boards) until somebody answers it; a repeat counts on the open one
	call = raise_call(workstation, kind, role, employee.name, employee.employee_name, job, note)
	if kind == "maintenance":
		# plant maintenance: the call is also a maintenance request for the workstation (one open request)
		from mom_app.plant_maintenance.andon import maintenance_request

		result["maintenance_order"] = maintenance_request(
			workstation, call, employee.employee_name, job, note
		)
		frappe.db.set_value("Terminal Action", client_id, "result", json.dumps(result), update_modified=False)
	if retry_after:
		window = repeat_window()
		result = {
			**result,
			"notified": 0,
			"throttled": True,
			"retry_after": retry_after,
			"message": _(
				"{0} help was called at {1} less than {2} seconds ago and those people were told; "
				"a new call notifies them again in {3} seconds."
			).format(labels[kind], workstation, window, retry_after),
		}
		frappe.db.set_value("Terminal Action", client_id, "result", json.dumps(result), update_modified=False)
		return result
	if users:
		from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

		make_notification_logs(
			{
				"subject": subject,
				"type": "Alert",
				"document_type": "Andon Call",
				"document_name": call,
				"email_content": escape_html(note) if note else subject,
				"from_user": frappe.session.user,
			},
			users,
		)
	frappe.publish_realtime(
		ANDON_EVENT,
		{
			"workstation": workstation,
			"kind": kind,
			"employee_name": employee.employee_name,
			"job_card": job,
			"andon_call": call,
		},
		doctype="Workstation",
		docname=workstation,
		after_commit=True,
	)
	return result


def repeat_window() -> int:
	"""Seconds after a call during which the same call at the same workstation notifies nobody (0: off).
	A site that never saved the setting gets the default."""
	stored = frappe.db.get_singles_dict("MOM Settings").get("andon_repeat_seconds")
	return ANDON_REPEAT_SECONDS if stored in (None, "") else max(cint(stored), 0)


def window_key(workstation: str, kind: str) -> str:
	return frappe.cache.make_key(f"mom:andon:{workstation}:{kind}")


def claim_window(workstation: str, kind: str) -> int:
	"""0 when this call may notify (the window is now claimed for it), else the seconds until one may. A
	claim is given up again if this request's transaction rolls back (nobody was notified then)."""
	window = repeat_window()
	if not window:
		return 0
	key = window_key(workstation, kind)
	if frappe.cache.set(key, frappe.session.user, nx=True, ex=window):
		frappe.db.after_rollback.add(lambda: frappe.cache.delete(key))
		return 0
	return max(cint(frappe.cache.ttl(key)), 1)


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
