"""The readings stream (real Redis: the bench's redis_queue) and the writer that drains it into MariaDB."""

import time
import uuid
from unittest.mock import patch

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase

from mom_app.iot import stream, writer
from mom_app.iot.clock import to_local
from mom_app.tests.utils import drop_iot_device, make_iot_device


def row(device: str, uid: str, ts: float, value: float, tag: str = "temp") -> dict:
	return {"uid": uid, "device": device, "tag": tag, "ts": ts, "value": value}


class TestStream(FrappeTestCase):
	"""stream.py on a key of its own."""

	def setUp(self):
		self.client = writer.stream_redis()
		self.key = f"mom:iot:test-{uuid.uuid4().hex}:readings"
		stream.ensure_group(self.client, self.key)

	def tearDown(self):
		self.client.delete(self.key)

	def test_key(self):
		self.assertEqual(stream.stream_key("site1.local"), "mom:iot:site1.local:readings")

	def test_append_read_ack(self):
		rows = [row("D1", f"D1:m:{i}", 1700000000.25 + i, i * 1.5) for i in range(5)]
		ids = stream.append(self.client, self.key, rows)
		self.assertEqual(len(ids), 5)
		stream.ensure_group(self.client, self.key)  # a second call is harmless
		entries = stream.read_batch(self.client, self.key, "c1", 3, 0)
		self.assertEqual([entry_id for entry_id, _fields in entries], ids[:3])
		self.assertEqual(
			entries[0][1],
			{"uid": "D1:m:0", "device": "D1", "tag": "temp", "ts": "1700000000.25", "value": "0.0"},
		)
		decoded, bad = stream.rows_of(entries)
		self.assertEqual((decoded, bad), (rows[:3], []))

		# not acknowledged: the same consumer gets them again first, then the rest
		again = stream.read_batch(self.client, self.key, "c1", 10, 0)
		self.assertEqual([entry_id for entry_id, _fields in again], ids)
		self.assertEqual(stream.pending_count(self.client, self.key), 5)
		self.assertEqual(stream.ack(self.client, self.key, ids), 5)
		self.assertEqual(stream.pending_count(self.client, self.key), 0)
		self.assertEqual(self.client.xlen(self.key), 0)  # acknowledged entries are deleted
		self.assertEqual(stream.read_batch(self.client, self.key, "c1", 10, 0), [])

	def test_append_is_all_or_nothing(self):
		rows = [row("D1", "a", 1.0, 1.0), {"uid": "b", "device": "D1"}]
		self.assertRaises(KeyError, stream.append, self.client, self.key, rows)
		self.assertEqual(self.client.xlen(self.key), 0)

	def test_stale_entries_of_a_dead_consumer_are_claimed(self):
		ids = stream.append(self.client, self.key, [row("D1", "x", 1.0, 2.0)])
		stream.read_batch(self.client, self.key, "dead", 10, 0)
		self.assertEqual(stream.claim_stale(self.client, self.key, "alive", 60_000, 10), 0)
		time.sleep(0.05)
		self.assertEqual(stream.claim_stale(self.client, self.key, "alive", 10, 10), 1)
		self.assertEqual([e for e, _f in stream.read_batch(self.client, self.key, "alive", 10, 0)], ids)

	def test_malformed_entries_are_reported(self):
		self.client.xadd(self.key, {"uid": "u", "device": "D1", "tag": "t", "ts": "soon", "value": "1"})
		entries = stream.read_batch(self.client, self.key, "c1", 10, 0)
		rows, bad = stream.rows_of(entries)
		self.assertEqual((rows, bad), ([], [entries[0][0]]))

	def test_blocking_read_waits_only_when_idle(self):
		started = time.monotonic()
		self.assertEqual(stream.read_batch(self.client, self.key, "c1", 10, 200), [])
		self.assertGreaterEqual(time.monotonic() - started, 0.15)


class TestWriter(FrappeTestCase):
	"""drain_once on the site's stream: acknowledge only after the commit."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.device = make_iot_device(
			"MOM-T-WRITER", tags=[{"tag_key": "temp", "signal_role": "Process Parameter"}]
		).name
		frappe.db.commit()
		cls.client = writer.stream_redis()
		cls.key = writer.site_stream_key()
		stream.ensure_group(cls.client, cls.key)
		writer.drain_once(cls.client)  # whatever earlier runs left

	@classmethod
	def tearDownClass(cls):
		drop_iot_device(cls.device)
		frappe.db.commit()
		super().tearDownClass()

	def stored(self, prefix: str) -> int:
		return frappe.db.count("IoT Reading", {"uid": ("like", f"{prefix}%")})

	def test_drain_stores_then_acknowledges(self):
		prefix = f"{self.device}:{uuid.uuid4().hex[:8]}:"
		now = time.time()
		stream.append(self.client, self.key, [row(self.device, f"{prefix}{i}", now - i, i) for i in range(7)])
		with patch.object(writer, "BACKLOG_BATCH", 5):
			self.assertEqual(writer.drain_once(self.client, batch_size=5, consumer="t-writer"), 5)
			self.assertEqual(self.stored(prefix), 5)
			self.assertEqual(writer.drain_once(self.client, batch_size=5, consumer="t-writer"), 2)
		self.assertEqual(self.stored(prefix), 7)
		self.assertEqual(writer.drain_once(self.client, consumer="t-writer"), 0)
		self.assertEqual(stream.pending_count(self.client, self.key), 0)

	def test_failed_store_is_rolled_back_and_redelivered(self):
		prefix = f"{self.device}:{uuid.uuid4().hex[:8]}:"
		stream.append(
			self.client, self.key, [row(self.device, f"{prefix}{i}", time.time(), i) for i in range(3)]
		)

		def half_then_fail(rows):
			frappe.db.sql(
				"insert into `tabIoT Reading` (name, uid, device) values (nextval(`iot_reading_id_seq`), %s, %s)",
				(f"{prefix}partial", self.device),
			)
			raise frappe.db.OperationalError(2013, "Lost connection to MySQL server during query")

		with patch.object(writer, "store_readings", half_then_fail), self.assertRaises(Exception):
			writer.drain_once(self.client, consumer="t-writer-2")
		self.assertEqual(self.stored(prefix), 0)  # rolled back, partial row included
		self.assertEqual(stream.pending_count(self.client, self.key), 3)

		# a commit that fails must not acknowledge either
		with (
			patch.object(frappe.db, "commit", side_effect=pymysql.err.InterfaceError("gone")),
			self.assertRaises(Exception),
		):
			writer.drain_once(self.client, consumer="t-writer-2")
		frappe.db.rollback()
		self.assertEqual(stream.pending_count(self.client, self.key), 3)

		self.assertEqual(writer.drain_once(self.client, consumer="t-writer-2"), 3)
		self.assertEqual(self.stored(prefix), 3)
		self.assertEqual(stream.pending_count(self.client, self.key), 0)

	def test_a_backlog_is_stored_in_larger_transactions(self):
		"""When the stream holds more than a batch, the batch is topped up to BACKLOG_BATCH entries (each
		transaction updates a touched series' minute aggregate once); a short stream keeps its batches."""
		prefix = f"{self.device}:{uuid.uuid4().hex[:8]}:"
		now = time.time()
		stream.append(
			self.client, self.key, [row(self.device, f"{prefix}{i}", now - i, i) for i in range(30)]
		)
		with patch.object(writer, "BACKLOG_BATCH", 12):
			done = [writer.drain_once(self.client, batch_size=5, consumer="t-writer-3") for _i in range(4)]
		self.assertEqual(done, [12, 12, 6, 0])
		self.assertEqual(self.stored(prefix), 30)
		self.assertEqual(stream.pending_count(self.client, self.key), 0)

	def test_entries_taken_over_from_a_live_writer_are_stored_once(self):
		"""A writer whose entries were claimed by another (it was slow, not dead) stores them too: the
		second store finds every uid stored and counts nothing again."""
		prefix = f"{self.device}:{uuid.uuid4().hex[:8]}:"
		t0 = time.time() - 5 * 3600
		t0 -= t0 % 60  # six readings in one minute no other test uses
		stream.append(self.client, self.key, [row(self.device, f"{prefix}{i}", t0 + i, i) for i in range(6)])
		slow = stream.read_batch(self.client, self.key, "t-slow", 10, 0)
		with patch.object(writer, "STALE_PENDING_MS", 0):
			self.assertEqual(writer.drain_once(self.client, consumer="t-fast"), 6)
		rows, _bad = stream.rows_of(slow)
		counts = writer.store_readings(rows)
		frappe.db.commit()
		self.assertEqual((counts["inserted"], counts["duplicates"]), (0, 6))
		self.assertEqual(self.stored(prefix), 6)
		count = frappe.db.sql(
			"""select sum(sample_count) from `tabIoT Minute Aggregate`
			where device = %s and minute = %s""",
			(self.device, to_local(t0)),
		)[0][0]
		self.assertEqual(count, 6)

	def test_scheduled_drain(self):
		prefix = f"{self.device}:{uuid.uuid4().hex[:8]}:"
		stream.append(
			self.client, self.key, [row(self.device, f"{prefix}{i}", time.time(), i) for i in range(4)]
		)
		self.assertEqual(writer.drain(max_seconds=10), 4)
		self.assertEqual(self.stored(prefix), 4)
		self.assertIn(
			"mom_app.iot.writer.drain",
			frappe.get_all("Scheduled Job Type", filters={"cron_format": "* * * * *"}, pluck="method"),
		)
