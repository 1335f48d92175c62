// Mobile inspection (/qc): scan → due inspections → readings, defects, photos → submit.
// Plain browser JS on Frappe's web page: its own fetch to mom_app.quality.api, __() with the page's translated
// messages. Made for a phone held in one hand: what is wrong is said next to the field it is about (and the
// page scrolls to the first one), a reading outside its limits is flagged as it is typed, and a rejected
// inspection says which reading or defect class failed.
(() => {
	const root = document.getElementById("mom-qc");
	if (!root || root.dataset.allowed !== "1") return;
	const $code = $("#mom-qc-code");
	const $message = $("#mom-qc-message");
	const $list = $("#mom-qc-list");
	const $form = $("#mom-qc-form");
	// the verdicts, as literals so they are in the page's translated messages
	const STATUS = {
		Accepted: __("Accepted", null, "Inspection verdict"),
		Rejected: __("Rejected", null, "Inspection verdict"),
	};
	const status_label = (status) => STATUS[status] || status;
	const esc = (s) => frappe.utils.escape_html(s === null || s === undefined ? "" : String(s));
	const number = (v) => (v === null || v === undefined || v === "" ? "" : String(Number(v)));
	let current = null;
	let photos = [];
	let scanning = 0; // the latest scan: an older answer arriving late is dropped

	// `html` is built here from escaped parts only
	const show = (html, kind = "info") =>
		$message.html(html ? `<div class="alert alert-${kind} mom-qc-errors">${html}</div>` : "");

	// The page's own requests (not the website's frappe.call, which shows server messages in a dialog as
	// HTML and never rejects): a refusal rejects the promise with the server's message as escaped HTML;
	// `where` says where to show it (the top of the page by default).
	async function call(method, args, type = "GET", where = show) {
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
			where(esc(__("No connection to the server. Try again.")), "danger");
			throw e;
		}
		let body = {};
		try {
			body = await response.json();
		} catch (e) {
			body = {};
		}
		if (response.ok) return body.message;
		where(server_error(body), "danger");
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
			if (messages.length)
				return messages.map((m) => esc(as_text(m)).replace(/\n/g, "<br>")).join("<br>");
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

	// Every scan starts afresh: the code field is emptied for the next one, and the last scan's message,
	// list and form go, so an unknown code's message never sits over a later result, nor an old result
	// under it.
	function scan(code) {
		code = (code || "").trim();
		$code.val("");
		if (!code) return;
		const mine = ++scanning;
		show("");
		$list.empty();
		$form.empty();
		current = null;
		call("scan", { code })
			.then((data) => mine === scanning && render_list(data))
			.catch(() => {}); // call() has shown why
	}

	// what an inspection is, in the reader's words: stage, IPQC check, item, batch
	function what(qi) {
		return [qi.stage_label, qi.check_label].filter(Boolean).map(esc).join(" · ");
	}

	function render_list(data) {
		$list.empty();
		const kind = esc(data.kind_label || "");
		if (!data.inspections.length) {
			$list.html(
				`<p class="muted mom-qc-none">${__("No inspection is due for {0} {1}.", [
					kind,
					esc(data.name),
				])}</p>`
			);
			return;
		}
		$list.append(
			`<p class="muted mom-qc-due">${__("{0} {1}: inspections due", [kind, esc(data.name)])}</p>`
		);
		data.inspections.forEach((qi) => {
			const $card = $(`<div class="mom-qc-card" data-name="${esc(qi.name)}">
				<div class="mom-qc-what">${what(qi)}</div>
				<b>${esc(qi.item_code)}</b> ${esc(qi.item_name || "")}
				<div class="muted">${__("Batch")}: ${esc(qi.batch_no || "—")} · ${__("Sample size")}: ${esc(
				number(qi.sample_size)
			)} · ${esc(qi.name)}</div>
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

	function failures_html(failures) {
		if (!failures || !failures.length) return "";
		// the server's messages are HTML with the typed values escaped: shown as text all the same
		const items = failures.map((f) => `<li>${esc(as_text(f.message))}</li>`).join("");
		return `<div class="mom-qc-failures"><b>${__("Why it was rejected")}</b><ul>${items}</ul></div>`;
	}

	function header_html(qi) {
		return `<div class="mom-qc-head">
			<div class="mom-qc-what">${what(qi)}</div>
			<h4>${esc(qi.item_code)} ${esc(qi.item_name || "")}</h4>
			<div class="muted">${__("Batch")}: ${esc(qi.batch_no || "—")} · ${esc(qi.reference_label)} ${esc(
			qi.reference_name
		)}${
			qi.work_order && qi.work_order !== qi.reference_name
				? ` · ${__("Work Order")} ${esc(qi.work_order)}`
				: ""
		}</div>
			<div class="muted">${__("Inspection {0}", [esc(qi.name)])}</div>
		</div>`;
	}

	function render_form(qi) {
		current = qi;
		photos = qi.photos || [];
		$form.empty();
		if (qi.docstatus !== 0) {
			$form.html(`${header_html(qi)}
				<div class="mom-qc-verdict ${esc(qi.status)}">${esc(status_label(qi.status))}</div>
				${failures_html(qi.failures)}`);
			return;
		}
		const n = qi.readings_required;
		let html = `${header_html(qi)}
			<div class="muted mom-qc-sampling">${esc(qi.sampling || "")}</div>
			<p><b>${__("Sample size")}: ${esc(number(qi.sample_size))}</b> · ${__("{0} readings per numeric parameter", [
			n,
		])}</p>`;
		qi.parameters.forEach((p) => {
			const limits = p.limits ? `${esc(number(p.limits[0]))} – ${esc(number(p.limits[1]))}` : "";
			html += `<div class="mom-qc-param mom-qc-field" data-row="${esc(p.row)}" data-numeric="${
				p.numeric ? 1 : 0
			}">
				<b class="mom-qc-spec">${esc(p.specification)}</b>`;
			if (p.numeric) {
				html += ` <span class="muted">${limits}</span><div class="readings">`;
				for (let i = 0; i < n; i++) {
					html += `<input class="form-control reading" inputmode="decimal" data-i="${i}" placeholder="${
						i + 1
					}" aria-label="${esc(p.specification)} ${i + 1}">`;
				}
				html += "</div>";
			} else {
				html += ` <span class="muted">${__("Expected")}: ${esc(p.value || "")}</span>
				<div class="readings">
					<label><input type="radio" name="c-${esc(p.row)}" value="1"> ${__("Conforms")}</label>
					<label><input type="radio" name="c-${esc(p.row)}" value="0"> ${__("Does not conform")}</label>
				</div>`;
			}
			html += `<div class="mom-qc-note" aria-live="polite"></div><div class="mom-qc-field-error" role="alert"></div></div>`;
		});
		if (qi.classes.length) {
			html += `<div class="mom-qc-field mom-qc-defects-field" data-field="defects">
				<h5>${__("Defects found in the sample")}</h5><div class="mom-qc-defects">`;
			qi.classes.forEach((c) => {
				html += `<label>${esc(c.label)} <span class="muted">${__("accept up to {0}, reject at {1}", [
					esc(c.ac),
					esc(c.re),
				])}</span>
					<input class="form-control defect" inputmode="numeric" data-class="${esc(c.class)}" value="0"></label>`;
			});
			html += `</div><div class="mom-qc-field-error" role="alert"></div></div>`;
		}
		html += `<div class="mom-qc-field" data-field="photos">
				<h5>${__("Photos")}${qi.require_photo ? " *" : ""}</h5>
				<label class="btn btn-default mom-qc-photo-btn">${__("Take or add photos")}
					<input type="file" accept="image/*" capture="environment" id="mom-qc-photo" multiple></label>
				<div class="mom-qc-photos"></div>
				<div class="mom-qc-field-error" role="alert"></div>
			</div>
			<h5>${__("Remarks")}</h5><textarea class="form-control" id="mom-qc-remarks" rows="2"></textarea>
			<div class="mom-qc-submit-error" role="alert"></div>
			<div class="mom-qc-actions"><button class="btn btn-primary" id="mom-qc-submit">${__(
				"Submit inspection"
			)}</button></div>`;
		$form.html(html);
		draw_photos();
		$form.find("#mom-qc-photo").on("change", (e) => upload(e.target.files));
		// as it is typed: a reading that is not a number, or outside the limits, is flagged at once; an
		// error said about the field goes once the field is right
		$form.find("input.reading").on("input", function () {
			flag_readings($(this).closest(".mom-qc-param"));
		});
		$form.find(".mom-qc-param input[type=radio], input.defect").on("input change", function () {
			const $field = $(this).closest(".mom-qc-field");
			if ($field.hasClass("has-error")) validate_field($field);
		});
		$form.find("#mom-qc-submit").on("click", submit);
	}

	function parameter_of($param) {
		return current.parameters.find((p) => p.row === $param.attr("data-row"));
	}

	// the engine's rule (mom_app.engine.tolerances), for the instant flag; the server's verdict decides
	function outside(value, limits) {
		return limits && !(limits[0] <= value && value <= limits[1]);
	}

	function flag_readings($param) {
		const p = parameter_of($param);
		const out = [];
		$param.find("input.reading").each(function (i) {
			const v = this.value.trim();
			const bad = v !== "" && !isFinite(Number(v));
			const off = v !== "" && !bad && outside(Number(v), p.limits);
			$(this).toggleClass("bad", bad).toggleClass("out", off);
			if (off) out.push(__("reading {0} ({1})", [i + 1, esc(v)]));
		});
		$param
			.find(".mom-qc-note")
			.html(
				out.length
					? `<span class="mom-qc-out">${__("Outside {0} – {1}: {2}", [
							esc(number(p.limits[0])),
							esc(number(p.limits[1])),
							out.join(", "),
					  ])}</span>`
					: ""
			);
		if ($param.hasClass("has-error")) validate_field($param);
	}

	function draw_photos() {
		$form
			.find(".mom-qc-photos")
			.html(photos.map((p) => `<img src="${esc(p.file_url)}" alt="">`).join(""));
	}

	// the server keeps a photo private and refuses what is not an image
	function upload(files) {
		const $field = $form.find("[data-field='photos']");
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
					if ($field.hasClass("has-error")) validate_field($field);
				})
				.catch((body) => {
					const why = body && body._server_messages ? server_error(body) : "";
					field_error(
						$field,
						esc(__("The photo could not be uploaded.")) + (why ? "<br>" + why : "")
					);
				});
		});
	}

	// what is wrong with one field, as plain strings (empty when nothing is)
	function field_errors($field) {
		const errors = [];
		if ($field.hasClass("mom-qc-param")) {
			if ($field.attr("data-numeric") === "1") {
				const values = $field
					.find("input.reading")
					.map((_, el) => el.value.trim())
					.get()
					.filter((v) => v !== "");
				if (values.some((v) => !isFinite(Number(v)))) errors.push(__("Readings must be numbers."));
				else if (values.length !== current.readings_required)
					errors.push(
						__("{0} readings entered, the plan needs {1}.", [
							values.length,
							current.readings_required,
						])
					);
			} else if ($field.find("input[type=radio]:checked").val() === undefined) {
				errors.push(__("Choose conforms or does not conform."));
			}
		} else if ($field.attr("data-field") === "defects") {
			$field.find("input.defect").each(function () {
				if (!/^\d+$/.test(this.value.trim()))
					errors.push(__("Defect counts must be whole numbers of 0 or more."));
			});
		} else if ($field.attr("data-field") === "photos") {
			if (current.require_photo && !photos.length)
				errors.push(__("The plan requires at least one photo."));
		}
		return [...new Set(errors)];
	}

	function field_error($field, html) {
		$field.toggleClass("has-error", !!html);
		$field
			.find(".mom-qc-field-error")
			.first()
			.html(html || "");
	}

	function validate_field($field) {
		const errors = field_errors($field);
		field_error($field, errors.map(esc).join("<br>"));
		return !errors.length;
	}

	function collect() {
		const readings = {};
		$form.find(".mom-qc-param").each(function () {
			const row = this.dataset.row;
			if (this.dataset.numeric === "1") {
				readings[row] = $(this)
					.find("input.reading")
					.map((_, el) => el.value.trim())
					.get()
					.filter((v) => v !== "");
			} else {
				readings[row] = { conform: $(this).find("input[type=radio]:checked").val() === "1" };
			}
		});
		const defects = {};
		$form.find("input.defect").each(function () {
			defects[this.dataset.class] = this.value.trim();
		});
		return { readings, defects };
	}

	// a refusal of the server, said just above the Submit button where the inspector's thumb is
	function submit_error(html) {
		const $box = $form.find(".mom-qc-submit-error");
		$box.html(html ? `<div class="alert alert-danger mom-qc-errors">${html}</div>` : "");
		if (html) $box[0].scrollIntoView({ block: "center" });
	}

	function submit() {
		submit_error("");
		const bad = $form.find(".mom-qc-field").filter((_, el) => !validate_field($(el)));
		if (bad.length) {
			// the first field to correct, in the middle of the screen, its first input focused
			const first = bad.first();
			first[0].scrollIntoView({ block: "center" });
			const inputs = first.find("input").get();
			const input =
				inputs.find((el) => $(el).hasClass("bad")) ||
				inputs.find((el) => el.type !== "radio" && el.type !== "file" && !el.value.trim()) ||
				inputs[0];
			if (input && input.type !== "file") input.focus({ preventScroll: true });
			return;
		}
		const { readings, defects } = collect();
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
			"POST",
			submit_error
		)
			.then((r) => {
				let html = `${header_html(current)}
					<div class="mom-qc-verdict ${esc(r.status)}">${esc(status_label(r.status))}</div>
					${failures_html(r.failures)}`;
				if (r.quality_hold)
					html += `<div class="alert alert-danger">${__(
						"Quality hold {0} raised: the batch is frozen and the job is paused.",
						[esc(r.quality_hold)]
					)}</div>`;
				$form.html(html);
				$list.empty();
				$form[0].scrollIntoView({ block: "start" });
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
				.catch(() =>
					show(esc(__("The camera could not be opened; type or scan the code instead.")), "warning")
				);
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
