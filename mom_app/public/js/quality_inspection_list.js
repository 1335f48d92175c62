// The list's Inspection Type column in the reader's words ("In Process" is 制程检验, not "in progress")
frappe.listview_settings["Quality Inspection"] = frappe.listview_settings["Quality Inspection"] || {};
frappe.listview_settings["Quality Inspection"].formatters = Object.assign(
	frappe.listview_settings["Quality Inspection"].formatters || {},
	{ inspection_type: (value) => (value ? __(value, null, "Quality Inspection") : value) }
);
