"""Run after `bench --site S uninstall-app mom_app` (scripts/run-tests does):

	bench --site S run-tests --module mom_app.tests.uninstalled_checks

Not named test_*.py on purpose: it must not run while mom_app is installed.
"""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from mom_app.engine.rbac import MATRIX, ROLES


class TestNothingLeftBehind(FrappeTestCase):
	def test_app_gone(self):
		self.assertNotIn("mom_app", frappe.get_installed_apps())

	def test_roles_and_permissions_gone(self):
		self.assertFalse(frappe.get_all("Role", filters={"name": ("in", ROLES)}))
		self.assertFalse(frappe.get_all("Has Role", filters={"role": ("in", ROLES)}))
		self.assertFalse(frappe.get_all("Custom DocPerm", filters={"role": ("in", ROLES)}))
		# The doctypes we had customised follow ERPNext's standard permissions again.
		touched = [dt for dt in MATRIX if frappe.db.exists("DocType", dt)]
		self.assertFalse(
			frappe.get_all("Custom DocPerm", filters={"parent": ("in", touched)}, pluck="parent")
		)

	def test_custom_fields_and_columns_gone(self):
		# raw SQL: frappe.get_all escapes the backslash of a LIKE pattern and would match nothing
		self.assertFalse(
			frappe.db.sql("select name from `tabCustom Field` where fieldname like %s", "mom\\_%")
		)
		self.assertIsNone(frappe.get_meta("Employee").get_field("mom_badge_barcode"))
		self.assertIsNone(frappe.get_meta("Downtime Entry").get_field("mom_source"))

	def test_indexes_gone(self):
		# the indexes mom_app added to ERPNext's job card tables (mom_app.setup.indexes)
		for table, name in (
			("Job Card", "mom_workstation_docstatus"),
			("Job Card Time Log", "mom_employee_from_time"),
		):
			self.assertFalse(frappe.db.has_index(f"tab{table}", name), name)

	def test_property_setters_gone(self):
		# ERPNext's own rules again: a downtime entry needs an operator and a stop reason
		self.assertFalse(
			frappe.get_all(
				"Property Setter",
				filters={"doc_type": "Downtime Entry", "field_name": ("in", ["operator", "stop_reason"])},
			)
		)
		meta = frappe.get_meta("Downtime Entry")
		self.assertTrue(meta.get_field("operator").reqd)
		self.assertTrue(meta.get_field("stop_reason").reqd)

	def test_iot_doctypes_tables_jobs_and_stream_gone(self):
		for doctype in (
			"IoT Device",
			"IoT Tag",
			"IoT Settings",
			"IoT Reading",
			"IoT Minute Aggregate",
			"Machine State Log",
		):
			self.assertFalse(frappe.db.exists("DocType", doctype), doctype)
			self.assertFalse(frappe.db.table_exists(doctype), doctype)
		self.assertFalse(frappe.db.sql("select 1 from tabSingles where doctype=%s", "IoT Settings"))
		sequences = frappe.db.sql(
			"""select table_name from information_schema.tables
			where table_schema = database() and table_type = 'SEQUENCE' and table_name in %s""",
			(("iot_reading_id_seq", "iot_minute_aggregate_id_seq", "machine_state_log_id_seq"),),
		)
		self.assertFalse(sequences)
		self.assertFalse(
			frappe.db.sql("select name from `tabScheduled Job Type` where method like %s", "mom\\_app.%")
		)
		from mom_app.iot.writer import site_stream_key, stream_redis

		self.assertFalse(stream_redis().exists(site_stream_key()))

	def test_genealogy_gone(self):
		self.assertFalse(frappe.db.exists("DocType", "Genealogy Edge"))
		self.assertFalse(frappe.db.table_exists("Genealogy Edge"))
		self.assertFalse(
			frappe.db.sql(
				"""select table_name from information_schema.tables
				where table_schema = database() and table_name = %s""",
				"genealogy_edge_id_seq",
			)
		)
		self.assertFalse(frappe.db.exists("Page", "traceability"))
		self.assertFalse(frappe.db.exists("Report", "Batch Genealogy"))
		self.assertIsNone(frappe.get_meta("Batch").get_field("mom_supplier_batch_no"))

	def test_modules_doctypes_and_desk_gone(self):
		self.assertFalse(frappe.get_all("Module Def", filters={"app_name": "mom_app"}))
		self.assertFalse(frappe.db.exists("DocType", "MOM Settings"))
		self.assertFalse(frappe.db.exists("Workspace", "MOM"))
		self.assertFalse(frappe.get_all("Number Card", filters={"module": ("in", ["Production", "IoT"])}))
		self.assertFalse(frappe.get_all("Dashboard Chart", filters={"module": "Production"}))
		self.assertFalse(frappe.db.sql("select 1 from tabSingles where doctype=%s", "MOM Settings"))


# --- shop floor ---
class TestShopFloorGone(FrappeTestCase):
	def test_workflow_states_and_actions_gone(self):
		self.assertFalse(frappe.db.exists("Workflow", "Work Order Approval"))
		self.assertFalse(frappe.get_all("Workflow", filters={"document_type": "Work Order"}))
		self.assertFalse(frappe.get_meta("Work Order").get_workflow())
		for state in (
			"Draft",
			"R&D Approved",
			"Process Approved",
			"Production Approved",
			"Director Approved",
			"QA Approved",
		):
			self.assertFalse(frappe.db.exists("Workflow State", state), state)
		self.assertTrue(frappe.db.exists("Workflow State", "Approved"))  # Frappe's own
		self.assertFalse(frappe.db.exists("Workflow Action Master", "Release"))
		self.assertTrue(frappe.db.exists("Workflow Action Master", "Approve"))  # Frappe's own
		self.assertFalse(frappe.get_all("Workflow Action", filters={"reference_doctype": "Work Order"}))

	def test_doctypes_fields_and_desk_gone(self):
		for doctype in (
			"Terminal Action",
			"Production Order Type",
			"Production Order Type Field",
			"Downtime Reason",
			"Shift Pattern",
			"Shift Pattern Break",
			"Shift Pattern Downtime",
			"Workstation Shift",
			"OEE Record",
		):
			self.assertFalse(frappe.db.exists("DocType", doctype), doctype)
			self.assertFalse(frappe.db.table_exists(doctype), doctype)
		for doctype, field in (
			("Work Order", "mom_order_type"),
			("Work Order", "mom_workflow_state"),
			("Job Card", "mom_scrap_qty"),
			("Downtime Entry", "mom_downtime_reason"),
			("Workstation", "mom_shifts"),
			("Workstation", "mom_terminal_user"),
		):
			self.assertIsNone(frappe.get_meta(doctype).get_field(field), (doctype, field))
		self.assertFalse(frappe.db.exists("Page", "shop-floor-board"))
		self.assertFalse(frappe.db.exists("Report", "OEE Analysis"))
		self.assertFalse(frappe.db.exists("Print Format", "Work Order Traveler"))
		for role in ("R&D Engineer", "Process Engineer", "Workshop Director"):
			self.assertFalse(frappe.db.exists("Role", role), role)


# --- end shop floor ---


# --- plant maintenance ---
class TestPlantMaintenanceGone(FrappeTestCase):
	def test_doctypes_workflow_and_todos_gone(self):
		for doctype in (
			"Maintenance Work Order",
			"Maintenance Work Order Step",
			"Maintenance Time Log",
			"Maintenance Planned Part",
			"Maintenance Used Part",
			"Maintenance Checklist",
			"Maintenance Checklist Step",
			"Maintenance Settings",
			"Maintenance Priority Target",
			"Maintenance Action",
			"Failure Mode",
			"Failure Mechanism",
			"Failure Cause",
			"Detection Method",
			"Remedy Action",
		):
			self.assertFalse(frappe.db.exists("DocType", doctype), doctype)
			self.assertFalse(frappe.db.table_exists(doctype), doctype)
		self.assertFalse(frappe.db.sql("select 1 from tabSingles where doctype=%s", "Maintenance Settings"))
		self.assertFalse(frappe.db.exists("Workflow", "Maintenance Work Order"))
		for state in ("Requested", "Scheduled", "Waiting for Parts", "Verified"):
			self.assertFalse(frappe.db.exists("Workflow State", state), state)
		for action in ("Wait for Parts", "Reopen"):
			self.assertFalse(frappe.db.exists("Workflow Action Master", action), action)
		self.assertFalse(frappe.get_all("ToDo", filters={"reference_type": "Maintenance Work Order"}))
		self.assertFalse(
			frappe.get_all("Workflow Action", filters={"reference_doctype": "Maintenance Work Order"})
		)
		for doctype in ("Asset Repair", "Asset Maintenance Log", "Material Request", "Stock Entry"):
			self.assertIsNone(frappe.get_meta(doctype).get_field("mom_maintenance_work_order"), doctype)
		self.assertIsNone(frappe.get_meta("Workstation").get_field("mom_breakdown_minutes"))


# --- end plant maintenance ---


class TestERPNextStillWorks(FrappeTestCase):
	"""ERPNext's own Work Order flow: BOM -> Work Order -> transfer -> manufacture, all submitted."""

	def test_work_order_flow(self):
		from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

		company = frappe.db.get_single_value("Global Defaults", "default_company")
		abbr = frappe.get_cached_value("Company", company, "abbr")
		stores, wip, fg = (f"{w} - {abbr}" for w in ("Stores", "Work In Progress", "Finished Goods"))
		raw, product = make_item("MOM-UNINST-RAW"), make_item("MOM-UNINST-FG")

		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": company,
				"items": [{"item_code": raw, "qty": 20, "t_warehouse": stores, "basic_rate": 5}],
			}
		).submit()
		bom = frappe.get_doc(
			{
				"doctype": "BOM",
				"item": product,
				"company": company,
				"quantity": 1,
				"items": [{"item_code": raw, "qty": 2, "rate": 5}],
			}
		)
		bom.insert()
		bom.submit()
		wo = frappe.get_doc(
			{
				"doctype": "Work Order",
				"production_item": product,
				"bom_no": bom.name,
				"qty": 5,
				"company": company,
				"source_warehouse": stores,
				"wip_warehouse": wip,
				"fg_warehouse": fg,
				"planned_start_date": nowdate(),
			}
		)
		wo.insert()
		wo.submit()
		for purpose in ("Material Transfer for Manufacture", "Manufacture"):
			se = frappe.get_doc(make_stock_entry(wo.name, purpose, 5))
			se.insert()
			se.submit()
		wo.reload()
		self.assertEqual(wo.produced_qty, 5)
		self.assertEqual(wo.status, "Completed")
		self.assertEqual(frappe.db.get_value("Bin", {"item_code": product, "warehouse": fg}, "actual_qty"), 5)


def make_item(code: str) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": 5,
			}
		).insert()
	return code
