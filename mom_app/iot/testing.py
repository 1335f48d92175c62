"""Helpers for the IoT tests and benchmarks (frappe-free): a private redis-server, a TCP proxy that can be
cut and restored, and the simulator's servers on an asyncio loop in a background thread.

Everything binds to 127.0.0.1 on free ports and stops when asked (or at interpreter exit for the threads,
which are daemons).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from mom_app.iot.sim.servers import free_port


def wait_for_port(port: int, timeout: float = 15.0, host: str = "127.0.0.1") -> bool:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
			return True
		time.sleep(0.05)
	return False


class RedisServer:
	"""A private redis-server with an append-only file fsynced on every write, so its streams survive a
	stop and restart (as a production stream Redis should be configured)."""

	def __init__(self, port: int | None = None, executable: str | None = None):
		self.port = port or free_port()
		self.executable = executable or shutil.which("redis-server") or "/usr/bin/redis-server"
		self.dir = Path(tempfile.mkdtemp(prefix="mom-redis-"))
		self.proc: subprocess.Popen | None = None

	@property
	def url(self) -> str:
		return f"redis://127.0.0.1:{self.port}/0"

	def start(self):
		self.proc = subprocess.Popen(
			[
				self.executable,
				"--port",
				str(self.port),
				"--bind",
				"127.0.0.1",
				"--dir",
				str(self.dir),
				"--save",
				"",
				"--appendonly",
				"yes",
				"--appendfsync",
				"always",
				"--protected-mode",
				"yes",
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		if not wait_for_port(self.port):
			self.stop()
			raise RuntimeError(f"redis-server did not start on port {self.port}")
		return self

	def stop(self):
		if self.proc is not None:
			self.proc.terminate()
			try:
				self.proc.wait(timeout=10)
			except subprocess.TimeoutExpired:
				self.proc.kill()
				self.proc.wait(timeout=5)
			self.proc = None

	def cleanup(self):
		self.stop()
		shutil.rmtree(self.dir, ignore_errors=True)


class TcpProxy:
	"""Forwards 127.0.0.1:<port> to a target. `cut()` closes every connection and stops listening (clients
	get "connection refused"); `restore()` listens again on the same port."""

	def __init__(self, target_host: str, target_port: int, port: int | None = None):
		self.target = (target_host, int(target_port))
		self.port = port or free_port()
		self._listener: socket.socket | None = None
		self._sockets: set[socket.socket] = set()
		self._lock = threading.Lock()
		self._thread: threading.Thread | None = None
		self.connections = 0

	def start(self):
		listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		listener.bind(("127.0.0.1", self.port))
		listener.listen(64)
		listener.settimeout(0.2)
		self._listener = listener
		self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
		self._thread.start()
		return self

	def _accept(self, listener: socket.socket):
		while self._listener is listener:
			try:
				client, _addr = listener.accept()
			except TimeoutError:
				continue
			except OSError:
				break
			try:
				upstream = socket.create_connection(self.target, timeout=5)
			except OSError:
				client.close()
				continue
			client.settimeout(None)
			upstream.settimeout(None)
			with self._lock:
				self._sockets |= {client, upstream}
				self.connections += 1
			for a, b in ((client, upstream), (upstream, client)):
				threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

	def _pipe(self, source: socket.socket, sink: socket.socket):
		try:
			while True:
				data = source.recv(65536)
				if not data:
					break
				sink.sendall(data)
		except OSError:
			pass
		finally:
			for s in (source, sink):
				with contextlib.suppress(OSError):
					s.shutdown(socket.SHUT_RDWR)
				with contextlib.suppress(OSError):
					s.close()
			with self._lock:
				self._sockets -= {source, sink}

	def cut(self):
		listener, self._listener = self._listener, None
		if listener is not None:
			listener.close()
		if self._thread is not None:
			self._thread.join(timeout=2)
		with self._lock:
			sockets, self._sockets = list(self._sockets), set()
		for s in sockets:
			with contextlib.suppress(OSError):
				s.shutdown(socket.SHUT_RDWR)
			with contextlib.suppress(OSError):
				s.close()

	def restore(self):
		if self._listener is None:
			self.start()

	stop = cut


class LoopThread:
	"""An asyncio event loop in a daemon thread; `call(coro)` runs a coroutine there and waits for it."""

	def __init__(self, name: str = "mom-loop"):
		self.loop = asyncio.new_event_loop()
		self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
		self.thread.start()

	def call(self, coro, timeout: float | None = 60):
		return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

	def submit(self, coro):
		return asyncio.run_coroutine_threadsafe(coro, self.loop)

	def close(self):
		self.loop.call_soon_threadsafe(self.loop.stop)
		self.thread.join(timeout=10)
		with contextlib.suppress(Exception):
			self.loop.close()


class SimulatorThread:
	"""Simulator servers (sim.servers) updated every 100 ms on a LoopThread."""

	def __init__(self, make_servers: Callable[[], list]):
		self.make_servers = make_servers
		self.loop = LoopThread("mom-sim")
		self.servers: list = []
		self._stop: asyncio.Event | None = None
		self._runner = None

	def start(self):
		async def begin():
			self._stop = asyncio.Event()
			self.servers = self.make_servers()
			for server in self.servers:
				await server.start()

		from mom_app.iot.sim.servers import run_machines

		self.loop.call(begin())
		self._runner = self.loop.submit(run_machines(self.servers, stop=self._stop))
		return self

	def stop(self):
		async def end():
			self._stop.set()
			for server in self.servers:
				await server.stop()

		if self._stop is not None:
			self.loop.call(end())
			with contextlib.suppress(Exception):
				self._runner.result(timeout=5)
		self.loop.close()
