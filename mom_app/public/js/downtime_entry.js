// Downtime Entry (ERPNext) with mom_app: automatic entries come from the machine signal. Their workstation
// and times are the machine's; people classify them by setting the stop reason (and the operator if known).
frappe.ui.form.on("Downtime Entry", {
	refresh(frm) {
		const automatic = frm.doc.mom_source === "Automatic";
		frm.toggle_reqd("operator", !automatic);
		frm.toggle_reqd("stop_reason", true); // saving an automatic entry classifies it
		["workstation", "from_time", "to_time"].forEach((field) =>
			frm.set_df_property(field, "read_only", automatic ? 1 : 0)
		);
		if (automatic && !frm.doc.stop_reason) {
			frm.dashboard.set_headline(
				__("Detected from the machine signal. Set the Stop Reason to classify this downtime.")
			);
		}
	},
});
