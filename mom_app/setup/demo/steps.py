"""The demo plant's first steps, company to people (their order is builder.STEPS). Each one is idempotent
(see state.Demo.ensure)."""

import frappe
from frappe import _
from frappe.utils import add_days, add_years, getdate
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from mom_app.setup.demo import data
from mom_app.setup.demo.state import Demo

# --- company ------------------------------------------------------------------------------------------


def company(demo: Demo):
	demo.track("Company", "Fiscal Year")
	if not frappe.is_setup_complete():
		run_setup_wizard(demo)
	ensure_company(demo)
	ensure_fiscal_year(demo)


def calendar_year() -> tuple[str, str]:
	year = getdate().year
	return f"{year}-01-01", f"{year}-12-31"


def run_setup_wizard(demo: Demo):
	"""Complete ERPNext's setup wizard as a person would in the browser, in Chinese, for the demo company."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	spec = data.COMPANY
	demo.echo(
		_("Completing the setup wizard (company {0}); this takes a minute...").format(spec["company_name"])
	)
	language = frappe.db.get_value("Language", spec["language_code"], "language_name") or "English"
	fy_start, fy_end = calendar_year()
	had_company = bool(frappe.db.exists("Company", spec["company_name"]))
	had_years = set(frappe.get_all("Fiscal Year", pluck="name"))
	args = {
		"language": language,
		"lang": language,  # update_global_settings reads this one
		"country": spec["country"],
		"timezone": spec["timezone"],
		"currency": spec["currency"],
		"company_name": spec["company_name"],
		"company_abbr": spec["abbr"],
		"company_tagline": spec["tagline"],
		"chart_of_accounts": spec["chart_of_accounts"],
		"industry": "Manufacturing",
		"fy_start_date": fy_start,
		"fy_end_date": fy_end,
	}
	# The wizard may be configured to run as a background job; here it must finish before the next step.
	conf = frappe.local.conf
	background = conf.get("trigger_site_setup_in_background")
	conf["trigger_site_setup_in_background"] = 0
	try:
		setup_complete(args)
	finally:
		conf["trigger_site_setup_in_background"] = background
	frappe.clear_cache()
	if not frappe.is_setup_complete():
		frappe.throw(_("The setup wizard did not complete; see the Error Log of the site."))
	if not had_company and frappe.db.exists("Company", spec["company_name"]):
		demo.count("Company")
	demo.count("Fiscal Year", len(set(frappe.get_all("Fiscal Year", pluck="name")) - had_years))


def ensure_company(demo: Demo):
	spec = data.COMPANY
	existing = frappe.db.get_value("Company", spec["company_name"], ["name", "abbr"], as_dict=True)
	if existing:
		demo.company, demo.abbr = existing.name, existing.abbr
		return
	abbr, n = spec["abbr"], 1
	while frappe.db.exists("Company", {"abbr": abbr}):
		n += 1
		abbr = f"{spec['abbr']}{n}"
	doc = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": spec["company_name"],
			"abbr": abbr,
			"country": spec["country"],
			"default_currency": spec["currency"],
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": spec["chart_of_accounts"],
			"enable_perpetual_inventory": 1,
			"company_description": spec["tagline"],
		}
	).insert()
	demo.count("Company")
	demo.company, demo.abbr = doc.name, doc.abbr


def ensure_fiscal_year(demo: Demo):
	"""A Fiscal Year covering today that applies to the company: reuse one, extend one, or create one."""
	today = getdate()
	covering = frappe.get_all(
		"Fiscal Year",
		filters={"year_start_date": ("<=", today), "year_end_date": (">=", today), "disabled": 0},
		pluck="name",
		order_by="year_start_date desc",
	)
	for name in covering:
		companies = frappe.get_all("Fiscal Year Company", filters={"parent": name}, pluck="company")
		if not companies or demo.company in companies:
			return name
	if covering:  # years kept per company: add ours to the one covering today
		doc = frappe.get_doc("Fiscal Year", covering[0])
		doc.append("companies", {"company": demo.company})
		doc.save()
		return doc.name
	start = getdate(calendar_year()[0])
	year = (
		str(start.year)
		if not frappe.db.exists("Fiscal Year", str(start.year))
		else f"{start.year}-{demo.abbr}"
	)
	doc = frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": year,
			"year_start_date": start,
			"year_end_date": add_days(add_years(start, 1), -1),
			"companies": [{"company": demo.company}],
		}
	).insert()
	demo.count("Fiscal Year")
	return doc.name


def use_existing_company(demo: Demo):
	"""For a run of selected steps: find the demo company, which an earlier run made."""
	spec = data.COMPANY
	existing = frappe.db.get_value("Company", spec["company_name"], ["name", "abbr"], as_dict=True)
	if not existing:
		frappe.throw(
			_("Company {0} does not exist yet: run the whole demo first.").format(spec["company_name"])
		)
	demo.company, demo.abbr = existing.name, existing.abbr


# --- warehouses ---------------------------------------------------------------------------------------


def warehouse(demo: Demo, key: str) -> str:
	if key not in demo.warehouses:
		warehouse_name = data.WAREHOUSES[key][0]
		name = frappe.db.get_value("Warehouse", {"warehouse_name": warehouse_name, "company": demo.company})
		if not name:
			frappe.throw(_("Warehouse {0} of {1} is missing.").format(warehouse_name, demo.company))
		demo.warehouses[key] = name
	return demo.warehouses[key]


def warehouses(demo: Demo):
	for key, (name, description) in data.WAREHOUSE_TYPES.items():
		demo.warehouse_types[key] = demo.ensure(
			"Warehouse Type", name, {"name": name, "description": description}
		)
	root = frappe.db.get_value(
		"Warehouse", {"company": demo.company, "is_group": 1, "parent_warehouse": ("is", "not set")}
	)
	for key, (warehouse_name, type_key) in data.WAREHOUSES.items():
		demo.warehouses[key] = demo.ensure(
			"Warehouse",
			{"warehouse_name": warehouse_name, "company": demo.company},
			{
				"warehouse_name": warehouse_name,
				"company": demo.company,
				"parent_warehouse": root,
				"warehouse_type": data.WAREHOUSE_TYPES[type_key][0],
			},
		)


def mom_settings(demo: Demo):
	"""Point MOM Settings at the demo plant, unless it already runs another company's plant."""
	demo.track("MOM Settings")
	settings = frappe.get_single("MOM Settings")
	if settings.company and settings.company != demo.company:
		demo.note(
			_("MOM Settings are for company {0}; left unchanged (the demo plant is {1}).").format(
				settings.company, demo.company
			)
		)
		return
	wanted = {
		"company": demo.company,
		"quarantine_warehouse": warehouse(demo, "quarantine"),
		"line_side_warehouse_type": data.WAREHOUSE_TYPES["line_side"][0],
	}
	missing = {field: value for field, value in wanted.items() if not settings.get(field)}
	if not missing:
		return
	if "company" in missing:
		missing["badge_sign_in"] = 1
		stale = settings.quarantine_warehouse
		if stale and frappe.db.get_value("Warehouse", stale, "company") != demo.company:
			# another company's: not this plant's
			missing["quarantine_warehouse"] = wanted["quarantine_warehouse"]
	settings.update(missing)
	settings.save()
	demo.count("MOM Settings")


# --- items --------------------------------------------------------------------------------------------


def uom(english: str) -> str:
	"""The UOM ERPNext installed for `english`: its setup wizard names UOMs in the site's language."""
	language = frappe.db.get_single_value("System Settings", "language") or "en"
	for name in dict.fromkeys((english, _(english), _(english, lang=language))):
		if frappe.db.exists("UOM", name):
			return name
	frappe.throw(
		_("Unit of measure {0} is missing; complete the ERPNext setup wizard first.").format(english)
	)


def items(demo: Demo):
	root = get_root_of("Item Group")
	groups = {
		key: demo.ensure(
			"Item Group", name, {"item_group_name": name, "parent_item_group": root, "is_group": 0}
		)
		for key, name in data.ITEM_GROUPS.items()
	}
	for code, (item_name, group, unit, rate, default_warehouse, description) in data.ITEMS.items():
		demo.ensure(
			"Item",
			code,
			{
				"item_code": code,
				"item_name": item_name,
				"item_group": groups[group],
				"stock_uom": uom(unit),
				"description": description,
				"is_stock_item": 1,
				"include_item_in_manufacturing": 1,
				"is_purchase_item": int(group == "raw"),
				"is_sales_item": int(group == "finished"),
				"has_batch_no": 1,
				"create_new_batch": 1,
				"batch_number_series": data.BATCH_SERIES.format(item_code=code),
				"valuation_rate": rate,
				"item_defaults": [
					{"company": demo.company, "default_warehouse": warehouse(demo, default_warehouse)}
				],
			},
		)


# --- workstations -------------------------------------------------------------------------------------


def workstations(demo: Demo):
	floors = {
		key: demo.ensure(
			"Plant Floor",
			name,
			{"floor_name": name, "company": demo.company, "warehouse": warehouse(demo, line_side)},
		)
		for key, (name, line_side) in data.PLANT_FLOORS.items()
	}
	for name, (labour, electricity, consumable, rent, description) in data.WORKSTATION_TYPES.items():
		demo.ensure(
			"Workstation Type",
			name,
			{
				"workstation_type": name,
				"hour_rate_labour": labour,
				"hour_rate_electricity": electricity,
				"hour_rate_consumable": consumable,
				"hour_rate_rent": rent,
				"description": description,
			},
		)
	for name, (workstation_type, floor, line_side, hours, description) in data.WORKSTATIONS.items():
		demo.ensure(
			"Workstation",
			name,
			{
				"workstation_name": name,
				"workstation_type": workstation_type,
				"plant_floor": floors[floor] if floor else None,
				"warehouse": warehouse(demo, line_side) if line_side else None,
				"production_capacity": 1,
				"description": description,
				"working_hours": [
					{"start_time": start, "end_time": end, "enabled": 1} for start, end in hours
				],
			},
		)


def routings(demo: Demo):
	for name, (workstation, description) in data.OPERATIONS.items():
		demo.ensure("Operation", name, {"name": name, "workstation": workstation, "description": description})
	for name, operations in data.ROUTINGS.items():
		demo.ensure(
			"Routing",
			name,
			{
				"routing_name": name,
				"operations": [
					{
						"operation": operation,
						"workstation": data.OPERATIONS[operation][0],
						"time_in_mins": minutes,
						"sequence_id": index,
					}
					for index, (operation, minutes) in enumerate(operations, start=1)
				],
			},
		)


def boms(demo: Demo):
	"""A submitted, active, default BOM with operations per manufactured item (sub-assemblies first)."""
	# In the company's currency: on a site whose default currency differs (a test site's USD), ERPNext would
	# otherwise price the BOM in the default currency and need an exchange rate nobody has entered.
	currency = frappe.get_cached_value("Company", demo.company, "default_currency")
	for item, (routing, components) in data.BOMS.items():
		demo.ensure(
			"BOM",
			{"item": item, "company": demo.company, "is_default": 1, "is_active": 1, "docstatus": 1},
			{
				"item": item,
				"company": demo.company,
				"currency": currency,
				"quantity": 1,
				"is_active": 1,
				"is_default": 1,
				"with_operations": 1,
				"routing": routing,  # BOM.validate copies the routing's operations
				"rm_cost_as_per": "Valuation Rate",
				"items": [{"item_code": code, "qty": qty} for code, qty in components],
			},
			submit=True,
		)


# --- people -------------------------------------------------------------------------------------------


def people(demo: Demo):
	for designation in data.DESIGNATIONS:
		demo.ensure("Designation", designation, {"designation_name": designation})
	for gender in {spec[1] for spec in data.EMPLOYEES.values()}:
		demo.ensure("Gender", gender, {"gender": gender})
	demo.track("User", "Employee")
	for badge, (name, gender, born, joined, designation, login, role) in data.EMPLOYEES.items():
		user = ensure_user(demo, data.user_email(login), name, role) if login else None
		demo.ensure(
			"Employee",
			{"mom_badge_barcode": badge},
			{
				"naming_series": "HR-EMP-",
				"first_name": name,
				"gender": gender,
				"date_of_birth": born,
				"date_of_joining": joined,
				"company": demo.company,
				"designation": designation,
				"status": "Active",
				"user_id": user,
				# Employee user permissions would hide every other employee and company from the user.
				"create_user_permission": 0,
				"mom_badge_barcode": badge,
			},
		)


def ensure_user(demo: Demo, email: str, full_name: str, role: str) -> str:
	demo.track("User")
	if frappe.db.exists("User", email):
		return email
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": full_name,
			"language": data.COMPANY["language_code"],
			"time_zone": data.COMPANY["timezone"],
			"user_type": "System User",
			"send_welcome_email": 0,
			"roles": [{"role": role}],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert()
	update_password(email, data.DEMO_PASSWORD)
	demo.count("User")
	return user.name
