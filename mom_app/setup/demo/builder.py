"""The demo builder: an ordered list of named steps run against the current site.

Each step is idempotent: it looks every record up by a stable key and creates only what is missing, counting
what it created per doctype. The database is committed after every step so an interrupted run keeps its
progress, and a second run creates nothing.

Later work adds steps with the `step` decorator (e.g. `@step("iot_devices", _lt("IoT devices"), after="workstations")`)
in a module that mom_app.setup.demo imports.
"""

from collections.abc import Callable
from dataclasses import dataclass

import click
import frappe
from frappe import _


@dataclass
class Step:
	name: str
	title: (
		object  # a lazily translated string (frappe._lt): translated when printed, in the language of the run
	)
	run: Callable[["Demo"], None]


STEPS: list[Step] = []


def step(name: str, title, after: str | None = None):
	"""Register the decorated function as a demo step, at the end or right after the step named `after`."""

	def register(fn):
		entry = Step(name, title, fn)
		existing = next((i for i, s in enumerate(STEPS) if s.name == name), None)
		if existing is not None:  # the module was imported again (a reload): keep the step's place
			STEPS[existing] = entry
		elif after is None:
			STEPS.append(entry)
		else:
			index = next((i for i, s in enumerate(STEPS) if s.name == after), None)
			if index is None:
				raise ValueError(f"demo step {name!r}: no step named {after!r}")
			STEPS.insert(index + 1, entry)
		return fn

	return register


class Demo:
	"""State shared by the steps: the company, what was resolved so far, and what was created."""

	def __init__(self, verbose: bool = False):
		self.verbose = verbose
		self.created: dict[str, int] = {}
		self.company: str | None = None
		self.abbr: str | None = None
		self.warehouses: dict[str, str] = {}  # data key -> Warehouse name
		self.warehouse_types: dict[str, str] = {}  # data key -> Warehouse Type name
		self.messages: list[str] = []  # notes to show after the step lines (e.g. a setting left alone)

	# --- recording
	def track(self, *doctypes: str):
		"""Declare doctypes this run looks after, so they are reported (with 0) even when nothing is created."""
		for doctype in doctypes:
			self.created.setdefault(doctype, 0)

	def count(self, doctype: str, n: int = 1):
		self.created[doctype] = self.created.get(doctype, 0) + n

	def note(self, message: str):
		self.messages.append(message)
		self.echo("  " + message, fg="yellow")

	def echo(self, message: str, **style):
		if self.verbose:
			click.secho(message, **style)

	# --- records
	def ensure(self, doctype: str, key, values: dict | Callable[[], dict], submit: bool = False) -> str:
		"""Name of the `doctype` record matching `key` (a name or a filters dict); insert it from `values`
		(a dict, or a function returning one, called only when the record is missing) if there is none."""
		self.track(doctype)
		name = frappe.db.exists(doctype, key)
		if name:
			return name
		doc = frappe.get_doc({"doctype": doctype, **(values() if callable(values) else values)})
		doc.insert()
		if submit:
			doc.submit()
		self.count(doctype)
		return doc.name

	def warehouse_name(self, warehouse_name: str) -> str:
		return f"{warehouse_name} - {self.abbr}"


def build(verbose: bool = True, steps: list[str] | None = None) -> dict[str, int]:
	"""Build (or complete) the demo plant on the connected site.

	Returns {doctype: number of records created}; every doctype the demo looks after is present, so a run
	that found everything in place returns only zeros. `steps` limits the run to the named steps (the
	earlier steps' records must then exist already).
	"""
	from mom_app.setup import (
		demo as _registers_steps,
	)

	demo = Demo(verbose=verbose)
	selected = [s for s in STEPS if steps is None or s.name in steps]
	if steps is not None:
		unknown = set(steps) - {s.name for s in STEPS}
		if unknown:
			frappe.throw(_("Unknown demo steps: {0}").format(", ".join(sorted(unknown))))
		# Steps need the company; resolve it without creating anything else.
		if "company" not in steps:
			from mom_app.setup.demo.steps import use_existing_company

			use_existing_company(demo)

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
