// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt
//
// Maintenance Work Order form: read-only for a user who may not change the order in its state (the server's
// rule, engine.maintenance.lifecycle.may_edit, sent with the form); "Restores a Failure" follows the type;
// the descriptions of date-time fields translated.

frappe.ui.form.on("Maintenance Work Order", {
	refresh(frm) {
		translate_datetime_descriptions(frm);
		if (!frm.is_new() && frm.doc.__onload && frm.doc.__onload.may_edit === false) {
			frm.disable_form();
			frm.set_intro(
				__("You may look at this order; changing it is up to the maintenance team."),
				"blue"
			);
		}
		if (frm.doc.locks_workstation) {
			frm.dashboard.set_headline_alert(
				__("Workstation {0} is locked until this order is completed.", [
					frappe.utils.escape_html(frm.doc.workstation || ""),
				]),
				"red"
			);
		}
	},
	order_type(frm) {
		frm.set_value("is_failure", frm.doc.order_type === "Corrective" ? 1 : 0);
	},
});

// Frappe's Datetime control appends the time zone to a field's description ("...<br>Asia/Shanghai") and then
// translates the whole, which no translation matches: keep the description translated without it (the
// control appends the time zone again when it renders)
function translate_datetime_descriptions(frm) {
	for (const meta_df of frm.meta.fields) {
		const field =
			meta_df.fieldtype === "Datetime" && meta_df.description && frm.get_field(meta_df.fieldname);
		if (field && field.df.description) {
			field.df.description = __(meta_df.description);
			field.refresh();
		}
	}
}
