"""The workstations in alarm: their condition rules that fired and have not cleared (for the shop floor board).

active_alarms(workstations) -> {workstation: [{"rule", "label", "since", "value", "unit", "order"}]}
"""

import frappe


def active_alarms(workstations: list[str]) -> dict[str, list[dict]]:
	if not workstations:
		return {}
	out: dict[str, list[dict]] = {}
	for r in frappe.db.sql(
		"""select name, rule_name, workstation, last_fired_at, last_value, unit, measure, current_order
		from `tabCondition Rule`
		where workstation in %(ws)s and active = 1 and enabled = 1
		order by last_fired_at, name""",
		{"ws": tuple(workstations)},
		as_dict=True,
	):
		out.setdefault(r.workstation, []).append(
			{
				"rule": r.name,
				"label": r.rule_name or r.name,
				"since": str(r.last_fired_at) if r.last_fired_at else None,
				"value": r.last_value,
				"unit": r.unit or "",
				"rate": r.measure == "Rate",
				"order": r.current_order,
			}
		)
	return out
