"""Validation messages and the Work Order traveler are HTML: typed values in them are escaped. Frappe's own
sanitising of saved text removes script attributes but keeps the markup; escaping shows the text as typed."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.utils import make_iot_device

PAYLOAD = '<img src=x onerror="window.momXss=1">'


def refusal(doc) -> str:
	frappe.clear_messages()
	try:
		doc.insert(ignore_permissions=True)
	except frappe.ValidationError:
		entry = frappe.local.message_log[-1]
		return (json.loads(entry) if isinstance(entry, str) else entry)["message"]
	raise AssertionError("the document was saved")


class TestEscapedValidationMessages(FrappeTestCase):
	def tearDown(self):
		frappe.clear_messages()

	def assert_escaped(self, message: str):
		self.assertIn("&lt;img src", message)
		self.assertNotIn("<img", message)

	def test_production_order_type_field(self):
		doc = frappe.get_doc(
			{
				"doctype": "Production Order Type",
				"type_name": f"MOM Escape {frappe.generate_hash(length=6)}",
				"required_fields": [{"fieldname": PAYLOAD}],
			}
		)
		self.assert_escaped(refusal(doc))

	def test_quality_characteristic_iot_tag(self):
		device = make_iot_device("MOM-T-ESCAPE-DEV")
		item = frappe.get_all("Item", pluck="name", limit=1)[0]
		doc = frappe.get_doc(
			{
				"doctype": "Quality Characteristic",
				"item_code": item,
				"data_source": "IoT Signal",
				"iot_device": device.name,
				"iot_tag": PAYLOAD,
				"chart_type": "I-MR",
				"spec_type": "None",
			}
		)
		self.assert_escaped(refusal(doc))


class TestEscapedTraveler(FrappeTestCase):
	def test_typed_values_printed_as_text(self):
		from mom_app.production.testing import routed_workstation, work_order

		frappe.set_user("Administrator")
		wo = work_order(routed_workstation("ESC"), 1)
		wo.insert()
		frappe.db.set_value("Work Order", wo.name, "item_name", "Rod <i>x</i> & nut", update_modified=False)
		html = frappe.get_print("Work Order", wo.name, print_format="Work Order Traveler")
		self.assertIn("Rod &lt;i&gt;x&lt;/i&gt; &amp; nut", html)
		self.assertNotIn("<i>x</i>", html)
