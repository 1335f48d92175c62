"""An IoT Device's OPC UA client private key: every MOM role reads the device, only the roles that see secrets
read, list or download the key (its certificate stays readable like any attachment)."""

import frappe
import requests
from frappe.client import get_list
from frappe.tests.utils import FrappeTestCase

from mom_app.iot.file_access import has_permission
from mom_app.tests.browser import served_site
from mom_app.tests.utils import drop_iot_device, make_iot_device, make_user

PASSWORD = "Mom-Test-Pass-2026!"
KEY = b"-----BEGIN PRIVATE KEY-----\nMOM-TEST-NOT-A-REAL-KEY\n-----END PRIVATE KEY-----\n"
CERT = b"-----BEGIN CERTIFICATE-----\nMOM-TEST-NOT-A-REAL-CERT\n-----END CERTIFICATE-----\n"


def attach(device: str, fieldname: str, filename: str, content: bytes):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename,
			"attached_to_doctype": "IoT Device",
			"attached_to_name": device,
			"attached_to_field": fieldname,
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)


class TestClientKeyAccess(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.device = make_iot_device("MOM-T-OPCUA-KEY", protocol="OPC UA").name
		cls.key = attach(cls.device, "client_private_key", "mom-test-client-key.pem", KEY)
		cls.cert = attach(cls.device, "client_certificate", "mom-test-client-cert.pem", CERT)
		frappe.db.set_value(
			"IoT Device",
			cls.device,
			{"client_private_key": cls.key.file_url, "client_certificate": cls.cert.file_url},
		)
		cls.operator = make_user("MOM Operator", "key-operator@mom-test.example", password=PASSWORD)
		cls.technician = make_user(
			"Maintenance Technician", "key-technician@mom-test.example", password=PASSWORD
		)
		cls.manager = make_user("MOM Manager", "key-manager@mom-test.example", password=PASSWORD)
		frappe.db.commit()  # the web server reads what is committed

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for file in (cls.key, cls.cert):
			frappe.delete_doc("File", file.name, ignore_permissions=True, force=True)
		drop_iot_device(cls.device)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_readers_of_the_device_do_not_read_its_key(self):
		for user in (self.operator, self.technician):
			with self.subTest(user=user):
				frappe.set_user(user)
				self.assertTrue(frappe.has_permission("IoT Device", "read", doc=self.device))
				self.assertTrue(frappe.has_permission("File", "read", doc=self.cert.name))
				for ptype in ("read", "write", "delete"):
					self.assertFalse(frappe.has_permission("File", ptype, doc=self.key.name), ptype)
				with self.assertRaises(frappe.PermissionError):
					frappe.get_doc("File", self.key.name).check_permission("read")
				files = get_list(
					"File", filters={"attached_to_name": self.device}, fields=["name"], limit_page_length=0
				)
				self.assertEqual({f["name"] for f in files}, {self.cert.name})

	def test_managers_read_the_key(self):
		frappe.set_user(self.manager)
		self.assertTrue(frappe.has_permission("File", "read", doc=self.key.name))
		files = get_list(
			"File", filters={"attached_to_name": self.device}, fields=["name"], limit_page_length=0
		)
		self.assertEqual({f["name"] for f in files}, {self.key.name, self.cert.name})
		# the hook gives no opinion on other files: Frappe's own rule decides
		self.assertIsNone(has_permission(self.cert, "read", self.operator))

	def test_download_over_http(self):
		with served_site() as base_url:
			for user, key_status in ((self.operator, 403), (self.technician, 403), (self.manager, 200)):
				with self.subTest(user=user):
					session = requests.Session()
					login = session.post(
						f"{base_url}/api/method/login", data={"usr": user, "pwd": PASSWORD}, timeout=30
					)
					self.assertEqual(login.status_code, 200, login.text[:300])
					key = session.get(base_url + self.key.file_url, timeout=30)
					self.assertEqual(key.status_code, key_status, key.text[:300])
					if key_status == 200:
						self.assertEqual(key.content, KEY)
					else:
						self.assertNotIn(b"PRIVATE KEY", key.content)
					cert = session.get(base_url + self.cert.file_url, timeout=30)
					self.assertEqual(cert.status_code, 200)
			guest = requests.get(base_url + self.key.file_url, timeout=30)
			self.assertIn(guest.status_code, (403, 404))
