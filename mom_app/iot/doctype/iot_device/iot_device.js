frappe.ui.form.on("IoT Device", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Export Tag Map"),
			() => {
				const url =
					"/api/method/mom_app.iot.doctype.iot_device.iot_device.export_tag_map?device=" +
					encodeURIComponent(frm.doc.name);
				window.open(url);
			},
			__("Tags")
		);
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Import Tag Map"), () => import_tag_map(frm), __("Tags"));
		}
		const manager = frappe.user.has_role("MOM Manager") || frappe.user.has_role("System Manager");
		if (frm.doc.protocol === "Webhook" && manager) {
			frm.add_custom_button(__("Show Secret"), () => show_secret(frm), __("Webhook"));
			frm.add_custom_button(__("Regenerate Secret"), () => regenerate_secret(frm), __("Webhook"));
		}
	},
});

function import_tag_map(frm) {
	new frappe.ui.FileUploader({
		doctype: frm.doctype,
		docname: frm.doc.name,
		folder: "Home/Attachments",
		allow_multiple: false,
		make_attachments_public: false,
		restrictions: { allowed_file_types: [".xlsx"] },
		on_success(file) {
			frappe.call({
				method: "mom_app.iot.doctype.iot_device.iot_device.import_tag_map",
				args: { device: frm.doc.name, file_url: file.file_url },
				freeze: true,
				freeze_message: __("Importing tags..."),
				callback(r) {
					if (r.exc) return;
					frappe.show_alert({
						message: __("{0} tags imported.", [r.message.tags]),
						indicator: "green",
					});
					frm.reload_doc();
				},
			});
		},
	});
}

function show_secret(frm) {
	frm.call("show_webhook_secret").then((r) => {
		frappe.msgprint({
			title: __("Webhook Secret of {0}", [frm.doc.name]),
			message:
				`<p>${__("Configure this secret on the device; keep it private.")}</p>` +
				`<pre style="user-select: all">${frappe.utils.escape_html(r.message || "")}</pre>`,
			indicator: "blue",
		});
	});
}

function regenerate_secret(frm) {
	frappe.confirm(
		__("The device must be given the new secret; until then its requests are refused. Continue?"),
		() => {
			frm.call("regenerate_webhook_secret").then((r) => {
				frm.reload_doc();
				frappe.msgprint({
					title: __("New Webhook Secret of {0}", [frm.doc.name]),
					message: `<pre style="user-select: all">${frappe.utils.escape_html(r.message || "")}</pre>`,
					indicator: "orange",
				});
			});
		}
	);
}
