# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Asset Meter: one meter of an asset (run hours, cycles, produced parts), its running total and its
counter's state (the counting rules: mom_app.engine.maintenance.meters; the adapter:
mom_app.plant_maintenance.meters).

Source IoT Tag: the total advances as the readings of a device tag with the role Meter or Good Count are
stored (the device must be the asset's: its workstation's Machine Asset, when it has a workstation; one meter
per tag). The counter's rollover comes from the tag's data type unless set here. Changing the device, tag,
rollover or scale keeps the total and makes the next sample the counter's new baseline.

The total, the counter state and the last reading are the system's: a save from the desk keeps the stored
ones. A new meter starts at its Total at Setup, recorded as its first reading.

Endpoint: `record_meter_reading(asset, meter, value, client_id)` - a reading typed in (meters.manual).
"""

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, flt, now_datetime

from mom_app.engine.maintenance.meters import MANUAL, CounterState

IOT_TAG = "IoT Tag"
METER_ROLES = ("Meter", "Good Count")
STATE_FIELDS = ("current_total", "counter_state", "last_reading_at", "last_raw", "usage_rate", "last_row")
SOURCE_FIELDS = ("source", "iot_device", "tag_key", "rollover", "scale")


class AssetMeter(Document):
	def validate(self):
		self.meter_name = (self.meter_name or "").strip()
		self.keep_state()
		self.check_name()
		self.check_source()
		self.workstation = frappe.db.get_value("Workstation", {"mom_asset": self.asset}, "name")
		self.restart_counter()

	def after_insert(self):
		from mom_app.iot.clock import to_unix
		from mom_app.plant_maintenance.meters.state import insert_reading

		total = flt(self.current_total)
		insert_reading(
			self,
			"Manual",
			MANUAL,
			{"ts": to_unix(self.last_reading_at), "increase": 0.0, "total": total, "raw": total},
			entered_by=frappe.session.user,
			note=_("Total at setup"),
		)

	def keep_state(self):
		if self.is_new():
			self.current_total = flt(self.initial_total)
			self.counter_state = json.dumps(CounterState(total=self.current_total).to_dict())
			self.last_reading_at = now_datetime()
			self.last_raw = self.usage_rate = 0
			self.last_row = None
			return
		stored = frappe.db.get_value(self.doctype, self.name, STATE_FIELDS, as_dict=True)
		for field in STATE_FIELDS:
			self.set(field, stored.get(field))

	def check_name(self):
		other = frappe.db.get_value(
			self.doctype,
			{"asset": self.asset, "meter_name": self.meter_name, "name": ("!=", self.name or "")},
			"name",
		)
		if other:
			frappe.throw(
				_("Asset {0} has a meter {1} already ({2}).").format(
					escape_html(self.asset), escape_html(self.meter_name), other
				),
				title=_("Duplicate Meter"),
			)

	def check_source(self):
		if self.source != IOT_TAG:
			self.iot_device = self.tag_key = None
			return
		self.tag_key = (self.tag_key or "").strip()
		role = frappe.db.get_value(
			"IoT Tag",
			{"parent": self.iot_device, "parenttype": "IoT Device", "tag_key": self.tag_key},
			"signal_role",
		)
		if role not in METER_ROLES:
			frappe.throw(
				_("IoT device {0} has no tag {1} with the role Meter or Good Count.").format(
					escape_html(self.iot_device or "-"), escape_html(self.tag_key or "-")
				),
				title=_("Invalid Meter Source"),
			)
		workstation = frappe.db.get_value("IoT Device", self.iot_device, "workstation")
		machine = frappe.db.get_value("Workstation", workstation, "mom_asset") if workstation else None
		if machine and machine != self.asset:
			frappe.throw(
				_("IoT device {0} is at workstation {1}, which is asset {2}, not {3}.").format(
					escape_html(self.iot_device),
					escape_html(workstation),
					escape_html(machine),
					escape_html(self.asset),
				),
				title=_("Invalid Meter Source"),
			)
		other = frappe.db.get_value(
			self.doctype,
			{
				"iot_device": self.iot_device,
				"tag_key": self.tag_key,
				"enabled": 1,
				"name": ("!=", self.name or ""),
			},
			"name",
		)
		if other and self.enabled:
			frappe.throw(
				_("Tag {0} of IoT device {1} feeds meter {2} already.").format(
					escape_html(self.tag_key), escape_html(self.iot_device), other
				),
				title=_("Invalid Meter Source"),
			)

	def restart_counter(self):
		"""A meter fed from another tag, or read another way, counts on from its total: the next sample is the
		counter's new baseline."""
		before = self.get_doc_before_save()
		if not before or all(before.get(f) == self.get(f) for f in SOURCE_FIELDS):
			return
		self.counter_state = json.dumps(CounterState(total=flt(self.current_total)).to_dict())


@frappe.whitelist(methods=["POST"])
def record_meter_reading(
	asset: str | None = None,
	meter: str | None = None,
	value: str | float | int | None = None,
	client_id: str | None = None,
) -> dict:
	"""A meter reading typed in by a technician: the meter's new total, once per client id. The user must
	be allowed to change the meter (checked in meters.manual.record); a bad value is refused with a message
	and nothing is written. Answers {reading, meter, meter_name, asset, value, increase, total, unit,
	usage_rate, reading_time, replayed, message}."""
	from mom_app.plant_maintenance.meters.manual import record

	return record(asset, meter, value, client_id)
