import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from mom_app.engine.signing import REPLAY_TTL_SECONDS

# fieldname -> smallest allowed value
MINIMUMS = {
	"reading_retention_days": 1,
	"micro_stop_seconds": 0,
	"downtime_minutes": 1,
	"counter_idle_seconds": 1,
	"max_payload_bytes": 1024,
	"max_readings_per_batch": 1,
	"replay_window_seconds": 10,
	"failed_requests_per_minute": 1,
	"stream_batch_size": 1,
}
# The clock window against how long an accepted message id is remembered (REPLAY_TTL_SECONDS from the
# acceptance): a request may be signed up to the window ahead of the server clock and still be accepted then,
# and replayed until the window after its timestamp, so it must be refused by its timestamp before its id is
# forgotten: 2 x window <= the id's lifetime.
MAX_REPLAY_WINDOW = REPLAY_TTL_SECONDS // 2
# fieldname -> largest allowed value
MAXIMUMS = {
	"replay_window_seconds": MAX_REPLAY_WINDOW,
}

DEFAULTS = {
	"reading_retention_days": 30,
	"micro_stop_seconds": 120,
	"downtime_minutes": 5,
	"counter_idle_seconds": 60,
	"max_payload_bytes": 1048576,
	"max_readings_per_batch": 5000,
	"replay_window_seconds": 300,
	"failed_requests_per_minute": 30,
	"stream_batch_size": 500,
}


class IoTSettings(Document):
	def validate(self):
		for fieldname, default in DEFAULTS.items():
			if self.get(fieldname) in (None, ""):  # a setting added after the site stored its settings
				self.set(fieldname, default)
		for fieldname, minimum in MINIMUMS.items():
			if cint(self.get(fieldname)) < minimum:
				frappe.throw(
					_("{0} must be at least {1}.").format(_(self.meta.get_label(fieldname)), minimum),
					title=_("Invalid IoT Settings"),
				)
		if cint(self.replay_window_seconds) > MAX_REPLAY_WINDOW:
			frappe.throw(
				_(
					"{0} may be at most {1} seconds: a message id is remembered for {2} seconds, and a request "
					"replayed after that must already be refused by its timestamp."
				).format(
					_(self.meta.get_label("replay_window_seconds")), MAX_REPLAY_WINDOW, REPLAY_TTL_SECONDS
				),
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
	return frappe._dict(
		{
			fieldname: cint(stored.get(fieldname)) if usable(fieldname, stored.get(fieldname)) else default
			for fieldname, default in DEFAULTS.items()
		}
	)


def usable(fieldname: str, value) -> bool:
	"""Whether a stored value is a value of the setting (not empty, not out of its range)."""
	if value in (None, ""):
		return False
	return MINIMUMS[fieldname] <= cint(value) <= MAXIMUMS.get(fieldname, cint(value))


def ensure_settings():
	"""Store the default of every setting never saved, or stored out of range (install, migrate: a field
	added later reads as 0 until then), so the form shows what the app uses; a usable stored value is kept."""
	stored = frappe.db.get_singles_dict("IoT Settings")
	missing = {f: v for f, v in DEFAULTS.items() if not usable(f, stored.get(f))}
	if not missing:
		return
	settings = frappe.get_doc("IoT Settings")
	settings.update(missing)
	settings.flags.ignore_permissions = True
	settings.save()
