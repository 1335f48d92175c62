"""The web server of the benchmarks that measure over HTTP: gunicorn as `bench setup production` runs it
(`gunicorn -w N -t 120 --preload frappe.app:application` from the sites folder), on a free 127.0.0.1 port."""

import subprocess
from pathlib import Path

from mom_app.iot.sim.servers import free_port
from mom_app.iot.testing import wait_for_port


def start_gunicorn(sites_path: str, workers: int) -> tuple[subprocess.Popen, str]:
	"""The started process and its base URL; SystemExit when it does not listen within a minute."""
	port = free_port()
	bench = Path(sites_path).parent
	process = subprocess.Popen(
		[
			str(bench / "env" / "bin" / "gunicorn"),
			"-b",
			f"127.0.0.1:{port}",
			"-w",
			str(workers),
			"-t",
			"120",
			"--preload",
			"frappe.app:application",
		],
		cwd=sites_path,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	if not wait_for_port(port, 60):
		process.kill()
		raise SystemExit("gunicorn did not start")
	return process, f"http://127.0.0.1:{port}"


def stop_gunicorn(process: subprocess.Popen | None, timeout: float = 20):
	if process is None:
		return
	process.terminate()
	try:
		process.wait(timeout)
	except subprocess.TimeoutExpired:
		process.kill()
