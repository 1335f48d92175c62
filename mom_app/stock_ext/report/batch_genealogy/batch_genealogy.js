frappe.query_reports["Batch Genealogy"] = {
	filters: [
		{
			fieldname: "batch",
			label: __("Batch"),
			fieldtype: "Link",
			options: "Batch",
			reqd: 1,
		},
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: [
				{ value: "Both", label: __("Both", null, "Trace direction") },
				{ value: "Backward", label: __("Backward", null, "Trace direction") },
				{ value: "Forward", label: __("Forward", null, "Trace direction") },
			],
			default: "Both",
		},
		{
			fieldname: "max_depth",
			label: __("Max Depth"),
			fieldtype: "Int",
			default: 20,
		},
	],
};
