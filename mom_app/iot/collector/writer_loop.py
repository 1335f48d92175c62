"""The stream writer's loop: `writer.drain_once` (store, commit, acknowledge) in a thread of its own, with its
own site connection; failures (Redis or MariaDB down) are retried with backoff while the readings wait in the
stream."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import frappe

from mom_app.engine import backoff
from mom_app.iot.collector.site_thread import drop_connection

log = logging.getLogger("mom_app.iot.collector")

WRITER_BLOCK_MS = 500


def writer_loop(
	site: str,
	sites_path: str,
	redis_client,
	consumer: str,
	stop: threading.Event,
	conf: dict | None = None,
	on_stored: Callable[[int], None] | None = None,
	on_error: Callable[[str], None] | None = None,
	block_ms: int = WRITER_BLOCK_MS,
):
	"""Run `writer.drain_once` until `stop` is set, in the calling thread, with its own site connection
	(`conf` overrides site config keys, e.g. db_port). Failures (Redis or MariaDB down) are retried with
	backoff; the readings wait in the stream meanwhile."""
	from mom_app.iot import writer

	frappe.init(site=site, sites_path=sites_path)
	frappe.local.conf.update(conf or {})
	delays = None
	try:
		while not stop.is_set():
			try:
				if not getattr(frappe.local, "db", None):
					frappe.connect()
				n = writer.drain_once(client=redis_client, consumer=consumer, block_ms=block_ms)
				if on_stored:
					on_stored(n)
				if delays is not None:
					log.info("writer: storing again")
					delays = None
			except Exception as e:
				drop_connection()
				if on_error:
					on_error(str(e)[:300])
				if delays is None:
					delays = backoff.delays(base=0.5, factor=2, cap=15, jitter=0.1)
					log.warning("writer: %s; readings wait in Redis", str(e)[:300])
				stop.wait(next(delays))
	finally:
		with contextlib.suppress(Exception):
			frappe.destroy()
