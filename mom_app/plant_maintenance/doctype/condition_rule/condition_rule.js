// Condition Rule: the tag is chosen from the device's tags; the rule's state (in alarm, holding since) shows
// as the form's indicator.
frappe.ui.form.on("Condition Rule", {
	refresh(frm) {
		set_tag_options(frm);
		if (frm.doc.active) {
			frm.page.set_indicator(__("In Alarm"), "red");
		} else if (frm.doc.pending_since) {
			frm.page.set_indicator(__("Condition Holding"), "orange");
		} else if (!frm.doc.enabled) {
			frm.page.set_indicator(__("Disabled"), "gray");
		}
	},
	device(frm) {
		set_tag_options(frm);
	},
});

function set_tag_options(frm) {
	if (!frm.doc.device) {
		frm.set_df_property("tag", "options", []);
		return;
	}
	frappe.model.with_doc("IoT Device", frm.doc.device, () => {
		const device = frappe.get_doc("IoT Device", frm.doc.device);
		const tags = ((device && device.tags) || []).map((t) => ({
			value: t.tag_key,
			label: t.unit ? `${t.tag_key} (${t.unit})` : t.tag_key,
		}));
		frm.set_df_property("tag", "options", tags);
	});
}
