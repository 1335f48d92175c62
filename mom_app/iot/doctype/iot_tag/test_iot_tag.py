from frappe.tests.utils import FrappeTestCase

from mom_app.iot.doctype.iot_device.iot_device import parse_address, tag_problems


class TestIoTTag(FrappeTestCase):
	"""Tags are checked with their device; these are the row rules on their own."""

	def test_good_webhook_tags(self):
		tags = [
			{"tag_key": "spindle.temp", "signal_role": "Process Parameter"},
			{"tag_key": "good", "signal_role": "Good Count", "json_key": "cnt"},
			{"tag_key": "state", "signal_role": "Machine State", "state_map": "1=Running # run\n0 = idle"},
			{"tag_key": "hours", "signal_role": "Meter", "meter_name": "Spindle Hours"},
		]
		self.assertEqual(tag_problems("Webhook", tags), [])

	def test_json_key_defaults_to_tag_key_when_checking_duplicates(self):
		tags = [
			{"tag_key": "a", "signal_role": "Alarm"},
			{"tag_key": "b", "signal_role": "Alarm", "json_key": "a"},
		]
		self.assertEqual([(p.row, p.fieldname) for p in tag_problems("Webhook", tags)], [(2, "json_key")])

	def test_unknown_role_and_zero_scale(self):
		problems = tag_problems("Webhook", [{"tag_key": "x", "signal_role": "Colour", "scale": 0}])
		self.assertEqual({p.fieldname for p in problems}, {"signal_role", "scale"})

	def test_parse_address(self):
		self.assertEqual(parse_address("  12 "), 12)
		self.assertEqual(parse_address(7.0), 7)
		for bad in ("", None, "-1", "65536", "1e3", "0x10", "١٢"):
			self.assertIsNone(parse_address(bad), bad)
