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
}

# Tests
# -----
before_tests = "mom_app.tests.before_tests"

# Translations are in mom_app/locale/zh.po (compile with `bench compile-po-to-mo --app mom_app`).
