// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

frappe.query_reports["Process Capability"] = {
	filters: [
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{
			fieldname: "chart_type",
			label: __("Chart"),
			fieldtype: "Select",
			options: ["", "Xbar-R", "Xbar-S", "I-MR", "p", "np", "c", "u"],
		},
		{ fieldname: "below_target", label: __("Only Cpk below 1.33"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (["cpk", "ppk"].includes(column.fieldname) && data && data[column.fieldname] !== null) {
			const v = data[column.fieldname];
			const colour = v >= 1.33 ? "green" : v >= 1 ? "orange" : "red";
			value = `<span style="color: var(--${colour}-600); font-weight: 600">${value}</span>`;
		}
		if (column.fieldname === "characteristic" && data) {
			value += ` <a href="/app/spc-chart/${encodeURIComponent(data.characteristic)}">${__("Chart")}</a>`;
		}
		return value;
	},
};
