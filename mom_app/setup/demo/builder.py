"""The demo builder: the demo's steps, in order, run against the current site.

Each step is idempotent: it looks every record up by a stable key and creates only what is missing, counting
what it created per doctype. The database is committed after every step so an interrupted run keeps its
progress, and a second run creates nothing.

A new step is a function taking the `Demo` (mom_app.setup.demo.state) in one of the step modules, listed in
STEPS below at its place.
"""

from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe import _, _lt

from mom_app.setup.demo import (
	genealogy_history,
	iot_history,
	maintenance_history,
	quality_history,
	shop_history,
)
from mom_app.setup.demo import steps as base_steps  # company to people
from mom_app.setup.demo.state import Demo


@dataclass
class Step:
	name: str
	title: (
		object  # a lazily translated string (frappe._lt): translated when printed, in the language of the run
	)
	run: Callable[[Demo], None]


STEPS: list[Step] = [
	Step("company", _lt("Company and fiscal year"), base_steps.company),
	Step("warehouses", _lt("Warehouses"), base_steps.warehouses),
	Step("settings", _lt("MOM Settings"), base_steps.mom_settings),
	Step("items", _lt("Item groups and batch-tracked items"), base_steps.items),
	Step("workstations", _lt("Production lines and workstations"), base_steps.workstations),
	Step("routings", _lt("Operations and routings"), base_steps.routings),
	Step("boms", _lt("Bills of materials"), base_steps.boms),
	Step("people", _lt("Users and employees with badges"), base_steps.people),
	# a week of machine data on the workstations' shifts
	Step("iot_history", _lt("Machine history"), iot_history.iot_history),
	# receipts -> production (in the machine-history week) -> deliveries
	Step(
		"genealogy_history", _lt("Receipts, production and deliveries"), genealogy_history.genealogy_history
	),
	# plans, SPC and a month of inspections of the genealogy week's lots
	Step(
		"quality_history",
		_lt("Inspection plans, SPC and a month of inspections"),
		quality_history.quality_history,
	),
	# shifts, approved orders, classified stops and OEE of the machine-history week
	Step(
		"shop_history",
		_lt("Shop floor: shifts, approved orders, stops and OEE"),
		shop_history.shop_history,
	),
	# the machines as assets; checklists, meters, plans, a condition rule and a month of repairs and PM
	Step(
		"maintenance_history",
		_lt("Maintenance: assets, plans, rules and a month of repairs"),
		maintenance_history.maintenance_history,
	),
]


def build(verbose: bool = True, steps: list[str] | None = None) -> dict[str, int]:
	"""Build (or complete) the demo plant on the connected site.

	Returns {doctype: number of records created}; every doctype the demo looks after is present, so a run
	that found everything in place returns only zeros. `steps` limits the run to the named steps (the
	earlier steps' records must then exist already).
	"""
	demo = Demo(verbose=verbose)
	selected = [s for s in STEPS if steps is None or s.name in steps]
	if steps is not None:
		unknown = set(steps) - {s.name for s in STEPS}
		if unknown:
			frappe.throw(_("Unknown demo steps: {0}").format(", ".join(sorted(unknown))))
		# Steps need the company; resolve it without creating anything else.
		if "company" not in steps:
			base_steps.use_existing_company(demo)

	previous_mute = frappe.flags.mute_emails
	frappe.flags.mute_emails = True
	try:
		for index, entry in enumerate(selected, start=1):
			before = dict(demo.created)
			entry.run(demo)
			frappe.db.commit()
			made = {dt: n - before.get(dt, 0) for dt, n in demo.created.items() if n - before.get(dt, 0)}
			demo.echo(step_line(index, len(selected), str(entry.title), made))
	finally:
		frappe.flags.mute_emails = previous_mute

	return demo.created


def step_line(index: int, total: int, title: str, made: dict[str, int]) -> str:
	if made:
		what = ", ".join(f"{_(doctype)} {n}" for doctype, n in made.items())
		return _("[{0}/{1}] {2}: created {3}").format(index, total, title, what)
	return _("[{0}/{1}] {2}: already in place").format(index, total, title)
