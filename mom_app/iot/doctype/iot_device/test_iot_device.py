import time

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.modbus_codec import encode
from mom_app.iot.doctype.iot_device.iot_device import tag_problems
from mom_app.iot.sim.machine import LATHE, Machine, fast
from mom_app.iot.sim.servers import (
	OpcUaSimServer,
	free_port,
	modbus_device,
	set_values,
	start_modbus_server,
	stop_modbus_server,
)
from mom_app.iot.storage import store_readings
from mom_app.iot.testing import LoopThread
from mom_app.tests.utils import (
	STATE_MAP,
	drop_iot_device,
	iot_device,
	make_iot_device,
	make_user,
	make_workstation,
)

test_ignore = ["Workstation", "Downtime Entry"]


def modbus_tag(key="temp", **kw):
	return {
		"tag_key": key,
		"signal_role": "Process Parameter",
		"register_type": "Holding Register",
		"address": "10",
		"data_type": "uint16",
		**kw,
	}


class TestIoTDevice(FrappeTestCase):
	def assert_refused(self, doc, *fragments):
		with self.assertRaises(frappe.ValidationError) as info:
			doc.insert()
		for fragment in fragments:
			self.assertIn(fragment, str(info.exception))

	def test_modbus_device_saved_with_defaults(self):
		doc = iot_device("MOM-T-MB1", "Modbus TCP", [modbus_tag(address=" 40 ")]).insert()
		self.assertEqual(doc.port, 502)
		self.assertEqual(doc.unit_id, 1)
		self.assertEqual(doc.poll_interval_ms, 1000)
		self.assertEqual(doc.health, "Unknown")
		self.assertEqual(doc.tags[0].address, "40")
		self.assertEqual(doc.tags[0].json_key, "temp")  # defaults to the tag key
		self.assertEqual(doc.tags[0].scale, 1)
		self.assertFalse(doc.get_password("webhook_secret", raise_exception=False))

	def test_device_name_must_fit_a_header(self):
		self.assert_refused(iot_device("机床 1"), "may only contain")

	def test_modbus_needs_register_type_and_address(self):
		tag = modbus_tag(register_type=None, address=None)
		self.assert_refused(
			iot_device("MOM-T-MB2", "Modbus TCP", [tag]), "needs a Register Type", "needs an Address"
		)
		self.assert_refused(
			iot_device("MOM-T-MB2", "Modbus TCP", [modbus_tag(address="40001x")]),
			"whole number from 0 to 65535",
		)
		self.assert_refused(iot_device("MOM-T-MB2", "Modbus TCP", [modbus_tag(address="70000")]), "65535")

	def test_bit_register_must_be_bool(self):
		tag = modbus_tag(register_type="Coil", data_type="float32")
		self.assert_refused(iot_device("MOM-T-MB3", "Modbus TCP", [tag]), "Data Type must be bool")
		tag = modbus_tag(register_type="Discrete Input", data_type="bool")
		self.assertTrue(iot_device("MOM-T-MB3", "Modbus TCP", [tag]).insert().name)

	def test_wide_value_must_fit_below_the_last_address(self):
		tag = modbus_tag(address="65534", data_type="float64")
		self.assert_refused(iot_device("MOM-T-MB4", "Modbus TCP", [tag]), "cannot be read")

	def test_port_unit_and_poll_interval(self):
		self.assert_refused(iot_device("MOM-T-MB5", "Modbus TCP", port=70000), "not a TCP port")
		self.assert_refused(iot_device("MOM-T-MB5", "Modbus TCP", port=-1), "not a TCP port")
		self.assert_refused(iot_device("MOM-T-MB5", "Modbus TCP", unit_id=300), "Unit ID")
		self.assert_refused(iot_device("MOM-T-MB5", "Modbus TCP", poll_interval_ms=50), "at least 100 ms")
		self.assert_refused(iot_device("MOM-T-MB5", "Modbus TCP", host=" "), "needs a Host")

	def test_opcua_tag_needs_node_id(self):
		tag = {"tag_key": "speed", "signal_role": "Process Parameter"}
		self.assert_refused(iot_device("MOM-T-UA1", "OPC UA", [tag]), "needs a Node ID")
		tag["opcua_node_id"] = "Machine.Speed"
		self.assert_refused(iot_device("MOM-T-UA1", "OPC UA", [tag]), "is not an OPC UA node id")
		tag["opcua_node_id"] = "ns=2;s=Machine.Speed"
		self.assertTrue(iot_device("MOM-T-UA1", "OPC UA", [tag]).insert().name)

	def test_opcua_endpoint(self):
		self.assert_refused(iot_device("MOM-T-UA2", "OPC UA", opcua_endpoint="http://plc:4840"), "opc.tcp://")
		self.assert_refused(
			iot_device("MOM-T-UA2", "OPC UA", opcua_endpoint="opc.tcp://plc:99999"), "opc.tcp://"
		)

	def test_security_policy_and_mode_go_together(self):
		self.assert_refused(
			iot_device("MOM-T-UA3", "OPC UA", security_policy="Basic256Sha256", security_mode="None"),
			"needs a Security Mode",
		)
		self.assert_refused(
			iot_device("MOM-T-UA3", "OPC UA", security_policy="None", security_mode="Sign"),
			"needs a Security Policy",
		)

	def test_sign_and_encrypt_needs_certificate_and_key(self):
		doc = iot_device(
			"MOM-T-UA4", "OPC UA", security_policy="Basic256Sha256", security_mode="SignAndEncrypt"
		)
		self.assert_refused(doc, "Client Certificate", "Client Private Key")
		doc = iot_device(
			"MOM-T-UA4",
			"OPC UA",
			security_policy="Basic256Sha256",
			security_mode="SignAndEncrypt",
			client_certificate="/files/cert.der",
			client_private_key="/private/files/key.pem",
		)
		self.assert_refused(doc, "private file")
		doc.client_certificate = "/private/files/cert.der"
		self.assertTrue(doc.insert().name)

	def test_state_map_must_parse_and_is_required(self):
		tag = {"tag_key": "state", "signal_role": "Machine State"}
		self.assert_refused(iot_device("MOM-T-WH1", tags=[tag]), "needs a State Map")
		tag["state_map"] = "1=Running\n2=Sleeping"
		# the engine's own explanation is shown
		self.assert_refused(iot_device("MOM-T-WH1", tags=[tag]), "line 2", "Sleeping")

	def test_one_machine_state_tag_per_device(self):
		tags = [
			{"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP},
			{"tag_key": "state2", "signal_role": "Machine State", "state_map": STATE_MAP},
		]
		self.assert_refused(iot_device("MOM-T-WH2", tags=tags), "at most one Machine State tag")

	def test_duplicate_keys(self):
		tags = [
			{"tag_key": "temp", "signal_role": "Process Parameter"},
			{"tag_key": "TEMP", "signal_role": "Process Parameter", "json_key": "t2"},
		]
		self.assert_refused(iot_device("MOM-T-WH3", tags=tags), "used twice")
		tags = [
			{"tag_key": "a", "signal_role": "Process Parameter", "json_key": "x"},
			{"tag_key": "b", "signal_role": "Process Parameter", "json_key": "x"},
		]
		self.assert_refused(iot_device("MOM-T-WH3", tags=tags), "JSON key")
		tags = [{"tag_key": "bad key!", "signal_role": "Process Parameter"}]
		self.assert_refused(iot_device("MOM-T-WH3", tags=tags), "letters, digits")

	def test_meter_needs_meter_name(self):
		tags = [{"tag_key": "hours", "signal_role": "Meter"}]
		self.assert_refused(iot_device("MOM-T-WH4", tags=tags), "Meter Name")

	def test_every_problem_reported_at_once(self):
		problems = tag_problems(
			"Modbus TCP",
			[modbus_tag(register_type=None), modbus_tag("t2", register_type="Coil"), {"tag_key": ""}],
		)
		self.assertEqual({p.row for p in problems}, {1, 2, 3})
		self.assertIn("register_type", {p.fieldname for p in problems if p.row == 1})
		self.assertIn("data_type", {p.fieldname for p in problems if p.row == 2})

	def test_one_state_source_per_workstation(self):
		workstation = make_workstation("MOM-T-IOT-WS1")
		tag = {"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP}
		iot_device("MOM-T-WH5", tags=[dict(tag)], workstation=workstation).insert()
		self.assert_refused(
			iot_device("MOM-T-WH6", tags=[dict(tag)], workstation=workstation), "already gets"
		)

	def test_webhook_secret_generated_and_hidden(self):
		doc = iot_device("MOM-T-WH7").insert()
		secret = doc.get_password("webhook_secret")
		self.assertGreaterEqual(len(secret), 40)
		self.assertTrue(set(frappe.db.get_value("IoT Device", doc.name, "webhook_secret")) <= {"*"})
		self.assertEqual(doc.show_webhook_secret(), secret)
		new = doc.regenerate_webhook_secret()
		self.assertNotEqual(new, secret)
		self.assertEqual(frappe.get_doc("IoT Device", doc.name).get_password("webhook_secret"), new)

	def test_only_a_manager_sees_the_secret(self):
		doc = iot_device("MOM-T-WH8").insert()
		technician = make_user("Maintenance Technician")
		manager = make_user("MOM Manager")
		try:
			frappe.set_user(technician)
			device = frappe.get_doc("IoT Device", doc.name)
			self.assertRaises(frappe.PermissionError, device.show_webhook_secret)
			self.assertRaises(frappe.PermissionError, device.regenerate_webhook_secret)
			device.webhook_secret = "chosen-by-technician"
			self.assertRaises(frappe.PermissionError, device.save)
			frappe.set_user(manager)
			device = frappe.get_doc("IoT Device", doc.name)
			self.assertEqual(device.show_webhook_secret(), doc.get_password("webhook_secret"))
		finally:
			frappe.set_user("Administrator")

	def test_rate_limit_at_least_one(self):
		self.assert_refused(iot_device("MOM-T-WH9", rate_limit_per_minute=0), "Rate Limit")


class TestConnectionAndLatestValues(FrappeTestCase):
	"""Test Connection against real protocol servers on this machine (run on their own event loop thread, as
	devices on the network would be), and the latest value of each tag."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.loop = LoopThread("mom-test-iot-device")

	@classmethod
	def tearDownClass(cls):
		cls.loop.close()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"

	def device(self, name, protocol="Webhook", tags=None, **values):
		doc = make_iot_device(name, protocol, tags, **values)
		self.addCleanup(drop_iot_device, name)
		return doc

	def test_modbus_reads_every_tag_once_and_names_what_failed(self):
		port = free_port()
		server = self.loop.call(start_modbus_server([modbus_device(2, holding=20)], port=port))
		self.addCleanup(lambda: self.loop.call(stop_modbus_server(server)))
		self.loop.call(set_values(server, 2, "Holding Register", 0, [321]))
		self.loop.call(set_values(server, 2, "Holding Register", 4, encode(12.5, "float32")))
		tags = [
			modbus_tag("speed", address="0"),
			modbus_tag("temp", address="4", data_type="float32", scale=2, offset=1),
			modbus_tag("far", address="900"),
		]
		doc = self.device("MOM-T-TC-MB", "Modbus TCP", tags, port=port, unit_id=2)
		result = doc.test_connection()
		self.assertTrue(result["connected"], result)
		self.assertEqual(result["message"], f"Connected to 127.0.0.1:{port}: 2 of 3 tags read.")
		values = {t["key"]: (t["value"], t["message"]) for t in result["tags"]}
		self.assertEqual(values["speed"], (321.0, ""))
		self.assertEqual(values["temp"], (26.0, ""))  # scale and offset applied, as stored
		self.assertIsNone(values["far"][0])
		self.assertIn("no such address", values["far"][1])
		# nothing was stored: a test reads, it does not record
		self.assertFalse(frappe.db.exists("IoT Reading", {"device": doc.name}))

		# said in the user's language
		frappe.local.lang = "zh"
		result = doc.test_connection()
		self.assertIn("已连接", result["message"])
		self.assertNotIn("Connected", result["message"])

	def test_closed_port_says_nothing_listens(self):
		port = free_port()  # nothing listens there
		doc = self.device("MOM-T-TC-MB2", "Modbus TCP", [modbus_tag("speed")], port=port)
		started = time.monotonic()
		result = doc.test_connection()
		self.assertLess(time.monotonic() - started, 5)
		self.assertFalse(result["connected"])
		self.assertEqual(
			result["message"],
			f"Nothing accepts connections at 127.0.0.1:{port}: the device may be off, the port may be "
			"wrong, or a firewall blocks it.",
		)
		self.assertEqual(
			[(t["key"], t["value"], t["message"]) for t in result["tags"]], [("speed", None, "not read")]
		)

	def test_opcua_reads_every_node_once(self):
		server = OpcUaSimServer([Machine("M1", fast(LATHE, 1 / 180), 1, time.time())], port=free_port())
		self.loop.call(server.start())
		self.addCleanup(lambda: self.loop.call(server.stop()))
		self.loop.call(server.write("M1", "good", 777, "uint32"))
		tags = [
			{"tag_key": "good", "signal_role": "Good Count", "opcua_node_id": server.node_id("M1", "good")},
			{
				"tag_key": "gone",
				"signal_role": "Process Parameter",
				"opcua_node_id": f"ns={server.ns};s=M1.gone",
			},
		]
		doc = self.device("MOM-T-TC-UA", "OPC UA", tags, opcua_endpoint=server.endpoint)
		result = doc.test_connection()
		self.assertTrue(result["connected"], result)
		values = {t["key"]: (t["value"], t["message"]) for t in result["tags"]}
		self.assertEqual(values["good"], (777.0, ""))
		self.assertEqual(values["gone"], (None, "the server has no node with this Node ID"))

	def test_opcua_closed_port(self):
		endpoint = f"opc.tcp://127.0.0.1:{free_port()}/nothing"
		tags = [{"tag_key": "good", "signal_role": "Good Count", "opcua_node_id": "ns=2;s=M1.good"}]
		doc = self.device("MOM-T-TC-UA2", "OPC UA", tags, opcua_endpoint=endpoint)
		result = doc.test_connection()
		self.assertFalse(result["connected"])
		self.assertIn("Nothing accepts connections at " + endpoint, result["message"])

	def test_only_who_may_change_the_device_tests_it(self):
		doc = self.device("MOM-T-TC-PERM", "Modbus TCP", [modbus_tag("speed")], port=free_port())
		frappe.set_user(make_user("Quality Inspector"))  # reads devices, may not change them
		device = frappe.get_doc("IoT Device", doc.name)
		self.assertRaises(frappe.PermissionError, device.test_connection)
		frappe.set_user(make_user("Maintenance Technician"))
		self.assertFalse(frappe.get_doc("IoT Device", doc.name).test_connection()["connected"])

	def test_webhook_device_shows_the_last_batch(self):
		doc = self.device("MOM-T-TC-WH", tags=[{"tag_key": "temp", "signal_role": "Process Parameter"}])
		result = doc.test_connection()
		self.assertIsNone(result["connected"])
		self.assertIn("nothing to connect to or poll", result["message"])
		self.assertIsNone(result["last_batch"])
		now = time.time()
		store_readings(
			[
				{
					"uid": f"{doc.name}:gw_1:0",
					"device": doc.name,
					"tag": "temp",
					"ts": now - 60,
					"value": 20.5,
				},
				{
					"uid": f"{doc.name}:gw:2:0",
					"device": doc.name,
					"tag": "temp",
					"ts": now - 5,
					"value": 21.5,
				},
				{"uid": f"{doc.name}:gw:2:1", "device": doc.name, "tag": "temp", "ts": now - 4, "value": 22},
			]
		)
		batch = doc.test_connection()["last_batch"]
		self.assertEqual(batch["message_id"], "gw:2")  # a message id may hold ':'
		self.assertEqual([r["value"] for r in batch["readings"]], [21.5, 22.0])
		self.assertLess(batch["age_seconds"], 60)

	def test_latest_value_of_each_tag_with_its_age(self):
		tags = [
			{"tag_key": "temp", "signal_role": "Process Parameter", "unit": "°C"},
			{"tag_key": "idle", "signal_role": "Process Parameter"},
			{"tag_key": "state", "signal_role": "Machine State", "state_map": STATE_MAP},
		]
		doc = self.device("MOM-T-LV", tags=tags)
		now = time.time()
		store_readings(
			[
				{"uid": f"{doc.name}:a:0", "device": doc.name, "tag": "temp", "ts": now - 3600, "value": 20},
				{"uid": f"{doc.name}:b:0", "device": doc.name, "tag": "temp", "ts": now - 30, "value": 23.25},
				{"uid": f"{doc.name}:b:1", "device": doc.name, "tag": "state", "ts": now - 30, "value": 4},
			]
		)
		values = {t["key"]: t for t in doc.latest_values()["tags"]}
		self.assertEqual([t["key"] for t in doc.latest_values()["tags"]], ["temp", "idle", "state"])
		# a machine state is named as the shop floor says it
		self.assertEqual((values["state"]["value"], values["state"]["state"]), (4.0, "Setup"))
		frappe.local.lang = "zh"
		self.assertEqual(doc.latest_values()["tags"][2]["state"], "换型调机")
		frappe.local.lang = "en"
		self.assertEqual((values["temp"]["value"], values["temp"]["unit"]), (23.25, "°C"))
		self.assertTrue(20 <= values["temp"]["age_seconds"] < 120, values["temp"])
		self.assertFalse(values["temp"]["stale"])
		self.assertEqual((values["idle"]["value"], values["idle"]["age_seconds"]), (None, None))
		# a role that may not read machine data sees that, not the values
		frappe.set_user(make_user("Quality Inspector"))
		self.assertEqual(frappe.get_doc("IoT Device", doc.name).latest_values(), {"hidden": True, "tags": []})
