// Desk-wide: an empty value is shown as empty, not as the word "null".
// Frappe's form timeline prints a changed field "from {old} to {new}" through frappe.utils.html2text, which
// turns a null (a date or number set for the first time, e.g. ERPNext filling a work order's actual start date)
// into the text "null" ("从null到…" in Chinese). With null read as "", the timeline shows Frappe's own mark for
// an empty value ("") as it does for an emptied text field; list and calendar titles gain the same.
(() => {
	const html2text = frappe.utils.html2text;
	frappe.utils.html2text = function (html) {
		return html === null || html === undefined ? "" : html2text.call(this, html);
	};
})();
