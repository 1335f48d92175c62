import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

# fieldname -> smallest allowed value
MINIMUMS = {
	"reading_retention_days": 1,
	"micro_stop_seconds": 0,
	"downtime_minutes": 1,
	"counter_idle_seconds": 1,
	"max_payload_bytes": 1024,
	"max_readings_per_batch": 1,
	"replay_window_seconds": 10,
	"stream_batch_size": 1,
}

DEFAULTS = {
	"reading_retention_days": 30,
	"micro_stop_seconds": 120,
	"downtime_minutes": 5,
	"counter_idle_seconds": 60,
	"max_payload_bytes": 1048576,
	"max_readings_per_batch": 5000,
	"replay_window_seconds": 300,
	"stream_batch_size": 500,
}


class IoTSettings(Document):
	def validate(self):
		for fieldname, minimum in MINIMUMS.items():
			if cint(self.get(fieldname)) < minimum:
				frappe.throw(
					_("{0} must be at least {1}.").format(_(self.meta.get_label(fieldname)), minimum),
					title=_("Invalid IoT Settings"),
				)
		if self.micro_stop_seconds >= self.downtime_minutes * 60:
			frappe.throw(
				_(
					"Micro stops must be shorter than downtime: set Micro Stop Below under {0} seconds."
				).format(self.downtime_minutes * 60),
				title=_("Invalid IoT Settings"),
			)


def get_settings() -> frappe._dict:
	"""The settings as plain numbers; a value never saved (or out of range) reads as its default."""
	stored = frappe.get_cached_doc("IoT Settings")
	values = frappe._dict()
	for fieldname, default in DEFAULTS.items():
		value = stored.get(fieldname)
		values[fieldname] = (
			default if value in (None, "") or cint(value) < MINIMUMS[fieldname] else cint(value)
		)
	return values


def ensure_settings():
	"""Store the defaults once (install, migrate), so the form shows what the app uses."""
	if frappe.db.get_singles_dict("IoT Settings"):
		return
	settings = frappe.get_doc("IoT Settings")
	settings.update(DEFAULTS)
	settings.flags.ignore_permissions = True
	settings.save()
