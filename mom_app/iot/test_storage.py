"""store_readings: raw rows, minute aggregates, machine state, downtime, device health, retention."""

import time
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, now_datetime

from mom_app.iot import storage
from mom_app.iot.storage import store_readings, to_local, to_unix
from mom_app.tests.utils import STATE_MAP, make_iot_device, make_workstation

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
