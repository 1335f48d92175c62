"""What the user may read of a trace. Everything shown is passed through `Readable`: a node or document the
user may not read keeps its type but loses its name and data ("•••")."""

from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import escape_html

from mom_app.engine.genealogy import Node

REDACTED = "•••"


class Readable:
	"""Whether the current user may read a document, asked once per document.

	A doctype the user's roles cannot read is hidden whole (documents shared with the user excepted); one
	they can read is checked document by document only where something could still deny it (user
	permissions, if-owner rules, has_permission hooks), with frappe.has_permission on that document."""

	def __init__(self, user: str | None = None):
		self.user = user or frappe.session.user
		self.modes: dict[str, str] = {}
		self.answers: dict[Node, bool] = {}
		self._user_permissions = None

	def mode(self, doctype: str) -> str:
		if doctype not in self.modes:
			self.modes[doctype] = self._mode(doctype)
		return self.modes[doctype]

	def _mode(self, doctype: str) -> str:
		if self.user == "Administrator":
			return "all"
		if not frappe.db.exists("DocType", doctype):
			return "none"
		from frappe.permissions import get_role_permissions, get_user_permissions

		roles = get_role_permissions(frappe.get_meta(doctype), user=self.user)
		if not roles.get("read"):
			return "each" if frappe.has_permission(doctype, "read", user=self.user) else "none"
		if self._user_permissions is None:
			self._user_permissions = bool(get_user_permissions(self.user))
		if (
			roles.get("has_if_owner_enabled")
			or self._user_permissions
			or frappe.get_hooks("has_permission").get(doctype)
		):
			return "each"
		return "all"

	def __call__(self, doctype: str, name: str | None) -> bool:
		if not name:
			return False
		key = (doctype, name)
		if key not in self.answers:
			mode = self.mode(doctype)
			if mode == "each":
				try:
					allowed = bool(frappe.has_permission(doctype, "read", doc=name, user=self.user))
				except frappe.DoesNotExistError:
					allowed = False
			else:
				allowed = mode == "all"
			self.answers[key] = allowed
		return self.answers[key]

	def name(self, doctype: str, name: str | None) -> str | None:
		"""`name` if readable, else the redaction mark (None stays None)."""
		if not name:
			return name
		return name if self(doctype, name) else REDACTED


def check_lot_readable(node: Node):
	if not frappe.has_permission(node[0], "read", doc=node[1]):
		frappe.throw(
			_("You are not permitted to read {0} {1}.").format(_(node[0]), frappe.bold(escape_html(node[1]))),
			frappe.PermissionError,
		)


def route(doctype: str, name: str) -> str:
	return f"/app/{frappe.scrub(doctype).replace('_', '-')}/{quote(str(name), safe='')}"
