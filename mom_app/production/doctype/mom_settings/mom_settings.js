frappe.ui.form.on("MOM Settings", {
	setup(frm) {
		frm.set_query("quarantine_warehouse", () => ({
			filters: { company: frm.doc.company, is_group: 0, disabled: 0 },
		}));
	},
	company(frm) {
		frm.set_value("quarantine_warehouse", null);
	},
});
