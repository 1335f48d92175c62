// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

frappe.ui.form.on("Quality Characteristic", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Control Chart"), () => frappe.set_route("spc-chart", frm.doc.name));
		frm.add_custom_button(
			__("Recompute"),
			() => frm.call("recompute").then(() => frm.reload_doc()),
			__("Actions")
		);
		frm.add_custom_button(
			__("Freeze Limits (Phase II)"),
			() =>
				frappe.confirm(
					__("Take the current control limits from the data and use them from now on?"),
					() => frm.call("freeze_limits").then(() => frm.reload_doc())
				),
			__("Actions")
		);
	},
});

frappe.ui.form.on("Quality Characteristic Rule", {
	rule(frm, cdt, cdn) {
		frappe.model.set_value(cdt, cdn, "description", "");
	},
});
