// The hold status in the reader's words: "Open" is a hold not yet released (未解除), not the verb
frappe.listview_settings["Quality Hold"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const status = {
			Open: [__("Open", null, "Quality Hold"), "red"],
			Released: [__("Released", null, "Quality Hold"), "green"],
		}[doc.status];
		return status ? [status[0], status[1], "status,=," + doc.status] : null;
	},
	formatters: {
		status: (value) => __(value, null, "Quality Hold"),
	},
};
