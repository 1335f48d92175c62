"""store_readings: raw rows, minute aggregates, machine state, downtime, device health, retention; writers
storing overlapping batches at once; the exact rebuild of the minute aggregates."""

import random
import threading
import time
from decimal import Decimal
from unittest.mock import patch

import click.testing
import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, now_datetime

from mom_app.commands import mom_iot_rebuild_aggregates
from mom_app.iot import minute_aggregates, storage
from mom_app.iot.storage import store_readings, to_local, to_unix
from mom_app.tests.utils import STATE_MAP, drop_iot_device, make_iot_device, make_workstation

RUNNING, IDLE, DOWN = 1, 2, 3


def start_of_minute(seconds_ago: float) -> float:
	ts = time.time() - seconds_ago
	return ts - ts % 60


def status_events(realtime_mock) -> list:
	return [c for c in realtime_mock.call_args_list if c.args[0] == "mom_workstation_status"]


class StorageCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.workstation = make_workstation("MOM-T-STORE-WS")
		frappe.db.set_value("Workstation", cls.workstation, "status", "Off")
		cls.device = make_iot_device(
			"MOM-T-STORE",
			tags=[
				{"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP},
				{"tag_key": "temp", "signal_role": "Process Parameter", "unit": "°C"},
				{"tag_key": "good", "signal_role": "Good Count"},
			],
			workstation=cls.workstation,
		).name

	def rows(self, tag: str, points, prefix: str = "m1"):
		return [
			{
				"uid": f"{self.device}:{prefix}:{tag}:{i}",
				"device": self.device,
				"tag": tag,
				"ts": ts,
				"value": v,
			}
			for i, (ts, v) in enumerate(points)
		]

	def aggregates(self, since: float = 0, until: float = 4e9):
		return frappe.get_all(
			"IoT Minute Aggregate",
			filters={"device": self.device, "minute": ("between", (to_local(since), to_local(until)))},
			fields=["tag", "minute", "sample_count", "minimum", "maximum", "total", "last_value", "last_ts"],
			order_by="tag, minute",
		)


# decimals as text: Frappe returns decimal columns as floats, and these comparisons are exact
AGGREGATES = """select tag, minute, sample_count, cast(minimum as char), cast(maximum as char),
	cast(total as char), cast(last_value as char), last_ts
from `tabIoT Minute Aggregate` where device = %s order by tag, minute"""
# every minute of a device recomputed from its raw readings, independently of the code under test
EXACT = """select r.tag, r.ts - interval second(r.ts) second - interval microsecond(r.ts) microsecond as minute,
	count(*), cast(min(r.value) as char), cast(max(r.value) as char), cast(sum(r.value) as char),
	cast(cast(group_concat(r.value order by r.ts desc, r.value desc limit 1) as decimal(36, 9)) as char),
	max(r.ts)
from `tabIoT Reading` r where r.device = %s group by r.tag, minute order by r.tag, minute"""


def stored_aggregates(device: str) -> list[tuple]:
	return [tuple(row) for row in frappe.db.sql(AGGREGATES, device)]


def exact_aggregates(device: str) -> list[tuple]:
	return [tuple(row) for row in frappe.db.sql(EXACT, device)]


def in_threads(*calls, timeout: float = 60) -> list:
	"""Run each call in a thread with its own database connection; their results (or the exception each
	raised), in order. A call that returns is committed, one that raises is rolled back."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	results: list = [None] * len(calls)

	def run(i, call):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			results[i] = call()
			frappe.db.commit()
		except Exception as e:
			frappe.db.rollback()
			results[i] = e
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout)
	return results


class TestReadingsAndAggregates(StorageCase):
	def test_rows_and_minute_aggregates(self):
		t0 = start_of_minute(3600)
		rows = self.rows("temp", [(t0 + 5, 20.5), (t0 + 50, 22.0), (t0 + 30, 19.25), (t0 + 65, 30.0)])
		counts = store_readings(rows)
		self.assertEqual(counts["inserted"], 4)
		self.assertEqual(counts["duplicates"], 0)
		stored = frappe.get_all(
			"IoT Reading",
			filters={"uid": ("like", f"{self.device}:m1:%")},
			fields=["ts", "value"],
			order_by="ts",
		)
		self.assertEqual([float(r.value) for r in stored], [20.5, 19.25, 22.0, 30.0])
		self.assertAlmostEqual(to_unix(stored[0].ts), t0 + 5, places=5)

		first, second = self.aggregates(t0, t0 + 60)
		self.assertEqual(get_datetime(first.minute), to_local(t0))
		self.assertEqual(first.sample_count, 3)
		self.assertEqual((float(first.minimum), float(first.maximum)), (19.25, 22.0))
		self.assertAlmostEqual(float(first.total), 61.75)
		self.assertEqual(float(first.last_value), 22.0)  # latest by time, not by arrival
		self.assertAlmostEqual(to_unix(first.last_ts), t0 + 50, places=5)
		self.assertEqual(second.sample_count, 1)
		self.assertEqual(get_datetime(second.minute), to_local(t0 + 60))

	def test_same_rows_twice_store_nothing_new(self):
		t0 = start_of_minute(7200)
		rows = self.rows("temp", [(t0 + i, float(i)) for i in range(10)], prefix="dup")
		store_readings(rows)
		before_rows = frappe.db.count("IoT Reading", {"device": self.device})
		before_aggs = self.aggregates(t0, t0 + 60)
		counts = store_readings(rows + rows[:3])  # a redelivery, with repeats inside the batch too
		self.assertEqual(counts["inserted"], 0)
		self.assertEqual(counts["duplicates"], 13)
		self.assertEqual(frappe.db.count("IoT Reading", {"device": self.device}), before_rows)
		self.assertEqual(self.aggregates(t0, t0 + 60), before_aggs)

	def test_late_reading_updates_its_minute(self):
		t0 = start_of_minute(10800)
		store_readings(self.rows("temp", [(t0 + 1, 1.0), (t0 + 2, 2.0)], prefix="late-a"))
		store_readings(self.rows("temp", [(t0 + 59, 9.0), (t0 + 1.5, -4.0)], prefix="late-b"))
		(agg,) = self.aggregates(t0, t0)
		self.assertEqual(agg.sample_count, 4)
		self.assertEqual((float(agg.minimum), float(agg.maximum), float(agg.last_value)), (-4.0, 9.0, 9.0))

	def test_batches_merge_into_their_minutes_as_a_recompute_would(self):
		t0 = start_of_minute(4 * 3600)
		store_readings(self.rows("temp", [(t0 + 10, 5.5), (t0 + 70, 1.0)], prefix="inc-a"))
		store_readings(self.rows("temp", [(t0 + 5, -2.5), (t0 + 20, 7.25), (t0 + 119, 3.0)], prefix="inc-b"))
		store_readings(self.rows("good", [(t0 + 30, 100.0)], prefix="inc-c"))
		merged = [agg for agg in stored_aggregates(self.device) if t0 <= to_unix(agg[1]) < t0 + 120]
		self.assertEqual(
			[agg[:3] for agg in merged],
			[("good", to_local(t0), 1), ("temp", to_local(t0), 3), ("temp", to_local(t0 + 60), 2)],
		)
		self.assertEqual(
			[Decimal(v) for v in merged[1][3:7]],
			[Decimal("-2.5"), Decimal("7.25"), Decimal("10.25"), Decimal("7.25")],
		)
		self.assertEqual(
			[Decimal(v) for v in merged[2][3:7]], [Decimal(1), Decimal(3), Decimal(4), Decimal(3)]
		)
		exact = [agg for agg in exact_aggregates(self.device) if t0 <= to_unix(agg[1]) < t0 + 120]
		self.assertEqual(merged, exact)

	def test_a_tie_on_the_time_keeps_the_greater_value_whatever_the_order(self):
		"""Two readings of one series at the same instant: the greater value is the minute's last, in
		whichever order (or by whichever writer) they are stored; the rebuild agrees."""
		t0 = start_of_minute(5 * 3600)
		store_readings(self.rows("temp", [(t0 + 30, 8.0)], prefix="tie-a"))
		store_readings(self.rows("temp", [(t0 + 30, 3.0)], prefix="tie-b"))
		store_readings(self.rows("temp", [(t0 + 90, 1.0)], prefix="tie-c"))
		store_readings(self.rows("temp", [(t0 + 90, 6.0)], prefix="tie-d"))
		first, second = self.aggregates(t0, t0 + 60)
		self.assertEqual(float(first.last_value), 8.0)
		self.assertEqual(float(second.last_value), 6.0)
		self.assertEqual(stored_aggregates(self.device), exact_aggregates(self.device))

	def test_values_are_stored_and_summed_exactly(self):
		"""Values are stored as decimal(36,9) and the aggregates add those decimals: no float rounding, even
		where a float sum would lose digits."""
		t0 = start_of_minute(6 * 3600)
		values = [0.1, 0.2, 0.3, 0.1234567895, -0.1234567894, 1e-7, 1234567890123.4568, 3.3333333333]
		store_readings(self.rows("temp", [(t0 + i, v) for i, v in enumerate(values)], prefix="exact"))
		stored = frappe.db.sql(
			"select cast(value as char) from `tabIoT Reading` where uid like %s order by ts",
			f"{self.device}:exact:%",
			pluck=True,
		)
		self.assertEqual(
			[Decimal(v) for v in stored],
			[
				Decimal("0.1"),
				Decimal("0.2"),
				Decimal("0.3"),
				Decimal("0.123456790"),  # rounded half up to 9 places, as MariaDB rounds
				Decimal("-0.123456789"),
				Decimal("0.0000001"),
				Decimal("1234567890123.4568"),
				Decimal("3.333333333"),
			],
		)
		(agg,) = [a for a in stored_aggregates(self.device) if a[1] == to_local(t0)]
		self.assertEqual(Decimal(agg[5]), Decimal("1234567890127.390133434"))  # the float sum: ...127.3901
		self.assertIn(agg, exact_aggregates(self.device))

	def test_one_value_check_for_every_source(self):
		t0 = start_of_minute(900)
		rows = [
			{"uid": "v1", "device": self.device, "tag": "temp", "ts": t0, "value": True},
			{"uid": "v2", "device": self.device, "tag": "temp", "ts": t0, "value": -9.9e25},
			{"uid": "v3", "device": self.device, "tag": "temp", "ts": t0, "value": 1e26},
			{"uid": "v4", "device": self.device, "tag": "temp", "ts": t0, "value": "1.5"},
			{"uid": "v5", "device": self.device, "tag": "temp", "ts": t0, "value": None},
		]
		counts = store_readings(rows)
		self.assertEqual((counts["inserted"], counts["rejected"]), (2, 3))
		values = frappe.get_all("IoT Reading", filters={"uid": ("in", ["v1", "v2"])}, pluck="value")
		self.assertEqual(sorted(float(v) for v in values), [-9.9e25, 1.0])

	def test_malformed_rows_are_dropped_not_fatal(self):
		t0 = start_of_minute(600)
		good = self.rows("temp", [(t0, 1.0)], prefix="bad")
		bad = [
			{"uid": "x1", "device": "MOM-NO-SUCH-DEVICE", "tag": "temp", "ts": t0, "value": 1.0},
			{"uid": "x2", "device": self.device, "tag": "temp", "ts": t0, "value": float("nan")},
			{"uid": "x3", "device": self.device, "tag": "temp", "ts": t0, "value": 1e30},
			{"uid": "x4", "device": self.device, "tag": "temp", "ts": "soon", "value": 1.0},
			{"uid": "x5", "device": self.device, "tag": "temp"},
			"not a row",
		]
		counts = store_readings(good + bad)
		self.assertEqual((counts["inserted"], counts["rejected"]), (1, 6))

	def test_device_seen(self):
		ts = time.time() - 5
		frappe.db.set_value("IoT Device", self.device, {"health": "Offline", "last_seen": None})
		store_readings(self.rows("temp", [(ts, 1.0)], prefix="seen"))
		health, last_seen = frappe.db.get_value("IoT Device", self.device, ["health", "last_seen"])
		self.assertEqual(health, "Online")
		self.assertLess(abs((get_datetime(last_seen) - to_local(ts)).total_seconds()), 1)

	def test_retention_keeps_aggregates(self):
		old = time.time() - 40 * 86400
		store_readings(self.rows("temp", [(old, 5.0), (old + 1, 6.0)], prefix="old"))
		store_readings(self.rows("temp", [(time.time() - 60, 7.0)], prefix="new"))
		aggregates = len(self.aggregates())
		self.assertGreaterEqual(storage.purge_old_readings(chunk=1, commit=False), 2)
		values = frappe.get_all("IoT Reading", filters={"device": self.device}, pluck="value")
		self.assertNotIn(5.0, [float(v) for v in values])
		self.assertIn(7.0, [float(v) for v in values])
		self.assertEqual(len(self.aggregates()), aggregates)
		self.assertFalse(
			frappe.db.count("IoT Reading", {"ts": ("<", add_days(now_datetime(), -30))}),
		)

	def test_rebuild_repairs_aggregates_and_keeps_those_without_readings(self):
		recent = start_of_minute(2 * 3600)
		store_readings(
			self.rows("temp", [(recent + 1, 2.0), (recent + 2, 4.0), (recent + 61, 9.0)], prefix="rb")
		)
		old = start_of_minute(40 * 86400)  # older than the raw readings kept (30 days)
		store_readings(self.rows("temp", [(old + 1, 5.0), (old + 2, 6.0)], prefix="rb-old"))
		storage.purge_old_readings(commit=False)
		good = stored_aggregates(self.device)
		old_minute = [a for a in good if a[1] == to_local(old)]
		self.assertEqual([a[2] for a in old_minute], [2])  # kept, its readings are gone

		frappe.db.sql(
			"""update `tabIoT Minute Aggregate` set sample_count = 99, total = 0, minimum = 1000,
			last_value = -1 where device = %s and minute = %s""",
			(self.device, to_local(recent)),
		)
		frappe.db.delete("IoT Minute Aggregate", {"device": self.device, "minute": to_local(recent + 60)})
		self.assertNotEqual(stored_aggregates(self.device), good)

		counts = minute_aggregates.rebuild(device=self.device, start=to_local(old - 3600), commit=False)
		self.assertEqual(stored_aggregates(self.device), good)
		self.assertGreaterEqual(counts["minutes"], 2)
		self.assertGreater(counts["start"], to_local(old))  # never before the readings kept
		self.assertEqual(old_minute, [a for a in stored_aggregates(self.device) if a[1] == to_local(old)])

	def test_rebuild_window_is_whole_minutes_within_the_readings_kept(self):
		start, end = minute_aggregates.rebuild_window("2000-01-01 08:00:30", "2999-01-01 08:00:30")
		self.assertEqual((start.second, start.microsecond, end.second, end.microsecond), (0, 0, 0, 0))
		self.assertGreater(start, add_days(now_datetime(), -31))
		self.assertEqual(end, get_datetime("2999-01-01 08:01:00"))
		start, _end = minute_aggregates.rebuild_window(add_days(now_datetime(), -1).replace(second=30))
		self.assertEqual(start, add_days(now_datetime(), -1).replace(second=0, microsecond=0))


class TestWritersAtOnce(FrappeTestCase):
	"""Several writers store overlapping batches at once (a writer that took over the stream entries of
	one it thought dead, the webhook's fallback beside the writer): each reading is stored once and counted
	once in its minute aggregate. Each writer commits, so the device and its rows are committed too."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.device = make_iot_device(
			"MOM-T-WRITERS",
			tags=[
				{"tag_key": "temp", "signal_role": "Process Parameter"},
				{"tag_key": "rpm", "signal_role": "Process Parameter"},
			],
		).name
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		drop_iot_device(cls.device)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		for doctype in ("IoT Reading", "IoT Minute Aggregate"):
			frappe.db.delete(doctype, {"device": self.device})
		frappe.db.commit()

	def reading(self, i: int, t0: float) -> dict:
		"""Reading i of a pool: the same uid always carries the same content; times repeat (ties)."""
		return {
			"uid": f"{self.device}:pool:{i:05d}",
			"device": self.device,
			"tag": ("temp", "rpm")[i % 2],
			"ts": t0 + (i * 7) % 170,
			"value": (i * 7919) % 101 / 4,
		}

	def test_overlapping_batches_at_once_are_counted_once(self):
		"""Writer B sees none of A's rows when it checks (A has not committed), then its INSERT waits for
		A's; A commits. B must store and count only the rows A did not store."""
		t0 = start_of_minute(3 * 3600)
		batch_a = [self.reading(i, t0) for i in range(0, 300)]
		batch_b = [self.reading(i, t0) for i in range(150, 450)]
		a_stored, b_started = threading.Event(), threading.Event()

		def writer_a():
			counts = store_readings(batch_a)
			a_stored.set()
			b_started.wait(10)
			deadline = time.monotonic() + 10  # until B's INSERT runs (it waits for this transaction's rows)
			while (
				time.monotonic() < deadline
				and not frappe.db.sql(
					"""select count(*) from information_schema.processlist
				where id != connection_id() and info like %s""",
					"insert ignore into `tabIoT Reading`%",
				)[0][0]
			):
				time.sleep(0.01)
			time.sleep(0.3)
			return counts

		def writer_b():
			a_stored.wait(10)
			b_started.set()
			return store_readings(batch_b)

		a, b = in_threads(writer_a, writer_b)
		self.assertIsInstance(a, dict, a)
		self.assertIsInstance(b, dict, b)
		self.assertEqual((a["inserted"], a["duplicates"]), (300, 0))
		self.assertEqual((b["inserted"], b["duplicates"]), (150, 150))
		frappe.db.rollback()  # a new snapshot: see what the writers committed
		self.assertEqual(frappe.db.count("IoT Reading", {"device": self.device}), 450)
		aggregates = stored_aggregates(self.device)
		self.assertEqual(sum(a[2] for a in aggregates), 450)
		self.assertEqual(aggregates, exact_aggregates(self.device))

	def test_two_writers_storing_overlapping_batches_agree_with_an_exact_recompute(self):
		t0 = start_of_minute(2 * 3600)
		pool = 1200
		deadlocks = []

		def writer(seed):
			def run():
				rnd = random.Random(seed)
				inserted = 0
				for _batch in range(12):
					# in pool order, as writers get stream entries in the stream's order
					rows = [self.reading(i, t0) for i in sorted(rnd.sample(range(pool), 200))]
					for _attempt in range(10):  # as the stream writer does: roll back, deliver again
						try:
							inserted += store_readings(rows)["inserted"]
							frappe.db.commit()
							break
						except frappe.QueryDeadlockError:
							frappe.db.rollback()
							deadlocks.append(seed)
				return inserted

			return run

		first, second = in_threads(writer(1), writer(2))
		self.assertIsInstance(first, int, first)
		self.assertIsInstance(second, int, second)
		frappe.db.rollback()
		stored = frappe.db.count("IoT Reading", {"device": self.device})
		self.assertEqual(first + second, stored)
		aggregates = stored_aggregates(self.device)
		self.assertEqual(sum(a[2] for a in aggregates), stored)
		self.assertEqual(aggregates, exact_aggregates(self.device))

	def test_rebuild_command(self):
		t0 = start_of_minute(3600)
		store_readings([self.reading(i, t0) for i in range(40)])
		frappe.db.commit()
		good = stored_aggregates(self.device)
		frappe.db.sql(
			"update `tabIoT Minute Aggregate` set sample_count = 0, maximum = -5 where device = %s",
			self.device,
		)
		frappe.db.commit()
		outcomes = []

		def run_command():  # in a thread: the command connects, commits and disconnects on its own
			outcomes.append(
				click.testing.CliRunner().invoke(
					mom_iot_rebuild_aggregates,
					["--device", self.device],
					obj={"sites": [site], "profile": False},
				)
			)

		site = frappe.local.site
		thread = threading.Thread(target=run_command)
		thread.start()
		thread.join(60)
		(outcome,) = outcomes
		self.assertEqual(outcome.exit_code, 0, outcome.output)
		self.assertIn("2 series", outcome.output)
		frappe.db.rollback()
		self.assertEqual(stored_aggregates(self.device), good)


class TestMachineState(StorageCase):
	def logs(self):
		return frappe.get_all(
			"Machine State Log",
			filters={"workstation": self.workstation},
			fields=[
				"name",
				"state",
				"start",
				"end",
				"duration",
				"micro_stop",
				"downtime_entry",
				"source",
				"device",
			],
			order_by="start",
		)

	def test_intervals_micro_stop_and_downtime_entry(self):
		t0 = start_of_minute(5 * 3600)
		points = [
			(t0, RUNNING),
			(t0 + 10, RUNNING),  # same state: extends
			(t0 + 30, DOWN),  # 30 s stop: micro stop
			(t0 + 60, RUNNING),
			(t0 + 100, IDLE),  # 600 s idle: downtime
			(t0 + 700, RUNNING),
			(t0 + 720, 99),  # not in the state map: ignored
		]
		with patch("frappe.publish_realtime") as realtime:
			counts = store_readings(self.rows("state", points, prefix="ms"))
		self.assertEqual(counts["intervals_closed"], 4)
		self.assertEqual(counts["downtime_entries"], 1)
		logs = self.logs()
		self.assertEqual([log.state for log in logs], ["Running", "Down", "Running", "Idle", "Running"])
		self.assertEqual([log.micro_stop for log in logs], [0, 1, 0, 0, 0])
		self.assertEqual([log.duration for log in logs[:4]], [30, 30, 40, 600])
		self.assertIsNone(logs[-1].end)  # still running
		self.assertEqual({log.source for log in logs}, {"IoT"})
		self.assertEqual({log.device for log in logs}, {self.device})

		entry = frappe.get_doc("Downtime Entry", logs[3].downtime_entry)
		self.assertEqual(entry.mom_source, "Automatic")
		self.assertEqual(entry.workstation, self.workstation)
		self.assertEqual(str(entry.mom_machine_state_log), str(logs[3].name))
		self.assertEqual(get_datetime(entry.from_time), to_local(t0 + 100))
		self.assertEqual(get_datetime(entry.to_time), to_local(t0 + 700))
		self.assertAlmostEqual(entry.downtime, 10, places=3)
		self.assertFalse(entry.operator or entry.stop_reason)
		# listed and filterable by source, as the desk list shows it
		listed = frappe.get_list(
			"Downtime Entry",
			filters={"mom_source": "Automatic", "workstation": self.workstation},
			pluck="name",
		)
		self.assertEqual(listed, [entry.name])

		self.assertEqual(frappe.db.get_value("Workstation", self.workstation, "status"), "Production")
		(event,) = status_events(realtime)
		self.assertEqual(event.kwargs["doctype"], "Workstation")
		self.assertEqual(event.kwargs["docname"], self.workstation)
		self.assertEqual(event.args[1]["status"], "Production")

		# the same batch again: nothing changes
		with patch("frappe.publish_realtime") as realtime:
			again = store_readings(self.rows("state", points, prefix="ms"))
		self.assertEqual((again["inserted"], again["intervals_closed"], again["downtime_entries"]), (0, 0, 0))
		self.assertEqual(self.logs(), logs)
		self.assertEqual(status_events(realtime), [])

		# the next batch continues the open interval: Down for good
		with patch("frappe.publish_realtime") as realtime:
			store_readings(self.rows("state", [(t0 + 800, DOWN)], prefix="ms2"))
		logs = self.logs()
		self.assertEqual(logs[-2].state, "Running")
		self.assertEqual(logs[-2].duration, 100)
		self.assertEqual((logs[-1].state, logs[-1].end), ("Down", None))
		self.assertEqual(frappe.db.get_value("Workstation", self.workstation, "status"), "Problem")
		self.assertEqual(len(status_events(realtime)), 1)

		# a late sample from before the open interval is ignored
		store_readings(self.rows("state", [(t0 + 750, IDLE)], prefix="ms3"))
		self.assertEqual(self.logs(), logs)

	def test_states_from_good_count_without_state_tag(self):
		workstation = make_workstation("MOM-T-STORE-WS2")
		device = make_iot_device(
			"MOM-T-COUNTER", tags=[{"tag_key": "good", "signal_role": "Good Count"}], workstation=workstation
		).name
		t0 = start_of_minute(4 * 3600)
		# counts rise every 10 s, stop for 10 minutes, rise again
		points = [(t0 + 10 * i, float(i)) for i in range(6)] + [(t0 + 650, 6.0), (t0 + 660, 7.0)]
		rows = [
			{"uid": f"{device}:c:{i}", "device": device, "tag": "good", "ts": ts, "value": v}
			for i, (ts, v) in enumerate(points)
		]
		store_readings(rows[:3])
		counts = store_readings(rows[3:])  # a later batch starts from the last stored count
		self.assertEqual(counts["downtime_entries"], 1)
		logs = frappe.get_all(
			"Machine State Log",
			filters={"workstation": workstation},
			fields=["state", "start", "end"],
			order_by="start",
		)
		self.assertEqual([log.state for log in logs], ["Running", "Idle", "Running"])
		# idle from 60 s after the last increase (t0+50) until the next increase
		self.assertEqual(get_datetime(logs[1].start), to_local(t0 + 110))
		self.assertEqual(get_datetime(logs[1].end), to_local(t0 + 650))
		self.assertEqual(frappe.db.get_value("Workstation", workstation, "status"), "Production")
