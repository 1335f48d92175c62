// Copyright (c) 2026, mom_app developers
// License: GPL-3.0. See license.txt
// Maintenance Plan form: per asset, when and why the plan falls due next, and its open order.

frappe.ui.form.on("Maintenance Plan", {
	refresh(frm) {
		render_due_dates(frm);
	},
});

function render_due_dates(frm) {
	const field = frm.get_field("schedule_html");
	if (!field) return;
	const esc = frappe.utils.escape_html;
	const rows = (frm.doc.__onload && frm.doc.__onload.due_dates) || [];
	if (frm.is_new() || !rows.length) {
		field.$wrapper.html(
			`<p class="text-muted">${esc(
				frm.is_new()
					? __("Save the plan to see when it falls due.")
					: __("The plan covers no asset in service.")
			)}</p>`
		);
		return;
	}
	const number = (value, unit) =>
		value === null || value === undefined
			? ""
			: `${esc(format_number(value, null, 1))}${unit ? " " + esc(unit) : ""}`;
	const body = rows
		.map((row) => {
			const state = row.order
				? `<a href="/app/maintenance-work-order/${encodeURIComponent(row.order)}">${esc(
						row.order
				  )}</a>`
				: row.open_now
				? `<span class="indicator-pill orange">${esc(__("Opens at the next scan"))}</span>`
				: "";
			return `<tr>
				<td><a href="/app/asset/${encodeURIComponent(row.asset)}">${esc(row.asset_name || row.asset)}</a></td>
				<td>${row.due_date ? esc(frappe.datetime.str_to_user(row.due_date)) : ""}${
				row.overdue ? ` <span class="indicator-pill red">${esc(__("Overdue"))}</span>` : ""
			}</td>
				<td>${row.due_value ? number(row.due_value, row.unit) : ""}</td>
				<td>${row.meter_value !== undefined && row.meter ? number(row.meter_value, row.unit) : ""}</td>
				<td>${row.reason || ""}</td>
				<td>${state}</td>
			</tr>`;
		})
		.join("");
	// row.reason is built on the server with every typed name escaped (plans.reasons)
	field.$wrapper.html(`<div class="table-responsive"><table class="table table-bordered table-sm">
		<thead><tr>
			<th>${esc(__("Asset"))}</th>
			<th>${esc(__("Due Date"))}</th>
			<th>${esc(__("Due at Meter Value"))}</th>
			<th>${esc(__("Meter", null, "Asset Meter"))}</th>
			<th>${esc(__("Why"))}</th>
			<th>${esc(__("Open Order"))}</th>
		</tr></thead>
		<tbody>${body}</tbody>
	</table></div>`);
}
