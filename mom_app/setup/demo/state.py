"""What the demo's steps share while they run: the company, what was resolved so far, and what was created."""

from collections.abc import Callable

import click
import frappe


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
