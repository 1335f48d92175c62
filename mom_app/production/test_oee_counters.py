"""OEE quantities from the machine's own part counters when no job card reports anything in a window."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_datetime

from mom_app.production.oee import counter_increase, counter_tags, machine_production
from mom_app.tests.utils import make_iot_device, make_workstation


class TestMachineCounters(FrappeTestCase):
	def test_counts_rise_across_the_window_and_survive_a_reset(self):
		prefix = frappe.generate_hash(length=6).upper()
		workstation = make_workstation(f"MOM-OEE-CNT-{prefix}")
		device = make_iot_device(
			f"MOM-OEE-CNT-{prefix}",
			workstation=workstation,
			tags=[
				{"tag_key": "good", "signal_role": "Good Count", "json_key": "good"},
				{"tag_key": "reject", "signal_role": "Reject Count", "json_key": "reject"},
			],
		)
		start = get_datetime("2026-03-02 08:00:00")
		# good: 100 before the window, then 104, 110, a restart at 3, 9 → 10 + 9 = 19 in the window
		series = {
			"good": [(-5, 100), (10, 104), (20, 110), (30, 3), (40, 9), (130, 50)],
			"reject": [(-5, 7), (35, 8)],
		}
		for tag, points in series.items():
			for minutes, value in points:
				minute = add_to_date(start, minutes=minutes)
				frappe.get_doc(
					{
						"doctype": "IoT Minute Aggregate",
						"device": device.name,
						"tag": tag,
						"minute": minute,
						"sample_count": 1,
						"minimum": value,
						"maximum": value,
						"total": value,
						"last_value": value,
						"last_ts": minute,
					}
				).insert(ignore_permissions=True)
		end = add_to_date(start, hours=2)
		self.assertEqual(counter_increase(device.name, "good", start, end), 19)
		tags = counter_tags(workstation)
		self.assertEqual(tags, {"good": [(device.name, "good")], "reject": [(device.name, "reject")]})
		prod = machine_production(workstation, {"start": start, "end": end}, tags)
		self.assertEqual((prod["good"], prod["scrap"], prod["produced"]), (19, 1, 20))
		self.assertIsNone(prod["ideal_cycle_time"])  # no BOM plans an operation on this workstation
		self.assertIsNone(
			machine_production(
				make_workstation(f"MOM-OEE-NONE-{prefix}"),
				{"start": start, "end": end},
				counter_tags(f"MOM-OEE-NONE-{prefix}"),
			)
		)
