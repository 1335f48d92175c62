"""Device protocol clients of the IoT collector (frappe-free: importable and tested without Frappe).

Each client runs as one asyncio task per device, hands readings to an async callback as lists of
(tag key, Unix seconds, value) and reports the device's health (Online / Degraded / Offline) to a callback.
"""

import asyncio
import contextlib
import logging

ONLINE = "Online"
DEGRADED = "Degraded"
OFFLINE = "Offline"


class DeviceClient:
	"""What every device client shares: a stop event, health reporting and interruptible sleeps.

	Subclasses set `name`, `health`, `error_text`, `on_health` and `_stop` (an asyncio.Event), and say
	where the device is in `endpoint_text()` (used in log lines)."""

	log = logging.getLogger("mom_app.iot")

	def endpoint_text(self) -> str:
		raise NotImplementedError

	def stop(self):
		self._stop.set()

	@property
	def stopped(self) -> bool:
		return self._stop.is_set()

	def _set_health(self, health: str, error_text: str = ""):
		if (health, error_text) == (self.health, self.error_text):
			return
		self.health, self.error_text = health, error_text
		if health == ONLINE:
			self.log.info("%s: online (%s)", self.name, self.endpoint_text())
		else:
			self.log.warning("%s: %s: %s", self.name, health.lower(), error_text)
		if self.on_health:
			self.on_health(self.name, health, error_text)

	async def _sleep(self, seconds: float) -> bool:
		"""Sleep unless stopped first; True when stopped."""
		if seconds <= 0:
			await asyncio.sleep(0)
			return self.stopped
		with contextlib.suppress(asyncio.TimeoutError):
			await asyncio.wait_for(self._stop.wait(), seconds)
		return self.stopped
