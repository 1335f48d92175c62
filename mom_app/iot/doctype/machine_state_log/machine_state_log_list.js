// The state in the shop floor's words: with the doctype as context (as the form's select says it), Setup is a
// changeover (换型调机), not Settings
frappe.listview_settings["Machine State Log"] = {
	add_fields: ["state", "end"],
	get_indicator(doc) {
		// Off: no production planned (off shift): planned, neither a loss nor downtime
		const colors = { Running: "green", Idle: "yellow", Down: "red", Setup: "blue", Off: "gray" };
		return [
			__(doc.state, null, "Machine State Log"),
			colors[doc.state] || "gray",
			"state,=," + doc.state,
		];
	},
	formatters: {
		state: (value) => __(value, null, "Machine State Log"),
	},
};
