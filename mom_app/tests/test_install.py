"""What install-app leaves in a site: roles, custom fields, modules, workspace, permissions, patches."""

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.engine.rbac import ROLES
from mom_app.setup.custom_fields import CUSTOM_FIELDS
from mom_app.setup.roles import DOCPERM_RIGHTS, matrix_rows


class TestInstall(FrappeTestCase):
	def test_app_is_installed_after_erpnext(self):
		apps = frappe.get_installed_apps()
		self.assertIn("mom_app", apps)
		self.assertLess(apps.index("erpnext"), apps.index("mom_app"))

	def test_roles(self):
		for role in ROLES:
			self.assertTrue(frappe.db.get_value("Role", role, "desk_access"), role)

	def test_modules(self):
		modules = set(frappe.get_all("Module Def", filters={"app_name": "mom_app"}, pluck="name"))
		self.assertEqual(modules, {"Production", "Quality", "Stock Ext", "Plant Maintenance", "IoT"})

	def test_custom_fields(self):
		for doctype, fields in CUSTOM_FIELDS.items():
			meta = frappe.get_meta(doctype)
			for field in fields:
				df = meta.get_field(field["fieldname"])
				self.assertIsNotNone(df, f"{doctype}.{field['fieldname']}")
				self.assertEqual(df.fieldtype, field["fieldtype"])
		self.assertTrue(frappe.get_meta("Employee").get_field("mom_badge_barcode").unique)
		self.assertTrue(frappe.db.has_column("Workstation", "mom_asset"))

	def test_setup_patch_is_idempotent(self):
		"""The one setup patch (listed in patches.txt with a number to bump) re-applies everything without
		adding anything twice."""
		from frappe.modules.patch_handler import get_patches_from_app

		from mom_app.patches.apply_setup import execute

		lines = [p for p in get_patches_from_app("mom_app") if p.startswith("mom_app.patches.apply_setup")]
		self.assertEqual(len(lines), 1, lines)
		self.assertRegex(lines[0], r"^mom_app\.patches\.apply_setup #\d+$")
		self.assertTrue(frappe.db.exists("Patch Log", {"patch": lines[0]}), "the setup patch has not run")
		counted = {
			"Custom Field": {"fieldname": ("like", "mom\\_%")},
			"Property Setter": {},
			"Custom DocPerm": {},
			"Role": {},
			"Workflow": {},
			"Workflow State": {},
			"Production Order Type": {},
			"Downtime Reason": {},
		}
		before = {doctype: frappe.db.count(doctype, filters) for doctype, filters in counted.items()}
		execute()
		execute()
		self.assertEqual(
			{doctype: frappe.db.count(doctype, filters) for doctype, filters in counted.items()}, before
		)
		self.assertEqual(before["Custom Field"], sum(len(f) for f in CUSTOM_FIELDS.values()))

	def test_workspace(self):
		ws = frappe.get_doc("Workspace", "MOM")
		self.assertTrue(ws.public)
		self.assertEqual(ws.module, "Production")
		for card in ws.number_cards:
			self.assertTrue(frappe.db.exists("Number Card", card.number_card_name))
		for chart in ws.charts:
			self.assertTrue(frappe.db.exists("Dashboard Chart", chart.chart_name))
		linked = {(link.link_type, link.link_to) for link in ws.links if link.type == "Link"}
		for link_type, target in linked:
			self.assertTrue(frappe.db.exists(link_type, target), (link_type, target))
		self.assertIn(("Page", "traceability"), linked)
		self.assertIn(("Report", "Batch Genealogy"), linked)
		self.assertGreaterEqual(len(ws.number_cards), 4)

	def test_custom_docperms_match_matrix(self):
		rows = matrix_rows()
		self.assertGreater(len(rows), 50)
		for doctype, role, rights in rows:
			perm = frappe.get_all(
				"Custom DocPerm",
				filters={"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0},
				fields=list(DOCPERM_RIGHTS),
			)
			self.assertEqual(len(perm), 1, (doctype, role))
			self.assertEqual({r for r in DOCPERM_RIGHTS if perm[0][r]}, rights, (doctype, role))

	def test_standard_rights_kept_when_custom_perms_added(self):
		# Adding our rows copies the standard ones first: ERPNext's own roles keep their rights.
		self.assertTrue(
			frappe.db.exists(
				"Custom DocPerm", {"parent": "Work Order", "role": "Manufacturing User", "submit": 1}
			)
		)

	def test_own_doctype_perms_in_json_match_matrix(self):
		"""Every mom_app doctype carries in its DocType JSON exactly the matrix's rights for the MOM roles
		(select and report follow from read, and mean nothing on Single doctypes: not compared)."""
		from mom_app.engine.rbac import MATRIX, expand
		from mom_app.setup.roles import own_doctypes

		compared = [r for r in DOCPERM_RIGHTS if r not in ("select", "report")]
		ours = own_doctypes()
		self.assertTrue({"MOM Settings", "IoT Device", "IoT Reading", "Machine State Log"} <= ours)
		submittable = set(
			frappe.get_all("DocType", filters={"name": ("in", list(ours)), "is_submittable": 1}, pluck="name")
		)
		expected = {(dt, role): rights for dt, role, rights in expand(submittable=submittable) if dt in ours}
		for doctype in sorted(ours):
			if frappe.get_meta(doctype).istable:
				self.assertNotIn(doctype, MATRIX, "child tables follow their parent's rights")
				continue
			self.assertIn(doctype, MATRIX, f"{doctype} has no rights in mom_app.engine.rbac.MATRIX")
			for role in ROLES:
				perms = frappe.get_all(
					"DocPerm", filters={"parent": doctype, "role": role, "permlevel": 0}, fields=compared
				)
				rights = expected.get((doctype, role))
				if rights is None:
					self.assertFalse(perms, f"{doctype}: {role} has rights the matrix does not give")
					continue
				self.assertEqual(len(perms), 1, (doctype, role))
				granted = {r for r in compared if perms[0][r]}
				self.assertEqual(granted, rights & set(compared), (doctype, role))

	def test_property_setters(self):
		from mom_app.setup.property_setters import PROPERTY_SETTERS

		for doctype, fieldname, prop, value, _type in PROPERTY_SETTERS:
			self.assertEqual(
				str(frappe.get_meta(doctype).get_field(fieldname).get(prop)),
				value,
				(doctype, fieldname, prop),
			)

	def test_indexes_on_erpnext_tables(self):
		from mom_app.setup.indexes import INDEXES

		for doctype, columns, name in INDEXES:
			found = frappe.db.sql(
				"""select column_name from information_schema.statistics
				where table_schema = database() and table_name = %s and index_name = %s
				order by seq_in_index""",
				(f"tab{doctype}", name),
				pluck=True,
			)
			self.assertEqual(found, list(columns), (doctype, name))

	def test_scheduled_jobs(self):
		jobs = set(
			frappe.db.sql(
				"select method from `tabScheduled Job Type` where method like %s", "mom\\_app.%", pluck=True
			)
		)
		from mom_app import hooks

		expected = set()
		for value in hooks.scheduler_events.values():
			for methods in value.values() if isinstance(value, dict) else [value]:
				expected.update(methods)
		self.assertTrue(
			{
				"mom_app.iot.writer.drain",
				"mom_app.iot.storage.purge_old_readings",
				"mom_app.quality.spc.recompute_iot_characteristics",
				"mom_app.production.oee.recompute_recent",  # shop floor
			}
			<= expected
		)
		self.assertEqual(jobs, expected)


# --- shop floor ---
class TestShopFloorInstall(FrappeTestCase):
	def test_workflow_types_reasons_and_desk(self):
		from mom_app.production.shop_floor_setup import DOWNTIME_REASONS, ORDER_TYPES, workflow_data

		data = workflow_data()
		workflow = frappe.get_doc("Workflow", data["workflow_name"])
		self.assertTrue(workflow.is_active)
		self.assertEqual(workflow.document_type, "Work Order")
		self.assertEqual(workflow.workflow_state_field, "mom_workflow_state")
		self.assertEqual(len(workflow.transitions), len(data["transitions"]))
		for state in data["states"]:
			self.assertTrue(frappe.db.exists("Workflow State", state["state"]), state["state"])
		self.assertTrue(frappe.db.exists("Workflow Action Master", "Release"))
		self.assertEqual(frappe.get_meta("Work Order").get_workflow(), data["workflow_name"])
		for name in ORDER_TYPES:
			self.assertTrue(frappe.db.exists("Production Order Type", name), name)
		self.assertGreaterEqual(frappe.db.count("Downtime Reason"), len(DOWNTIME_REASONS) + 1)
		self.assertEqual(frappe.db.get_value("Downtime Reason", "Cleaning", "kind"), "Planned")
		for role in ("R&D Engineer", "Process Engineer", "Workshop Director"):
			self.assertTrue(frappe.db.get_value("Role", role, "desk_access"), role)
		self.assertTrue(frappe.db.exists("Page", "shop-floor-board"))
		self.assertTrue(frappe.db.exists("Report", "OEE Analysis"))
		self.assertTrue(frappe.db.exists("Print Format", "Work Order Traveler"))
		for card in ("OEE Today", "OEE Last 7 Days"):
			self.assertTrue(frappe.db.exists("Number Card", card), card)
		self.assertTrue(frappe.db.exists("Dashboard Chart", "OEE by Day"))


# --- end shop floor ---


# --- plant maintenance ---
class TestPlantMaintenanceInstall(FrappeTestCase):
	def test_workflow_trees_and_settings(self):
		from mom_app.engine.maintenance.orders import DEFAULT_TARGETS
		from mom_app.plant_maintenance.data.failure_codes import CODES
		from mom_app.plant_maintenance.setup import workflow_data

		data = workflow_data()
		workflow = frappe.get_doc("Workflow", data["workflow_name"])
		self.assertTrue(workflow.is_active)
		self.assertEqual(workflow.document_type, "Maintenance Work Order")
		self.assertEqual(frappe.get_meta("Maintenance Work Order").get_workflow(), data["workflow_name"])
		for state in data["states"]:
			self.assertTrue(frappe.db.exists("Workflow State", state["state"]), state["state"])
		for action in ("Wait for Parts", "Verify", "Reopen", "Schedule"):
			self.assertTrue(frappe.db.exists("Workflow Action Master", action), action)
		for doctype, (root, rows) in CODES.items():
			self.assertTrue(frappe.db.exists(doctype, root), root)
			self.assertGreaterEqual(frappe.db.count(doctype), len(rows) + 1, doctype)
		self.assertEqual(frappe.db.get_value("Failure Mode", "Vibration", "code"), "VIB")
		self.assertEqual(
			frappe.db.get_value("Failure Mechanism", "Wear", "parent_failure_mechanism"), "Material Failure"
		)
		settings = frappe.get_single("Maintenance Settings")
		self.assertEqual(settings.breakdown_mode, "Open an Order")
		self.assertEqual(
			{row.priority: (row.response_minutes, row.repair_minutes) for row in settings.priority_targets},
			{p: (t.response_minutes, t.repair_minutes) for p, t in DEFAULT_TARGETS.items()},
		)

	def test_install_is_idempotent_and_keeps_what_admins_changed(self):
		from mom_app.plant_maintenance.setup import install, workflow_data

		name = workflow_data()["workflow_name"]
		workflow = frappe.get_doc("Workflow", name)
		workflow.transitions = [t for t in workflow.transitions if t.action != "Schedule"]
		workflow.save(ignore_permissions=True)
		frappe.db.set_single_value("Maintenance Settings", "breakdown_minutes", 25)
		counted = ("Failure Mode", "Failure Mechanism", "Failure Cause", "Detection Method", "Remedy Action")
		before = {doctype: frappe.db.count(doctype) for doctype in counted}
		targets = frappe.db.count("Maintenance Priority Target")
		install()
		install()
		self.assertEqual({doctype: frappe.db.count(doctype) for doctype in counted}, before)
		self.assertEqual(frappe.db.count("Maintenance Priority Target"), targets)
		self.assertFalse(
			[t for t in frappe.get_doc("Workflow", name).transitions if t.action == "Schedule"],
			"install overwrote the admin's workflow",
		)
		self.assertEqual(frappe.db.get_single_value("Maintenance Settings", "breakdown_minutes"), 25)
		frappe.db.rollback()


# --- end plant maintenance ---


class TestTranslationsCurrent(FrappeTestCase):
	"""The committed POT must be what Frappe's extractor finds in the code now (tier 1 checks zh.po covers it)."""

	def test_pot_is_up_to_date(self):
		from babel.messages.pofile import read_po
		from frappe.gettext.translate import generate_pot, get_pot_path

		pot = get_pot_path("mom_app")
		committed = pot.read_bytes()
		try:
			generate_pot("mom_app")
			with open(pot, "rb") as f:
				fresh = {m.id for m in read_po(f) if m.id}
		finally:
			pot.write_bytes(committed)
		with open(pot, "rb") as f:
			current = {m.id for m in read_po(f) if m.id}
		self.assertFalse(
			fresh - current, "strings missing from main.pot: run `bench generate-pot-file --app mom_app`"
		)
		self.assertFalse(current - fresh, "main.pot has strings no longer in the code: regenerate it")

	def test_chinese_is_served(self):
		from frappe.translate import get_all_translations

		translations = get_all_translations("zh")
		self.assertEqual(translations.get("MOM"), "制造运营")
		self.assertEqual(translations.get("Badge Barcode"), "工牌条码")
