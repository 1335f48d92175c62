// OEE Records are written by the OEE engine with full precision (roll-ups weight them by time); people read
// their percentages with one decimal, like the number cards and OEE Analysis.
frappe.provide("mom.oee_record");

mom.oee_record.PERCENT_FIELDS = [
	"oee",
	"availability",
	"performance",
	"quality",
	"teep",
	"nee",
	"loading",
	"first_pass_yield",
];

frappe.ui.form.on("OEE Record", {
	refresh(frm) {
		// display only: the record is read-only and written by the server
		for (const fieldname of mom.oee_record.PERCENT_FIELDS) {
			frm.set_df_property(fieldname, "precision", 1);
		}
	},
});
