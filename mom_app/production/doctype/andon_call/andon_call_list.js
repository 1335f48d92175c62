// The call's status in the reader's words ("Open" is a call nobody answered yet, not the verb)
frappe.listview_settings["Andon Call"] = {
	add_fields: ["status", "kind"],
	get_indicator(doc) {
		const status = {
			Open: [__("Open", null, "Andon Call"), "red"],
			Acknowledged: [__("Acknowledged", null, "Andon Call"), "orange"],
			Closed: [__("Closed", null, "Andon Call"), "green"],
		}[doc.status];
		return status ? [status[0], status[1], "status,=," + doc.status] : null;
	},
	formatters: {
		status: (value) => __(value, null, "Andon Call"),
		kind: (value) => __(value, null, "Andon Call"),
	},
};
