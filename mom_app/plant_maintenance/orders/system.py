"""ERPNext documents a maintenance order makes are the system's, authorised by the order's rules (the user
acting was allowed to approve, work or complete the order): `as_system()` makes them as Administrator and
gives the session back afterwards, its id, data and request arguments as they were. Who acted is kept on the
order (issued by, completed by) and said in a comment on each document made.

A technician may issue parts without the right to write Stock Entries or Serial and Batch Bundles, which
ERPNext creates under the session user's permissions whatever flags the Stock Entry carries.
"""

from contextlib import contextmanager

import frappe


@contextmanager
def as_system():
	"""Run the block as Administrator; yields the user who acts."""
	session = frappe.local.session
	user = session.user
	if user == "Administrator":
		yield user
		return
	saved = (session.sid, session.data, frappe.local.form_dict)
	frappe.set_user("Administrator")
	try:
		yield user
	finally:
		frappe.set_user(user)
		session.sid, session.data, frappe.local.form_dict = saved


def made_for(doctype: str, name: str, order: str, user: str) -> None:
	"""Say on a document made for an order who made it happen."""
	from frappe import _

	frappe.get_doc(doctype, name).add_comment(
		"Info", _("Made for maintenance order {0} by {1}.").format(order, frappe.utils.escape_html(user))
	)
