"""The collector itself: an asyncio loop that runs the device clients, turns their readings into rows,
sends them to the site's Redis Stream (or the disk spool while Redis is down), runs the writer loop in a
thread, and writes the devices' health back. `run_collector` is the `bench mom-collector` entry point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.handlers
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import frappe

from mom_app.engine import backoff
from mom_app.iot import stream
from mom_app.iot.collector.devices import DeviceConfig, config_version, load_devices, write_health
from mom_app.iot.collector.site_thread import SiteThread
from mom_app.iot.collector.writer_loop import writer_loop
from mom_app.iot.protocols import OFFLINE

log = logging.getLogger("mom_app.iot.collector")

CONFIG_POLL_SECONDS = 30
HEALTH_FLUSH_SECONDS = 5
STATS_SECONDS = 60
PUBLISH_BATCH = 500  # rows per XADD transaction
PUBLISH_LINGER = 0.2  # seconds a partial batch waits for more rows
REPLAY_CHUNKS = 20  # spool batches replayed per turn of the io thread (newer rows queue meanwhile)
# Modbus values are reported when they change, and at least this often (the state derivation from a part
# counter needs a sample after IoT Settings' counter idle time to see that the counter stopped)
MODBUS_HEARTBEAT_SECONDS = 30


class Collector:
	def __init__(
		self,
		site: str,
		sites_path: str = ".",
		shard: tuple[int, int] = (0, 1),
		spool_dir: str | os.PathLike | None = None,
		run_writer: bool = True,
		on_rows: Callable[[list[dict]], None] | None = None,
		config_poll_seconds: float = CONFIG_POLL_SECONDS,
		health_flush_seconds: float = HEALTH_FLUSH_SECONDS,
		redis_retry: Callable[[], object] | None = None,
		writer_conf: dict | None = None,
	):
		"""`on_rows` sees every row produced, in order (tests, audits); `writer_conf` overrides site config
		keys for the writer's database connection only (e.g. db_host/db_port of a proxy)."""
		self.site, self.sites_path, self.shard = site, sites_path, shard
		self.boot_id = uuid.uuid4().hex[:10]
		self.shard_name = f"shard{shard[0]}of{shard[1]}"
		self.consumer = f"collector-{socket.gethostname()}-{self.shard_name}"
		self.spool_dir = spool_dir
		self.run_writer = run_writer
		self.on_rows = on_rows
		self.config_poll_seconds = config_poll_seconds
		self.health_flush_seconds = health_flush_seconds
		self.redis_retry = redis_retry or (lambda: backoff.delays(base=0.5, factor=2, cap=10, jitter=0.1))
		self.writer_conf = writer_conf or {}

		self.devices: dict[str, DeviceConfig] = {}
		self.clients: dict[str, object] = {}  # device -> poller / subscriber
		self.tasks: dict[str, asyncio.Task] = {}
		self.seq: dict[str, int] = {}
		self.health: dict[str, dict] = {}  # device -> {health, error_text, last_seen}
		self.dirty: set[str] = set()
		self.queue: asyncio.Queue[list[dict]] | None = None
		self.stopping: asyncio.Event | None = None

		# io thread state (touched only in the io thread)
		self.redis = None
		self.key = stream.stream_key(site)
		self.spool = None
		self.redis_down_since: float | None = None
		self._retry_at = 0.0
		self._retry_delays = None

		self.counts = {"produced": 0, "sent": 0, "spooled": 0, "replayed": 0, "stored": 0, "writer_errors": 0}
		self._writer_stop = threading.Event()
		self._writer_thread: threading.Thread | None = None
		self.writer_error: str = ""

	# --- lifecycle --------------------------------------------------------------------------------------
	def stop(self):
		if self.stopping is not None:
			self.stopping.set()

	async def run(self, duration: float | None = None, install_signals: bool = False):
		"""Collect until stop() (or SIGTERM/SIGINT when `install_signals`, or `duration` seconds)."""
		loop = asyncio.get_running_loop()
		self.stopping = asyncio.Event()
		self.queue = asyncio.Queue()
		if install_signals:
			for signum in (signal.SIGTERM, signal.SIGINT):
				loop.add_signal_handler(signum, self.stop)
		self.db = SiteThread(self.site, self.sites_path, "mom-collector-db")
		self.io = ThreadPoolExecutor(1, thread_name_prefix="mom-collector-io")
		try:
			spool_dir = self.spool_dir or await self.db.run(
				frappe.get_site_path, "private", "mom_iot_spool", self.shard_name
			)
			self.spool_dir = spool_dir
			self.redis = await self.db.run(_stream_redis)
			await loop.run_in_executor(self.io, self._io_open_spool)
			log.info(
				"collector %s started on %s (%s, boot %s); %s rows waiting in the spool",
				os.getpid(),
				self.site,
				self.shard_name,
				self.boot_id,
				self.spool.pending,
			)
			if self.run_writer:
				self._writer_thread = threading.Thread(
					target=self._writer_loop, name="mom-collector-writer", daemon=True
				)
				self._writer_thread.start()
			background = [
				asyncio.create_task(self._publisher(), name="publisher"),
				asyncio.create_task(self._replayer(), name="replayer"),
				asyncio.create_task(self._config_watcher(), name="config"),
				asyncio.create_task(self._health_flusher(), name="health"),
				asyncio.create_task(self._stats(), name="stats"),
			]
			if duration is not None:
				with contextlib.suppress(asyncio.TimeoutError):
					await asyncio.wait_for(self.stopping.wait(), duration)
				self.stopping.set()
			else:
				await self.stopping.wait()
			log.info("collector stopping")
			await self._stop_devices(list(self.tasks))
			await self.queue.put([])  # wakes the publisher; it flushes the queue, then ends
			for task in background:
				if task.get_name() == "publisher":
					await task
				else:
					task.cancel()
			await asyncio.gather(*background, return_exceptions=True)
			await loop.run_in_executor(self.io, self._io_final_flush)
			for name in self.health:
				self._set_health(name, "Unknown", "")
			await self._flush_health()
		finally:
			self._writer_stop.set()
			if self._writer_thread:
				await loop.run_in_executor(None, self._writer_thread.join, 30)
			with contextlib.suppress(Exception):
				await loop.run_in_executor(self.io, self._io_close_spool)
			self.io.shutdown(wait=True)
			self.db.close()
			log.info("collector stopped: %s", self.counts)

	# --- devices ------------------------------------------------------------------------------------
	async def _config_watcher(self):
		version = None
		while True:
			try:
				current = await self.db.run(config_version)
				if current != version:
					configs = {c.name: c for c in await self.db.run(load_devices, self.shard)}
					await self._apply(configs)
					version = current
			except asyncio.CancelledError:
				raise
			except Exception:
				log.exception("could not load the IoT Devices; trying again later")
			await asyncio.sleep(self.config_poll_seconds)

	async def _apply(self, configs: dict[str, DeviceConfig]):
		gone = [name for name in self.devices if name not in configs]
		changed = [name for name, c in configs.items() if name in self.devices and self.devices[name] != c]
		new = [name for name in configs if name not in self.devices]
		await self._stop_devices(gone + changed)
		for name in gone:
			self.devices.pop(name, None)
			self.health.pop(name, None)
			self.dirty.discard(name)
		for name in changed + new:
			self.devices[name] = configs[name]
			self._start_device(configs[name])
		if gone or changed or new:
			log.info(
				"devices: %s running (%s new, %s changed, %s removed)",
				len(self.tasks),
				len(new),
				len(changed),
				len(gone),
			)

	def _start_device(self, config: DeviceConfig):
		from mom_app.iot.protocols.modbus import ModbusPoller
		from mom_app.iot.protocols.opcua import OpcUaSubscriber

		for problem in config.problems:
			log.warning("%s: %s", config.name, problem)
		try:
			if config.protocol == "Modbus TCP":
				client = ModbusPoller(
					config.name,
					config.host,
					config.port,
					config.unit_id,
					config.tags,
					self._on_readings,
					self._set_health,
					interval=config.interval_ms / 1000,
					heartbeat=MODBUS_HEARTBEAT_SECONDS,
				)
			else:
				client = OpcUaSubscriber(
					config.name,
					config.endpoint,
					{node_id: key for node_id, key, _scale, _offset in config.tags},
					self._scaled_readings(config),
					self._set_health,
					security_policy=config.security_policy,
					security_mode=config.security_mode,
					client_certificate=config.client_certificate or None,
					client_private_key=config.client_private_key or None,
					server_certificate=config.server_certificate or None,
					publishing_interval_ms=config.interval_ms,
					sampling_interval_ms=min(config.interval_ms, 100),
				)
		except Exception as e:
			log.exception("%s: cannot start", config.name)
			self._set_health(config.name, OFFLINE, str(e)[:500])
			return
		self.clients[config.name] = client
		self.tasks[config.name] = asyncio.create_task(client.run(), name=f"device {config.name}")

	def _scaled_readings(self, config: DeviceConfig):
		factors = {key: (scale, offset) for _node, key, scale, offset in config.tags}
		plain = all(f == (1.0, 0.0) for f in factors.values())

		async def on_readings(device, readings):
			if not plain:
				readings = [
					(key, ts, value * factors[key][0] + factors[key][1]) for key, ts, value in readings
				]
			await self._on_readings(device, readings)

		return on_readings

	async def _stop_devices(self, names: list[str]):
		tasks = []
		for name in names:
			client = self.clients.pop(name, None)
			task = self.tasks.pop(name, None)
			if client is not None:
				client.stop()
			if task is not None:
				tasks.append(task)
		if tasks:
			_done, pending = await asyncio.wait(tasks, timeout=10)
			for task in pending:
				task.cancel()
			await asyncio.gather(*tasks, return_exceptions=True)

	# --- readings -> rows -----------------------------------------------------------------------------
	async def _on_readings(self, device: str, readings: list[tuple[str, float, float]]):
		if not readings:
			return
		seq = self.seq.get(device, 0)
		rows = []
		for key, ts, value in readings:
			seq += 1
			rows.append(
				{
					"uid": f"{device}:{self.boot_id}:{seq}",
					"device": device,
					"tag": key,
					"ts": ts,
					"value": value,
				}
			)
		self.seq[device] = seq
		self.counts["produced"] += len(rows)
		newest = max(ts for _key, ts, _value in readings)
		state = self.health.setdefault(device, {"health": "Unknown", "error_text": "", "last_seen": None})
		if not state["last_seen"] or newest > state["last_seen"]:
			state["last_seen"] = newest
			self.dirty.add(device)
		if self.on_rows:
			self.on_rows(rows)
		self.queue.put_nowait(rows)

	def _set_health(self, device: str, health: str, error_text: str):
		state = self.health.setdefault(device, {"health": "Unknown", "error_text": "", "last_seen": None})
		if (state["health"], state["error_text"]) != (health, error_text or ""):
			state["health"], state["error_text"] = health, error_text or ""
			self.dirty.add(device)

	async def _next_batch(self) -> list[dict] | None:
		"""Up to PUBLISH_BATCH rows: waits for the first, then PUBLISH_LINGER for more. None: stopping and
		nothing left."""
		if self.stopping.is_set() and self.queue.empty():
			return None
		rows = await self.queue.get()
		deadline = time.monotonic() + PUBLISH_LINGER
		while len(rows) < PUBLISH_BATCH and not self.stopping.is_set():
			timeout = deadline - time.monotonic()
			if timeout <= 0:
				break
			try:
				rows = rows + await asyncio.wait_for(self.queue.get(), timeout)
			except asyncio.TimeoutError:
				break
		while len(rows) < PUBLISH_BATCH and not self.queue.empty():
			rows = rows + self.queue.get_nowait()
		if not rows and self.stopping.is_set() and self.queue.empty():
			return None
		return rows

	async def _publisher(self):
		loop = asyncio.get_running_loop()
		while True:
			rows = await self._next_batch()
			if rows is None:
				return
			if rows:
				for start in range(0, len(rows), PUBLISH_BATCH):
					await loop.run_in_executor(self.io, self._io_publish, rows[start : start + PUBLISH_BATCH])
			elif self.stopping.is_set() and self.queue.empty():
				return

	async def _replayer(self):
		loop = asyncio.get_running_loop()
		while True:
			await asyncio.sleep(0.5)
			if self.spool is not None and self.spool.pending:
				await loop.run_in_executor(self.io, self._io_replay)

	# --- io thread: Redis and the spool -------------------------------------------------------------
	def _io_open_spool(self):
		from mom_app.iot.spool import Spool

		self.spool = Spool(self.spool_dir)

	def _io_close_spool(self):
		if self.spool is not None:
			self.spool.close()

	def _io_redis_failed(self, error: Exception):
		if self.redis_down_since is None:
			self.redis_down_since = time.time()
			self._retry_delays = self.redis_retry()
			log.warning("Redis unreachable (%s): spooling readings to %s", error, self.spool_dir)
		self._retry_at = time.monotonic() + next(self._retry_delays)

	def _io_redis_ok(self):
		if self.redis_down_since is not None:
			log.info("Redis reachable again after %.0f s", time.time() - self.redis_down_since)
			self.redis_down_since = None

	def _io_replay(self, all_of_it: bool = False) -> bool:
		"""Send spooled rows to Redis, oldest first. True when the spool is empty."""
		if not self.spool.pending:
			return True
		if self.redis_down_since is not None and time.monotonic() < self._retry_at:
			return False
		chunks = [0]

		def send(rows):
			stream.append(self.redis, self.key, rows)
			chunks[0] += 1
			self.counts["replayed"] += len(rows)
			if not all_of_it and chunks[0] >= REPLAY_CHUNKS:
				raise _Enough
			return True

		try:
			self.spool.replay(send, batch_size=PUBLISH_BATCH)
		except _Enough:
			pass
		except Exception as e:
			self._io_redis_failed(e)
			return False
		self._io_redis_ok()
		if not self.spool.pending:
			log.info("spool replayed; sending directly again")
		return not self.spool.pending

	def _io_publish(self, rows: list[dict]):
		if self._io_replay() and (self.redis_down_since is None or time.monotonic() >= self._retry_at):
			try:
				stream.append(self.redis, self.key, rows)
				self.counts["sent"] += len(rows)
				self._io_redis_ok()
				return
			except Exception as e:
				self._io_redis_failed(e)
		self.spool.append(rows)
		self.counts["spooled"] += len(rows)

	def _io_final_flush(self):
		"""On shutdown: try once more to empty the spool into Redis; what stays is on disk."""
		if self.spool is not None and self.spool.pending:
			self._retry_at = 0
			self._io_replay(all_of_it=True)
			log.info("spool: %s", self.spool.stats())

	# --- writer thread --------------------------------------------------------------------------------
	def _writer_loop(self):
		def stored(n):
			self.counts["stored"] += n

		def failed(error):
			self.counts["writer_errors"] += 1
			self.writer_error = error

		writer_loop(
			self.site,
			self.sites_path,
			self.redis,
			self.consumer,
			self._writer_stop,
			conf=self.writer_conf,
			on_stored=stored,
			on_error=failed,
		)

	# --- health and stats -------------------------------------------------------------------------------
	async def _flush_health(self):
		if not self.dirty:
			return
		names, self.dirty = self.dirty, set()
		updates = {name: dict(self.health[name]) for name in names if name in self.health}
		try:
			await self.db.run(write_health, updates)
		except Exception as e:
			self.dirty |= names  # try again next time
			log.warning("could not write device health: %s", str(e)[:300])

	async def _health_flusher(self):
		while True:
			await asyncio.sleep(self.health_flush_seconds)
			await self._flush_health()

	async def _stats(self):
		while True:
			await asyncio.sleep(STATS_SECONDS)
			log.info(
				"stats: %s; spool %s; devices %s",
				self.counts,
				self.spool.stats() if self.spool is not None else {},
				{n: h["health"] for n, h in self.health.items()},
			)


class _Enough(Exception):
	"""Stops a replay turn after REPLAY_CHUNKS batches (the rest waits for the next turn)."""


def _stream_redis():
	from mom_app.iot.writer import stream_redis

	return stream_redis()


def setup_logging(site_logs: str, verbose: bool = True) -> Path:
	"""Log the collector (and the protocol clients) to <site>/logs/mom_collector.log and stderr."""
	path = Path(site_logs) / "mom_collector.log"
	path.parent.mkdir(parents=True, exist_ok=True)
	root = logging.getLogger("mom_app")
	root.setLevel(logging.INFO)
	formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
	if not any(getattr(h, "_mom_collector", False) for h in root.handlers):
		file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=5)
		file_handler.setFormatter(formatter)
		file_handler._mom_collector = True
		root.addHandler(file_handler)
		if verbose:
			console = logging.StreamHandler()
			console.setFormatter(formatter)
			console._mom_collector = True
			root.addHandler(console)
	for noisy in ("pymodbus", "asyncua"):
		logging.getLogger(noisy).setLevel(logging.ERROR)
	return path


def run_collector(site: str, sites_path: str, shard: tuple[int, int] = (0, 1)) -> dict:
	"""The `bench mom-collector` entry point: run until SIGTERM/SIGINT."""
	logs = os.path.join(sites_path, site, "logs")
	setup_logging(logs)
	collector = Collector(site, sites_path, shard)
	asyncio.run(collector.run(install_signals=True))
	return collector.counts
