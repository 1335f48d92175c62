"""The device webhook through the real HTTP stack (`frappe serve`), plus its Redis-down paths, the body
size checks and the per-address count of failed requests in-process."""

import io
import json
import time
import uuid
from unittest.mock import patch

import frappe
import redis
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import set_encrypted_password

from mom_app.engine.signing import replay_key, sign
from mom_app.iot import api, stream, writer
from mom_app.iot.doctype.iot_settings.iot_settings import get_settings
from mom_app.tests.browser import served_site
from mom_app.tests.utils import STATE_MAP, drop_iot_device, make_iot_device

PATH = "/api/method/mom_app.iot.api.ingest"
TAGS = [
	{"tag_key": "spindle_temp", "signal_role": "Process Parameter", "json_key": "temp"},
	{"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP},
]


def batch(message_id: str, readings: list[tuple]) -> bytes:
	return json.dumps(
		{"message_id": message_id, "readings": [{"key": k, "ts": ts, "value": v} for k, ts, v in readings]}
	).encode()


def forget_counts():
	"""Start every test with no failed requests counted against any address (tests share 127.0.0.1) and no
	requests counted against the test devices."""
	frappe.cache.delete_keys("mom:iot:authfail:")
	frappe.cache.delete_keys("mom:iot:rate:MOM-T-HOOK")


class WebhookCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.device = make_iot_device("MOM-T-HOOK", tags=TAGS).name
		cls.secret = frappe.get_doc("IoT Device", cls.device).get_password("webhook_secret")
		cls.disabled = make_iot_device("MOM-T-HOOK-OFF", enabled=0).name
		cls.disabled_secret = frappe.get_doc("IoT Device", cls.disabled).get_password("webhook_secret")
		cls.limited = make_iot_device("MOM-T-HOOK-RL", rate_limit_per_minute=2, tags=TAGS[:1]).name
		cls.limited_secret = frappe.get_doc("IoT Device", cls.limited).get_password("webhook_secret")
		cls.modbus = make_iot_device("MOM-T-HOOK-MB", protocol="Modbus TCP").name
		# a Modbus device with a secret left over from when it pushed: signed with it, it is told apart
		cls.former = make_iot_device("MOM-T-HOOK-WAS", protocol="Modbus TCP").name
		cls.former_secret = "former-webhook-secret"
		set_encrypted_password("IoT Device", cls.former, cls.former_secret, "webhook_secret")
		frappe.db.commit()  # the web server sees committed data only
		cls.client = writer.stream_redis()
		cls.key = writer.site_stream_key()

	@classmethod
	def tearDownClass(cls):
		for name in (cls.device, cls.disabled, cls.limited, cls.modbus, cls.former):
			drop_iot_device(name)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		forget_counts()

	def stored(self, device=None) -> int:
		return frappe.db.count("IoT Reading", {"device": device or self.device})

	def queued(self) -> int:
		return self.client.xlen(self.key)

	def headers(self, body: bytes, device=None, secret=None, ts=None, **override) -> dict:
		ts = str(int(time.time())) if ts is None else ts
		headers = {
			"X-MOM-Device": device or self.device,
			"X-MOM-Timestamp": ts,
			"X-MOM-Signature": "sha256=" + sign(secret or self.secret, ts, body),
			"Content-Type": "application/octet-stream",
		}
		headers.update(override)
		return {k: v for k, v in headers.items() if v is not None}


class TestWebhookOverHTTP(WebhookCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls._server = served_site()
		cls.base_url = cls._server.__enter__()

	@classmethod
	def tearDownClass(cls):
		cls._server.__exit__(None, None, None)
		super().tearDownClass()

	def post(self, body: bytes, headers: dict) -> requests.Response:
		return requests.post(self.base_url + PATH, data=body, headers=headers, timeout=30)

	def assert_refused(self, body: bytes, headers: dict, status: int, reason: str, device=None) -> dict:
		rows, queued = self.stored(device), self.queued()
		response = self.post(body, headers)
		self.assertEqual(response.status_code, status, response.text[:500])
		answer = response.json()
		self.assertEqual(answer["error"], reason, answer)
		self.assertTrue(answer["message"])
		self.assertNotIn("exc", answer)
		self.assertEqual((self.stored(device), self.queued()), (rows, queued), "something was written")
		return answer

	def good_body(self, n: int = 3) -> bytes:
		now = time.time()
		return batch(uuid.uuid4().hex, [("temp", now - i, 20.0 + i) for i in range(n)])

	def test_device_told_apart_only_after_its_signature(self):
		body = self.good_body()
		wrong = self.assert_refused(body, self.headers(body, secret="not-the-secret"), 401, "bad_signature")
		# an unknown name, a device without a secret, a disabled device signed with a wrong secret: the same
		# answer as a wrong signature, so an outsider learns nothing about which devices exist
		for device in ("MOM-NO-SUCH", self.modbus, self.disabled):
			with self.subTest(device=device):
				answer = self.assert_refused(
					body, self.headers(body, device=device, secret="not-the-secret"), 401, "bad_signature"
				)
				self.assertEqual(answer, wrong)
		# signed with the device's own secret: now it is told what is wrong with the device
		self.assert_refused(
			body,
			self.headers(body, device=self.disabled, secret=self.disabled_secret),
			403,
			"device_disabled",
		)
		self.assert_refused(
			body,
			self.headers(body, device=self.former, secret=self.former_secret),
			403,
			"not_a_webhook_device",
		)
		headers = self.headers(body)
		del headers["X-MOM-Device"]
		self.assert_refused(body, headers, 400, "missing_device")

	def test_junk_naming_a_device_does_not_lock_it_out(self):
		"""Requests without the secret never count against the device's rate (its limit here: 2 a minute)."""
		if time.time() % 60 > 50:  # keep the requests inside one minute window
			time.sleep(61 - time.time() % 60)
		for _i in range(4):
			body = self.good_body(1)
			self.assert_refused(
				body,
				self.headers(body, device=self.limited, secret="guessed"),
				401,
				"bad_signature",
				device=self.limited,
			)
		body = self.good_body(1)
		response = self.post(body, self.headers(body, device=self.limited, secret=self.limited_secret))
		self.assertEqual(response.status_code, 202, response.text)
		writer.drain_once(self.client)

	def test_failed_requests_counted_per_address(self):
		if time.time() % 60 > 50:
			time.sleep(61 - time.time() % 60)
		with iot_setting("failed_requests_per_minute", 3):
			for _i in range(3):
				body = self.good_body(1)
				self.assert_refused(body, self.headers(body, secret="guessed"), 401, "bad_signature")
			body = self.good_body(1)
			answer = self.assert_refused(body, self.headers(body, secret="guessed"), 429, "too_many_failures")
			self.assertEqual(answer["detail"]["limit"], 3)
			self.assertGreater(answer["detail"]["retry_after"], 0)
			# an unknown device from that address is refused the same way
			answer = self.assert_refused(
				body, self.headers(body, device="MOM-NO-SUCH"), 429, "too_many_failures"
			)
			# the address is not locked out for a device that signs its requests
			body = self.good_body(1)
			response = self.post(body, self.headers(body, device=self.limited, secret=self.limited_secret))
			self.assertEqual(response.status_code, 202, response.text)
		writer.drain_once(self.client)

	def test_signature_problems(self):
		body = self.good_body()
		headers = self.headers(body)
		del headers["X-MOM-Signature"]
		self.assert_refused(body, headers, 401, "missing_signature")
		self.assert_refused(body, self.headers(body, secret="not-the-secret"), 401, "bad_signature")
		# a signature over another body
		self.assert_refused(body, self.headers(self.good_body()), 401, "bad_signature")
		headers = self.headers(body)
		del headers["X-MOM-Timestamp"]
		self.assert_refused(body, headers, 401, "missing_timestamp")
		self.assert_refused(body, self.headers(body, ts="yesterday"), 401, "bad_timestamp")

	def test_stale_and_future_timestamps(self):
		body = self.good_body()
		answer = self.assert_refused(
			body, self.headers(body, ts=str(int(time.time()) - 1000)), 401, "stale_timestamp"
		)
		self.assertIn("clock", answer["message"])
		self.assert_refused(
			body, self.headers(body, ts=str(int(time.time()) + 1000)), 401, "future_timestamp"
		)

	def test_bad_bodies(self):
		now = time.time()
		cases = [
			(b'{"message_id": "m1", "readings": [', 400, "malformed_json"),
			(b"[1, 2]", 400, "not_an_object"),
			(batch("m1", []), 400, "no_readings"),
			(batch("m 1", [("temp", now, 1)]), 400, "bad_message_id"),
			(batch("m1", [("colour", now, 1)]), 422, "unknown_key"),
			(batch("m1", [("temp", now, "1.5")]), 422, "non_numeric"),
			(
				b'{"message_id": "m1", "readings": [{"key": "temp", "ts": %d, "value": NaN}]}' % now,
				422,
				"not_finite",
			),
			(batch("m1", [("temp", now, 1e300)]), 422, "value_out_of_range"),
			(batch("m1", [("temp", now - 30 * 86400, 1)]), 422, "too_old"),
			(batch("m1", [("temp", "yesterday", 1)]), 422, "bad_timestamp"),
			(batch("m1", [("temp", now, 1)] * 5001), 422, "too_many_readings"),
		]
		for body, status, reason in cases:
			with self.subTest(reason=reason):
				answer = self.assert_refused(body, self.headers(body), status, reason)
				if reason == "unknown_key":
					self.assertEqual(answer["detail"], {"index": 0, "key": "colour"})

	def test_oversize_payload(self):
		body = b'{"message_id": "big", "readings": []}' + b" " * (1024 * 1024)
		answer = self.assert_refused(body, self.headers(body), 413, "payload_too_large")
		self.assertEqual(answer["detail"]["limit"], 1048576)

	def test_rate_limit(self):
		if time.time() % 60 > 55:  # keep the three requests inside one minute window
			time.sleep(61 - time.time() % 60)
		for _i in range(2):
			body = self.good_body(1)
			response = self.post(body, self.headers(body, device=self.limited, secret=self.limited_secret))
			self.assertEqual(response.status_code, 202, response.text)
		body = self.good_body(1)
		answer = self.assert_refused(
			body,
			self.headers(body, device=self.limited, secret=self.limited_secret),
			429,
			"rate_limited",
			device=self.limited,
		)
		self.assertEqual(answer["detail"]["limit"], 2)

	def test_good_batch_accepted_once_then_stored(self):
		writer.drain_once(self.client)  # start from an empty stream
		message_id = f"gw1-{uuid.uuid4().hex[:8]}"
		now = time.time()
		body = batch(message_id, [("temp", now - 2, 41.25), ("state", now - 1, 1), ("temp", now, True)])
		queued = self.queued()
		response = self.post(body, self.headers(body))
		self.assertEqual(response.status_code, 202, response.text)
		self.assertEqual(response.json(), {"status": "accepted", "accepted": 3})
		self.assertEqual(self.queued(), queued + 3)
		self.assertEqual(self.stored(), 0)  # not yet: the writer stores

		# the same request again (a device retrying after a lost answer): nothing new
		response = self.post(body, self.headers(body))
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json(), {"status": "duplicate", "accepted": 0})
		self.assertEqual(self.queued(), queued + 3)

		self.assertEqual(writer.drain_once(self.client), 3)
		rows = frappe.get_all(
			"IoT Reading", filters={"device": self.device}, fields=["uid", "tag", "value"], order_by="uid"
		)
		self.assertEqual(
			[(r.uid, r.tag, float(r.value)) for r in rows],
			[
				(f"{self.device}:{message_id}:0", "spindle_temp", 41.25),
				(f"{self.device}:{message_id}:1", "state", 1.0),
				(f"{self.device}:{message_id}:2", "spindle_temp", 1.0),
			],
		)
		self.assertEqual(frappe.db.get_value("IoT Device", self.device, "health"), "Online")

	def test_json_content_type_works_too(self):
		body = self.good_body(2)
		response = self.post(body, self.headers(body, **{"Content-Type": "application/json"}))
		self.assertEqual(response.status_code, 202, response.text)


class TestWebhookInProcess(WebhookCase):
	"""handle_request() and ingest() in this process: the body size checks, the failed-request count per
	address, the work done for an unknown device."""

	def request(self, body: bytes, client: str, **override) -> tuple[int, dict]:
		headers = self.headers(body, **override)
		return api.handle_request(
			headers.get("X-MOM-Device"),
			headers.get("X-MOM-Timestamp"),
			headers.get("X-MOM-Signature"),
			body,
			time.time(),
			client=client,
		)

	def test_unknown_device_costs_one_hmac_like_a_known_one(self):
		body = batch("m1", [("temp", time.time(), 1.0)])
		with patch.object(api, "verify", wraps=api.verify) as verify:
			unknown = self.request(body, "198.51.100.7", device="MOM-NO-SUCH", secret="guess")
			known = self.request(body, "198.51.100.7", secret="guess")
		self.assertEqual(unknown, known)
		self.assertEqual(verify.call_count, 2)
		secrets_used = [c.args[0] for c in verify.call_args_list]
		self.assertTrue(all(secrets_used), "an unknown device was not checked against a secret")
		self.assertEqual(secrets_used[0], api.UNKNOWN_DEVICE_SECRET)

	def test_failures_of_one_address_do_not_block_another(self):
		if time.time() % 60 > 55:
			time.sleep(61 - time.time() % 60)
		with iot_setting("failed_requests_per_minute", 2):
			body = batch("m1", [("temp", time.time(), 1.0)])
			statuses = [self.request(body, "192.0.2.10", secret="guess")[0] for _i in range(3)]
			self.assertEqual(statuses, [401, 401, 429])
			self.assertEqual(self.request(body, "192.0.2.11", secret="guess")[0], 401)

	def ingest(self, request) -> tuple[int, dict]:
		saved_request = getattr(frappe.local, "request", None)
		saved_response = frappe.local.response
		frappe.local.request = request
		frappe.local.response = frappe._dict()
		try:
			api.ingest()
			response = dict(frappe.local.response)
		finally:
			frappe.local.response = saved_response
			if saved_request is None:
				del frappe.local.request
			else:
				frappe.local.request = saved_request
		return response.pop("http_status_code"), response

	def test_oversized_body_refused_from_content_length_before_reading(self):
		limit = get_settings().max_payload_bytes
		request = FakeRequest(b"", headers=self.headers(b""), content_length=limit * 10)
		status, answer = self.ingest(request)
		self.assertEqual((status, answer["error"]), (413, "payload_too_large"))
		self.assertEqual(answer["detail"], {"size": limit * 10, "limit": limit})
		self.assertEqual(request.bytes_read, 0)

	def test_body_without_content_length_read_only_to_the_limit(self):
		limit = get_settings().max_payload_bytes
		body = b" " * (limit + 50_000)
		request = FakeRequest(body, headers=self.headers(body), content_length=None)
		status, answer = self.ingest(request)
		self.assertEqual((status, answer["error"]), (413, "payload_too_large"))
		self.assertLessEqual(request.bytes_read, limit + 1)

	def test_good_body_through_ingest(self):
		body = batch(f"in-{uuid.uuid4().hex[:8]}", [("temp", time.time(), 3.5)])
		request = FakeRequest(body, headers=self.headers(body), content_length=len(body))
		status, answer = self.ingest(request)
		self.assertEqual((status, answer), (202, {"status": "accepted", "accepted": 1}))
		writer.drain_once(self.client)
		frappe.db.delete("IoT Reading", {"device": self.device})
		frappe.db.commit()


class FakeRequest:
	"""What ingest() reads of a request: headers, Content-Length, the body stream (bytes read counted)."""

	def __init__(self, body: bytes, headers: dict, content_length: int | None):
		self.headers = headers
		self.content_length = content_length
		self.stream = CountingStream(body)

	@property
	def bytes_read(self) -> int:
		return self.stream.count

	def get_data(self, cache: bool = True, **kwargs) -> bytes:
		return self.stream.read()


class CountingStream(io.BytesIO):
	def __init__(self, data: bytes):
		super().__init__(data)
		self.count = 0

	def read(self, size: int | None = -1) -> bytes:
		data = super().read(size)
		self.count += len(data)
		return data


class iot_setting:
	"""Set one IoT Setting (committed: the web server reads it) and put it back afterwards."""

	def __init__(self, fieldname: str, value):
		self.fieldname, self.value = fieldname, value

	def __enter__(self):
		self.previous = frappe.db.get_single_value("IoT Settings", self.fieldname)
		self.set(self.value)

	def __exit__(self, *exc):
		self.set(self.previous)

	def set(self, value):
		frappe.db.set_single_value("IoT Settings", self.fieldname, value)
		frappe.clear_document_cache("IoT Settings", "IoT Settings")
		frappe.db.commit()


class TestWebhookWithoutRedis(WebhookCase):
	"""handle_request() in this process, with the stream's Redis unreachable."""

	def request(self, body: bytes) -> tuple[int, dict]:
		headers = self.headers(body)
		return api.handle_request(
			headers["X-MOM-Device"], headers["X-MOM-Timestamp"], headers["X-MOM-Signature"], body, time.time()
		)

	def test_stored_directly_when_redis_is_down(self):
		dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
		body = batch(f"down-{uuid.uuid4().hex[:8]}", [("temp", time.time(), 7.5)])
		queued = self.queued()
		with patch.object(writer, "stream_redis", return_value=dead):
			status, answer = self.request(body)
		self.assertEqual((status, answer), (202, {"status": "accepted", "accepted": 1}))
		self.assertEqual(self.queued(), queued)
		self.assertIn(
			7.5,
			[float(v) for v in frappe.get_all("IoT Reading", filters={"device": self.device}, pluck="value")],
		)

	def test_nothing_kept_when_the_direct_store_fails_too(self):
		dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
		message_id = f"fail-{uuid.uuid4().hex[:8]}"
		body = batch(message_id, [("temp", time.time(), 8.5)])
		rows = self.stored()
		with (
			patch.object(writer, "stream_redis", return_value=dead),
			patch("mom_app.iot.storage.store_readings", side_effect=frappe.db.OperationalError(2006, "gone")),
		):
			status, answer = self.request(body)
		self.assertEqual(status, 503)
		self.assertEqual(answer["error"], "unavailable")
		self.assertEqual(self.stored(), rows)
		# the message id was released: the device's retry is accepted
		self.assertFalse(frappe.cache.get(frappe.cache.make_key(replay_key(self.device, message_id))))
		status, answer = self.request(body)
		self.assertEqual((status, answer["status"]), (202, "accepted"))
		writer.drain_once(self.client)

	def test_unexpected_error_is_a_503_not_a_500(self):
		body = batch(f"boom-{uuid.uuid4().hex[:8]}", [("temp", time.time(), 1.0)])
		with patch.object(api, "parse_batch", side_effect=RuntimeError("bug")):
			status, answer = self.request(body)
		self.assertEqual(status, 503)
		self.assertEqual(set(answer), {"error", "message"})
