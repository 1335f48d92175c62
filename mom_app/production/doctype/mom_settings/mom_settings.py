import frappe
from frappe import _
from frappe.model.document import Document


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
					frappe.bold(self.quarantine_warehouse), warehouse.company, self.company
				)
			)
		if warehouse.is_group:
			frappe.throw(
				_("Quarantine Warehouse {0} is a group; choose a warehouse that can hold stock.").format(
					frappe.bold(self.quarantine_warehouse)
				)
			)
		if warehouse.disabled:
			frappe.throw(
				_("Quarantine Warehouse {0} is disabled.").format(frappe.bold(self.quarantine_warehouse))
			)
