"""OPC UA data-change subscriptions (asyncua 1.1.x), frappe-free.

An `OpcUaSubscriber` keeps one session with one subscription: every configured node id is a monitored item
and the server pushes data changes (nothing is polled). Notifications are collected and handed to
`on_readings(device, [(key, ts, value), ...])` in the order they arrived; ts is the value's source timestamp
(server timestamp, then receipt time, when missing). Security is None, or Basic256Sha256 with Sign or
SignAndEncrypt using the client certificate and private key files and, optionally, the server certificate
(otherwise it is taken from the server's endpoint list). A lost session marks the device Offline and the
subscriber reconnects after `engine.backoff.delays`; node ids the server refuses mark it Degraded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

from asyncua import Client, ua
from asyncua.crypto import security_policies

from mom_app.engine import backoff
from mom_app.iot.protocols import DEGRADED, OFFLINE, ONLINE, DeviceClient

log = logging.getLogger("mom_app.iot.opcua")

Reading = tuple[str, float, float]
ReadingsCallback = Callable[[str, list[Reading]], Awaitable[None]]
HealthCallback = Callable[[str, str, str], None]

SECURITY_POLICIES = ("None", "Basic256Sha256")
SECURITY_MODES = ("None", "Sign", "SignAndEncrypt")
SUBSCRIBE_CHUNK = 1000  # monitored items created per request


class SecurityConfigError(ValueError):
	pass


def application_uri(certificate: str | Path) -> str | None:
	"""The application URI in a certificate's subjectAltName (the client must present the same URI)."""
	from cryptography import x509

	data = Path(certificate).read_bytes()
	try:
		cert = x509.load_pem_x509_certificate(data)
	except ValueError:
		cert = x509.load_der_x509_certificate(data)
	try:
		names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
	except x509.ExtensionNotFound:
		return None
	uris = names.get_values_for_type(x509.UniformResourceIdentifier)
	return uris[0] if uris else None


def as_float(value) -> float | None:
	if isinstance(value, bool):
		return 1.0 if value else 0.0
	if isinstance(value, int | float):
		number = float(value)
		return number if math.isfinite(number) else None
	return None


def unix_seconds(stamp: datetime | None) -> float | None:
	if stamp is None:
		return None
	if stamp.tzinfo is None:  # asyncua gives UTC
		stamp = stamp.replace(tzinfo=timezone.utc)
	seconds = stamp.timestamp()
	return seconds if seconds > 0 else None


class _Handler:
	"""asyncua subscription handler: buffers notifications (called inside the event loop)."""

	def __init__(self, subscriber: OpcUaSubscriber):
		self.subscriber = subscriber

	def datachange_notification(self, node, val, data):
		self.subscriber._notified(node, val, data)

	def status_change_notification(self, status):
		self.subscriber._status_changed(status)


class OpcUaSubscriber(DeviceClient):
	log = log  # this protocol's logger for the shared health lines

	def __init__(
		self,
		name: str,
		endpoint: str,
		nodes: Mapping[str, str],
		on_readings: ReadingsCallback,
		on_health: HealthCallback | None = None,
		security_policy: str = "None",
		security_mode: str = "None",
		client_certificate: str | Path | None = None,
		client_private_key: str | Path | None = None,
		server_certificate: str | Path | None = None,
		publishing_interval_ms: float = 1000,
		sampling_interval_ms: float = 100,
		queue_size: int = 16,
		timeout: float = 4.0,
		delays: Callable[[], Iterator[float]] | None = None,
	):
		"""`nodes` maps node id strings ("ns=2;s=CNC-01.State") to tag keys."""
		self.name = name
		self.endpoint = endpoint
		self.node_keys = {ua.NodeId.from_string(node_id): key for node_id, key in nodes.items()}
		self.on_readings = on_readings
		self.on_health = on_health
		self.security_policy = security_policy or "None"
		self.security_mode = security_mode or "None"
		self.client_certificate = client_certificate
		self.client_private_key = client_private_key
		self.server_certificate = server_certificate
		self.publishing_interval_ms = publishing_interval_ms
		self.sampling_interval_ms = sampling_interval_ms
		self.queue_size = queue_size
		self.timeout = timeout
		self.delays = delays or (lambda: backoff.delays(base=1, factor=2, cap=60, jitter=0.1))
		self.health = "Unknown"
		self.error_text = ""
		self.client: Client | None = None
		self._stop = asyncio.Event()
		self._buffer: list[Reading] = []
		self._wake = asyncio.Event()
		self._lost: str | None = None
		self.notifications = 0
		self.readings = 0
		self.connects = 0
		self.refused: list[str] = []
		self.check_security()

	def check_security(self):
		if self.security_policy not in SECURITY_POLICIES:
			raise SecurityConfigError(f"unsupported security policy {self.security_policy!r}")
		if self.security_mode not in SECURITY_MODES:
			raise SecurityConfigError(f"unsupported security mode {self.security_mode!r}")
		if self.security_policy == "None" and self.security_mode != "None":
			raise SecurityConfigError("security mode needs a security policy")
		if self.security_policy != "None":
			if self.security_mode == "None":
				raise SecurityConfigError(
					f"security policy {self.security_policy} needs Sign or SignAndEncrypt"
				)
			if not (self.client_certificate and self.client_private_key):
				raise SecurityConfigError("a client certificate and private key are needed for security")

	def stop(self):
		super().stop()
		self._wake.set()

	def endpoint_text(self) -> str:
		return self.endpoint

	# --- notifications ------------------------------------------------------------------------------
	def _notified(self, node, val, data):
		self.notifications += 1
		key = self.node_keys.get(node.nodeid)
		value = as_float(val)
		if key is None or value is None:
			return
		dv = getattr(getattr(data, "monitored_item", None), "Value", None)
		if dv is not None and dv.StatusCode is not None and not dv.StatusCode.is_good():
			return
		ts = (
			unix_seconds(getattr(dv, "SourceTimestamp", None))
			or unix_seconds(getattr(dv, "ServerTimestamp", None))
			or time.time()
		)
		self._buffer.append((key, ts, value))
		self._wake.set()

	def _status_changed(self, status):
		code = getattr(status, "Status", status)
		self._lost = f"subscription status {getattr(code, 'name', code)}"
		self._wake.set()

	async def _deliver(self):
		if self._buffer:
			batch, self._buffer = self._buffer, []
			self.readings += len(batch)
			await self.on_readings(self.name, batch)

	# --- session ------------------------------------------------------------------------------------
	async def run(self):
		"""Connect, subscribe and reconnect until stop() (or the task is cancelled)."""
		delays = self.delays()
		try:
			while not self.stopped:
				try:
					await self._connect_and_subscribe()
				except Exception as e:
					await self._disconnect()
					self._set_health(OFFLINE, describe(e))
					if await self._sleep(next(delays)):
						break
					continue
				delays = self.delays()
				reason = await self._watch()
				await self._deliver()
				await self._disconnect()
				if reason is None:
					break
				self._set_health(OFFLINE, reason)
				if await self._sleep(next(delays)):
					break
		finally:
			await self._deliver()
			await self._disconnect()

	async def new_client(self) -> Client:
		"""An unconnected asyncua client for this device's endpoint, with its security set up."""
		client = Client(self.endpoint, timeout=self.timeout)
		client.session_timeout = 60_000
		if self.security_policy != "None":
			uri = application_uri(self.client_certificate)
			if uri:
				client.application_uri = uri
			await client.set_security(
				getattr(security_policies, f"SecurityPolicy{self.security_policy}"),
				certificate=str(self.client_certificate),
				private_key=str(self.client_private_key),
				server_certificate=str(self.server_certificate) if self.server_certificate else None,
				mode=getattr(ua.MessageSecurityMode, self.security_mode),
			)
		return client

	async def _connect_and_subscribe(self):
		client = await self.new_client()
		self.client = client
		self._lost = None
		await asyncio.wait_for(client.connect(), self.timeout * 3)
		self.connects += 1
		subscription = await client.create_subscription(
			ua.CreateSubscriptionParameters(
				RequestedPublishingInterval=self.publishing_interval_ms,
				RequestedLifetimeCount=600,
				RequestedMaxKeepAliveCount=max(3, int(10_000 / max(self.publishing_interval_ms, 1))),
				MaxNotificationsPerPublish=0,
				Priority=0,
			),
			_Handler(self),
		)
		node_ids = list(self.node_keys)
		self.refused = []
		for start in range(0, len(node_ids), SUBSCRIBE_CHUNK):
			chunk = node_ids[start : start + SUBSCRIBE_CHUNK]
			results = await subscription.subscribe_data_change(
				[client.get_node(node_id) for node_id in chunk],
				queuesize=self.queue_size,
				sampling_interval=self.sampling_interval_ms,
			)
			for node_id, result in zip(chunk, results, strict=True):
				if isinstance(result, ua.StatusCode):
					self.refused.append(f"{node_id.to_string()}: {result.name}")
		if self.refused and len(self.refused) == len(node_ids):
			raise RuntimeError("the server refused every node: " + "; ".join(self.refused[:5]))
		if self.refused:
			self._set_health(DEGRADED, "refused nodes: " + "; ".join(self.refused[:5]))
		else:
			self._set_health(ONLINE)

	async def _watch(self) -> str | None:
		"""Deliver notifications while the session lives. Returns why it ended (None when stopped)."""
		last_check = time.monotonic()
		while not self.stopped:
			with contextlib.suppress(asyncio.TimeoutError):
				await asyncio.wait_for(self._wake.wait(), 1.0)
			self._wake.clear()
			await self._deliver()
			if self._lost:
				return self._lost
			if time.monotonic() - last_check >= 1.0:
				last_check = time.monotonic()
				try:
					await self.client.check_connection()
				except Exception as e:
					return f"connection lost: {describe(e)}"
		return None

	async def _disconnect(self):
		client, self.client = self.client, None
		if client is None:
			return
		try:
			await asyncio.wait_for(client.disconnect(), 3)
		except Exception:
			with contextlib.suppress(Exception):
				client.disconnect_socket()


def describe(error: BaseException) -> str:
	text = str(error) or error.__class__.__name__
	if isinstance(error, asyncio.TimeoutError) or text == "TimeoutError":
		text = "timed out"
	return text if len(text) <= 200 else text[:200] + "..."
