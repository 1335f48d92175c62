// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt

// "Open" is a hold not yet released (未解除), not the verb: the status is said with the doctype as context,
// which Frappe's own select and indicator pass too; its read-only display goes through this formatter
frappe.ui.form.on("Quality Hold", {
	setup(frm) {
		const status =
			frappe.meta.docfield_map["Quality Hold"] && frappe.meta.docfield_map["Quality Hold"].status;
		if (status) status.formatter = (value) => __(value, null, "Quality Hold");
	},
	refresh(frm) {
		show_batches_now(frm);
		if (frm.doc.status === "Open") {
			frm.dashboard.set_headline_alert(
				__(
					"Held batches can only be moved to the quarantine warehouse; paused job cards cannot start."
				),
				"red"
			);
			if (
				!frm.is_new() &&
				frappe.user.has_role(["Quality Inspector", "MOM Manager", "System Manager"])
			) {
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

function show_batches_now(frm) {
	const field = frm.fields_dict.batches_now;
	if (!field || frm.is_new() || !(frm.doc.batches || []).length) return;
	const esc = (v) => frappe.utils.escape_html(v === null || v === undefined ? "" : String(v));
	const num = (v) => format_number(v, null, Number.isInteger(v) ? 0 : 3);
	const link = (doctype, name) =>
		name === "•••"
			? `<span class="text-muted" title="${esc(
					__("You are not permitted to see this document")
			  )}">•••</span>`
			: `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${esc(name)}</a>`;
	frm.call({ method: "batches_now", doc: frm.doc }).then((r) => {
		const rows = (r.message || [])
			.map((b) => {
				const uom = b.uom ? " " + esc(b.uom) : "";
				const stock = b.stock.length
					? b.stock
							.map(
								(s) =>
									`<span class="mom-hold-place">${esc(s.warehouse)}: <b>${esc(
										num(s.qty)
									)}</b>${uom}</span>`
							)
							.join(" ")
					: `<span class="indicator-pill gray">${__("Not in stock")}</span>`;
				const moves = b.movements
					.map(
						(m) => `<li>${esc(frappe.datetime.str_to_user(m.posting_date))} ·
							${esc(__(m.voucher_type))} ${link(m.voucher_type, m.voucher_no)}${
							m.purpose ? ` (${esc(m.purpose)})` : ""
						} · ${esc(m.warehouse)} ·
							<b class="${m.qty < 0 ? "text-danger" : "text-success"}">${m.qty > 0 ? "+" : ""}${esc(num(m.qty))}</b></li>`
					)
					.join("");
				const earlier = b.earlier
					? `<li class="text-muted">${__("and {0} earlier movements", [b.earlier])}</li>`
					: "";
				return `<div class="mom-hold-batch" data-batch="${esc(b.batch_no)}">
					<div class="mom-hold-head">
						<b>${link("Batch", b.batch_no)}</b> <span class="text-muted">${esc(b.item_code)}</span>
						<span class="mom-hold-stock">${__("In stock now: {0}", [stock])}</span>
						<span class="mom-hold-links">
							<a class="mom-hold-trace" data-batch="${esc(b.batch_no)}">${__("Trace")}</a> ·
							<a class="mom-hold-ledger" data-batch="${esc(b.batch_no)}">${__("Stock Ledger")}</a>
						</span>
					</div>
					<ul class="mom-hold-moves">${earlier}${
					moves || `<li class="text-muted">${__("No stock movement yet")}</li>`
				}</ul>
				</div>`;
			})
			.join("");
		field.$wrapper.html(`<div class="mom-hold-now">
			<style>
				.mom-hold-now .mom-hold-batch { border: 1px solid var(--border-color); border-radius: var(--border-radius);
					padding: 8px 12px; margin-bottom: 8px; }
				.mom-hold-now .mom-hold-head { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: baseline; }
				.mom-hold-now .mom-hold-place, .mom-hold-now .indicator-pill, .mom-hold-now .mom-hold-links {
					white-space: nowrap; }
				.mom-hold-now .mom-hold-moves { margin: 6px 0 0; padding-left: 18px; font-size: var(--text-sm); }
			</style>
			<label class="control-label">${__("Held Batches Now")}</label>
			<div class="text-muted small mb-2">${__(
				"Where each batch is now, and its latest stock movements from the stock ledger."
			)}</div>
			${rows}</div>`);
		field.$wrapper.find(".mom-hold-trace").on("click", (e) => {
			frappe.route_options = { lot: $(e.currentTarget).attr("data-batch") };
			frappe.set_route("traceability");
		});
		field.$wrapper.find(".mom-hold-ledger").on("click", (e) => {
			frappe.set_route("query-report", "Stock Ledger", {
				batch_no: $(e.currentTarget).attr("data-batch"),
				from_date: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
				to_date: frappe.datetime.get_today(),
			});
		});
	});
}
