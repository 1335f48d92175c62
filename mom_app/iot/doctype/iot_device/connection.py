"""Test Connection of an IoT Device: read every tag once with the collector's own protocol clients
(mom_app.iot.protocols.probe) and say what came back, or why not, in the user's language. A webhook device has
nothing to poll: the answer is the last batch it sent.

The answer is plain text (the form escapes it): {protocol, connected, message, seconds, tags: [{key, value,
message}]}, and for a webhook device {protocol, message, last_batch}.
"""

import asyncio

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from mom_app.engine.modbus_codec import TagSpec
from mom_app.iot.doctype.iot_device.live_values import state_names
from mom_app.iot.protocols import probe

STEP_TIMEOUT = 3.0  # seconds: connecting, and each read request
TOTAL_TIMEOUT = 25.0  # seconds for the whole test (a web request must not hang)
WEBHOOK_BATCH_ROWS = 200  # readings of the last batch shown


def read_once(device) -> dict:
	if device.protocol == "Webhook":
		return {
			"protocol": device.protocol,
			"connected": None,
			"message": _(
				"A webhook device sends its readings to this site itself: there is nothing to connect to or "
				"poll. Below is the last batch it sent."
			),
			"last_batch": last_webhook_batch(device.name),
		}
	from mom_app.iot.collector.devices import device_config

	config = device_config(device)
	where = config.endpoint if device.protocol == "OPC UA" else f"{config.host}:{config.port}"
	if not config.tags:
		return {
			"protocol": device.protocol,
			"connected": None,
			"message": _("The device has no tags to read: add tags first."),
			"tags": [],
		}
	try:
		result = asyncio.run(asyncio.wait_for(run_probe(config), TOTAL_TIMEOUT))
		message = connection_message(result, where)
	except asyncio.TimeoutError:
		keys = [t.key if isinstance(t, TagSpec) else t[1] for t in config.tags]
		result = probe.Probe(
			False, probe.TIMEOUT, tags=[probe.TagRead(k, error=probe.NOT_READ) for k in keys]
		)
		result.seconds = TOTAL_TIMEOUT
		message = connection_message(result, where, TOTAL_TIMEOUT)
	states = state_names(device)
	return {
		"protocol": device.protocol,
		"endpoint": where,
		"connected": result.connected,
		"message": message,
		"seconds": round(result.seconds, 3),
		"tags": [
			{
				"key": t.key,
				"value": t.value,
				"state": states.get(t.key, {}).get(t.value, "") if t.value is not None else "",
				"message": tag_message(t) if t.error else "",
			}
			for t in result.tags
		],
	}


async def run_probe(config) -> probe.Probe:
	if config.protocol == "OPC UA":
		return await probe.probe_opcua(
			config.endpoint,
			config.tags,
			security_policy=config.security_policy,
			security_mode=config.security_mode,
			client_certificate=config.client_certificate or None,
			client_private_key=config.client_private_key or None,
			server_certificate=config.server_certificate or None,
			timeout=STEP_TIMEOUT,
		)
	return await probe.probe_modbus(
		config.host, config.port, config.unit_id, config.tags, timeout=STEP_TIMEOUT
	)


def connection_message(result: probe.Probe, where: str, seconds: float = STEP_TIMEOUT) -> str:
	if result.connected:
		read = sum(1 for t in result.tags if t.value is not None)
		return _("Connected to {0}: {1} of {2} tags read.").format(where, read, len(result.tags))
	messages = {
		probe.REFUSED: _(
			"Nothing accepts connections at {0}: the device may be off, the port may be wrong, or a "
			"firewall blocks it."
		).format(where),
		probe.TIMEOUT: _(
			"No answer from {0} within {1} s: check the address, the network and that the device is on."
		).format(where, int(seconds)),
		probe.HOST_UNKNOWN: _("The host name in {0} is not known to this server.").format(where),
		probe.UNREACHABLE: _("{0} cannot be reached from this server (no route to its network).").format(
			where
		),
		probe.SECURITY: _(
			"The OPC UA server at {0} refused the connection's security: check Security Policy, Security "
			"Mode and the certificates ({1})."
		).format(where, result.detail),
		probe.CONFIG: _("The device's connection settings cannot be used: {0}").format(result.detail),
	}
	return messages.get(result.error) or _("Could not connect to {0}: {1}").format(where, result.detail)


MODBUS_EXCEPTIONS = {
	"1": lambda: _("the device cannot read this register type (Modbus exception 1, illegal function)"),
	"2": lambda: _("the device has no such address (Modbus exception 2, illegal data address)"),
	"3": lambda: _("the device refused the request (Modbus exception 3, illegal data value)"),
	"4": lambda: _("the device reported a failure (Modbus exception 4): check the Unit ID"),
	"10": lambda: _("the gateway has no path to this Unit ID (Modbus exception 10)"),
	"11": lambda: _("no device with this Unit ID answered the gateway (Modbus exception 11)"),
}


def tag_message(read: probe.TagRead) -> str:
	if read.error == probe.MODBUS_EXCEPTION:
		known = MODBUS_EXCEPTIONS.get(read.detail)
		return known() if known else _("the device answered Modbus exception {0}").format(read.detail)
	if read.error == probe.NO_ANSWER:
		return _("no answer within {0} s").format(int(STEP_TIMEOUT))
	if read.error == probe.BAD_STATUS:
		if read.detail == "BadNodeIdUnknown":
			return _("the server has no node with this Node ID")
		if read.detail in ("BadUserAccessDenied", "BadNotReadable"):
			return _("the server does not let this client read it ({0})").format(read.detail)
		return _("the server answered {0}").format(read.detail)
	if read.error == probe.NOT_A_NUMBER:
		return _("{0} is not a number: the collector does not store it").format(read.detail)
	if read.error == probe.NOT_READ:
		return _("not read")
	return _("reading failed: {0}").format(read.detail)


def last_webhook_batch(device: str) -> dict | None:
	"""The readings of the last message the device sent (its newest reading's message id), with when it
	was stored."""
	newest = frappe.db.sql(
		"""select r.uid, r.creation from `tabIoT Reading` r
		join (select tag, max(ts) ts from `tabIoT Reading` where device = %(device)s group by tag) m
			on r.device = %(device)s and r.tag = m.tag and r.ts = m.ts
		order by r.creation desc, r.ts desc limit 1""",
		{"device": device},
		as_dict=True,
	)
	prefix = f"{device}:"
	if not newest or not newest[0].uid.startswith(prefix) or ":" not in newest[0].uid[len(prefix) :]:
		return None
	message_id = newest[0].uid[len(prefix) :].rsplit(":", 1)[0]
	pattern = escape_like(f"{prefix}{message_id}:") + "%"
	rows = frappe.db.sql(
		"""select uid, tag, ts, value, creation from `tabIoT Reading`
		where uid like %s and device = %s order by ts, uid limit %s""",
		(pattern, device, WEBHOOK_BATCH_ROWS),
		as_dict=True,
	)
	# a message id may itself contain ':': keep only rows whose uid is <device>:<message id>:<index>
	rows = [r for r in rows if r.uid[len(prefix) + len(message_id) + 1 :].isdigit()]
	if not rows:
		return None
	received = max(get_datetime(r.creation) for r in rows)
	return {
		"message_id": message_id,
		"received": str(received),
		"age_seconds": max(0, int((now_datetime() - received).total_seconds())),
		"readings": [{"key": r.tag, "ts": str(r.ts), "value": flt(r.value)} for r in rows],
	}


def escape_like(text: str) -> str:
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
