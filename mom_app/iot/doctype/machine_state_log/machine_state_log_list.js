frappe.listview_settings["Machine State Log"] = {
	add_fields: ["state", "end"],
	get_indicator(doc) {
		const colors = { Running: "green", Idle: "yellow", Down: "red", Setup: "blue" };
		return [__(doc.state), colors[doc.state] || "gray", "state,=," + doc.state];
	},
};
