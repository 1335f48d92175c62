frappe.listview_settings["IoT Device"] = {
	add_fields: ["health", "enabled"],
	get_indicator(doc) {
		if (!doc.enabled) return [__("Disabled"), "gray", "enabled,=,0"];
		const colors = { Online: "green", Degraded: "orange", Offline: "red", Unknown: "gray" };
		const health = doc.health || "Unknown";
		return [__(health), colors[health] || "gray", "health,=," + health];
	},
};
