import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, time_diff_in_seconds


class MachineStateLog(Document):
	"""One state interval of a workstation. IoT intervals are written by mom_app.iot.machine_state (which sets
	flags.from_iot); people may record Manual intervals for machines without a state signal."""

	def validate(self):
		from_iot = bool(self.flags.from_iot)
		if self.is_new() and not from_iot:
			self.source = "Manual"
			self.device = None
		if not self.is_new() and self.source == "IoT" and not from_iot:
			before = self.get_doc_before_save()
			if before and any(
				str(before.get(f) or "") != str(self.get(f) or "")
				for f in ("workstation", "state", "start", "end", "source")
			):
				frappe.throw(
					_("This interval was recorded from the machine's signal; it cannot be changed by hand."),
					title=_("Machine State Log"),
				)
		if self.source == "Manual" and not self.end:
			frappe.throw(_("A manually recorded interval needs an End."), title=_("Missing End"))
		if self.end:
			if get_datetime(self.end) < get_datetime(self.start):
				frappe.throw(_("End must not be before Start."), title=_("Invalid Interval"))
			self.duration = time_diff_in_seconds(self.end, self.start)
		else:
			self.duration = 0


def on_doctype_update():
	frappe.db.add_index("Machine State Log", ["workstation", "start"])
