// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

// An andon call is answered here: Acknowledge (on the way), then Close (done, with what was done). Its status
// and kind are said with the doctype as context ("Open" is a call nobody answered yet, not the verb).
const ANSWERING_ROLES = ["Production Supervisor", "MOM Manager", "System Manager"];

frappe.ui.form.on("Andon Call", {
	setup(frm) {
		const fields = frappe.meta.docfield_map["Andon Call"] || {};
		for (const fieldname of ["status", "kind"]) {
			if (fields[fieldname]) fields[fieldname].formatter = (value) => __(value, null, "Andon Call");
		}
	},
	refresh(frm) {
		const may_answer = frappe.user.has_role([frm.doc.called_role, ...ANSWERING_ROLES].filter(Boolean));
		if (frm.is_new() || !may_answer || !frm.perm[0] || !frm.perm[0].write) return;
		if (frm.doc.status === "Open") {
			frm.add_custom_button(__("Acknowledge"), () =>
				frm.call("acknowledge").then(() => frm.reload_doc())
			).addClass("btn-primary");
		}
		if (frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Close Call"), () => close_call(frm));
		}
	},
});

function close_call(frm) {
	frappe.prompt(
		[{ fieldname: "resolution", fieldtype: "Small Text", label: __("What Was Done") }],
		(values) => frm.call("close", { resolution: values.resolution || "" }).then(() => frm.reload_doc()),
		__("Close andon call {0}", [frappe.utils.escape_html(frm.doc.name)]),
		__("Close Call")
	);
}
