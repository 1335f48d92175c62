// A Quality Inspection's type in the reader's words: "In Process" is 制程检验 (the inspection stage), not
// "in progress". Frappe's select passes the doctype as the translation context; its read-only display (a
// submitted inspection) and the list's column do not, so they are given the same context here.
(() => {
	const type_in_words = (value) => (value ? __(value, null, "Quality Inspection") : value);

	frappe.ui.form.on("Quality Inspection", {
		setup() {
			const df = (frappe.meta.docfield_map["Quality Inspection"] || {}).inspection_type;
			if (df) df.formatter = type_in_words;
		},
	});
})();
