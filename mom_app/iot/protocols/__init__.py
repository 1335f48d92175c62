"""Device protocol clients of the IoT collector (frappe-free: importable and tested without Frappe).

Each client runs as one asyncio task per device, hands readings to an async callback as lists of
(tag key, Unix seconds, value) and reports the device's health (Online / Degraded / Offline) to a callback.
"""

ONLINE = "Online"
DEGRADED = "Degraded"
OFFLINE = "Offline"
