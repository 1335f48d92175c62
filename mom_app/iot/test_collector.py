"""Tier 2: simulator -> collector -> Redis Stream -> writer -> MariaDB, on a real site, including outages.

    bench --site <test site> run-tests --module mom_app.iot.test_collector

Every test uses a PRIVATE redis-server on a free port (site config `mom_iot_redis`, removed afterwards) and
simulator servers on free ports of 127.0.0.1. The database outage is a TCP proxy in front of the site's
MariaDB that only the writer goes through; the bench's MariaDB and Redis are never touched.

The collector and the writer commit from their own connections, so these tests commit their setup and
clean up after themselves (devices, workstations, readings, state logs, downtime entries, settings).
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import frappe
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase

from mom_app.engine import backoff
from mom_app.iot.collector import Collector, in_shard, parse_shard
from mom_app.iot.sim.machine import ASSEMBLY as ASSEMBLY_PROFILE
from mom_app.iot.sim.machine import DOWN, LATHE, SIGNALS, Machine, fast
from mom_app.iot.sim.servers import ModbusSimServer, OpcUaSimServer, SimModbusMachine, free_port
from mom_app.iot.simulator import opcua_endpoint, tag_rows
from mom_app.iot.storage import to_unix
from mom_app.iot.testing import LoopThread, RedisServer, SimulatorThread, TcpProxy

WS_CNC, WS_ASM = "_Test IoT CNC", "_Test IoT ASM"
DEV_CNC, DEV_ASM = "T-IOT-CNC", "T-IOT-ASM"
SETTINGS = {"downtime_minutes": 1, "micro_stop_seconds": 10}


def wait_until(predicate, timeout: float, interval: float = 0.5, what: str = "condition"):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		frappe.db.rollback()  # a fresh snapshot: see what the collector's connections committed
		result = predicate()
		if result:
			return result
		time.sleep(interval)
	raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def ensure_workstation(name: str):
	if not frappe.db.exists("Workstation", name):
		frappe.get_doc({"doctype": "Workstation", "workstation_name": name}).insert(ignore_permissions=True)


def make_device(name, workstation, protocol, **values):
	if frappe.db.exists("IoT Device", name):
		frappe.delete_doc("IoT Device", name, force=True, ignore_permissions=True)
	tags = tag_rows("CNC-01" if protocol == "Modbus TCP" else "ASM-01")
	word_order = values.pop("word_order_override", None)
	for tag in tags:
		if protocol == "Modbus TCP" and word_order:
			tag["word_order"] = word_order
	doc = frappe.get_doc(
		{
			"doctype": "IoT Device",
			"device_name": name,
			"protocol": protocol,
			"workstation": workstation,
			"enabled": 1,
			"poll_interval_ms": 200,
			"tags": tags,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def cleanup_data(devices, workstations):
	for workstation in workstations:
		for log in frappe.get_all("Machine State Log", filters={"workstation": workstation}, pluck="name"):
			frappe.db.delete("Machine State Log", {"name": log})
		for entry in frappe.get_all("Downtime Entry", filters={"workstation": workstation}, pluck="name"):
			frappe.db.delete("Downtime Entry", {"name": entry})
	for device in devices:
		frappe.db.delete("IoT Reading", {"device": device})
		frappe.db.delete("IoT Minute Aggregate", {"device": device})
		if frappe.db.exists("IoT Device", device):
			frappe.delete_doc("IoT Device", device, force=True, ignore_permissions=True)
	for workstation in workstations:
		if frappe.db.exists("Workstation", workstation):
			frappe.delete_doc("Workstation", workstation, force=True, ignore_permissions=True)
	frappe.db.commit()


def stored_rows(device: str, boot_id: str | None = None) -> list[dict]:
	filters = {"device": device}
	if boot_id:
		filters["uid"] = ("like", f"{device}:{boot_id}:%")
	return frappe.get_all(
		"IoT Reading", filters=filters, fields=["name", "uid", "tag", "ts", "value"], order_by="name asc"
	)


class CollectorCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for noisy in ("pymodbus", "asyncua"):
			logging.getLogger(noisy).setLevel(logging.CRITICAL)
		cls.sites_path = os.path.abspath(frappe.local.sites_path)
		cls.site = frappe.local.site
		cls.settings_before = {f: frappe.db.get_single_value("IoT Settings", f) for f in SETTINGS}
		for field, value in SETTINGS.items():
			frappe.db.set_single_value("IoT Settings", field, value)
		cleanup_data([DEV_CNC, DEV_ASM], [WS_CNC, WS_ASM])
		for workstation in (WS_CNC, WS_ASM):
			ensure_workstation(workstation)
		frappe.db.commit()
		frappe.clear_document_cache("IoT Settings", "IoT Settings")

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		cleanup_data([DEV_CNC, DEV_ASM], [WS_CNC, WS_ASM])
		for field, value in cls.settings_before.items():
			frappe.db.set_single_value("IoT Settings", field, value)
		frappe.db.commit()
		frappe.clear_document_cache("IoT Settings", "IoT Settings")
		super().tearDownClass()

	def setUp(self):
		self.redis = RedisServer().start()
		update_site_config("mom_iot_redis", self.redis.url)
		frappe.local.conf.mom_iot_redis = self.redis.url
		self.modbus_port, self.opcua_port = free_port(), free_port()
		self.sim = None

	def tearDown(self):
		if self.sim:
			self.sim.stop()
		update_site_config("mom_iot_redis", "None")
		frappe.local.conf.pop("mom_iot_redis", None)
		self.redis.cleanup()
		frappe.db.rollback()
		cleanup_data([DEV_CNC, DEV_ASM], [])

	def start_simulator(self, cnc: Machine, asm: Machine | None = None):
		def servers():
			made = [ModbusSimServer([SimModbusMachine(cnc, 1, "Little")], port=self.modbus_port)]
			if asm is not None:
				made.append(OpcUaSimServer([asm], port=self.opcua_port))
			return made

		self.sim = SimulatorThread(servers).start()

	def make_devices(self, opcua: bool = True):
		make_device(
			DEV_CNC,
			WS_CNC,
			"Modbus TCP",
			host="127.0.0.1",
			port=self.modbus_port,
			unit_id=1,
			word_order_override="Little",
		)
		if opcua:
			make_device(
				DEV_ASM, WS_ASM, "OPC UA", opcua_endpoint=opcua_endpoint("127.0.0.1", self.opcua_port)
			)
		frappe.db.commit()

	# --- an in-process collector ------------------------------------------------------------------------
	def start_collector(self, **kw):
		self.produced: list[dict] = []
		self.collector = Collector(
			self.site,
			self.sites_path,
			spool_dir=tempfile.mkdtemp(prefix="mom-spool-"),
			on_rows=self.produced.extend,
			config_poll_seconds=2,
			health_flush_seconds=1,
			redis_retry=lambda: backoff.delays(base=0.2, factor=2, cap=1, jitter=0),
			**kw,
		)
		self.loop = LoopThread("mom-test-collector")
		self.running = self.loop.submit(self.collector.run())

	def stop_collector(self):
		self.loop.loop.call_soon_threadsafe(self.collector.stop)
		try:
			self.running.result(timeout=90)
		finally:
			self.loop.close()
			self.addCleanup(shutil.rmtree, self.collector.spool_dir, True)

	def assert_stored_exactly_as_produced(self, devices):
		"""Every produced row is in the database once, with its value and time, in order per device."""
		boot = self.collector.boot_id
		produced = {}
		for row in self.produced:
			produced.setdefault(row["device"], []).append(row)
		for device in devices:
			expected = produced.get(device, [])
			self.assertTrue(expected, f"{device} produced nothing")
			stored = stored_rows(device, boot)
			self.assertEqual(len(stored), len(expected), f"{device}: stored {len(stored)} of {len(expected)}")
			self.assertEqual(len({r.uid for r in stored}), len(stored), "duplicate uids")
			by_uid = {r.uid: r for r in stored}
			for row in expected:
				got = by_uid.get(row["uid"])
				self.assertIsNotNone(got, f"{row['uid']} missing")
				self.assertEqual(got.tag, row["tag"])
				self.assertAlmostEqual(float(got.value), row["value"], delta=1e-6 * max(1, abs(row["value"])))
				self.assertAlmostEqual(to_unix(got.ts), row["ts"], delta=2e-6)
			# inserted in the order produced: the sequence in the uid grows with the insert order
			seqs = [int(r.uid.rsplit(":", 1)[1]) for r in stored]
			self.assertEqual(seqs, sorted(seqs), f"{device}: rows stored out of order")

	def wait_all_stored(self, devices, timeout=90):
		def done():
			boot = self.collector.boot_id
			want = {d: sum(1 for r in self.produced if r["device"] == d) for d in devices}
			have = {
				d: frappe.db.count("IoT Reading", {"device": d, "uid": ("like", f"{d}:{boot}:%")})
				for d in devices
			}
			return have == want and all(want.values())

		wait_until(done, timeout, what="every produced reading to be stored")


class TestCollectorEndToEnd(CollectorCase):
	def test_shards(self):
		self.assertEqual(parse_shard("1/3"), (1, 3))
		self.assertEqual(parse_shard(None), (0, 1))
		for bad in ("3/3", "x", "1/0", "-1/2"):
			with self.assertRaises(ValueError):
				parse_shard(bad)
		names = [f"DEV-{i}" for i in range(50)]
		shards = [[n for n in names if in_shard(n, (i, 3))] for i in range(3)]
		self.assertEqual(sorted(n for shard in shards for n in shard), sorted(names))
		self.assertTrue(all(shards))

	def test_simulator_to_collector_command_to_state_log_and_downtime(self):
		now = time.time()
		cnc = Machine("CNC-01", fast(LATHE, 60), 11, now)
		cnc.force_stop(now + 3, 75, DOWN, alarm=321)  # a 75 s breakdown: downtime (>= 1 min)
		asm = Machine("ASM-01", fast(ASSEMBLY_PROFILE, 60), 12, now)
		self.start_simulator(cnc, asm)
		self.make_devices()

		log_dir = tempfile.mkdtemp(prefix="mom-collector-")
		self.addCleanup(shutil.rmtree, log_dir, True)
		with open(os.path.join(log_dir, "out.txt"), "w") as out:
			proc = subprocess.Popen(
				[
					sys.executable,
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"--site",
					self.site,
					"mom-collector",
				],
				cwd=self.sites_path,
				stdout=out,
				stderr=subprocess.STDOUT,
			)
		try:
			wait_until(
				lambda: frappe.db.count("IoT Reading", {"device": DEV_CNC})
				and frappe.db.count("IoT Reading", {"device": DEV_ASM}),
				90,
				what="readings of both devices",
			)
			wait_until(
				lambda: frappe.db.get_value("IoT Device", DEV_CNC, "health") == "Online"
				and frappe.db.get_value("IoT Device", DEV_ASM, "last_seen"),
				30,
				what="device health written back",
			)
			entry = wait_until(
				lambda: frappe.db.get_value(
					"Downtime Entry", {"workstation": WS_CNC, "mom_source": "Automatic"}, "name"
				),
				150,
				what="an automatic Downtime Entry",
			)
			log = frappe.db.get_value(
				"Machine State Log", {"downtime_entry": entry}, ["state", "duration", "device"], as_dict=True
			)
			self.assertEqual(log.state, "Down")
			self.assertEqual(log.device, DEV_CNC)
			self.assertGreaterEqual(log.duration, 60)
			self.assertTrue(frappe.db.exists("Machine State Log", {"workstation": WS_ASM}))
			alarms = frappe.get_all(
				"IoT Reading", filters={"device": DEV_CNC, "tag": "alarm", "value": 321}, limit=1
			)
			self.assertTrue(alarms, "the alarm code of the breakdown was read")
			keys = set(frappe.get_all("IoT Reading", filters={"device": DEV_ASM}, pluck="tag", distinct=True))
			self.assertEqual(keys, {s.key for s in SIGNALS})
		finally:
			proc.send_signal(signal.SIGTERM)
			try:
				code = proc.wait(timeout=60)
			except subprocess.TimeoutExpired:
				proc.kill()
				code = "killed"
			with open(os.path.join(log_dir, "out.txt")) as f:
				output = f.read()
		self.assertEqual(code, 0, output[-3000:])
		self.assertIn("collector stopped", output)


class TestCollectorOutages(CollectorCase):
	def test_redis_outage_spools_then_replays_in_order(self):
		now = time.time()
		self.start_simulator(
			Machine("CNC-01", fast(LATHE, 60), 21, now),
			Machine("ASM-01", fast(ASSEMBLY_PROFILE, 60), 22, now),
		)
		self.make_devices()
		self.start_collector()
		try:
			wait_until(lambda: self.collector.counts["stored"] > 20, 60, what="first readings stored")
			self.redis.stop()  # Redis gone mid-stream
			time.sleep(6)
			wait_until(lambda: self.collector.counts["spooled"] > 50, 30, what="readings spooled")
			spooled_during_outage = self.collector.counts["spooled"]
			self.redis.start()  # back, with its append-only file
			wait_until(
				lambda: self.collector.counts["replayed"] >= spooled_during_outage, 60, what="spool replay"
			)
			time.sleep(2)
			self.sim.stop()  # no more readings
			self.sim = None
			self.wait_all_stored([DEV_CNC, DEV_ASM])
		finally:
			self.stop_collector()
		self.assertGreater(self.collector.counts["spooled"], 50)
		self.assertEqual(self.collector.spool.pending, 0)
		self.assert_stored_exactly_as_produced([DEV_CNC, DEV_ASM])

	def test_database_outage_seen_by_the_writer(self):
		now = time.time()
		self.start_simulator(Machine("CNC-01", fast(LATHE, 60), 31, now))
		self.make_devices(opcua=False)
		conf = frappe.get_site_config()
		proxy = TcpProxy(conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306).start()
		self.start_collector(writer_conf={"db_host": "127.0.0.1", "db_port": proxy.port})
		try:
			wait_until(lambda: self.collector.counts["stored"] > 20, 60, what="first readings stored")
			proxy.cut()  # MariaDB unreachable for the writer
			errors_before = self.collector.counts["writer_errors"]
			stored_before = self.collector.counts["stored"]
			time.sleep(8)
			self.assertGreater(self.collector.counts["writer_errors"], errors_before)
			self.assertLessEqual(self.collector.counts["stored"], stored_before + 500)  # one batch in flight
			produced_during = len(self.produced)
			proxy.restore()
			time.sleep(2)
			self.sim.stop()
			self.sim = None
			self.wait_all_stored([DEV_CNC])
			self.assertGreater(produced_during, stored_before)
		finally:
			self.stop_collector()
			proxy.cut()
		self.assertEqual(self.collector.counts["spooled"], 0, "Redis was up: nothing to spool")
		self.assert_stored_exactly_as_produced([DEV_CNC])
