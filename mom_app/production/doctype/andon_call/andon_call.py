# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

"""Andon Call: a call for help from the operator terminal, open until somebody answers it.

The terminal's andon endpoint raises a call (`raise_call`): one open call per workstation and kind; calling
again while it is open counts the call again instead of opening another. The people called (the role of the
kind), a production supervisor or a MOM manager acknowledge it (on the way) and close it (done, with what
was done). Every change is sent to the workstation's realtime room, where the boards listen."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

KINDS = {"material": "Material", "quality": "Quality", "maintenance": "Maintenance"}
OPEN, ACKNOWLEDGED, CLOSED = "Open", "Acknowledged", "Closed"
UNANSWERED = (OPEN, ACKNOWLEDGED)
# besides the role called: who may answer any call
ANSWERING_ROLES = ("Production Supervisor", "MOM Manager", "System Manager")
REALTIME_EVENT = "mom_andon_update"


class AndonCall(Document):
	def validate(self):
		before = self.get_doc_before_save()
		if before and before.status == CLOSED and self.status != CLOSED:
			frappe.throw(_("Andon call {0} is closed; it cannot be opened again.").format(self.name))

	def on_change(self):
		frappe.publish_realtime(
			REALTIME_EVENT,
			{
				"workstation": self.workstation,
				"andon_call": self.name,
				"status": self.status,
				"kind": self.kind,
			},
			doctype="Workstation",
			docname=self.workstation,
			after_commit=True,
		)

	def check_may_answer(self):
		roles = set(frappe.get_roles())
		if not roles & {self.called_role, *ANSWERING_ROLES}:
			frappe.throw(
				_("Only {0}, a production supervisor or a MOM manager answers this call.").format(
					_(self.called_role) if self.called_role else _("the people called")
				),
				frappe.PermissionError,
			)

	@frappe.whitelist()
	def acknowledge(self) -> None:
		"""Somebody is on the way."""
		self.check_may_answer()
		if self.status != OPEN:
			frappe.throw(
				_("Andon call {0} is already {1}.").format(self.name, _(self.status, context="Andon Call"))
			)
		self.status = ACKNOWLEDGED
		self.acknowledged_by = frappe.session.user
		self.acknowledged_at = now_datetime()
		self.save()

	@frappe.whitelist()
	def close(self, resolution: str | None = None) -> None:
		"""The help was given; `resolution` says what was done."""
		self.check_may_answer()
		if self.status == CLOSED:
			frappe.throw(
				_("Andon call {0} is already {1}.").format(self.name, _(self.status, context="Andon Call"))
			)
		now = now_datetime()
		if not self.acknowledged_at:
			self.acknowledged_by = frappe.session.user
			self.acknowledged_at = now
		self.status = CLOSED
		self.closed_by = frappe.session.user
		self.closed_at = now
		if resolution and resolution.strip():
			self.resolution = resolution.strip()[:1000]
		self.save()


def raise_call(
	workstation: str,
	kind: str,
	role: str,
	employee: str | None = None,
	employee_name: str | None = None,
	job_card: str | None = None,
	note: str | None = None,
) -> str:
	"""The open Andon Call of `kind` ("material", "quality", "maintenance") at the workstation, counted once
	more, or a new one; its name. Called by the terminal's andon endpoint, which has checked the caller."""
	kind_option = KINDS[kind]
	now = now_datetime()
	open_call = frappe.db.get_value(
		"Andon Call",
		{"workstation": workstation, "kind": kind_option, "status": ("in", UNANSWERED)},
		["name", "calls"],
		as_dict=True,
		for_update=True,
		order_by="creation desc",
	)
	if open_call:
		values = {"calls": (open_call.calls or 1) + 1, "last_called_at": now}
		if job_card:
			values["job_card"] = job_card
		if note:
			values["note"] = note
		call = frappe.get_doc("Andon Call", open_call.name)
		call.update(values)
		call.save(ignore_permissions=True)
		return call.name
	call = frappe.get_doc(
		{
			"doctype": "Andon Call",
			"workstation": workstation,
			"kind": kind_option,
			"status": OPEN,
			"called_role": role,
			"employee": employee,
			"employee_name": employee_name,
			"job_card": job_card,
			"note": note or None,
			"raised_at": now,
			"raised_by": frappe.session.user,
			"last_called_at": now,
			"calls": 1,
		}
	)
	call.insert(ignore_permissions=True, ignore_links=True)  # the endpoint has read or checked all of them
	return call.name


def open_calls(workstations: list[str]) -> dict[str, list[dict]]:
	"""The unanswered calls (open or acknowledged) of the workstations, oldest first, by workstation."""
	out: dict[str, list[dict]] = {}
	if not workstations:
		return out
	for row in frappe.get_all(
		"Andon Call",
		filters={"workstation": ("in", workstations), "status": ("in", UNANSWERED)},
		fields=["name", "workstation", "kind", "status", "raised_at", "calls", "employee_name", "job_card"],
		order_by="raised_at asc",
	):
		out.setdefault(row.workstation, []).append(row)
	return out
