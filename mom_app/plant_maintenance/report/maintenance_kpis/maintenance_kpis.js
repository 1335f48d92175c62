// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

frappe.query_reports["Maintenance KPIs"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -11),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Asset", label: __("Asset") },
				{ value: "Workstation", label: __("Workstation") },
				{ value: "Asset Category", label: __("Asset Category") },
				{ value: "Plant", label: __("Whole Plant") },
			],
			default: "Asset",
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "", label: __("Whole Range") },
				{ value: "Week", label: __("Week", null, "Maintenance KPIs") },
				{ value: "Month", label: __("Month", null, "Maintenance KPIs") },
				{ value: "Quarter", label: __("Quarter", null, "Maintenance KPIs") },
				{ value: "Year", label: __("Year", null, "Maintenance KPIs") },
			],
			default: "Month",
		},
		{
			fieldname: "asset",
			label: __("Asset"),
			fieldtype: "Link",
			options: "Asset",
		},
		{
			fieldname: "workstation",
			label: __("Workstation"),
			fieldtype: "Link",
			options: "Workstation",
		},
		{
			fieldname: "asset_category",
			label: __("Asset Category"),
			fieldtype: "Link",
			options: "Asset Category",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		const formatted = default_formatter(value, row, column, data);
		// the orders a row counts open in the Maintenance Work Order list
		const names =
			data && { orders: data.order_names, inconsistent: data.inconsistent_names }[column.fieldname];
		if (!names || !names.length) return formatted;
		const filter = encodeURIComponent(JSON.stringify(["in", names]));
		const href = `/app/maintenance-work-order?name=${filter}`;
		return `<a class="mom-kpi-orders" href="${frappe.utils.escape_html(href)}"
			title="${frappe.utils.escape_html(__("Open these orders"))}">${formatted}</a>`;
	},
};
