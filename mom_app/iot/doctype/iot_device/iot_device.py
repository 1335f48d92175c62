"""IoT Device: one machine connection (Modbus TCP, OPC UA or a signed webhook) and its tags.

The tag checks are a plain function (`tag_problems`) so the Excel tag-map import reports every bad row with
the same messages the form shows. The form's tag-map export and import endpoints are here; the workbooks are
built and read by mom_app.iot.tag_map.
"""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt

from mom_app.engine.machine_state import StateMapError, parse_state_map
from mom_app.engine.modbus_codec import (
	BIT_TYPES,
	DATA_TYPES,
	MAX_ADDRESS,
	REGISTER_TYPES,
	WORD_ORDERS,
	CodecError,
	TagSpec,
)

MODBUS, OPCUA, WEBHOOK = "Modbus TCP", "OPC UA", "Webhook"
SIGNAL_ROLES = ("Machine State", "Good Count", "Reject Count", "Process Parameter", "Meter", "Alarm")
MACHINE_STATE, GOOD_COUNT, METER = "Machine State", "Good Count", "Meter"
SECURITY_POLICIES = ("None", "Basic256Sha256")
SECURITY_MODES = ("None", "Sign", "SignAndEncrypt")
MIN_POLL_INTERVAL_MS = 100
SECRET_ROLES = ("MOM Manager", "System Manager")

DEVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
TAG_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# ns=2;s=Name, nsu=urn:x;i=5, i=85, s=Name, g=<guid>, b=<base64>
OPCUA_NODE_ID = re.compile(r"(?:(?:ns=[0-9]+|nsu=[^;]+);)?[isgb]=.+")


@dataclass(frozen=True)
class TagProblem:
	"""What is wrong with one tag: its position in the list (1-based), the field and a translated message."""

	row: int
	fieldname: str
	message: str


def show(value) -> str:
	"""A user-typed value, quoted and escaped, for a message shown as HTML."""
	return frappe.bold(escape_html(str(value)))


def tag_problems(protocol: str, tags: list) -> list[TagProblem]:
	"""Every problem in `tags` (IoT Tag rows or dicts) of a device speaking `protocol`."""
	problems: list[TagProblem] = []
	seen_keys: dict[str, int] = {}
	seen_json: dict[str, int] = {}
	state_rows: list[int] = []

	def problem(row, fieldname, message):
		problems.append(TagProblem(row, fieldname, message))

	for row, tag in enumerate(tags, start=1):
		key = (tag.get("tag_key") or "").strip()
		role = tag.get("signal_role")
		if not key:
			problem(row, "tag_key", _("Tag Key is missing."))
		elif not TAG_KEY.fullmatch(key):
			problem(
				row,
				"tag_key",
				_("Tag key {0} may only contain letters, digits, _ . and - (at most 64 characters).").format(
					show(key)
				),
			)
		elif key.lower() in seen_keys:
			problem(
				row,
				"tag_key",
				_("Tag key {0} is used twice (rows {1} and {2}).").format(
					show(key), seen_keys[key.lower()], row
				),
			)
		else:
			seen_keys[key.lower()] = row
		label = show(key or "?")

		json_key = (tag.get("json_key") or "").strip() or key
		if json_key:
			if json_key in seen_json:
				problem(
					row,
					"json_key",
					_("JSON key {0} is used twice (rows {1} and {2}).").format(
						show(json_key), seen_json[json_key], row
					),
				)
			else:
				seen_json[json_key] = row

		if role not in SIGNAL_ROLES:
			problem(
				row,
				"signal_role",
				_("Signal Role of tag {0} must be one of {1}.").format(
					label, ", ".join(_(r) for r in SIGNAL_ROLES)
				),
			)
		if role == MACHINE_STATE:
			state_rows.append(row)
			problems.extend(state_map_problems(row, label, tag.get("state_map")))
		if role == METER and not (tag.get("meter_name") or "").strip():
			problem(row, "meter_name", _("Meter tag {0} needs a Meter Name.").format(label))
		if flt(tag.get("scale") if tag.get("scale") not in (None, "") else 1) == 0:
			problem(
				row, "scale", _("Scale of tag {0} is 0: every value would read as the offset.").format(label)
			)

		if protocol == MODBUS:
			problems.extend(modbus_problems(row, label, key, tag))
		elif protocol == OPCUA:
			node_id = (tag.get("opcua_node_id") or "").strip()
			if not node_id:
				problem(row, "opcua_node_id", _("OPC UA tag {0} needs a Node ID.").format(label))
			elif not OPCUA_NODE_ID.fullmatch(node_id):
				problem(
					row,
					"opcua_node_id",
					_("Node ID {0} of tag {1} is not an OPC UA node id such as ns=2;s=Machine.State.").format(
						show(node_id), label
					),
				)

	if len(state_rows) > 1:
		problem(
			state_rows[1],
			"signal_role",
			_("A device has at most one Machine State tag; rows {0} are all Machine State.").format(
				", ".join(map(str, state_rows))
			),
		)
	return problems


def state_map_problems(row: int, label: str, text: str | None) -> list[TagProblem]:
	if not (text or "").strip():
		return [TagProblem(row, "state_map", _("Machine State tag {0} needs a State Map.").format(label))]
	try:
		mapping = parse_state_map(text)
	except StateMapError as e:
		return [
			TagProblem(
				row,
				"state_map",
				_("State map of tag {0} is not valid: {1}").format(label, escape_html(str(e))),
			)
		]
	if not mapping:
		return [TagProblem(row, "state_map", _("State map of tag {0} maps no value.").format(label))]
	return []


def modbus_problems(row: int, label: str, key: str, tag) -> list[TagProblem]:
	out: list[TagProblem] = []
	register_type = tag.get("register_type")
	data_type = tag.get("data_type") or "uint16"
	word_order = tag.get("word_order") or "Big"
	address = parse_address(tag.get("address"))
	if not register_type:
		out.append(TagProblem(row, "register_type", _("Modbus tag {0} needs a Register Type.").format(label)))
	elif register_type not in REGISTER_TYPES:
		out.append(
			TagProblem(
				row,
				"register_type",
				_("Register Type {0} of tag {1} must be one of {2}.").format(
					show(register_type), label, ", ".join(_(t) for t in REGISTER_TYPES)
				),
			)
		)
	if address is None:
		given = tag.get("address")
		out.append(
			TagProblem(
				row,
				"address",
				_("Modbus tag {0} needs an Address.").format(label)
				if given in (None, "")
				else _("Address {0} of tag {1} must be a whole number from 0 to {2}.").format(
					show(given), label, MAX_ADDRESS
				),
			)
		)
	if data_type not in DATA_TYPES:
		out.append(
			TagProblem(
				row,
				"data_type",
				_("Data Type {0} of tag {1} must be one of {2}.").format(
					show(data_type), label, ", ".join(DATA_TYPES)
				),
			)
		)
	elif register_type in BIT_TYPES and data_type != "bool":
		out.append(
			TagProblem(
				row,
				"data_type",
				_(
					"Tag {0} reads a {1}, which holds a single bit: its Data Type must be bool, not {2}."
				).format(label, _(register_type), show(data_type)),
			)
		)
	if word_order not in WORD_ORDERS:
		out.append(
			TagProblem(
				row,
				"word_order",
				_("Word Order {0} of tag {1} must be Big or Little.").format(show(word_order), label),
			)
		)
	if not out:
		try:
			TagSpec(
				key=key or "?",
				register_type=register_type,
				address=address,
				data_type=data_type,
				word_order=word_order,
			)
		except CodecError as e:
			out.append(
				TagProblem(
					row,
					"address",
					_("Modbus tag {0} cannot be read: {1}").format(label, escape_html(str(e))),
				)
			)
	return out


def parse_address(value) -> int | None:
	"""A 0-based Modbus address from what was typed ("40", " 7 ", 12.0), or None when it is not one."""
	if value in (None, ""):
		return None
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	text = str(value).strip()
	if not text.isascii() or not text.isdigit():
		return None
	address = int(text)
	return address if 0 <= address <= MAX_ADDRESS else None


def can_manage_secrets() -> bool:
	return bool(set(frappe.get_roles()) & set(SECRET_ROLES))


def new_secret() -> str:
	return secrets.token_urlsafe(32)


class IoTDevice(Document):
	def validate(self):
		self.validate_device_name()
		self.set_tag_defaults()
		self.validate_connection()
		self.validate_security()
		self.validate_tags()
		self.validate_one_state_source_per_workstation()
		self.set_webhook_secret()

	def validate_device_name(self):
		self.device_name = (self.device_name or "").strip()
		if not DEVICE_NAME.fullmatch(self.device_name):
			frappe.throw(
				_(
					"Device name {0} may only contain letters, digits, _ . and -, must start with a letter "
					"or digit and be at most 64 characters: webhook devices send it in an HTTP header."
				).format(show(self.device_name)),
				title=_("Invalid Device Name"),
			)

	def set_tag_defaults(self):
		for tag in self.tags:
			tag.tag_key = (tag.tag_key or "").strip()
			tag.json_key = (tag.json_key or "").strip() or tag.tag_key
			tag.word_order = tag.word_order or "Big"
			if self.protocol == MODBUS:
				tag.data_type = tag.data_type or "uint16"
				address = parse_address(tag.address)
				if address is not None:
					tag.address = str(address)

	def validate_connection(self):
		if self.protocol not in (MODBUS, OPCUA, WEBHOOK):
			frappe.throw(_("Protocol must be Modbus TCP, OPC UA or Webhook."))
		if self.protocol in (MODBUS, OPCUA) and cint(self.poll_interval_ms) < MIN_POLL_INTERVAL_MS:
			frappe.throw(
				_("Poll Interval must be at least {0} ms.").format(MIN_POLL_INTERVAL_MS),
				title=_("Invalid Poll Interval"),
			)
		if self.protocol == MODBUS:
			self.host = (self.host or "").strip()
			if not self.host:
				frappe.throw(_("A Modbus TCP device needs a Host."), title=_("Missing Host"))
			if not 1 <= cint(self.port) <= 65535:
				frappe.throw(
					_("Port {0} is not a TCP port: use 1 to 65535 (Modbus TCP listens on 502).").format(
						cint(self.port)
					),
					title=_("Invalid Port"),
				)
			if not 0 <= cint(self.unit_id) <= 255:
				frappe.throw(_("Unit ID must be from 0 to 255."), title=_("Invalid Unit ID"))
		elif self.protocol == OPCUA:
			self.opcua_endpoint = (self.opcua_endpoint or "").strip()
			self.validate_opcua_endpoint()
		else:
			if cint(self.rate_limit_per_minute) < 1:
				frappe.throw(
					_("Rate Limit must allow at least 1 request per minute."), title=_("Invalid Rate Limit")
				)

	def validate_opcua_endpoint(self):
		message = _("OPC UA Endpoint must look like opc.tcp://host:4840 (got {0}).").format(
			show(self.opcua_endpoint or "")
		)
		try:
			url = urlsplit(self.opcua_endpoint)
			port = url.port
		except ValueError:
			frappe.throw(message, title=_("Invalid OPC UA Endpoint"))
		if url.scheme != "opc.tcp" or not url.hostname:
			frappe.throw(message, title=_("Invalid OPC UA Endpoint"))
		if port is not None and not 1 <= port <= 65535:
			frappe.throw(
				_("Port {0} is not a TCP port: use 1 to 65535.").format(port), title=_("Invalid Port")
			)

	def validate_security(self):
		self.security_policy = self.security_policy or "None"
		self.security_mode = self.security_mode or "None"
		if self.protocol != OPCUA:
			return
		if self.security_policy not in SECURITY_POLICIES or self.security_mode not in SECURITY_MODES:
			frappe.throw(_("Unknown OPC UA security policy or mode."))
		if self.security_mode == "None" and self.security_policy != "None":
			frappe.throw(
				_("Security Policy {0} needs a Security Mode of Sign or SignAndEncrypt, not None.").format(
					self.security_policy
				),
				title=_("Invalid OPC UA Security"),
			)
		if self.security_mode != "None" and self.security_policy == "None":
			frappe.throw(
				_("Security Mode {0} needs a Security Policy such as Basic256Sha256, not None.").format(
					self.security_mode
				),
				title=_("Invalid OPC UA Security"),
			)
		if self.security_mode != "None":
			missing = [
				_(self.meta.get_label(f))
				for f in ("client_certificate", "client_private_key")
				if not self.get(f)
			]
			if missing:
				frappe.throw(
					_("Security Mode {0} needs these files: {1}.").format(
						self.security_mode, ", ".join(missing)
					),
					title=_("Missing Certificate"),
				)
		for fieldname in ("client_certificate", "client_private_key", "server_certificate"):
			url = self.get(fieldname)
			if url and not url.startswith("/private/files/"):
				frappe.throw(
					_(
						"{0} must be uploaded as a private file: keys and certificates must not be public."
					).format(_(self.meta.get_label(fieldname))),
					title=_("Public Certificate File"),
				)

	def validate_tags(self):
		problems = tag_problems(self.protocol, self.tags)
		if problems:
			frappe.throw(
				"<br>".join(_("Tags row {0}: {1}").format(p.row, p.message) for p in problems),
				title=_("Invalid Tags"),
			)

	def validate_one_state_source_per_workstation(self):
		"""Machine state per workstation comes from one tag; a second one would fight over the state log."""
		if not self.workstation or not self.enabled:
			return
		if not any(tag.signal_role == MACHINE_STATE for tag in self.tags):
			return
		other = frappe.db.sql(
			"""select d.name, t.tag_key
			from `tabIoT Device` d
			join `tabIoT Tag` t on t.parent = d.name and t.parenttype = 'IoT Device'
			where d.workstation = %s and d.name != %s and d.enabled = 1 and t.signal_role = 'Machine State'
			limit 1""",
			(self.workstation, self.name or ""),
			as_dict=True,
		)
		if other:
			frappe.throw(
				_(
					"Workstation {0} already gets its machine state from tag {1} of device {2}; "
					"a workstation has one Machine State tag."
				).format(show(self.workstation), show(other[0].tag_key), show(other[0].name)),
				title=_("Two Machine State Sources"),
			)

	def set_webhook_secret(self):
		secret = self.webhook_secret or ""
		if secret and not self.is_dummy_password(secret) and not self.is_new():
			if not (self.flags.regenerating_secret or can_manage_secrets()):
				frappe.throw(_("Only a MOM Manager may change the webhook secret."), frappe.PermissionError)
		if self.protocol == WEBHOOK and not secret and not self.stored_secret():
			self.webhook_secret = new_secret()

	def stored_secret(self) -> str | None:
		if self.is_new():
			return None
		return self.get_password("webhook_secret", raise_exception=False)

	def check_secret_access(self):
		if not can_manage_secrets():
			frappe.throw(
				_("Only a MOM Manager may see or change the webhook secret."), frappe.PermissionError
			)
		if self.protocol != WEBHOOK:
			frappe.throw(_("Only Webhook devices have a secret."))

	@frappe.whitelist()
	def show_webhook_secret(self) -> str:
		self.check_secret_access()
		self.check_permission("read")
		return self.stored_secret() or ""

	@frappe.whitelist()
	def regenerate_webhook_secret(self) -> str:
		self.check_secret_access()
		self.check_permission("write")
		secret = new_secret()
		device = frappe.get_doc(self.doctype, self.name)  # the stored device, not unsaved form edits
		device.webhook_secret = secret
		device.flags.regenerating_secret = True
		device.save()
		return secret

	@frappe.whitelist()
	def test_connection(self) -> dict:
		"""Read every tag once with the saved settings (Modbus TCP, OPC UA) and say what came back or why
		not; for a webhook device, the last batch it sent. For whoever may change the device."""
		from mom_app.iot.doctype.iot_device.connection import read_once

		device = frappe.get_doc(self.doctype, self.name)  # the stored device, not unsaved form edits
		device.check_permission("write")
		return read_once(device)

	@frappe.whitelist()
	def latest_values(self) -> dict:
		"""The latest value of each tag and its age (see live_values)."""
		from mom_app.iot.doctype.iot_device.live_values import latest_values

		device = frappe.get_doc(self.doctype, self.name)
		device.check_permission("read")
		return latest_values(device)


@frappe.whitelist()
def export_tag_map(device: str) -> None:
	"""Download the device's tags as an .xlsx workbook."""
	from mom_app.iot.tag_map import build_workbook

	doc = frappe.get_doc("IoT Device", device)
	doc.check_permission("read")
	frappe.local.response.filename = f"{doc.name}-tag-map.xlsx"
	frappe.local.response.filecontent = build_workbook(doc)
	frappe.local.response.type = "binary"


@frappe.whitelist(methods=["POST"])
def import_tag_map(device: str, file_url: str) -> dict:
	"""Replace the device's tags with those of an uploaded .xlsx (all or nothing). Returns {"tags": n}."""
	from mom_app.iot.tag_map import read_tag_rows

	doc = frappe.get_doc("IoT Device", device)
	doc.check_permission("write")
	file_doc = frappe.get_doc("File", {"file_url": file_url})
	file_doc.check_permission("read")
	tags = read_tag_rows(file_doc.get_content(), doc.protocol)
	doc.set("tags", [])
	for tag in tags:
		doc.append("tags", tag)
	doc.save()
	return {"tags": len(doc.tags)}
