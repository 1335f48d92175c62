// Condition Rules: in alarm (fired, not cleared), enabled or disabled.
frappe.listview_settings["Condition Rule"] = {
	add_fields: ["active", "enabled", "pending_since"],
	get_indicator(doc) {
		if (doc.active) return [__("In Alarm"), "red", "active,=,1"];
		if (!doc.enabled) return [__("Disabled"), "gray", "enabled,=,0"];
		if (doc.pending_since) return [__("Condition Holding"), "orange", "enabled,=,1"];
		return [__("Enabled"), "green", "enabled,=,1"];
	},
};
