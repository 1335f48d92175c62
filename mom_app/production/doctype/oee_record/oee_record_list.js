// the percentages with one decimal, as on the form (oee_record.js) and the number cards
const mom_oee_percent = (value) => frappe.format(value, { fieldtype: "Percent", precision: 1 });

frappe.listview_settings["OEE Record"] = {
	formatters: {
		oee: mom_oee_percent,
		availability: mom_oee_percent,
		performance: mom_oee_percent,
		quality: mom_oee_percent,
	},
};
