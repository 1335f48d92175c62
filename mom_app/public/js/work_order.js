// Work Order form (ERPNext) with the MOM approval workflow:
// - a draft shows its approval state and who acts next (role and users, and what the reader may do) in place
//   of ERPNext's "Submit this Work Order for further processing.": under the workflow the last approval
//   submits the order, nobody submits it by hand;
// - the fields the order type requires are marked mandatory (and editable) as soon as the type is chosen, so
//   Frappe asks for them when the draft is saved, not the approver later.
frappe.provide("mom.work_order");

mom.work_order = {
	show_approval(frm) {
		if (frm.is_new() || frm.doc.docstatus !== 0 || !frappe.workflow.get_state_fieldname(frm.doctype)) {
			return;
		}
		frm.set_intro(""); // ERPNext's banner: the workflow decides when the order is submitted
		const name = frm.doc.name;
		frappe
			.xcall("mom_app.production.api.work_order_approval.approval", { work_order: name })
			.then((info) => {
				if (!info || !info.state || frm.doc.name !== name || frm.doc.docstatus !== 0) return;
				frm.set_intro(mom.work_order.approval_html(info), "blue");
			});
	},

	approval_html(info) {
		const esc = frappe.utils.escape_html;
		const state = `<b class="mom-approval-state">${esc(info.state)}</b>`;
		const parts = [__("Approval state: {0}", [state])];
		if (!info.steps.length) {
			parts.push(
				esc(
					__(
						"No approval step applies to this order type: ask your administrator to check the Work Order workflow."
					)
				)
			);
		} else {
			const separator = __(", ", null, "List separator");
			const steps = info.steps.map((step) => {
				const role = esc(step.role);
				const users = step.users.map(esc).join(separator) + (step.more_users ? " …" : "");
				const who = step.users.length
					? __("{0} ({1})", [role, users], "Workflow next step")
					: __("{0} (no user has this role yet)", [role]);
				const actions = step.actions.map(esc).join(" / ");
				return __("{0}: {1}", [who, actions], "Workflow next step");
			});
			const next = `<span class="mom-approval-next">${steps.join(separator)}</span>`;
			parts.push(__("Next: {0}", [next], "Workflow next step"));
		}
		if (info.mine.length) {
			parts.push(
				`<span class="mom-approval-mine">${esc(
					__("You can {0} it from the Actions menu.", [info.mine.join(" / ")])
				)}</span>`
			);
		}
		return parts.join("<br>");
	},

	mark_required(frm) {
		const previous = frm.__mom_required || [];
		const apply = (fieldnames) => {
			const meta_fields = frappe.get_meta(frm.doctype).fields;
			for (const fieldname of previous) {
				if (fieldnames.includes(fieldname) || !frm.fields_dict[fieldname]) continue;
				const df = meta_fields.find((f) => f.fieldname === fieldname) || {};
				frm.set_df_property(fieldname, "reqd", df.reqd || 0);
				frm.set_df_property(fieldname, "read_only", df.read_only || 0);
			}
			for (const fieldname of fieldnames) {
				if (!frm.fields_dict[fieldname]) continue;
				frm.set_df_property(fieldname, "reqd", 1);
				frm.set_df_property(fieldname, "read_only", 0); // a required field the user cannot fill
			}
			frm.__mom_required = fieldnames;
		};
		if (frm.doc.docstatus !== 0 || !frm.doc.mom_order_type) {
			apply([]);
			return;
		}
		const order_type = frm.doc.mom_order_type;
		frappe
			.xcall("mom_app.production.api.work_order_approval.order_type_fields", { order_type })
			.then((fieldnames) => {
				if (frm.doc.mom_order_type === order_type) apply(fieldnames || []);
			});
	},
};

frappe.ui.form.on("Work Order", {
	refresh(frm) {
		mom.work_order.mark_required(frm);
		mom.work_order.show_approval(frm);
	},
	mom_order_type(frm) {
		mom.work_order.mark_required(frm);
	},
});
