# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, flt

from mom_app.setup.custom_fields import N_


class TerminalAction(Document):
	"""One action taken at the operator terminal (its client-made id is the name): the exactly-once record,
	and the job card's history of terminal actions (their saves make no Version)."""


ACTION_LABELS = {
	"start": N_("Start"),
	"pause": N_("Pause"),
	"resume": N_("Resume"),
	"complete": N_("Complete"),
	"downtime": N_("Downtime"),
	"andon:material": N_("Andon: Material"),
	"andon:quality": N_("Andon: Quality"),
	"andon:maintenance": N_("Andon: Maintenance"),
}


def job_card_timeline(doctype: str, docname: str) -> list[dict]:
	"""additional_timeline_content for Job Card: each terminal action on it, newest first (at most 200)."""
	if doctype != "Job Card":
		return []
	rows = frappe.get_all(
		"Terminal Action",
		filters={"job_card": docname},
		fields=[
			"name",
			"action",
			"employee",
			"good_qty",
			"scrap_qty",
			"rework_qty",
			"reason",
			"result",
			"creation",
		],
		order_by="creation desc",
		limit=200,
	)
	names = dict(
		frappe.get_all(
			"Employee",
			filters={"name": ("in", list({r.employee for r in rows if r.employee}) or [""])},
			fields=["name", "employee_name"],
			as_list=True,
		)
	)
	return [
		{
			"icon": "milestone",
			"is_card": False,
			"creation": row.creation,
			"content": timeline_text(row, names.get(row.employee) or row.employee or ""),
		}
		for row in rows
	]


def timeline_text(row, employee_name: str) -> str:
	label = ACTION_LABELS.get(row.action)
	parts = [
		_("{0} at the operator terminal: {1}").format(
			f"<b>{escape_html(employee_name)}</b>", escape_html(_(label) if label else row.action)
		)
	]
	quantities = [
		_("{0} good").format(flt(row.good_qty)) if flt(row.good_qty) else None,
		_("{0} scrap").format(flt(row.scrap_qty)) if flt(row.scrap_qty) else None,
		_("{0} rework").format(flt(row.rework_qty)) if flt(row.rework_qty) else None,
	]
	quantities = [q for q in quantities if q]
	if quantities:
		parts.append(", ".join(quantities))
	if row.reason:
		parts.append(escape_html(_(row.reason)))
	try:
		status = json.loads(row.result or "{}").get("status")
	except ValueError:
		status = None
	if status:
		parts.append(_("status {0}").format(escape_html(_(status))))
	return " · ".join(parts)
