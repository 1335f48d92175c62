frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["OEE by Day"] = {
	method: "mom_app.production.dashboard_chart_source.oee_by_day.oee_by_day.get",
	filters: [
		{
			fieldname: "workstation",
			label: __("Workstation"),
			fieldtype: "Link",
			options: "Workstation",
		},
	],
};
