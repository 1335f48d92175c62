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
		"validate": [
			# shop floor: the reason from the tree sets the stop reason (before it is required)
			"mom_app.production.overrides.downtime_entry.apply_reason",
			"mom_app.production.overrides.downtime_entry.validate",
		],
	},
	# shop floor: the order type's required fields
	"Work Order": {
		"validate": "mom_app.production.overrides.work_order.validate",
	},
	# lot genealogy (Genealogy Edge) captured on submit, removed on cancel; quality: inspections by plan
	# (IQC on receipts, FQC on Manufacture entries, OQC on deliveries) and their gates
	"Stock Entry": {
		"on_submit": [
			"mom_app.stock_ext.overrides.stock_entry.on_submit",
			"mom_app.quality.overrides.stock_entry.on_submit",
		],
		"on_cancel": "mom_app.stock_ext.overrides.stock_entry.on_cancel",
	},
	"Purchase Receipt": {
		"on_update": "mom_app.quality.overrides.purchase_receipt.on_update",
		"before_submit": "mom_app.quality.overrides.purchase_receipt.before_submit",
		"on_submit": [
			"mom_app.stock_ext.overrides.purchase_receipt.on_submit",
			"mom_app.quality.overrides.purchase_receipt.on_submit",
		],
		"on_cancel": "mom_app.stock_ext.overrides.purchase_receipt.on_cancel",
	},
	"Delivery Note": {
		"on_update": "mom_app.quality.overrides.delivery_note.on_update",
		"before_submit": "mom_app.quality.overrides.delivery_note.before_submit",
		"on_submit": "mom_app.stock_ext.overrides.delivery_note.on_submit",
		"on_cancel": "mom_app.stock_ext.overrides.delivery_note.on_cancel",
	},
	# quality: IPQC by plan frequency, the job-card gate, and quality holds that pause job cards
	"Job Card": {
		"validate": "mom_app.quality.overrides.job_card.validate",
		"on_update": [
			"mom_app.quality.overrides.job_card.on_update",
			# shop floor: a started job puts its work order In Process
			"mom_app.production.overrides.job_card.start_work_order",
		],
		"before_submit": "mom_app.quality.overrides.job_card.before_submit",
		# shop floor: scrap reported at the terminal is the process loss; OEE on submit
		"before_save": "mom_app.production.overrides.job_card.before_save",
		"on_submit": "mom_app.production.overrides.job_card.on_submit",
	},
	"Quality Inspection": {
		"before_submit": "mom_app.quality.overrides.quality_inspection.before_submit",
		"on_submit": "mom_app.quality.overrides.quality_inspection.on_submit",
	},
	# every stock transaction passes through its ledger entries: held batches are refused there
	"Stock Ledger Entry": {
		"validate": "mom_app.quality.overrides.stock_ledger_entry.validate",
	},
	# plant maintenance: a hold whose cause is the machine opens a maintenance order; a completed order's work
	# classifies its workstation's stops (OEE); the writers reload the condition rules when settings change
	"Quality Hold": {
		"on_update": "mom_app.plant_maintenance.overrides.quality_hold.on_update",
	},
	"Maintenance Work Order": {
		"on_update": "mom_app.plant_maintenance.overrides.maintenance_work_order.on_update",
		# preventive plans: a meter plan's order keeps the meter at completion; why it fell due, in the
		# reader's language
		"validate": "mom_app.plant_maintenance.overrides.maintenance_work_order.validate",
		"onload": "mom_app.plant_maintenance.overrides.maintenance_work_order.onload",
	},
	"Maintenance Settings": {
		"on_update": "mom_app.plant_maintenance.overrides.maintenance_settings.on_update",
	},
}

# IoT: an IoT Device's OPC UA client private key is read, listed and downloaded only by the roles that see
# secrets (mom_app/iot/file_access.py), though every MOM role reads the device it is attached to
has_permission = {"File": "mom_app.iot.file_access.has_permission"}
permission_query_conditions = {"File": "mom_app.iot.file_access.permission_query_conditions"}
before_request = ["mom_app.iot.file_access.check_download"]

# Desk-wide script: empty values in the form timeline shown as empty, not "null"
app_include_js = ["mom_desk.bundle.js"]

# Form scripts for ERPNext doctypes (paths relative to the mom_app package)
doctype_js = {
	"Downtime Entry": "public/js/downtime_entry.js",
	# shop floor: the approval state and who acts next, the order type's required fields
	"Work Order": "public/js/work_order.js",
	# quality: the inspection type in the reader's words ("In Process" is 制程检验)
	"Quality Inspection": "public/js/quality_inspection.js",
}
# shop floor: the workstation's status in the shop floor's words (ERPNext's list says it without a context)
doctype_list_js = {
	"Workstation": "public/js/workstation_list.js",
	"Quality Inspection": "public/js/quality_inspection_list.js",
}

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# store webhook readings from the Redis stream even when no collector process runs
		"* * * * *": [
			"mom_app.iot.writer.drain",
			# plant maintenance: condition rules' delays completed by time; machines still down
			"mom_app.plant_maintenance.condition_rules.heartbeat",
			"mom_app.plant_maintenance.breakdowns.check_open",
		],
		# SPC characteristics fed by IoT signals
		"*/10 * * * *": ["mom_app.quality.spc.recompute_iot_characteristics"],
	},
	"daily": ["mom_app.iot.storage.purge_old_readings"],
	"hourly": [
		# shop floor: OEE Records of today and yesterday
		"mom_app.production.oee.recompute_recent",
		# plant maintenance: the due-date scan of the maintenance plans and ERPNext's maintenance logs
		"mom_app.plant_maintenance.plans.scan.run",
	],
}

# the operator terminal's actions in a job card's timeline (its saves there make no Version)
additional_timeline_content = {
	"Job Card": ["mom_app.production.doctype.terminal_action.terminal_action.job_card_timeline"]
}

# shop floor: QR codes in print formats (the Work Order traveler, the Asset Label)
jinja = {
	"methods": [
		"mom_app.production.traveler.qr_svg",
		"mom_app.production.traveler.job_cards",
		"mom_app.plant_maintenance.asset_label.asset_workstation",
	],
}

# Tests
# -----
before_tests = "mom_app.tests.before_tests"

# Translations are in mom_app/locale/zh.po (compile with `bench compile-po-to-mo --app mom_app`).
