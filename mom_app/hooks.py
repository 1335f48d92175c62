app_name = "mom_app"
app_title = "MOM"
app_publisher = "mom_app developers"
app_description = "Manufacturing Operations Management for ERPNext: MES, quality, line-side logistics, maintenance and machine connectivity"
app_email = "mom-app@users.noreply.github.com"
app_license = "GPL-3.0"
app_logo_url = "/assets/mom_app/images/mom-logo.svg"

required_apps = ["erpnext"]

add_to_apps_screen = [
	{
		"name": "mom_app",
		"logo": "/assets/mom_app/images/mom-logo.svg",
		"title": "MOM",
		"route": "/app/mom",
	}
]

# Install / uninstall
# -------------------
before_install = "mom_app.setup.install.before_install"
after_install = "mom_app.setup.install.after_install"
before_uninstall = "mom_app.setup.install.before_uninstall"

# ERPNext doctypes are extended through document events only, never by overriding their classes.
# Each handler lives in mom_app/<module>/overrides/<doctype>.py.
doc_events = {
	"Employee": {
		"validate": "mom_app.production.overrides.employee.validate",
	},
	"Downtime Entry": {
		"validate": "mom_app.production.overrides.downtime_entry.validate",
	},
	# lot genealogy (Genealogy Edge) captured on submit, removed on cancel
	"Stock Entry": {
		"on_submit": "mom_app.stock_ext.overrides.stock_entry.on_submit",
		"on_cancel": "mom_app.stock_ext.overrides.stock_entry.on_cancel",
	},
	"Purchase Receipt": {
		"on_submit": "mom_app.stock_ext.overrides.purchase_receipt.on_submit",
		"on_cancel": "mom_app.stock_ext.overrides.purchase_receipt.on_cancel",
	},
	"Delivery Note": {
		"on_submit": "mom_app.stock_ext.overrides.delivery_note.on_submit",
		"on_cancel": "mom_app.stock_ext.overrides.delivery_note.on_cancel",
	},
}

# Form scripts for ERPNext doctypes (paths relative to the mom_app package)
doctype_js = {
	"Downtime Entry": "public/js/downtime_entry.js",
}

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# store webhook readings from the Redis stream even when no collector process runs
		"* * * * *": ["mom_app.iot.writer.drain"],
	},
	"daily": ["mom_app.iot.storage.purge_old_readings"],
}

# Tests
# -----
before_tests = "mom_app.tests.before_tests"

# Translations are in mom_app/locale/zh.po (compile with `bench compile-po-to-mo --app mom_app`).
