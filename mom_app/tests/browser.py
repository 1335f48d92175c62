"""Serve the test site for real (Frappe's web server + socket.io) and drive headless Chromium with Playwright."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import frappe

CHROMIUM = os.environ.get("MOM_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("MOM_SCREENSHOTS", "/tmp/mom-screenshots"))


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 60):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if proc.poll() is not None:
			raise RuntimeError(f"{what} exited with {proc.returncode}")
		with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
			return
		time.sleep(0.3)
	raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


@contextlib.contextmanager
def served_site():
	"""Yield the base URL of this site served by `frappe serve`, with the socket.io server beside it."""
	bench = Path(frappe.utils.get_bench_path())
	sites = bench / "sites"
	logs = Path(frappe.get_site_path("logs"))
	port = free_port()
	procs = []
	try:
		socketio_port = frappe.conf.socketio_port or 9000
		socketio_up = False
		with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", socketio_port), timeout=1):
			socketio_up = True
		if not socketio_up:
			sio = subprocess.Popen(
				["node", str(bench / "apps/frappe/socketio.js")],
				cwd=bench,
				# requests from 127.0.0.1 belong to this site (socket.io namespaces are site names)
				env={**os.environ, "FRAPPE_SITE": frappe.local.site},
				stdout=open(logs / "mom-socketio.log", "ab"),
				stderr=subprocess.STDOUT,
			)
			procs.append(sio)
			wait_for_port(socketio_port, sio, "socket.io server")
		env = {
			**os.environ,
			"DEV_SERVER": "1",
		}  # the desk then reaches socket.io on its own port, as under `bench start`
		web = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				frappe.local.site,
				"serve",
				"--port",
				str(port),
				"--noreload",
			],
			cwd=sites,
			env=env,
			stdout=open(logs / "mom-web.log", "ab"),
			stderr=subprocess.STDOUT,
		)
		procs.append(web)
		wait_for_port(port, web, "web server")
		yield f"http://127.0.0.1:{port}"
	finally:
		for proc in procs:
			proc.terminate()
			with contextlib.suppress(subprocess.TimeoutExpired):
				proc.wait(10)
			if proc.poll() is None:
				proc.kill()


@contextlib.contextmanager
def browser():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as p:
		b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
		try:
			yield b
		finally:
			b.close()


class Session:
	"""One logged-in browser context that records console errors and uncaught exceptions."""

	def __init__(self, browser, base_url: str, user: str, password: str):
		self.base_url = base_url
		self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
		self.page = self.context.new_page()
		self.errors: list[str] = []
		self.known_races: list[str] = []
		self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
		self.page.on("pageerror", self._on_page_error)
		self.page.on("response", self._on_response)
		response = self.context.request.post(
			f"{base_url}/api/method/login", form={"usr": user, "pwd": password}
		)
		if not response.ok:
			raise AssertionError(f"login as {user} failed: {response.status} {response.text()[:200]}")

	# Frappe v15's workspace editor sometimes throws this while it re-renders the blocks of a page whose first
	# load was slow (seen in about one run in three on the 2-core CI machine, for any role, with a complete
	# page afterwards). It is kept apart from `errors`; callers that tolerate it must prove the page rendered.
	FRAPPE_RENDER_RACE = "Failed to execute 'removeChild' on 'Node'"

	def _on_page_error(self, error):
		message = f"pageerror: {error}"
		(self.known_races if self.FRAPPE_RENDER_RACE in message else self.errors).append(message)

	def _on_response(self, response):
		if response.status >= 400:
			request = response.request
			self.errors.append(
				f"http {response.status}: {request.method} {response.url} {request.post_data or ''}"[:300]
			)

	def open(self, path: str, wait_for: str, timeout: float = 30_000):
		self.page.goto(f"{self.base_url}{path}", wait_until="domcontentloaded")
		self.page.wait_for_selector(wait_for, timeout=timeout)
		self.page.wait_for_load_state("networkidle", timeout=timeout)

	def screenshot(self, name: str) -> Path:
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)
		path = SCREENSHOTS / f"{name}.png"
		self.page.screenshot(path=str(path), full_page=True)
		return path

	def close(self):
		self.context.close()
