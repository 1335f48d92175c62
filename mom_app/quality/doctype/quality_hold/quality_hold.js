// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

frappe.ui.form.on("Quality Hold", {
	refresh(frm) {
		if (frm.doc.status === "Open") {
			frm.dashboard.set_headline_alert(
				__("Held batches can only be moved to the quarantine warehouse; paused job cards cannot start."),
				"red"
			);
			if (!frm.is_new() && frappe.user.has_role(["Quality Inspector", "MOM Manager", "System Manager"])) {
				frm.add_custom_button(__("Release Hold"), () => release(frm)).addClass("btn-primary");
			}
		}
	},
});

function release(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Release quality hold {0}", [frm.doc.name]),
		fields: [
			{
				fieldname: "disposition",
				fieldtype: "Select",
				label: __("Disposition"),
				reqd: 1,
				options: [
					{ value: "Use As Is", label: __("Use As Is") },
					{ value: "Rework", label: __("Rework") },
					{ value: "Scrap", label: __("Scrap") },
					{ value: "Return to Supplier", label: __("Return to Supplier") },
				],
				description: __(
					"Scrap issues the held stock; Rework makes a draft rework Work Order; Return to Supplier makes a draft purchase return."
				),
			},
			{ fieldname: "remarks", fieldtype: "Small Text", label: __("Remarks") },
		],
		primary_action_label: __("Release Hold"),
		primary_action(values) {
			frm.call("release", values).then(() => {
				dialog.hide();
				frm.reload_doc();
			});
		},
	});
	dialog.show();
}
