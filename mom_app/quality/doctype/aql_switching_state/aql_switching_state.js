// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

frappe.ui.form.on("AQL Switching State", {
	refresh(frm) {
		const colours = { Normal: "blue", Tightened: "orange", Reduced: "green", Discontinued: "red" };
		frm.page.set_indicator(__(frm.doc.severity), colours[frm.doc.severity] || "gray");
		if (frm.doc.severity === "Discontinued" && frappe.user.has_role(["MOM Manager", "System Manager"])) {
			frm.add_custom_button(__("Resume at Tightened"), () =>
				frm.call("resume").then(() => frm.reload_doc())
			);
		}
	},
});
