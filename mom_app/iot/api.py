"""The device webhook: signed batches of readings, POSTed by devices that push instead of being polled.

    POST /api/method/mom_app.iot.api.ingest
    X-MOM-Device:    <IoT Device name>
    X-MOM-Timestamp: <Unix seconds, e.g. 1700000000>
    X-MOM-Signature: sha256=<hex HMAC-SHA256(webhook secret, timestamp + "." + raw body)>
    Content-Type:    application/octet-stream (or application/json; see the README)

    {"message_id": "gw1-000123", "readings": [{"key": "spindle_temp", "ts": 1700000000.5, "value": 41.25}]}

Checks, in this order, each answered with its own status and a JSON body {"error": <reason>, "message":
<translated text>, "detail": {...}}:

1. size (413): from the Content-Length header before the body is read, then from the bytes read (at most the
   limit + 1 are read);
2. a device header (400 missing_device);
3. signature and clock (401). The signature is checked against the named device's secret; for a name that is
   no IoT Device (or a device without a secret) it is checked against a random secret of this process, so an
   unknown device costs the same work and gets the same answer as a wrong signature: an outsider cannot tell
   which device names exist. Every request refused here (and every missing_device) counts against the
   client's address (`frappe.local.request_ip`) in one-minute windows; past IoT Settings' Failed Requests per
   Address it is answered 429 too_many_failures instead. A signed request is never refused by that count;
4. only now, for a request signed with the device's secret: a disabled device (403 device_disabled), a device
   that is not a Webhook device (403 not_a_webhook_device), then the device's rate limit per minute (429
   rate_limited). Requests without the secret never count against a device, so they cannot lock it out;
5. body (400 malformed, 422 unacceptable values), replay of a message id already accepted (200 {"status":
   "duplicate", "accepted": 0}).

An accepted batch goes into the site's Redis stream in one transaction (202 {"status": "accepted", "accepted":
n}); when that Redis is unreachable the readings are stored in the database directly. Nothing is written unless
the whole batch is accepted, and no request ends in a 500: an unexpected failure is logged and answered 503.
"""

import contextlib
import secrets
import time
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils.password import get_decrypted_password

from mom_app.engine.readings import DEFAULT_MAX_AGE, MALFORMED_REASONS, PayloadError, parse_batch
from mom_app.engine.signing import REPLAY_TTL_SECONDS, SignatureError, replay_key, verify
from mom_app.iot import stream

DEVICE_HEADER = "X-MOM-Device"
TIMESTAMP_HEADER = "X-MOM-Timestamp"
SIGNATURE_HEADER = "X-MOM-Signature"
WEBHOOK = "Webhook"
# what a name that is no device is checked against: the same HMAC work as a real device, never a match
UNKNOWN_DEVICE_SECRET = secrets.token_urlsafe(32)
RATE_WINDOW = 60  # seconds: the device rate and the failed-request count use one-minute windows


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
	request = frappe.request
	status, body = handle_request(
		device_name=frappe.get_request_header(DEVICE_HEADER),
		timestamp=frappe.get_request_header(TIMESTAMP_HEADER),
		signature=frappe.get_request_header(SIGNATURE_HEADER),
		body=lambda limit: read_body(request, limit),
		now=time.time(),
		client=getattr(frappe.local, "request_ip", None),
	)
	frappe.local.response.http_status_code = status
	frappe.local.response.update(body)


def read_body(request, limit: int) -> bytes:
	"""The request body, refused from its Content-Length header alone when that is over `limit` (the body is
	not read then); otherwise at most `limit` + 1 bytes, so a missing or wrong Content-Length cannot make
	this read more. (Frappe itself reads the body into form_dict before any app code runs, bounded by the
	site's max_file_size; the reverse proxy's body limit is the hard bound.)"""
	length = request.content_length
	if length is not None and length > limit:
		raise too_large(length, limit)
	# the stream is empty when Frappe has read the body already; that copy is then the one to take
	return request.stream.read(limit + 1) or request.get_data(cache=True) or b""


def too_large(size: int, limit: int) -> Rejected:
	return Rejected(
		413,
		"payload_too_large",
		_("The request body has {0} bytes; at most {1} are accepted.").format(size, limit),
		size=size,
		limit=limit,
	)


def handle_request(
	device_name: str | None,
	timestamp: str | None,
	signature: str | None,
	body: bytes | Callable[[int], bytes],
	now: float,
	client: str | None = None,
) -> tuple[int, dict]:
	"""(HTTP status, JSON body) for one webhook request. Never raises. `body` is the raw body, or a function
	that reads it given the size limit; `client` is the caller's address."""
	try:
		return accept(device_name, timestamp, signature, body, now, client)
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


def accept(
	device_name, timestamp, signature, body, now: float, client: str | None = None
) -> tuple[int, dict]:
	from mom_app.iot.doctype.iot_settings.iot_settings import get_settings

	settings = get_settings()
	if callable(body):
		body = body(settings.max_payload_bytes)
	if len(body) > settings.max_payload_bytes:
		raise too_large(len(body), settings.max_payload_bytes)

	device = authenticate(device_name, timestamp, signature, body, now, client, settings)
	check_device(device)
	check_rate(device, now)

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


def authenticate(
	device_name, timestamp, signature, body: bytes, now: float, client, settings
) -> frappe._dict:
	"""The device whose secret signed this request. An unknown name is checked against a secret no device
	has (same queries, same HMAC), so it is refused exactly like a wrong signature."""
	if not device_name or not device_name.strip():
		count_failure(client, now, settings.failed_requests_per_minute)
		raise Rejected(400, "missing_device", _("The request has no {0} header.").format(DEVICE_HEADER))
	name = device_name.strip()[:140]
	device = frappe.db.get_value(
		"IoT Device", name, ["name", "enabled", "protocol", "rate_limit_per_minute"], as_dict=True
	)
	secret = get_decrypted_password(
		"IoT Device", device.name if device else name, "webhook_secret", raise_exception=False
	)
	if not device or not secret:
		secret = UNKNOWN_DEVICE_SECRET
	try:
		verify(secret, timestamp, body, signature, now, window=float(settings.replay_window_seconds))
		if not device:  # cannot happen: nobody knows this process's secret
			raise SignatureError("bad_signature")
	except SignatureError as e:
		count_failure(client, now, settings.failed_requests_per_minute)
		raise Rejected(401, e.reason, signature_message(e, settings.replay_window_seconds))
	return device


def check_device(device: frappe._dict) -> None:
	"""A signed request's device must be an enabled Webhook device (told only to the secret's holder)."""
	if not device.enabled:
		raise Rejected(403, "device_disabled", _("IoT Device {0} is disabled.").format(device.name))
	if device.protocol != WEBHOOK:
		raise Rejected(
			403,
			"not_a_webhook_device",
			_("IoT Device {0} is not a Webhook device.").format(device.name),
		)


def count_in_window(key: str, now: float) -> tuple[int, int]:
	"""INCR the counter of `key` in the current one-minute window; (count, seconds until the next window)."""
	window = int(now // RATE_WINDOW)
	cache_key = frappe.cache.make_key(f"{key}:{window}")
	pipe = frappe.cache.pipeline()
	pipe.incr(cache_key)
	pipe.expire(cache_key, 2 * RATE_WINDOW)
	count = pipe.execute()[0]
	return count, int((window + 1) * RATE_WINDOW - now) + 1


def count_failure(client: str | None, now: float, limit: int) -> None:
	"""Count a request that did not prove it holds a device secret, per client address; past `limit` in a
	minute, answer 429 instead of saying what was wrong."""
	limit = max(int(limit or 0), 1)
	count, retry_after = count_in_window(f"mom:iot:authfail:{client or 'unknown'}", now)
	if count > limit:
		raise Rejected(
			429,
			"too_many_failures",
			_(
				"More than {0} requests from this address failed authentication this minute; try again in {1} seconds."
			).format(limit, retry_after),
			limit=limit,
			retry_after=retry_after,
		)


def check_rate(device, now: float) -> None:
	"""Fixed one-minute windows per device, counted in Redis (INCR + EXPIRE); signed requests only."""
	limit = max(int(device.rate_limit_per_minute or 0), 1)
	count, retry_after = count_in_window(f"mom:iot:rate:{device.name}", now)
	if count > limit:
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
		"value_out_of_range": _("Reading {0} (key {1}): the value is too large to store.").format(index, key),
		"bad_timestamp": _(
			"Reading {0} (key {1}): ts is neither Unix seconds nor an ISO 8601 time with a time zone."
		).format(index, key),
		"too_old": _("Reading {0} (key {1}) is more than {2} days old.").format(
			index, key, round(max_age / 86400, 1)
		),
		"in_future": _("Reading {0} (key {1}) is in the future: check the device clock.").format(index, key),
	}
	return messages.get(reason) or str(e)
