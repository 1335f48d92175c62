"""What a condition rule's events do: a fired rule opens a Maintenance Work Order (or adds to the open one of
that rule and asset), its status on the rule, and the workstation's room told (the shop floor board shows
the workstation in alarm until the rule clears).

    apply(snap, events)

FIRED: open_order(<the rule's order type>, "Condition rule", dedup_key=rule_order_key(rule, asset)) with
the rule's priority (else the settings' Condition Rule Priority) and checklist, reported at the moment the
rule fired, the reason saying the value and the limits; the rule's Last Fired, Value When Fired, Times Fired
and order. While that order is open a rule that fires again adds an occurrence to it (a comment); once it is
closed the next firing opens a new order. An order that cannot be opened (a checklist deleted meanwhile, say)
is logged in the Error Log and undone to a savepoint, so the readings are still stored.
CLEARED: the rule's Last Cleared. Both go to the workstation's realtime room as REALTIME_EVENT.
"""

import frappe
from frappe import _
from frappe.utils import cint

from mom_app.engine.maintenance import condition_rules as engine
from mom_app.engine.maintenance.orders import rule_order_key
from mom_app.iot.clock import to_local

REALTIME_EVENT = "mom_condition_alarm"
SOURCE = "Condition rule"
SAVEPOINT = "mom_condition_rule_order"


def apply(snap, events) -> None:
	for event in sorted(events, key=lambda e: e.ts):
		meta = snap.meta.get(event.rule)
		if meta is None:
			continue
		if event.kind == engine.FIRED:
			fired(snap, meta, event)
		else:
			cleared(meta, event)


def fired(snap, meta, event) -> str | None:
	from mom_app.plant_maintenance.orders import open_order

	at = to_local(event.ts)
	reason = describe(meta, event)
	order = None
	frappe.db.savepoint(SAVEPOINT)
	try:
		order, _created = open_order(
			meta.order_type or "Condition-based",
			SOURCE,
			asset=meta.asset or None,
			workstation=meta.workstation or None,
			priority=meta.priority or snap.priority,
			dedup_key=rule_order_key(meta.name, meta.asset or meta.workstation),
			reason=reason,
			description="\n".join(x for x in (meta.description, reason) if x),
			checklist=meta.checklist or None,
			references={"trigger_doctype": "Condition Rule", "trigger_name": meta.name, "reported_at": at},
			ignore_permissions=True,
		)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=f"Condition Rule {meta.name} fired but no maintenance order was opened")
	frappe.db.sql(
		"""update `tabCondition Rule` set last_fired_at = %(at)s, last_value = %(value)s,
		fired_count = ifnull(fired_count, 0) + 1, current_order = ifnull(%(order)s, current_order)
		where name = %(name)s""",
		{"at": at, "value": event.value, "order": order, "name": meta.name},
	)
	publish(meta, "fired", at, event.value, order)
	return order


def cleared(meta, event) -> None:
	at = to_local(event.ts)
	frappe.db.sql("update `tabCondition Rule` set last_cleared_at = %s where name = %s", (at, meta.name))
	publish(meta, "cleared", at, event.value, None)


def publish(meta, kind: str, at, value: float, order: str | None) -> None:
	if not meta.workstation:
		return
	frappe.publish_realtime(
		REALTIME_EVENT,
		{
			"workstation": meta.workstation,
			"rule": meta.name,
			"kind": kind,
			"at": str(at),
			"value": value,
			"order": order,
		},
		doctype="Workstation",
		docname=meta.workstation,
		after_commit=True,
	)


def describe(meta, event) -> str:
	"""Why the order was opened, in the site's language: the rule, the value and its limits."""
	unit = meta.unit or ""
	if meta.measure == "Rate":
		unit = _("{0}/min").format(unit) if unit else _("per minute")
	limits = {
		"Above": _("above {0}").format(fmt(meta.high_limit)),
		"Below": _("below {0}").format(fmt(meta.low_limit)),
		"Outside": _("outside {0} to {1}").format(fmt(meta.low_limit), fmt(meta.high_limit)),
	}[meta.condition]
	text = _("Rule {0}: {1} {2} was {3} {4} ({5}) at {6}.").format(
		meta.rule_name or meta.name,
		meta.device,
		meta.tag,
		fmt(event.value),
		unit,
		limits,
		to_local(event.ts).strftime("%Y-%m-%d %H:%M:%S"),
	)
	if cint(event.occurrences) > 1:
		text += " " + _("It occurred {0} times within {1} seconds.").format(
			event.occurrences, fmt(meta.repeat_window_seconds)
		)
	return text


def fmt(value) -> str:
	return f"{float(value or 0):.6g}"
