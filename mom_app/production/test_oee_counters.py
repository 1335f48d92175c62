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


class TestMachineData(FrappeTestCase):
	def test_machine_state_log_is_paired_with_each_shift_it_overlaps(self):
		"""One query for the day's windows; an interval crossing two shifts counts in both, one still open
		runs to now."""
		from mom_app.production import oee

		frappe.set_user("Administrator")
		days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
		for name, start, end in (
			("MOM-OEE Early", "06:00:00", "14:00:00"),
			("MOM-OEE Late", "14:00:00", "22:00:00"),
		):
			if not frappe.db.exists("Shift Pattern", name):
				frappe.get_doc(
					{
						"doctype": "Shift Pattern",
						"shift_name": name,
						"start_time": start,
						"end_time": end,
						**dict.fromkeys(days, 1),
					}
				).insert()
		workstation = make_workstation(f"MOM-OEE-MSL-{frappe.generate_hash(length=6).upper()}")
		ws = frappe.get_doc("Workstation", workstation)
		ws.set("mom_shifts", [{"shift_pattern": "MOM-OEE Early"}, {"shift_pattern": "MOM-OEE Late"}])
		ws.save()
		day = get_datetime("2026-03-03 00:00:00")
		for state, start, end in (
			("Running", 6, 10),
			("Down", 10, 15),  # from the early shift into the late one
			("Running", 15, None),  # still running
		):
			log = frappe.get_doc(
				{
					"doctype": "Machine State Log",
					"workstation": workstation,
					"state": state,
					"source": "IoT",
					"start": add_to_date(day, hours=start),
					"end": add_to_date(day, hours=end) if end is not None else None,
				}
			)
			log.flags.from_iot = True  # as the machine's signal writes it: the last interval is open
			log.insert(ignore_permissions=True)
		early, late = oee.compute(workstation, day.date(), day.date(), now=add_to_date(day, hours=18))
		self.assertEqual((early.shift, late.shift), ("MOM-OEE Early", "MOM-OEE Late"))
		self.assertTrue(early.machine_data and late.machine_data)
		self.assertEqual((early.running_time, early.down_time), (4 * 3600, 4 * 3600))
		# the late shift so far (14:00-18:00): an hour down, then running until now
		self.assertEqual((late.shift_time, late.down_time, late.running_time), (4 * 3600, 3600, 3 * 3600))
		self.assertEqual(late.unaccounted_time, 0)
