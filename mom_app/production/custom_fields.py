"""Custom fields of the shop floor: badges, work order types and approval, the operator terminal's
quantities and pause reason, downtime reasons, shared terminal users and shift patterns.

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_

CUSTOM_FIELDS = {
	"Employee": [
		{
			"fieldname": "mom_section",
			"label": N_("Shop Floor"),
			"fieldtype": "Section Break",
			"insert_after": "attendance_device_id",
			"collapsible": 1,
		},
		{
			"fieldname": "mom_badge_barcode",
			"label": N_("Badge Barcode"),
			"fieldtype": "Data",
			"insert_after": "mom_section",
			"unique": 1,
			"no_copy": 1,
			"search_index": 1,
			# a credential: level 1, read by the roles in engine.rbac.LEVELS only; the terminal looks badges
			# up on the server
			"permlevel": 1,
			"description": N_(
				"Scanned at the operator terminal to sign in. Letters are stored in upper case."
			),
		},
	],
	"Work Order": [
		{
			"fieldname": "mom_order_type",
			"label": N_("Order Type"),
			"fieldtype": "Link",
			"options": "Production Order Type",
			"insert_after": "naming_series",
			"reqd": 1,
			"default": "Mass Production",
			"in_standard_filter": 1,
			"in_list_view": 1,
			"search_index": 1,
			"description": N_(
				"Trial, mass production or rework: decides the approval path and the fields required."
			),
		},
		{
			"fieldname": "mom_workflow_state",
			"label": N_("Approval State"),
			"fieldtype": "Link",
			"options": "Workflow State",
			"insert_after": "status",
			"read_only": 1,
			"hidden": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
	],
	"Job Card": [
		{
			"fieldname": "mom_pause_reason",
			"label": N_("Pause Reason"),
			"fieldtype": "Data",
			"insert_after": "mom_quality_hold",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.status=='On Hold'",
		},
		{
			"fieldname": "mom_scrap_qty",
			"label": N_("Scrap Qty (Terminal)"),
			"fieldtype": "Float",
			"insert_after": "process_loss_qty",
			"read_only": 1,
			"no_copy": 1,
			"description": N_("Scrap reported at the operator terminal; it is the job card's process loss."),
		},
		{
			"fieldname": "mom_rework_qty",
			"label": N_("Rework Qty (Terminal)"),
			"fieldtype": "Float",
			"insert_after": "mom_scrap_qty",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_terminal_qty",
			"label": N_("Quantities from the Terminal"),
			"fieldtype": "Check",
			"insert_after": "mom_rework_qty",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
		},
	],
	"Downtime Entry": [
		{
			"fieldname": "mom_downtime_reason",
			"label": N_("Downtime Reason"),
			"fieldtype": "Link",
			"options": "Downtime Reason",
			"insert_after": "stop_reason",
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
			"description": N_("The reason from the downtime reason tree; it also sets the stop reason."),
		},
		{
			"fieldname": "mom_job_card",
			"label": N_("Job Card"),
			"fieldtype": "Link",
			"options": "Job Card",
			"insert_after": "mom_downtime_reason",
			"search_index": 1,
			"no_copy": 1,
		},
	],
	"Workstation": [
		{
			"fieldname": "mom_terminal_user",
			"label": N_("Shared Terminal User"),
			"fieldtype": "Link",
			"options": "User",
			"insert_after": "mom_asset",
			"description": N_(
				"A terminal account shared at this workstation: signed in as it, any operator may act here by "
				"scanning their badge."
			),
		},
		{
			"fieldname": "mom_shifts",
			"label": N_("Shift Patterns"),
			"fieldtype": "Table",
			"options": "Workstation Shift",
			"insert_after": "holiday_list",
			"description": N_(
				"The shifts this workstation works (for OEE). Without them, its working hours are used."
			),
		},
	],
}
