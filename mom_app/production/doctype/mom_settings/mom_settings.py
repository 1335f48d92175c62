import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

# settings a site that never saved them gets (install, migrate): a field added later would read as 0
DEFAULTS = {"andon_repeat_seconds": 120}


def ensure_defaults():
	"""Store the default of every setting in DEFAULTS the site has never stored; stored values are kept."""
	stored = frappe.db.get_singles_dict("MOM Settings")
	for fieldname, value in DEFAULTS.items():
		if stored.get(fieldname) in (None, ""):
			frappe.db.set_single_value("MOM Settings", fieldname, value)


class MOMSettings(Document):
	def validate(self):
		self.validate_quarantine_warehouse()

	def validate_quarantine_warehouse(self):
		if not self.quarantine_warehouse:
			return
		if not self.company:
			frappe.throw(_("Set the Company before the Quarantine Warehouse."), title=_("Missing Company"))
		warehouse = frappe.db.get_value(
			"Warehouse", self.quarantine_warehouse, ["company", "is_group", "disabled"], as_dict=True
		)
		if warehouse.company != self.company:
			frappe.throw(
				_("Quarantine Warehouse {0} belongs to {1}, not to {2}.").format(
					frappe.bold(escape_html(self.quarantine_warehouse)), warehouse.company, self.company
				)
			)
		if warehouse.is_group:
			frappe.throw(
				_("Quarantine Warehouse {0} is a group; choose a warehouse that can hold stock.").format(
					frappe.bold(escape_html(self.quarantine_warehouse))
				)
			)
		if warehouse.disabled:
			frappe.throw(
				_("Quarantine Warehouse {0} is disabled.").format(
					frappe.bold(escape_html(self.quarantine_warehouse))
				)
			)
