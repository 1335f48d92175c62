// how often the form's latest values are read again while it is open
const MOM_LIVE_REFRESH_MS = 15000;

frappe.ui.form.on("IoT Device", {
	refresh(frm) {
		clearInterval(frm.mom_live_timer);
		if (frm.is_new()) return;
		show_latest_values(frm);
		const name = frm.doc.name;
		frm.mom_live_timer = setInterval(() => {
			const here = cur_frm === frm && frm.doc.name === name && !frm.is_new();
			if (!here) return clearInterval(frm.mom_live_timer);
			if (document.visibilityState === "visible") show_latest_values(frm);
		}, MOM_LIVE_REFRESH_MS);
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Test Connection"), () => test_connection(frm));
		}
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
					message: `<pre style="user-select: all">${frappe.utils.escape_html(
						r.message || ""
					)}</pre>`,
					indicator: "orange",
				});
			});
		}
	);
}

// every value shown comes from a device or was typed: escaped before it reaches the HTML
function mom_esc(value) {
	return frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
}

function mom_value(value) {
	if (value === null || value === undefined) return "";
	return String(Number(Number(value).toFixed(4)));
}

// a Machine State tag's value with the state it maps to, e.g. "1 (运行中)"
function mom_state(state) {
	return state ? ` <span class="text-muted">(${mom_esc(state)})</span>` : "";
}

function mom_age(seconds) {
	if (seconds === null || seconds === undefined) return "";
	if (seconds < 60) return __("{0} s ago", [seconds]);
	if (seconds < 3600) return __("{0} min ago", [Math.floor(seconds / 60)]);
	if (seconds < 86400) {
		return __("{0} h {1} min ago", [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60)]);
	}
	return __("{0} days ago", [Math.floor(seconds / 86400)]);
}

function mom_when(ts) {
	return ts ? frappe.datetime.str_to_user(ts) : "";
}

function show_latest_values(frm) {
	const $wrapper = frm.fields_dict.live_values && frm.fields_dict.live_values.$wrapper;
	if (!$wrapper) return;
	frm.call({ method: "latest_values", doc: frm.doc }).then((r) => {
		const data = r.message || { tags: [] };
		if (data.hidden) {
			$wrapper.html(
				`<p class="text-muted mom-live-hidden">${__(
					"The latest values are shown to those who may read machine data (IoT readings)."
				)}</p>`
			);
			return;
		}
		if (!data.tags.length) {
			$wrapper.html(`<p class="text-muted">${__("The device has no tags.")}</p>`);
			return;
		}
		const rows = data.tags
			.map((t) => {
				const none = t.value === null;
				const age = none
					? `<span class="text-muted">${__("Nothing received yet")}</span>`
					: `<span class="indicator-pill ${t.stale ? "gray" : "green"}">${mom_esc(
							mom_age(t.age_seconds)
					  )}</span>`;
				return `<tr data-tag="${mom_esc(t.key)}">
					<td>${mom_esc(t.key)}</td>
					<td>${mom_esc(__(t.role))}</td>
					<td class="text-right mom-live-value">${none ? "—" : mom_esc(mom_value(t.value)) + mom_state(t.state)}</td>
					<td>${mom_esc(t.unit && __(t.unit))}</td>
					<td>${mom_esc(mom_when(t.ts))}</td>
					<td class="mom-live-age">${age}</td>
				</tr>`;
			})
			.join("");
		$wrapper.html(`<div class="table-responsive"><table class="table table-bordered table-sm mom-live-values" style="white-space: nowrap">
			<thead><tr>
				<th>${__("Tag Key")}</th><th>${__("Signal Role")}</th><th class="text-right">${__("Latest Value")}</th>
				<th>${__("Unit")}</th><th>${__("Received At")}</th><th>${__("Age")}</th>
			</tr></thead><tbody>${rows}</tbody></table></div>
			<p class="text-muted small">${__(
				"Values older than {0} minutes are grey: the collector reports every value at least once a minute while the device is connected.",
				[Math.round(data.stale_seconds / 60)]
			)}</p>`);
	});
}

function test_connection(frm) {
	if (frm.is_dirty()) {
		frappe.msgprint({
			title: __("Save First"),
			message: __("Test Connection reads the tags with the saved settings: save the device first."),
			indicator: "orange",
		});
		return;
	}
	frm.call({
		method: "test_connection",
		doc: frm.doc,
		freeze: true,
		freeze_message: __("Reading every tag once..."),
	}).then((r) => {
		const result = r.message || {};
		const indicator = result.connected === false ? "red" : result.connected === true ? "green" : "blue";
		let body = `<p class="mom-test-message">${mom_esc(result.message)}</p>`;
		if (result.tags && result.tags.length) {
			const rows = result.tags
				.map(
					(t) => `<tr data-tag="${mom_esc(t.key)}" class="${t.message ? "mom-test-failed" : ""}">
						<td style="white-space: nowrap">${mom_esc(t.key)}</td>
						<td class="text-right mom-test-value" style="white-space: nowrap">${
							t.value === null ? "—" : mom_esc(mom_value(t.value)) + mom_state(t.state)
						}</td>
						<td class="mom-test-note ${t.message ? "text-danger" : ""}">${mom_esc(t.message)}</td>
					</tr>`
				)
				.join("");
			body += `<table class="table table-bordered table-sm mom-test-tags">
				<thead><tr><th style="white-space: nowrap">${__("Tag Key")}</th>
				<th class="text-right" style="white-space: nowrap">${__("Value Read")}</th><th>${__(
				"Problem"
			)}</th></tr></thead><tbody>${rows}</tbody></table>`;
			if (result.connected) {
				body += `<p class="text-muted small">${__(
					"Read once just now in {0} ms; these values are not stored.",
					[Math.round((result.seconds || 0) * 1000)]
				)}</p>`;
			}
		}
		if (result.protocol === "Webhook") {
			const batch = result.last_batch;
			if (!batch) {
				body += `<p class="mom-test-batch">${__(
					"No batch has been received from this device yet."
				)}</p>`;
			} else {
				const rows = batch.readings
					.map(
						(x) => `<tr><td>${mom_esc(x.key)}</td><td>${mom_esc(mom_when(x.ts))}</td>
							<td class="text-right">${mom_esc(mom_value(x.value))}</td></tr>`
					)
					.join("");
				body += `<p class="mom-test-batch">${__("Last batch {0}, received {1} ({2}).", [
					`<b>${mom_esc(batch.message_id)}</b>`,
					mom_esc(mom_when(batch.received)),
					mom_esc(mom_age(batch.age_seconds)),
				])}</p>
				<table class="table table-bordered table-sm"><thead><tr><th>${__("Tag Key")}</th><th>${__(
					"Time"
				)}</th><th class="text-right">${__("Value")}</th></tr></thead><tbody>${rows}</tbody></table>`;
			}
		}
		const dialog = new frappe.ui.Dialog({
			title: __("Test Connection of {0}", [mom_esc(frm.doc.name)]),
			fields: [{ fieldtype: "HTML", fieldname: "result" }],
			size: "large",
		});
		dialog.fields_dict.result.$wrapper.html(
			`<div class="mom-test-result" data-connected="${mom_esc(result.connected)}">
				<span class="indicator-pill ${indicator}">${
				result.connected === false
					? __("Not connected")
					: result.connected === true
					? __("Connected")
					: __("Nothing to poll")
			}</span>${body}</div>`
		);
		dialog.show();
		if (result.connected) show_latest_values(frm);
	});
}
