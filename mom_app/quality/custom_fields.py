"""Custom fields of the quality pillar: inspection plans, sampling and defects on Quality Inspection, and
the quality hold on Quality Inspection, Job Card and Batch.

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_

CUSTOM_FIELDS = {
	"Quality Inspection": [
		{
			"fieldname": "mom_section",
			"label": N_("Inspection Plan"),
			"fieldtype": "Section Break",
			"insert_after": "remarks",
			"collapsible": 0,
		},
		{
			"fieldname": "mom_inspection_plan",
			"label": N_("Inspection Plan"),
			"fieldtype": "Link",
			"options": "Inspection Plan",
			"insert_after": "mom_section",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "mom_stage",
			"label": N_("Stage"),
			"fieldtype": "Select",
			"options": "\nIQC\nIPQC\nFQC\nOQC",
			"insert_after": "mom_inspection_plan",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "mom_work_order",
			"label": N_("Work Order"),
			"fieldtype": "Link",
			"options": "Work Order",
			"insert_after": "mom_stage",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "mom_check",
			"label": N_("Check"),
			"fieldtype": "Data",
			"insert_after": "mom_work_order",
			"read_only": 1,
			"no_copy": 1,
			"description": N_(
				"IPQC: which frequency check this inspection is (first article, every N pieces, ...)."
			),
		},
		{
			"fieldname": "mom_column_break",
			"fieldtype": "Column Break",
			"insert_after": "mom_check",
		},
		{
			"fieldname": "mom_sampling",
			"label": N_("Sampling Plan"),
			"fieldtype": "Small Text",
			"insert_after": "mom_column_break",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_sampling_json",
			"label": N_("Sampling Plan (data)"),
			"fieldtype": "Code",
			"insert_after": "mom_sampling",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_critical",
			"label": N_("Critical Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_sampling_json",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_major",
			"label": N_("Major Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_defects_critical",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_defects_minor",
			"label": N_("Minor Defects"),
			"fieldtype": "Int",
			"insert_after": "mom_defects_major",
			"no_copy": 1,
		},
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "mom_defects_minor",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "mom_client_id",
			"label": N_("Client Request ID"),
			"fieldtype": "Data",
			"insert_after": "mom_quality_hold",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"unique": 1,
		},
	],
	"Job Card": [
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "status",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": N_(
				"While this quality hold is open the job card is paused and cannot be started."
			),
		},
	],
	"Batch": [
		{
			"fieldname": "mom_quality_hold",
			"label": N_("Quality Hold"),
			"fieldtype": "Link",
			"options": "Quality Hold",
			"insert_after": "mom_supplier_batch_no",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": N_(
				"While this quality hold is open the batch is frozen: it can only be moved to the quarantine warehouse."
			),
		},
	],
}

# Select options of the fields above, marked for the POT (Frappe translates option labels when shown).
OPTION_LABELS = (N_("IQC"), N_("IPQC"), N_("FQC"), N_("OQC"))
