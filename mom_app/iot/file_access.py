"""Who may read the files that hold secrets: an IoT Device's OPC UA client private key.

Frappe lets whoever reads a document read its private attachments: File's own permission rule and the
/private/files download both follow the document the file is attached to. Every MOM role reads IoT Devices,
but the client private key is a secret: only the roles that may see the webhook secret (IoT Device
SECRET_ROLES: MOM Manager, System Manager) may read, change, list or download it. A file is a key file when it
is attached to an IoT Device's Client Private Key field, or when its URL is any device's Client Private Key
(the same URL may have other File records).

Three hooks (hooks.py), because Frappe checks file access in three places:
- has_permission (File): every right but create on a key file is denied to other users (desk form,
  frappe.client.get, getdoc, delete, ...); for other files Frappe's own rule decides;
- permission_query_conditions (File): lists and reports of File leave key files out for them;
- before_request: a download of /private/files/<key file> is answered 403 for them (Frappe's download checks
  File's own rule only, not the hooks). API-key requests are authenticated after this hook runs, so they
  cannot download key files at all.
"""

import frappe
from frappe import _

SECRET_FIELDS = ("client_private_key",)
PRIVATE_FILES = "/private/files/"


def may_see_secrets(user: str | None = None) -> bool:
	from mom_app.iot.doctype.iot_device.iot_device import SECRET_ROLES

	user = user or frappe.session.user
	if user == "Administrator":
		return True
	if user == "Guest":
		return False
	return bool(set(frappe.get_roles(user)) & set(SECRET_ROLES))


def is_key_url(file_url: str | None) -> bool:
	if not file_url:
		return False
	return any(frappe.db.exists("IoT Device", {field: file_url}) for field in SECRET_FIELDS)


def is_key_file(doc) -> bool:
	if doc.get("attached_to_doctype") == "IoT Device" and doc.get("attached_to_field") in SECRET_FIELDS:
		return True
	return is_key_url(doc.get("file_url"))


def has_permission(doc, ptype=None, user=None, debug=False):
	"""False for a key file and a user who may not see secrets; otherwise no opinion (None)."""
	if ptype == "create" or may_see_secrets(user):
		return None
	if is_key_file(doc):
		return False
	return None


def permission_query_conditions(user=None, doctype=None) -> str:
	"""File lists without key files for users who may not see secrets."""
	if may_see_secrets(user):
		return ""
	return (
		"not (ifnull(`tabFile`.`attached_to_doctype`, '') = 'IoT Device' "
		"and ifnull(`tabFile`.`attached_to_field`, '') = 'client_private_key') "
		"and not exists (select 1 from `tabIoT Device` mom_key "
		"where mom_key.`client_private_key` = `tabFile`.`file_url`)"
	)


def check_download():
	"""before_request: refuse a key file's download to users who may not see secrets."""
	request = getattr(frappe.local, "request", None)
	path = getattr(request, "path", "") or ""
	if not path.startswith(PRIVATE_FILES):
		return
	if may_see_secrets() or not (is_key_url(path) or attached_as_key(path)):
		return
	raise frappe.PermissionError(_("This file holds a secret: only a MOM Manager may download it."))


def attached_as_key(file_url: str) -> bool:
	return bool(
		frappe.db.exists(
			"File",
			{
				"file_url": file_url,
				"attached_to_doctype": "IoT Device",
				"attached_to_field": ("in", SECRET_FIELDS),
			},
		)
	)
