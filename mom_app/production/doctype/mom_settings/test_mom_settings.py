import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.tests.utils import erpnext_company

test_ignore = [
	"Company",
	"Quality Procedure",
	"Warehouse",
	"Warehouse Type",
]


def make_warehouse(name: str, company: str, **kw) -> str:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	full = f"{name} - {abbr}"
	if not frappe.db.exists("Warehouse", full):
		frappe.get_doc({"doctype": "Warehouse", "warehouse_name": name, "company": company, **kw}).insert()
	return full


class TestMOMSettings(FrappeTestCase):
	def setUp(self):
		self.company = erpnext_company()
		self.settings = frappe.get_doc("MOM Settings")
		self.settings.company = self.company

	def test_quarantine_warehouse_accepted(self):
		self.settings.quarantine_warehouse = make_warehouse("MOM Quarantine", self.company)
		self.settings.save()
		self.assertEqual(
			frappe.db.get_single_value("MOM Settings", "quarantine_warehouse"),
			self.settings.quarantine_warehouse,
		)

	def test_group_warehouse_rejected(self):
		self.settings.quarantine_warehouse = make_warehouse("MOM Group", self.company, is_group=1)
		self.assertRaisesRegex(frappe.ValidationError, "is a group", self.settings.save)

	def test_disabled_warehouse_rejected(self):
		name = make_warehouse("MOM Disabled", self.company)
		frappe.db.set_value("Warehouse", name, "disabled", 1)
		self.settings.quarantine_warehouse = name
		self.assertRaisesRegex(frappe.ValidationError, "disabled", self.settings.save)

	def test_warehouse_of_another_company_rejected(self):
		other = frappe.get_all(
			"Warehouse", filters={"company": ("!=", self.company), "is_group": 0}, pluck="name", limit=1
		)
		if not other:
			other_company = frappe.get_doc(
				{
					"doctype": "Company",
					"company_name": "MOM Other Co",
					"abbr": "MOC",
					"default_currency": "USD",
					"country": "United States",
				}
			).insert()
			other = [make_warehouse("MOM Elsewhere", other_company.name)]
		self.settings.quarantine_warehouse = other[0]
		self.assertRaisesRegex(frappe.ValidationError, "belongs to", self.settings.save)

	def test_quarantine_needs_company(self):
		self.settings.company = None
		self.settings.quarantine_warehouse = make_warehouse("MOM Quarantine", self.company)
		self.assertRaisesRegex(frappe.ValidationError, "Company", self.settings.save)
