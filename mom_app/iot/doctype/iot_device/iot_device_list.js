// A device is online only when the collector or its webhook hears from it. Health "Unknown" (a device never
// heard from, or one whose collector stopped) is shown as "Not Connected", not as a neutral "Unknown", and
// the workspace card "Devices Offline" counts it with every enabled device that is not Online.
// (The list cannot tell a device never heard from by its Last Seen: Frappe's list query drops every field
// whose name contains "_seen" on a doctype that does not track views, so last_seen never reaches the list.)
frappe.listview_settings["IoT Device"] = {
	add_fields: ["health", "enabled"],
	get_indicator(doc) {
		if (!doc.enabled) return [__("Disabled"), "gray", "enabled,=,0"];
		const health = doc.health || "Unknown";
		const colors = { Online: "green", Degraded: "orange", Offline: "red", Unknown: "orange" };
		return [
			frappe.listview_settings["IoT Device"].health_label(health),
			colors[health] || "gray",
			"health,=," + health,
		];
	},
	health_label(health) {
		return health === "Unknown" ? __("Not Connected") : __(health);
	},
	formatters: {
		health(value) {
			return frappe.utils.escape_html(
				frappe.listview_settings["IoT Device"].health_label(value || "Unknown")
			);
		},
	},
};
