import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.iot.doctype.iot_device.iot_device import tag_problems
from mom_app.tests.utils import STATE_MAP, iot_device, make_user, make_workstation

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
