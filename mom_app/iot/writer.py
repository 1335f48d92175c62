"""The stream writer: moves readings from the site's Redis Stream into MariaDB.

`drain_once()` stores one batch: read (this consumer's unacknowledged entries first, then new ones) ->
`store_readings` -> commit -> acknowledge. A batch is *Writer Batch Size* entries (IoT Settings); when the
stream holds more than that (a backlog), the batch is topped up to BACKLOG_BATCH entries, because each
transaction updates the minute aggregate of every series it touches once: with readings of many series
waiting, larger transactions store more readings per aggregate update. Entries are acknowledged only after the commit; when storing
fails the transaction is rolled back and the entries stay pending, so they are delivered again (and
their uids make the second delivery harmless).

The collector process calls `drain_once()` in its loop; the scheduler runs `drain()` every minute so
webhook readings are stored even when no collector runs.
"""

import contextlib
import os
import socket
import time

import frappe

from mom_app.iot import stream
from mom_app.iot.storage import store_readings

# entries another writer was given this long ago and never acknowledged are taken over (it died)
STALE_PENDING_MS = 120_000
# entries per transaction while the stream holds more than one batch
BACKLOG_BATCH = 10_000

_clients: dict[str, object] = {}


def stream_redis():
	"""The Redis client for the readings stream: `mom_iot_redis` from the site config if set, else the
	bench's `redis_queue` (with its credentials when Redis auth is on)."""
	import redis

	url = frappe.conf.get("mom_iot_redis") or frappe.conf.get("redis_queue")
	if not url:
		raise redis.exceptions.ConnectionError("neither mom_iot_redis nor redis_queue is configured")
	credentials = {}
	if not frappe.conf.get("mom_iot_redis") and frappe.conf.get("use_rq_auth"):
		credentials = {
			"username": frappe.conf.get("rq_username") or frappe.get_site_config().get("rq_username"),
			"password": frappe.conf.get("rq_password"),
		}
	cache_key = f"{url}|{credentials.get('username') or ''}"
	client = _clients.get(cache_key)
	if client is None:
		client = redis.Redis.from_url(
			url, socket_connect_timeout=2, socket_timeout=15, health_check_interval=30, **credentials
		)
		_clients[cache_key] = client
	return client


def default_consumer() -> str:
	return f"writer-{socket.gethostname()}-{os.getpid()}"


def site_stream_key() -> str:
	return stream.stream_key(frappe.local.site)


def drain_once(
	client=None, batch_size: int | None = None, consumer: str | None = None, block_ms: int = 0
) -> int:
	"""Store one batch from the stream; return how many entries were acknowledged (0: nothing to do).

	Raises when storing fails (after rolling back; the entries stay pending for the next call)."""
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	client = client or stream_redis()
	key = site_stream_key()
	consumer = consumer or default_consumer()
	batch_size = batch_size or get_settings().stream_batch_size
	stream.ensure_group(client, key)
	stream.claim_stale(client, key, consumer, STALE_PENDING_MS, batch_size)
	entries = stream.read_batch(client, key, consumer, batch_size, block_ms)
	if not entries:
		return 0
	if len(entries) == batch_size and batch_size < BACKLOG_BATCH:
		entries += stream.read_new(client, key, consumer, BACKLOG_BATCH - batch_size)
	rows, bad = stream.rows_of(entries)
	if bad:
		frappe.logger("mom_iot").warning(f"writer: {len(bad)} stream entries are not readings; dropping them")
	try:
		counts = store_readings(rows) if rows else {}
		frappe.db.commit()
	except Exception:
		with contextlib.suppress(Exception):  # the database itself may be what failed
			frappe.db.rollback()
			frappe.log_error(title="mom_app IoT writer: storing readings failed; they stay in the stream")
			frappe.db.commit()  # the Error Log
		raise
	stream.ack(client, key, [entry_id for entry_id, _fields in entries])
	if counts.get("rejected"):
		frappe.logger("mom_iot").warning(f"writer: {counts['rejected']} readings rejected as malformed")
	return len(entries)


def drain(max_seconds: float = 50) -> int:
	"""Scheduler job (every minute): drain the stream until it is empty or `max_seconds` have passed."""
	deadline = time.monotonic() + max_seconds
	consumer = f"writer-{socket.gethostname()}-scheduler"
	total = 0
	client = stream_redis()
	while time.monotonic() < deadline:
		done = drain_once(client=client, consumer=consumer)
		if not done:
			break
		total += done
	return total
