// Mobile inspection (/qc): scan → due inspections → readings, defects, photos → submit.
// Plain browser JS on Frappe's web page: frappe.call, __() with the page's translated messages.
(() => {
	const root = document.getElementById("mom-qc");
	if (!root || root.dataset.allowed !== "1") return;
	const $code = $("#mom-qc-code");
	const $message = $("#mom-qc-message");
	const $list = $("#mom-qc-list");
	const $form = $("#mom-qc-form");
	// the verdicts, as literals so they are in the page's translated messages
	const STATUS = { Accepted: __("Accepted"), Rejected: __("Rejected") };
	const status_label = (status) => STATUS[status] || status;
	const esc = (s) => frappe.utils.escape_html(s === null || s === undefined ? "" : String(s));
	let current = null;
	let photos = [];

	// `html` is built here from escaped parts only
	const show = (html, kind = "info") =>
		$message.html(html ? `<div class="alert alert-${kind} mom-qc-errors">${html}</div>` : "");

	// The page's own requests (not the website's frappe.call, which shows server messages in a dialog as
	// HTML and never rejects): a refusal is shown in the page as text and rejects the promise.
	async function call(method, args, type = "GET") {
		const headers = { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token };
		let url = `/api/method/mom_app.quality.api.${method}`;
		const options = { method: type, headers };
		if (type === "GET") {
			url += "?" + new URLSearchParams(args || {}).toString();
		} else {
			headers["Content-Type"] = "application/json";
			options.body = JSON.stringify(args || {});
		}
		let response;
		try {
			response = await fetch(url, options);
		} catch (e) {
			show(esc(__("No connection to the server. Try again.")), "danger");
			throw e;
		}
		let body = {};
		try {
			body = await response.json();
		} catch (e) {
			body = {};
		}
		if (response.ok) return body.message;
		show(server_error(body), "danger");
		throw body;
	}

	// The server's messages are HTML. They are shown as text: markup dropped, line breaks kept, so nothing
	// in them (a scanned code, say) can run. DOMParser's document runs no script and loads no image.
	function as_text(html) {
		const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
		doc.querySelectorAll("br").forEach((br) => br.replaceWith("\n"));
		return doc.body.textContent;
	}

	// the refusal in a response body, as escaped HTML
	function server_error(body) {
		body = body || {};
		try {
			const messages = JSON.parse(body._server_messages || "[]").map((m) => JSON.parse(m).message);
			if (messages.length) return messages.map((m) => esc(as_text(m)).replace(/\n/g, "<br>")).join("<br>");
		} catch (e) {
			/* fall through */
		}
		return esc(body.exception || __("The server refused the request."));
	}

	$code.on("keydown", (e) => {
		if (e.key === "Enter") {
			e.preventDefault();
			scan($code.val());
		}
	});

	function scan(code) {
		code = (code || "").trim();
		if (!code) return;
		show("");
		$form.empty();
		call("scan", { code })
			.then((data) => {
				$code.val("");
				render_list(data);
			})
			.catch(() => {}); // call() has shown why
	}

	function render_list(data) {
		$list.empty();
		if (!data.inspections.length) {
			$list.html(`<p class="muted mom-qc-none">${__("No inspection is due for {0} {1}.", [esc(__(data.kind)), esc(data.name)])}</p>`);
			return;
		}
		$list.append(`<p class="muted">${__("{0} {1}: inspections due", [esc(__(data.kind)), esc(data.name)])}</p>`);
		data.inspections.forEach((qi) => {
			const $card = $(`<div class="mom-qc-card" data-name="${esc(qi.name)}">
				<b>${esc(qi.name)}</b> · ${esc(qi.item_code)} ${esc(qi.item_name || "")}
				<div class="muted">${esc(qi.mom_stage || "")} ${esc(qi.mom_check || "")} · ${__("Batch")}: ${esc(qi.batch_no || "—")} · ${__("Sample")}: ${esc(qi.sample_size)}</div>
			</div>`);
			$card.on("click", () => open(qi.name));
			$list.append($card);
		});
		if (data.inspections.length === 1) open(data.inspections[0].name);
	}

	function open(name) {
		call("get_inspection", { name })
			.then(render_form)
			.catch(() => {}); // call() has shown why
	}

	function render_form(qi) {
		current = qi;
		photos = qi.photos || [];
		$form.empty();
		if (qi.docstatus !== 0) {
			$form.html(`<div class="mom-qc-verdict ${esc(qi.status)}">${esc(qi.name)}: ${esc(status_label(qi.status))}</div>`);
			return;
		}
		const n = qi.readings_required;
		let html = `<h4>${esc(qi.name)} · ${esc(qi.item_code)} ${esc(qi.item_name || "")}</h4>
			<div class="muted">${__("Batch")}: ${esc(qi.batch_no || "—")} · ${__("Work Order")}: ${esc(qi.work_order || "—")} · ${esc(qi.reference_type)} ${esc(qi.reference_name)}</div>
			<div class="muted" style="white-space:pre-line">${esc(qi.sampling || "")}</div>
			<p><b>${__("Sample size")}: ${esc(qi.sample_size)}</b> · ${__("{0} readings per numeric parameter", [n])}</p>`;
		qi.parameters.forEach((p) => {
			html += `<div class="mom-qc-param" data-row="${esc(p.row)}" data-numeric="${p.numeric ? 1 : 0}">
				<b>${esc(p.specification)}</b>`;
			if (p.numeric) {
				html += ` <span class="muted">${esc(p.min_value)} – ${esc(p.max_value)}</span><div class="readings">`;
				for (let i = 0; i < n; i++) {
					html += `<input class="form-control reading" inputmode="decimal" data-i="${i}" placeholder="${i + 1}">`;
				}
				html += "</div>";
			} else {
				html += ` <span class="muted">${__("Expected")}: ${esc(p.value || "")}</span>
				<div class="readings">
					<label><input type="radio" name="c-${esc(p.row)}" value="1"> ${__("Conforms")}</label>
					<label><input type="radio" name="c-${esc(p.row)}" value="0"> ${__("Does not conform")}</label>
				</div>`;
			}
			html += "</div>";
		});
		if (qi.classes.length) {
			html += `<h5>${__("Defects found in the sample")}</h5><div class="mom-qc-defects">`;
			qi.classes.forEach((c) => {
				html += `<label>${esc(c.label)} <span class="muted">(Ac ${esc(c.ac)} / Re ${esc(c.re)})</span>
					<input class="form-control defect" inputmode="numeric" data-class="${esc(c.class)}" value="0"></label>`;
			});
			html += "</div>";
		}
		html += `<h5>${__("Photos")}${qi.require_photo ? " *" : ""}</h5>
			<input type="file" accept="image/*" capture="environment" id="mom-qc-photo" multiple>
			<div class="mom-qc-photos"></div>
			<h5>${__("Remarks")}</h5><textarea class="form-control" id="mom-qc-remarks" rows="2"></textarea>
			<div class="mom-qc-actions"><button class="btn btn-primary" id="mom-qc-submit">${__("Submit inspection")}</button></div>`;
		$form.html(html);
		draw_photos();
		$form.find("#mom-qc-photo").on("change", (e) => upload(e.target.files));
		$form.find("input.reading").on("input", function () {
			const v = this.value.trim();
			$(this).toggleClass("bad", v !== "" && !isFinite(Number(v)));
		});
		$form.find("#mom-qc-submit").on("click", submit);
	}

	function draw_photos() {
		$form.find(".mom-qc-photos").html(photos.map((p) => `<img src="${esc(p.file_url)}" alt="">`).join(""));
	}

	// the server keeps a photo private and refuses what is not an image
	function upload(files) {
		Array.from(files || []).forEach((file) => {
			const data = new FormData();
			data.append("file", file, file.name);
			data.append("name", current.name);
			fetch("/api/method/mom_app.quality.api.upload_photo", {
				method: "POST",
				body: data,
				headers: { "X-Frappe-CSRF-Token": frappe.csrf_token, Accept: "application/json" },
			})
				.then((r) => r.json().then((body) => ({ ok: r.ok, body })))
				.then(({ ok, body }) => {
					if (!ok) throw body;
					photos.push(body.message);
					draw_photos();
				})
				.catch((body) => {
					const why = body && body._server_messages ? server_error(body) : "";
					show(esc(__("The photo could not be uploaded.")) + (why ? "<br>" + why : ""), "danger");
				});
		});
	}

	function collect() {
		const readings = {};
		const errors = [];
		$form.find(".mom-qc-param").each(function () {
			const row = this.dataset.row;
			const name = $(this).find("b").first().text();
			if (this.dataset.numeric === "1") {
				const values = $(this)
					.find("input.reading")
					.map((_, el) => el.value.trim())
					.get()
					.filter((v) => v !== "");
				if (values.some((v) => !isFinite(Number(v)))) errors.push(__("{0}: readings must be numbers.", [name]));
				else if (values.length !== current.readings_required)
					errors.push(__("{0}: {1} readings entered, the plan needs {2}.", [name, values.length, current.readings_required]));
				readings[row] = values;
			} else {
				const checked = $(this).find("input[type=radio]:checked").val();
				if (checked === undefined) errors.push(__("{0}: choose conforms or does not conform.", [name]));
				readings[row] = { conform: checked === "1" };
			}
		});
		const defects = {};
		$form.find("input.defect").each(function () {
			const v = this.value.trim();
			if (!/^\d+$/.test(v)) errors.push(__("Defect counts must be whole numbers of 0 or more."));
			defects[this.dataset.class] = v;
		});
		if (current.require_photo && !photos.length) errors.push(__("The plan requires at least one photo."));
		return { readings, defects, errors: [...new Set(errors)] };
	}

	function submit() {
		const { readings, defects, errors } = collect();
		if (errors.length) {
			show(errors.map(esc).join("<br>"), "danger");
			return;
		}
		show("");
		const client_id = current.client_id || (current.client_id = frappe.utils.get_random(20));
		$form.find("#mom-qc-submit").prop("disabled", true);
		call(
			"submit_inspection",
			{
				name: current.name,
				readings: JSON.stringify(readings),
				defects: JSON.stringify(defects),
				remarks: $form.find("#mom-qc-remarks").val(),
				client_id,
			},
			"POST"
		)
			.then((r) => {
				let html = `<div class="mom-qc-verdict ${esc(r.status)}">${esc(r.name)}: ${esc(status_label(r.status))}</div>`;
				if (r.quality_hold)
					html += `<div class="alert alert-danger">${__("Quality hold {0} raised: the batch is frozen and the job is paused.", [esc(r.quality_hold)])}</div>`;
				$form.html(html);
				$list.empty();
				$code.focus();
			})
			.catch(() => $form.find("#mom-qc-submit").prop("disabled", false));
	}

	$("#mom-qc-camera").on("click", () => {
		const reader = "mom-qc-reader";
		frappe_require_qr().then(() => {
			const scanner = new Html5Qrcode(reader); // eslint-disable-line no-undef
			scanner
				.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, (text) => {
					scanner.stop();
					scan(text);
				})
				.catch(() => show(esc(__("The camera could not be opened; type or scan the code instead.")), "warning"));
		});
	});

	function frappe_require_qr() {
		if (window.Html5Qrcode) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const s = document.createElement("script");
			s.src = "/assets/frappe/node_modules/html5-qrcode/html5-qrcode.min.js";
			s.onload = resolve;
			s.onerror = reject;
			document.head.appendChild(s);
		});
	}
})();
