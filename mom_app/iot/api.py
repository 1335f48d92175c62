"""The device webhook: signed batches of readings, POSTed by devices that push instead of being polled.

    POST /api/method/mom_app.iot.api.ingest
    X-MOM-Device:    <IoT Device name>
    X-MOM-Timestamp: <Unix seconds, e.g. 1700000000>
    X-MOM-Signature: sha256=<hex HMAC-SHA256(webhook secret, timestamp + "." + raw body)>
    Content-Type:    application/octet-stream (or application/json; see the README)

    {"message_id": "gw1-000123", "readings": [{"key": "spindle_temp", "ts": 1700000000.5, "value": 41.25}]}

Checks, in this order, each answered with its own status and a JSON body {"error": <reason>, "message":
<translated text>, "detail": {...}}: size (413), device known (404) / enabled webhook device (403), rate
limit per device per minute (429), signature and clock (401), body (400 malformed, 422 unacceptable
values), replay of a message id already accepted (200 {"status": "duplicate", "accepted": 0}). An accepted
batch goes into the site's Redis stream in one transaction (202 {"status": "accepted", "accepted": n}); when
that Redis is unreachable the readings are stored in the database directly. Nothing is written unless the
whole batch is accepted, and no request ends in a 500: an unexpected failure is logged and answered 503.
"""

import contextlib
import time

import frappe
from frappe import _
from frappe.utils.password import get_decrypted_password

from mom_app.engine.readings import DEFAULT_MAX_AGE, MALFORMED_REASONS, PayloadError, parse_batch
from mom_app.engine.signing import REPLAY_TTL_SECONDS, SignatureError, replay_key, verify
from mom_app.iot import stream
from mom_app.iot.storage import MAX_ABS_VALUE

DEVICE_HEADER = "X-MOM-Device"
TIMESTAMP_HEADER = "X-MOM-Timestamp"
SIGNATURE_HEADER = "X-MOM-Signature"
WEBHOOK = "Webhook"


class Rejected(Exception):
	"""A request refused with `status` and a JSON body."""

	def __init__(self, status: int, reason: str, message: str, **detail):
		super().__init__(reason)
		self.status = status
		self.reason = reason
		self.message = message
		self.detail = detail

	def body(self) -> dict:
		body = {"error": self.reason, "message": self.message}
		if self.detail:
			body["detail"] = self.detail
		return body


@frappe.whitelist(allow_guest=True, methods=["POST"])
def ingest() -> None:
	"""Take a signed batch of readings from a device. The answer's JSON is written to the response
	directly (not under "message"), with its HTTP status; see the module docstring and the README."""
	status, body = handle_request(
		device_name=frappe.get_request_header(DEVICE_HEADER),
		timestamp=frappe.get_request_header(TIMESTAMP_HEADER),
		signature=frappe.get_request_header(SIGNATURE_HEADER),
		body=frappe.request.get_data(cache=True) or b"",
		now=time.time(),
	)
	frappe.local.response.http_status_code = status
	frappe.local.response.update(body)


def handle_request(
	device_name: str | None, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> tuple[int, dict]:
	"""(HTTP status, JSON body) for one webhook request. Never raises."""
	try:
		return accept(device_name, timestamp, signature, body, now)
	except Rejected as r:
		return r.status, r.body()
	except Exception:
		with contextlib.suppress(Exception):
			frappe.db.rollback()
			frappe.log_error(title="mom_app IoT webhook failed", reference_doctype="IoT Device")
		return 503, {
			"error": "unavailable",
			"message": _("The server cannot take readings right now; send the same request again later."),
		}


def accept(device_name, timestamp, signature, body: bytes, now: float) -> tuple[int, dict]:
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	settings = get_settings()
	if len(body) > settings.max_payload_bytes:
		raise Rejected(
			413,
			"payload_too_large",
			_("The request body has {0} bytes; at most {1} are accepted.").format(
				len(body), settings.max_payload_bytes
			),
			size=len(body),
			limit=settings.max_payload_bytes,
		)

	device = load_device(device_name)
	check_rate(device, now)

	secret = get_decrypted_password("IoT Device", device.name, "webhook_secret", raise_exception=False)
	try:
		verify(secret or "", timestamp, body, signature, now, window=float(settings.replay_window_seconds))
	except SignatureError as e:
		raise Rejected(401, e.reason, signature_message(e, settings.replay_window_seconds))

	tags = dict(
		frappe.get_all(
			"IoT Tag",
			filters={"parent": device.name, "parenttype": "IoT Device"},
			fields=["json_key", "tag_key"],
			as_list=True,
		)
	)
	max_age = min(DEFAULT_MAX_AGE, settings.reading_retention_days * 86400.0)
	try:
		batch = parse_batch(body, tags.keys(), settings.max_readings_per_batch, now, max_age=max_age)
	except PayloadError as e:
		status = 400 if e.reason in MALFORMED_REASONS else 422
		raise Rejected(status, e.reason, payload_message(e, settings, max_age), **e.detail)
	for index, reading in enumerate(batch.readings):
		if abs(reading.value) >= MAX_ABS_VALUE:
			raise Rejected(
				422,
				"value_out_of_range",
				_("Reading {0} (key {1}): the value is too large to store.").format(index, reading.key),
				index=index,
				key=reading.key,
			)

	rows = [
		{
			"uid": f"{device.name}:{batch.message_id}:{index}",
			"device": device.name,
			"tag": tags[reading.key],
			"ts": reading.ts,
			"value": reading.value,
		}
		for index, reading in enumerate(batch.readings)
	]
	seen_key = frappe.cache.make_key(replay_key(device.name, batch.message_id))
	if not frappe.cache.set(seen_key, "1", nx=True, ex=REPLAY_TTL_SECONDS):
		return 200, {"status": "duplicate", "accepted": 0}
	try:
		enqueue(rows)
	except BaseException:
		# nothing was stored: forget the message id so the device may send it again
		with contextlib.suppress(Exception):
			frappe.cache.delete(seen_key)
		raise
	return 202, {"status": "accepted", "accepted": len(rows)}


def load_device(device_name: str | None) -> frappe._dict:
	if not device_name:
		raise Rejected(400, "missing_device", _("The request has no {0} header.").format(DEVICE_HEADER))
	device = frappe.db.get_value(
		"IoT Device",
		device_name.strip(),
		["name", "enabled", "protocol", "rate_limit_per_minute"],
		as_dict=True,
	)
	if not device:
		raise Rejected(404, "unknown_device", _("There is no IoT Device with this name."))
	if not device.enabled:
		raise Rejected(403, "device_disabled", _("IoT Device {0} is disabled.").format(device.name))
	if device.protocol != WEBHOOK:
		raise Rejected(
			403,
			"not_a_webhook_device",
			_("IoT Device {0} is not a Webhook device.").format(device.name),
		)
	return device


def check_rate(device, now: float) -> None:
	"""Fixed one-minute windows per device, counted in Redis (INCR + EXPIRE)."""
	limit = max(int(device.rate_limit_per_minute or 0), 1)
	window = int(now // 60)
	key = frappe.cache.make_key(f"mom:iot:rate:{device.name}:{window}")
	pipe = frappe.cache.pipeline()
	pipe.incr(key)
	pipe.expire(key, 120)
	count = pipe.execute()[0]
	if count > limit:
		retry_after = int((window + 1) * 60 - now) + 1
		raise Rejected(
			429,
			"rate_limited",
			_("IoT Device {0} may send at most {1} requests a minute; try again in {2} seconds.").format(
				device.name, limit, retry_after
			),
			limit=limit,
			retry_after=retry_after,
		)


def enqueue(rows: list[dict]) -> None:
	"""Append the rows to the stream in one transaction; without Redis, store them in the database."""
	import redis

	from mom_app.iot.storage import store_readings
	from mom_app.iot.writer import site_stream_key, stream_redis

	try:
		stream.append(stream_redis(), site_stream_key(), rows)
		return
	except redis.exceptions.RedisError:
		frappe.logger("mom_iot").warning("webhook: readings stream unreachable; storing directly")
	try:
		store_readings(rows)
		frappe.db.commit()
	except BaseException:
		frappe.db.rollback()
		raise


def signature_message(e: SignatureError, window: int) -> str:
	reason = e.reason
	if reason == "missing_signature":
		return _("The request has no {0} header.").format(SIGNATURE_HEADER)
	if reason == "missing_timestamp":
		return _("The request has no {0} header.").format(TIMESTAMP_HEADER)
	if reason == "bad_timestamp":
		return _("{0} must be Unix seconds written as a decimal number.").format(TIMESTAMP_HEADER)
	if reason == "stale_timestamp":
		return _(
			"The request timestamp is {0} seconds old, more than the {1} seconds allowed: check the device clock."
		).format(round(float(e.details.get("skew", 0))), window)
	if reason == "future_timestamp":
		return _(
			"The request timestamp is {0} seconds in the future, more than the {1} seconds allowed: check the device clock."
		).format(round(float(e.details.get("skew", 0))), window)
	return _("The signature does not match the body, the timestamp and the device secret.")


def payload_message(e: PayloadError, settings, max_age: float) -> str:
	reason, detail = e.reason, e.detail
	index, key = detail.get("index"), detail.get("key")
	messages = {
		"malformed_json": _("The body is not valid JSON."),
		"not_an_object": _("The body must be a JSON object with message_id and readings."),
		"missing_message_id": _("The body has no message_id."),
		"bad_message_id": _("message_id must be 1 to 64 characters: letters, digits and . _ : -"),
		"missing_readings": _("The body has no readings list."),
		"no_readings": _("The readings list is empty."),
		"too_many_readings": _("The request has {0} readings; at most {1} are accepted per request.").format(
			detail.get("count"), settings.max_readings_per_batch
		),
		"bad_reading": _("Reading {0} must be an object with key, ts and value.").format(index),
		"unknown_key": _("Reading {0}: key {1} is not a tag of this device.").format(index, key),
		"non_numeric": _("Reading {0} (key {1}): the value is not a number or true/false.").format(
			index, key
		),
		"not_finite": _("Reading {0} (key {1}): the value is not a finite number.").format(index, key),
		"bad_timestamp": _(
			"Reading {0} (key {1}): ts is neither Unix seconds nor an ISO 8601 time with a time zone."
		).format(index, key),
		"too_old": _("Reading {0} (key {1}) is more than {2} days old.").format(
			index, key, round(max_age / 86400, 1)
		),
		"in_future": _("Reading {0} (key {1}) is in the future: check the device clock.").format(index, key),
	}
	return messages.get(reason) or str(e)
