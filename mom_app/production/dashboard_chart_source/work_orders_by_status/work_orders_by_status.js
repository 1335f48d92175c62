frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Work Orders by Status"] = {
	method: "mom_app.production.dashboard_chart_source.work_orders_by_status.work_orders_by_status.get",
	filters: [],
};
