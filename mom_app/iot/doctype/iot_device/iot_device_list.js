// A device is online only when the collector or its webhook heard from it: a device never heard from (health
// Unknown, no Last Seen) says so, not a neutral "Unknown", and the workspace card "Devices Offline" counts it
// with every enabled device that is not Online.
frappe.listview_settings["IoT Device"] = {
	add_fields: ["health", "enabled", "last_seen"],
	never_connected(doc) {
		return (doc.health || "Unknown") === "Unknown" && !doc.last_seen;
	},
	get_indicator(doc) {
		if (!doc.enabled) return [__("Disabled"), "gray", "enabled,=,0"];
		if (frappe.listview_settings["IoT Device"].never_connected(doc)) {
			return [__("Never Connected"), "orange", "health,=,Unknown|last_seen,is,not set"];
		}
		const colors = { Online: "green", Degraded: "orange", Offline: "red", Unknown: "gray" };
		const health = doc.health || "Unknown";
		return [__(health), colors[health] || "gray", "health,=," + health];
	},
	formatters: {
		health(value, df, doc) {
			const never = frappe.listview_settings["IoT Device"].never_connected(doc);
			return frappe.utils.escape_html(never ? __("Never Connected") : __(value || "Unknown"));
		},
	},
};
