// ERPNext's Workstation list says the status without a context, so Setup reads 设置 (Settings): here it is said
// with the doctype as context, as the form's select says it (Setup is a changeover, 换型调机; Off is 关机)
(function () {
	const settings = (frappe.listview_settings["Workstation"] =
		frappe.listview_settings["Workstation"] || {});
	const colors = {
		Production: "green",
		Off: "gray",
		Idle: "gray",
		Problem: "red",
		Maintenance: "yellow",
		Setup: "blue",
	};
	settings.add_fields = [...new Set([...(settings.add_fields || []), "status"])];
	settings.get_indicator = (doc) => [
		__(doc.status, null, "Workstation"),
		colors[doc.status] || "gray",
		"status,=," + doc.status,
	];
	settings.formatters = Object.assign({}, settings.formatters, {
		status: (value) => __(value, null, "Workstation"),
	});
})();
