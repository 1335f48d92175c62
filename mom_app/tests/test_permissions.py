"""Log in as each MOM role and check what it may and may not do on ERPNext's and mom_app's doctypes."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.rbac import MANAGER, OPERATOR, ROLES, STOREKEEPER, SUPERVISOR, expand
from mom_app.setup.roles import DOCPERM_RIGHTS
from mom_app.tests.utils import erpnext_company, make_employee, make_user

CHECKED = ("read", "write", "create", "submit", "cancel", "delete")


class TestRolePermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.users = {role: make_user(role) for role in ROLES}
		cls.nobody = make_user(None, "norole@mom-test.example")
		submittable = set(frappe.get_all("DocType", filters={"is_submittable": 1}, pluck="name"))
		cls.expected = {(dt, role): rights for dt, role, rights in expand(submittable=submittable)}

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_each_role_gets_exactly_the_matrix(self):
		for (doctype, role), rights in self.expected.items():
			frappe.set_user(self.users[role])
			for ptype in CHECKED:
				self.assertEqual(
					bool(frappe.has_permission(doctype, ptype)),
					ptype in rights,
					f"{role} {ptype} {doctype}",
				)
			frappe.set_user("Administrator")

	def test_roles_see_nothing_beyond_their_job(self):
		checks = {
			OPERATOR: ["Purchase Receipt", "Asset Repair", "Pick List"],
			"Quality Inspector": ["Asset Repair", "Production Plan"],
			"Maintenance Technician": ["Purchase Receipt", "Pick List", "Purchase Order"],
			STOREKEEPER: ["Asset Repair", "Non Conformance"],
		}
		for role, doctypes in checks.items():
			frappe.set_user(self.users[role])
			for doctype in doctypes:
				self.assertFalse(frappe.has_permission(doctype, "read"), f"{role} reads {doctype}")
			frappe.set_user("Administrator")

	def test_user_without_mom_role_gains_nothing(self):
		frappe.set_user(self.nobody)
		for doctype in ("Job Card", "Work Order", "MOM Settings", "Downtime Entry"):
			self.assertFalse(frappe.has_permission(doctype, "read"), doctype)

	def test_operator_records_downtime_but_cannot_create_work_orders(self):
		workstation = make_workstation("MOM-PERM-WS")
		operator = make_employee("MOM Perm Operator").insert(ignore_permissions=True).name
		frappe.set_user(self.users[OPERATOR])
		entry = frappe.get_doc(
			{
				"doctype": "Downtime Entry",
				"workstation": workstation,
				"operator": operator,
				"from_time": "2026-01-05 08:00:00",
				"to_time": "2026-01-05 08:20:00",
				"stop_reason": "Machine malfunction",
			}
		).insert()
		self.assertEqual(entry.owner, self.users[OPERATOR])
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc({"doctype": "Work Order", "production_item": "x", "qty": 1}).insert()

	def test_mom_settings_only_the_manager_changes(self):
		frappe.set_user(self.users[SUPERVISOR])
		settings = frappe.get_doc("MOM Settings")
		settings.badge_sign_in = 0
		with self.assertRaises(frappe.PermissionError):
			settings.save()
		frappe.set_user(self.users[MANAGER])
		settings = frappe.get_doc("MOM Settings")
		before = settings.badge_sign_in
		settings.badge_sign_in = 0 if before else 1  # a field whose change needs no other plant data
		settings.save()
		self.assertEqual(frappe.db.get_single_value("MOM Settings", "badge_sign_in"), 0 if before else 1)
		settings.badge_sign_in = before
		settings.save()

	def test_docperm_rights_known_to_frappe(self):
		meta = frappe.get_meta("Custom DocPerm")
		for right in DOCPERM_RIGHTS:
			self.assertIsNotNone(meta.get_field(right), right)


def make_workstation(name: str) -> str:
	if not frappe.db.exists("Workstation", name):
		frappe.get_doc({"doctype": "Workstation", "workstation_name": name}).insert(ignore_permissions=True)
	return name
