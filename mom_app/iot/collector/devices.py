"""The collector's device configuration, read in its database thread: the enabled Modbus TCP and OPC UA IoT
Devices of a shard (which device is in which shard is mom_app.engine.shards) with their tags, a version that
changes when any of them changes, and the devices' health written back in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import frappe

from mom_app.engine.modbus_codec import CodecError, TagSpec
from mom_app.engine.shards import in_shard

PROTOCOLS = ("Modbus TCP", "OPC UA")


@dataclass(frozen=True)
class DeviceConfig:
	name: str
	protocol: str
	interval_ms: int
	host: str = ""
	port: int = 0
	unit_id: int = 1
	endpoint: str = ""
	security_policy: str = "None"
	security_mode: str = "None"
	client_certificate: str = ""
	client_private_key: str = ""
	server_certificate: str = ""
	tags: tuple = ()  # Modbus: TagSpec; OPC UA: (node id, key, scale, offset)
	problems: tuple[str, ...] = field(default=(), compare=False)


def file_path(url: str | None) -> str:
	"""The path on disk of an Attach field's file URL (/private/files/x or /files/x)."""
	if not url:
		return ""
	url = url.split("?", 1)[0]
	if url.startswith("/private/files/"):
		return frappe.get_site_path("private", "files", url[len("/private/files/") :])
	if url.startswith("/files/"):
		return frappe.get_site_path("public", "files", url[len("/files/") :])
	return url


def load_devices(shard: tuple[int, int]) -> list[DeviceConfig]:
	"""The enabled Modbus TCP and OPC UA devices of `shard`, with their tags."""
	names = frappe.get_all(
		"IoT Device", filters={"enabled": 1, "protocol": ("in", PROTOCOLS)}, pluck="name", order_by="name"
	)
	return [device_config(frappe.get_doc("IoT Device", name)) for name in names if in_shard(name, shard)]


def device_config(doc) -> DeviceConfig:
	"""What the collector needs to reach one Modbus TCP or OPC UA IoT Device (also used by its form's Test
	Connection); tags it cannot read are left out and named in `problems`."""
	from mom_app.iot.doctype.iot_device.iot_device import parse_address

	problems = []
	tags = []
	for tag in doc.tags:
		if doc.protocol == "Modbus TCP":
			address = parse_address(tag.address)
			if not tag.register_type or address is None:
				problems.append(f"tag {tag.tag_key}: no register type or address")
				continue
			try:
				tags.append(
					TagSpec(
						tag.tag_key,
						tag.register_type,
						address,
						tag.data_type or "uint16",
						tag.word_order or "Big",
						float(tag.scale if tag.scale not in (None, "") else 1),
						float(tag.offset or 0),
					)
				)
			except CodecError as e:
				problems.append(f"tag {tag.tag_key}: {e}")
		elif tag.opcua_node_id:
			tags.append(
				(
					tag.opcua_node_id.strip(),
					tag.tag_key,
					float(tag.scale if tag.scale not in (None, "") else 1),
					float(tag.offset or 0),
				)
			)
		else:
			problems.append(f"tag {tag.tag_key}: no node id")
	return DeviceConfig(
		name=doc.name,
		protocol=doc.protocol,
		interval_ms=max(int(doc.poll_interval_ms or 1000), 100),
		host=doc.host or "",
		port=int(doc.port or 502),
		unit_id=int(doc.unit_id or 0),
		endpoint=doc.opcua_endpoint or "",
		security_policy=doc.security_policy or "None",
		security_mode=doc.security_mode or "None",
		client_certificate=file_path(doc.client_certificate),
		client_private_key=file_path(doc.client_private_key),
		server_certificate=file_path(doc.server_certificate),
		tags=tuple(tags),
		problems=tuple(problems),
	)


def config_version() -> tuple:
	"""Changes whenever an IoT Device (or one of its tags) is added, changed or deleted."""
	devices = frappe.db.sql("select count(*), max(modified) from `tabIoT Device`")[0]
	tags = frappe.db.sql("select count(*), max(modified) from `tabIoT Tag` where parenttype = 'IoT Device'")[
		0
	]
	return (*devices, *tags)


def write_health(updates: dict[str, dict]) -> None:
	"""{device: {health, error_text, last_seen}} in one batch, without touching `modified`."""
	from mom_app.iot.storage import to_local

	existing = set(frappe.get_all("IoT Device", filters={"name": ("in", list(updates))}, pluck="name"))
	values = {}
	for name, update in updates.items():
		if name not in existing:
			continue
		row = {"health": update["health"], "error_text": update["error_text"][:1000]}
		if update.get("last_seen"):
			row["last_seen"] = to_local(update["last_seen"])
		values[name] = row
	if values:
		frappe.db.bulk_update("IoT Device", values, update_modified=False)
	frappe.db.commit()
