"""Factories for tier-2 tests (real site)."""

import frappe


def make_user(
	role: str | None, email: str | None = None, language: str = "en", password: str | None = None
) -> str:
	"""A desk user holding exactly `role` (or no role at all). Idempotent by email."""
	email = email or f"{frappe.scrub(role or 'norole')}@mom-test.example"
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
		user.roles = []
	else:
		user = frappe.new_doc("User")
		user.update(
			{
				"email": email,
				"first_name": role or "No Role",
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
	user.language = language
	if password:
		user.new_password = password
	user.flags.no_welcome_mail = True
	user.save(ignore_permissions=True) if user.name else user.insert(ignore_permissions=True)
	if role:
		user.add_roles(role)
	return user.name


def erpnext_company() -> str:
	"""The company ERPNext's setup created for the test site."""
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def root_item_group() -> str:
	"""The root Item Group, named in the site's language ("All Item Groups", "所有物料组", ...)."""
	from frappe.utils.nestedset import get_root_of

	return get_root_of("Item Group")


def default_warehouses(company: str) -> frappe._dict:
	"""Stores, work-in-progress and finished-goods warehouses of `company`, whatever language ERPNext's setup
	named them in: the Stock / Manufacturing Settings defaults when they belong to the company, else ERPNext's
	English names, else any warehouse of the company that is not a group."""
	abbr = frappe.get_cached_value("Company", company, "abbr")
	fallback = frappe.db.get_value("Warehouse", {"company": company, "is_group": 0}, "name", order_by="name")

	def pick(setting: tuple[str, str], english: str) -> str:
		for name in (frappe.db.get_single_value(*setting), f"{english} - {abbr}"):
			if name and frappe.db.get_value("Warehouse", name, "company") == company:
				return name
		return fallback

	return frappe._dict(
		source=pick(("Stock Settings", "default_warehouse"), "Stores"),
		wip=pick(("Manufacturing Settings", "default_wip_warehouse"), "Work In Progress"),
		fg=pick(("Manufacturing Settings", "default_fg_warehouse"), "Finished Goods"),
	)


def make_employee(first_name: str, badge: str | None = None):
	"""An unsaved Employee of the test company."""
	return frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": first_name,
			"company": erpnext_company(),
			"gender": "Female",
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"mom_badge_barcode": badge,
		}
	)


def make_workstation(name: str) -> str:
	"""A Workstation (ERPNext), created once."""
	if not frappe.db.exists("Workstation", name):
		frappe.get_doc({"doctype": "Workstation", "workstation_name": name}).insert(ignore_permissions=True)
	return name


STATE_MAP = "1=Running\n2=Idle\n3=Down\n4=Setup"


def iot_device(name: str, protocol: str = "Webhook", tags: list[dict] | None = None, **values):
	"""An unsaved IoT Device with sensible connection settings for its protocol."""
	doc = frappe.new_doc("IoT Device")
	doc.update({"device_name": name, "protocol": protocol, "enabled": 1, **values})
	if protocol == "Modbus TCP":
		doc.host = doc.host or "127.0.0.1"
	elif protocol == "OPC UA":
		doc.opcua_endpoint = doc.opcua_endpoint or "opc.tcp://127.0.0.1:4840"
	for tag in tags or []:
		doc.append("tags", tag)
	return doc


def make_iot_device(name: str, protocol: str = "Webhook", tags: list[dict] | None = None, **values):
	"""An IoT Device inserted afresh (any earlier one of that name, and its readings, are deleted)."""
	drop_iot_device(name)
	return iot_device(name, protocol, tags, **values).insert(ignore_permissions=True)


def drop_iot_device(name: str) -> None:
	"""Delete a test device with everything it produced."""
	if not frappe.db.exists("IoT Device", name):
		return
	for doctype in ("IoT Reading", "IoT Minute Aggregate"):
		frappe.db.delete(doctype, {"device": name})
	for log in frappe.get_all(
		"Machine State Log", filters={"device": name}, fields=["name", "downtime_entry"]
	):
		frappe.db.delete("Machine State Log", {"name": log.name})
		if log.downtime_entry:
			frappe.db.delete("Downtime Entry", {"name": log.downtime_entry})
	frappe.delete_doc("IoT Device", name, ignore_permissions=True, force=True)


# time zones tried in order for daytime_zone(): the plants this app is for first
DAYTIME_ZONES = (
	"Asia/Shanghai",
	"Europe/Berlin",
	"America/New_York",
	"America/Los_Angeles",
	"Pacific/Auckland",
)


def set_time_zone(zone: str) -> None:
	"""The site's System Settings time zone, seen at once by this process and (committed) by web servers."""
	frappe.db.set_single_value("System Settings", "time_zone", zone)
	frappe.clear_document_cache("System Settings", "System Settings")
	frappe.local.system_settings = None
	frappe.db.commit()


def daytime_zone(first_hour: int = 4, last_hour: int = 19) -> str | None:
	"""Put the site in a time zone where the local time now is between first_hour and last_hour o'clock, for
	tests whose data must lie within one local day around now (a shift from two hours ago to three hours
	ahead): run a few minutes after midnight they would find yesterday's data. Returns the zone to put back
	(None: the site's zone was fine as it is)."""
	from datetime import datetime
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	before = get_system_timezone()
	if first_hour <= datetime.now(ZoneInfo(before)).hour <= last_hour:
		return None
	for zone in DAYTIME_ZONES:
		if first_hour <= datetime.now(ZoneInfo(zone)).hour <= last_hour:
			set_time_zone(zone)
			return before
	raise AssertionError(f"no time zone in {DAYTIME_ZONES} has daytime now")
