"""Custom fields of the IoT pillar: where an automatic Downtime Entry came from (the machine signal).

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_

CUSTOM_FIELDS = {
	"Downtime Entry": [
		{
			"fieldname": "mom_source",
			"label": N_("Source"),
			"fieldtype": "Select",
			"options": "Manual\nAutomatic",
			"default": "Manual",
			"insert_after": "operator",
			"read_only": 1,
			"no_copy": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
			"description": N_(
				"Automatic: detected from the machine signal; set the stop reason to classify it."
			),
		},
		{
			"fieldname": "mom_machine_state_log",
			"label": N_("Machine State Log"),
			"fieldtype": "Link",
			"options": "Machine State Log",
			"insert_after": "mom_source",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.mom_source=='Automatic'",
		},
	],
}

# Select options of the fields above, marked for the POT (Frappe translates option labels when shown).
OPTION_LABELS = (N_("Manual"), N_("Automatic"))
