// The maintenance technician's page (/maintenance): my orders and the unassigned ones, scan an asset's label
// → its open orders and history, an order → accept, start, pause, wait for parts, finish; checklist, spare
// parts by scan, failure codes, photos, meter readings.
// Plain browser JS on Frappe's web page (no build): its own fetch to mom_app.plant_maintenance.api, __() with
// the page's translated messages. A barcode scanner types into the focused scan field and ends with Enter.
// Every action carries a client-made id, so a retried request (network trouble) is applied once by the
// server; what is wrong is said next to the field it is about, and every value shown is escaped.
(() => {
	const root = document.getElementById("mom-mnt");
	if (!root) return;
	const ORDERS = "mom_app.plant_maintenance.api.";
	const PAGE = "mom_app.plant_maintenance.api.technician.";
	const METER_READING = "mom_app.plant_maintenance.doctype.asset_meter.asset_meter.record_meter_reading";
	const RETRIES = 3;
	const $code = $("#m-code");
	const $view = $("#m-view");
	const $scan_error = $("#m-scan-error");
	const $message = $("#m-message");
	let current = null; // the order shown
	let codes = null; // the failure coding trees, loaded once
	let scanning = 0; // the latest view asked for: an older answer arriving late is dropped

	const esc = (s) => frappe.utils.escape_html(s === null || s === undefined ? "" : String(s));
	const number = (v) => (v === null || v === undefined || v === "" ? "" : String(Number(v)));

	function uuid4() {
		if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
		const b = new Uint8Array(16);
		crypto.getRandomValues(b);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	}

	// The server's messages are HTML (escaped values in markup). They are shown as text: markup dropped,
	// entities decoded, line breaks kept. DOMParser's document runs no script and loads no image.
	function as_text(html) {
		const doc = new DOMParser().parseFromString(`<body>${html == null ? "" : html}</body>`, "text/html");
		doc.querySelectorAll("br").forEach((br) => br.replaceWith("\n"));
		return doc.body.textContent.trim();
	}

	function server_message(body) {
		body = body || {};
		try {
			const messages = JSON.parse(body._server_messages || "[]").map((m) => {
				const parsed = JSON.parse(m);
				return parsed.message || parsed;
			});
			if (messages.length) return messages.map(as_text).join("\n");
		} catch (e) {
			/* fall through */
		}
		if (body.exc_type === "PermissionError" || body.exc_type === "CSRFTokenError")
			return __("You may not do this.");
		return body.exception ? as_text(String(body.exception).split(":").slice(1).join(":")) : "";
	}

	class PageError extends Error {}

	// A request to the server: GET reads, POST actions (with retries on a lost connection or a server error:
	// the same client id, so the server applies the action once). A refusal throws a PageError with the
	// server's message as text.
	async function call(method, args, { type = "GET", retries = 0 } = {}) {
		const headers = { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token };
		let url = `/api/method/${method}`;
		const options = { method: type, headers };
		if (type === "GET") {
			url += "?" + new URLSearchParams(args || {}).toString();
		} else {
			headers["Content-Type"] = "application/json";
			options.body = JSON.stringify(args || {});
		}
		for (let attempt = 0; ; attempt++) {
			let response;
			try {
				response = await fetch(url, options);
			} catch (e) {
				if (attempt < retries) {
					await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
					continue;
				}
				throw new PageError(__("No connection to the server. Try again."));
			}
			let body = {};
			try {
				body = await response.json();
			} catch (e) {
				body = {};
			}
			if (response.ok) return body.message;
			if (response.status >= 500 && attempt < retries) continue;
			throw new PageError(
				server_message(body) || __("The server refused the request ({0}).", [response.status])
			);
		}
	}

	// an order action: a client id made once for this press of the button, kept for its retries
	function act(method, args) {
		return call(method, Object.assign({ client_id: uuid4() }, args), {
			type: "POST",
			retries: RETRIES,
		});
	}

	// `text` is plain text; `where` a field's error box (the scan field's by default)
	function field_error($where, text) {
		$where.text(text || "");
		$where.closest(".m-field").toggleClass("has-error", !!text);
	}

	function flash(text, kind = "ok") {
		$message.attr("class", `m-message ${kind}`).text(text || "");
		clearTimeout(flash.timer);
		if (text) flash.timer = setTimeout(() => $message.attr("class", "m-message").text(""), 6000);
	}

	// "2026-12-08 14:30:00.123" → "12-08 14:30"
	function when(value) {
		if (!value) return "";
		const text = String(value);
		return text.length >= 16 ? `${text.slice(5, 10)} ${text.slice(11, 16)}` : text;
	}

	// -- navigation: #order=NAME, #asset=CODE, or the work list ------------------------------------------

	function go(hash) {
		if (window.location.hash === hash || (!hash && !window.location.hash)) route();
		else window.location.hash = hash;
	}

	function route() {
		const hash = decodeURIComponent(window.location.hash.replace(/^#/, ""));
		const [kind, ...rest] = hash.split("=");
		const value = rest.join("=");
		if (kind === "order" && value) return show_order(value);
		if (kind === "asset" && value) return show_machine(value);
		return show_worklist();
	}

	window.addEventListener("hashchange", route);

	function back_button() {
		return `<button class="btn btn-default m-back" type="button">${esc(__("Back"))}</button>`;
	}

	function bind_back() {
		$view.find(".m-back").on("click", () => {
			if (window.history.length > 1) window.history.back();
			else go("");
		});
	}

	// -- scanning --------------------------------------------------------------------------------------

	$code.on("keydown", (e) => {
		if (e.key === "Enter") {
			e.preventDefault();
			scan($code.val());
		}
	});

	// an order's name opens it; an asset label, a workstation or an asset's name shows the machine
	function scan(text) {
		text = (text || "").trim();
		$code.val("");
		field_error($scan_error, "");
		if (!text) return;
		const mine = ++scanning;
		call(`${PAGE}scan`, { code: text })
			.then((r) => {
				if (mine !== scanning) return;
				if (r.order) go(`#order=${encodeURIComponent(r.order)}`);
				else go(`#asset=${encodeURIComponent(r.asset.name || r.asset.workstation)}`);
			})
			.catch((e) => mine === scanning && field_error($scan_error, e.message));
	}

	// -- lists -----------------------------------------------------------------------------------------

	function card_html(o, { show_assigned = false } = {}) {
		const due = o.due
			? `<span class="m-due ${o.overdue ? "overdue" : ""}">${esc(__("Due {0}", [when(o.due)]))}${
					o.overdue ? ` · ${esc(__("Overdue"))}` : ""
			  }</span>`
			: "";
		const who = show_assigned
			? o.mine
				? `<span class="m-tag mine">${esc(__("Mine"))}</span>`
				: o.assigned.length
				? `<span class="m-tag">${esc(o.assigned.join(", "))}</span>`
				: `<span class="m-tag free">${esc(__("Unassigned"))}</span>`
			: "";
		return `<div class="m-card prio-${esc(o.priority)}" data-order="${esc(
			o.name
		)}" role="button" tabindex="0">
			<div class="m-card-top">
				<span class="m-prio prio-${esc(o.priority)}">${esc(o.priority_label)}</span>
				<b class="m-name">${esc(o.name)}</b>
				<span class="m-state">${esc(o.state_label)}</span>
			</div>
			<div class="m-subject">${esc(o.subject)}</div>
			<div class="m-sub">${esc(o.asset_name || o.asset || "")}${
			o.workstation ? ` · ${esc(o.workstation)}` : ""
		} · ${esc(o.order_type_label)}</div>
			<div class="m-card-foot">${due}${who}</div>
		</div>`;
	}

	function bind_cards() {
		$view.find(".m-card[data-order]").on("click keydown", function (e) {
			if (e.type === "keydown" && e.key !== "Enter") return;
			go(`#order=${encodeURIComponent(this.dataset.order)}`);
		});
	}

	function show_worklist() {
		current = null;
		const mine = ++scanning;
		$view.html(`<div class="m-loading">${esc(__("Loading..."))}</div>`);
		call(`${PAGE}worklist`)
			.then((r) => {
				if (mine !== scanning) return;
				const section = (key, title, rows, empty) =>
					`<section class="m-list" data-list="${key}">
						<h2>${esc(title)} <span class="m-count">${rows.length}</span></h2>
						${rows.length ? rows.map((o) => card_html(o)).join("") : `<p class="m-none">${esc(empty)}</p>`}
					</section>`;
				$view.html(
					section("mine", __("My Orders"), r.mine, __("No open order is assigned to you.")) +
						section(
							"unassigned",
							__("Unassigned Orders"),
							r.unassigned,
							__("No open order is waiting for a technician.")
						)
				);
				bind_cards();
				$code.trigger("focus");
			})
			.catch((e) => mine === scanning && $view.html(`<p class="m-error">${esc(e.message)}</p>`));
	}

	function show_machine(code) {
		current = null;
		const mine = ++scanning;
		$view.html(`<div class="m-loading">${esc(__("Loading..."))}</div>`);
		call(`${PAGE}scan`, { code })
			.then((r) => {
				if (mine !== scanning) return;
				if (r.order) return go(`#order=${encodeURIComponent(r.order)}`);
				const a = r.asset;
				const facts = [
					a.name ? `${esc(__("Asset"))} ${esc(a.name)}` : "",
					a.workstation ? `${esc(__("Workstation"))} ${esc(a.workstation)}` : "",
					a.location ? `${esc(__("Location"))} ${esc(a.location)}` : "",
					a.status_label ? esc(a.status_label) : "",
				].filter(Boolean);
				const history = r.history
					.map(
						(h) => `<div class="m-history-row" data-order="${esc(h.name)}">
							<div><b>${esc(when(h.when))}</b> · ${esc(h.order_type_label)} · ${esc(h.state_label)}
								<span class="m-sub">${esc(h.name)}</span></div>
							<div>${esc(h.subject)}</div>
							${
								h.failure_mode_label
									? `<div class="m-sub">${esc(__("Failure Mode"))}: ${esc(
											h.failure_mode_label
									  )}</div>`
									: ""
							}
							${h.work_done ? `<div class="m-sub">${esc(h.work_done)}</div>` : ""}
						</div>`
					)
					.join("");
				$view.html(`${back_button()}
					<div class="m-machine">
						<h2 class="m-machine-name">${esc(a.asset_name || a.name || a.workstation)}</h2>
						<div class="m-sub">${facts.join(" · ")}</div>
					</div>
					<section class="m-list" data-list="open">
						<h2>${esc(__("Open Maintenance Orders"))} <span class="m-count">${r.open.length}</span></h2>
						${
							r.open.length
								? r.open.map((o) => card_html(o, { show_assigned: true })).join("")
								: `<p class="m-none">${esc(__("No open order for this machine."))}</p>`
						}
					</section>
					${meters_html(a.name, r.meters, true)}
					<section class="m-list" data-list="history">
						<h2>${esc(__("Maintenance History"))}</h2>
						${history || `<p class="m-none">${esc(__("No closed order yet."))}</p>`}
					</section>`);
				bind_back();
				bind_cards();
				bind_meters(a.name);
				$view.find(".m-history-row").on("click", function () {
					go(`#order=${encodeURIComponent(this.dataset.order)}`);
				});
			})
			.catch((e) => {
				if (mine !== scanning) return;
				$view.html(back_button());
				bind_back();
				field_error($scan_error, e.message);
			});
	}

	// -- the order -------------------------------------------------------------------------------------

	async function show_order(name, { keep_scroll = false } = {}) {
		const mine = ++scanning;
		const y = window.scrollY;
		if (!keep_scroll) $view.html(`<div class="m-loading">${esc(__("Loading..."))}</div>`);
		try {
			const [o] = await Promise.all([call(`${PAGE}order`, { name }), load_codes()]);
			if (mine !== scanning) return;
			current = o;
			render_order(o);
			if (keep_scroll) window.scrollTo(0, y);
			else window.scrollTo(0, 0);
		} catch (e) {
			if (mine !== scanning) return;
			$view.html(back_button());
			bind_back();
			field_error($scan_error, e.message);
		}
	}

	async function load_codes() {
		if (!codes) codes = await call(`${PAGE}failure_codes`);
		return codes;
	}

	const refresh = () => show_order(current.name, { keep_scroll: true });

	function order_actions(o) {
		if (!o.may_work) return "";
		const a = o.actions;
		const buttons = [];
		if (!o.mine)
			buttons.push(
				`<button class="m-btn m-accept" data-act="accept">${esc(
					__("Accept", null, "Maintenance order action")
				)}</button>`
			);
		if (a.includes("Start") || (o.state === "In Progress" && !o.running))
			buttons.push(`<button class="m-btn m-start" data-act="start">${esc(__("Start"))}</button>`);
		if (a.includes("Resume"))
			buttons.push(
				`<button class="m-btn m-start" data-act="resume">${esc(
					__("Resume", null, "Maintenance order action")
				)}</button>`
			);
		if (o.running)
			buttons.push(`<button class="m-btn m-pause" data-act="pause">${esc(__("Pause"))}</button>`);
		if (a.includes("Wait for Parts"))
			buttons.push(
				`<button class="m-btn m-wait" data-act="wait">${esc(__("Waiting for Parts"))}</button>`
			);
		if (a.includes("Complete"))
			buttons.push(
				`<button class="m-btn m-finish-go" data-act="to-finish">${esc(
					__("Finish", null, "Maintenance order action")
				)}</button>`
			);
		return buttons.join("");
	}

	function head_html(o) {
		const facts = [
			esc(o.order_type_label),
			esc(o.source_label),
			o.due
				? `<span class="m-due ${o.overdue ? "overdue" : ""}">${esc(__("Due {0}", [when(o.due)]))}${
						o.overdue ? ` · ${esc(__("Overdue"))}` : ""
				  }</span>`
				: "",
		].filter(Boolean);
		return `<div class="m-order-head">
			<div class="m-card-top">
				<span class="m-prio prio-${esc(o.priority)}">${esc(o.priority_label)}</span>
				<b class="m-name">${esc(o.name)}</b>
				<span class="m-state">${esc(o.state_label)}</span>
			</div>
			<h2 class="m-subject">${esc(o.subject)}</h2>
			<div class="m-sub">${esc(o.asset_name || o.asset || "")}${
			o.asset && o.asset_name ? ` (${esc(o.asset)})` : ""
		}${o.workstation ? ` · ${esc(__("Workstation"))} ${esc(o.workstation)}` : ""}</div>
			<div class="m-sub">${facts.join(" · ")}</div>
			<div class="m-sub">${esc(__("Assigned to"))}: ${
			o.assigned.length ? esc(o.assigned.join(", ")) : esc(__("nobody"))
		}${o.running ? ` · <b class="m-running">${esc(__("Your time is running"))}</b>` : ""} · ${esc(
			__("Labour {0} h", [o.labour_hours])
		)}</div>
			${o.description ? `<div class="m-text">${esc(o.description)}</div>` : ""}
			${o.reason && o.reason !== o.description ? `<div class="m-text m-sub">${esc(o.reason)}</div>` : ""}
		</div>`;
	}

	function render_order(o) {
		const waiting =
			o.may_work && o.state === "Requested"
				? `<p class="m-note">${esc(__("This request waits for a supervisor's approval."))}</p>`
				: !o.may_work
				? `<p class="m-note">${esc(__("You may not work this order now."))}</p>`
				: "";
		$view.html(`${back_button()}
			${head_html(o)}
			<div class="m-field m-actions-field">
				<div class="m-actions">${order_actions(o)}</div>
				${waiting}
				<div class="m-field-error" role="alert" data-error="actions"></div>
			</div>
			${checklist_html(o)}
			${failure_html(o)}
			${parts_html(o)}
			${photos_html(o)}
			${meters_html(o.asset, o.meters, o.may_work)}
			${finish_html(o)}`);
		bind_back();
		bind_actions();
		bind_checklist();
		bind_failure();
		bind_parts();
		bind_photos();
		bind_meters(o.asset);
		bind_finish();
	}

	// -- actions ---------------------------------------------------------------------------------------

	function bind_actions() {
		const $error = $view.find("[data-error='actions']");
		$view.find("[data-act]").on("click", async function () {
			const action = this.dataset.act;
			if (action === "to-finish") return focus_finish();
			field_error($error, "");
			const methods = {
				accept: ["acknowledge", {}],
				start: ["start", {}],
				resume: ["start", {}],
				pause: ["pause", { waiting_for_parts: 0 }],
				wait: ["pause", { waiting_for_parts: 1 }],
			};
			const [method, args] = methods[action];
			$view.find("[data-act]").prop("disabled", true);
			try {
				const r = await act(`${ORDERS}${method}`, Object.assign({ order: current.name }, args));
				flash(as_text(r.message));
				await refresh();
			} catch (e) {
				$view.find("[data-act]").prop("disabled", false);
				field_error($error, e.message);
			}
		});
	}

	// -- checklist -------------------------------------------------------------------------------------

	// the engine's rule (mom_app.engine.maintenance.checklist), for the flag as it is typed; the server's
	// judgement is what is kept
	function as_number(text) {
		const t = String(text == null ? "" : text)
			.trim()
			.replace(/,/g, "");
		if (!t || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
		const n = Number(t);
		return isFinite(n) ? n : null;
	}

	function out_of_limits(step, value) {
		const low = as_number(step.low);
		const high = as_number(step.high);
		return (low !== null && value < low) || (high !== null && value > high);
	}

	function limits_text(step) {
		const low = step.low !== null && step.low !== undefined && step.low !== "" ? step.low : null;
		const high = step.high !== null && step.high !== undefined && step.high !== "" ? step.high : null;
		const unit = step.unit ? ` ${step.unit}` : "";
		if (low !== null && high !== null) return `${low} – ${high}${unit}`;
		if (low !== null) return __("at least {0}", [`${low}${unit}`]);
		if (high !== null) return __("at most {0}", [`${high}${unit}`]);
		return "";
	}

	function step_html(s, editable) {
		const disabled = editable ? "" : "disabled";
		let input = "";
		if (s.kind === "Number") {
			const limits = limits_text(s);
			input = `<div class="m-step-input">
				<input class="form-control m-step-value" inputmode="decimal" autocomplete="off" ${disabled}
					value="${esc(s.value || "")}" aria-label="${esc(s.instruction)}">
				${s.unit ? `<span class="m-unit">${esc(s.unit)}</span>` : ""}
				${limits ? `<span class="m-limits">${esc(limits)}</span>` : ""}
			</div>`;
		} else if (s.kind === "Pass/Fail") {
			input = `<div class="m-step-input m-passfail">
				<button class="m-pf ${s.value === "Pass" ? "on" : ""}" data-pf="Pass" ${disabled}>${esc(
				__("Pass", null, "Checklist result")
			)}</button>
				<button class="m-pf fail ${s.value === "Fail" ? "on" : ""}" data-pf="Fail" ${disabled}>${esc(
				__("Fail", null, "Checklist result")
			)}</button>
			</div>`;
		} else if (s.kind === "Text") {
			input = `<textarea class="form-control m-step-value" rows="2" ${disabled}
				aria-label="${esc(s.instruction)}">${esc(s.value || "")}</textarea>`;
		} else if (s.kind === "Photo") {
			input = `<div class="m-step-input">
				${s.photo ? `<img class="m-thumb" src="${esc(s.photo)}" alt="">` : ""}
				${
					editable
						? `<label class="btn btn-default m-photo-btn">${esc(
								s.photo ? __("Retake Photo") : __("Take Photo")
						  )}<input type="file" accept="image/*" capture="environment"></label>`
						: ""
				}
			</div>`;
		}
		const flagged = s.flagged
			? `<span class="m-flag">${esc(
					s.kind === "Pass/Fail" ? __("Failed", null, "Checklist result") : __("Outside the limits")
			  )}</span>`
			: "";
		return `<div class="m-step m-field ${s.flagged ? "flagged" : ""} ${s.done ? "done" : ""}"
			data-step="${esc(s.idx)}" data-kind="${esc(s.kind)}">
			<div class="m-step-head"><span class="m-step-no">${esc(s.idx)}</span>
				<span class="m-step-text">${esc(s.instruction)}</span>
				${s.mandatory ? `<span class="m-req">${esc(__("Mandatory"))}</span>` : ""}
				<span class="m-step-flag">${flagged}</span>
			</div>
			${input}
			<div class="m-step-note" aria-live="polite"></div>
			<div class="m-field-error" role="alert"></div>
		</div>`;
	}

	function checklist_html(o) {
		if (!o.checklist.length) return "";
		const editable = o.may_work;
		return `<section class="m-section" data-section="checklist">
			<h3>${esc(__("Checklist"))}</h3>
			${o.checklist.map((s) => step_html(s, editable)).join("")}
		</section>`;
	}

	function step_of($step) {
		return current.checklist.find((s) => String(s.idx) === $step.attr("data-step"));
	}

	// as typed: not a number, or outside the limits, is said at once
	function flag_number($step) {
		const s = step_of($step);
		const text = $step.find(".m-step-value").val().trim();
		const value = as_number(text);
		const bad = text !== "" && value === null;
		const off = value !== null && out_of_limits(s, value);
		$step.find(".m-step-value").toggleClass("bad", bad).toggleClass("out", off);
		$step.toggleClass("flagged", off);
		$step
			.find(".m-step-note")
			.text(
				bad
					? __("Enter a number.")
					: off
					? __("{0} is outside {1}: it will be flagged.", [text, limits_text(s)])
					: ""
			);
		return !bad;
	}

	async function save_step($step, args) {
		const s = step_of($step);
		const $error = $step.find(".m-field-error");
		field_error($error, "");
		try {
			const r = await act(
				`${ORDERS}record_step`,
				Object.assign({ order: current.name, step: s.idx }, args)
			);
			if ("value" in args) s.value = args.value;
			if ("photo" in args) s.photo = args.photo;
			s.done = (s.kind === "Photo" ? s.photo : s.value) ? 1 : 0;
			s.flagged =
				(s.kind === "Number" && s.done && out_of_limits(s, as_number(s.value))) ||
				(s.kind === "Pass/Fail" && s.value === "Fail")
					? 1
					: 0;
			$step.toggleClass("done", !!s.done).toggleClass("flagged", !!s.flagged);
			$step
				.find(".m-step-flag")
				.html(
					s.flagged
						? `<span class="m-flag">${esc(
								s.kind === "Pass/Fail"
									? __("Failed", null, "Checklist result")
									: __("Outside the limits")
						  )}</span>`
						: ""
				);
			$step.find(".m-step-note").text(as_text(r.message));
			return true;
		} catch (e) {
			field_error($error, e.message);
			return false;
		}
	}

	function bind_checklist() {
		const $steps = $view.find(".m-step");
		$steps.filter("[data-kind='Number']").each(function () {
			const $step = $(this);
			const $input = $step.find(".m-step-value");
			$input.on("input", () => {
				flag_number($step);
				field_error($step.find(".m-field-error"), "");
			});
			const commit = () => {
				const text = $input.val().trim();
				const s = step_of($step);
				if (text === (s.value || "")) return;
				if (!flag_number($step)) {
					field_error($step.find(".m-field-error"), __("Enter a number."));
					return;
				}
				save_step($step, { value: text });
			};
			$input.on("change", commit);
			$input.on("keydown", (e) => {
				if (e.key === "Enter") {
					e.preventDefault();
					commit();
				}
			});
		});
		$steps.filter("[data-kind='Text']").each(function () {
			const $step = $(this);
			const $input = $step.find(".m-step-value");
			$input.on("change", () => {
				const text = $input.val().trim();
				if (text === (step_of($step).value || "")) return;
				save_step($step, { value: text });
			});
		});
		$steps.find("[data-pf]").on("click", async function () {
			const $step = $(this).closest(".m-step");
			const value = this.dataset.pf;
			if (await save_step($step, { value })) {
				$step.find("[data-pf]").removeClass("on");
				$(this).addClass("on");
			}
		});
		$steps
			.filter("[data-kind='Photo']")
			.find("input[type=file]")
			.on("change", async function () {
				const $step = $(this).closest(".m-step");
				const file = this.files && this.files[0];
				if (!file) return;
				const url = await upload($step.find(".m-field-error"), file);
				if (url && (await save_step($step, { photo: url }))) {
					$step.find(".m-thumb").remove();
					$step.find(".m-step-input").prepend(`<img class="m-thumb" src="${esc(url)}" alt="">`);
				}
			});
	}

	// -- photos ----------------------------------------------------------------------------------------

	// the server keeps a photo private and refuses what is not an image; the File's URL, or null
	async function upload($error, file) {
		field_error($error, "");
		const data = new FormData();
		data.append("file", file, file.name);
		data.append("order", current.name);
		let response, body;
		try {
			response = await fetch(`/api/method/${PAGE}upload_photo`, {
				method: "POST",
				body: data,
				headers: { "X-Frappe-CSRF-Token": frappe.csrf_token, Accept: "application/json" },
			});
			body = await response.json().catch(() => ({}));
		} catch (e) {
			field_error($error, __("No connection to the server. Try again."));
			return null;
		}
		if (!response.ok) {
			field_error(
				$error,
				[__("The photo could not be uploaded."), server_message(body)].filter(Boolean).join("\n")
			);
			return null;
		}
		return body.message.file_url;
	}

	function photos_html(o) {
		const slot = (which, title) => `<div class="m-photo m-field" data-photo="${which}">
			<h4>${esc(title)}</h4>
			${
				o.photos[which]
					? `<img class="m-thumb" src="${esc(o.photos[which])}" alt="">`
					: `<div class="m-none">${esc(__("No photo yet"))}</div>`
			}
			${
				o.may_work
					? `<label class="btn btn-default m-photo-btn">${esc(
							o.photos[which] ? __("Retake Photo") : __("Take Photo")
					  )}<input type="file" accept="image/*" capture="environment"></label>`
					: ""
			}
			<div class="m-field-error" role="alert"></div>
		</div>`;
		return `<section class="m-section" data-section="photos">
			<h3>${esc(__("Photos"))}</h3>
			<div class="m-photos">${slot("before", __("Before the Work"))}${slot("after", __("After the Work"))}</div>
		</section>`;
	}

	function bind_photos() {
		$view.find("[data-photo] input[type=file]").on("change", async function () {
			const $slot = $(this).closest("[data-photo]");
			const $error = $slot.find(".m-field-error");
			const file = this.files && this.files[0];
			if (!file) return;
			const url = await upload($error, file);
			if (!url) return;
			try {
				await act(`${PAGE}set_photo`, {
					order: current.name,
					which: $slot.attr("data-photo"),
					file_url: url,
				});
				flash(__("Photo saved."));
				await refresh();
			} catch (e) {
				field_error($error, e.message);
			}
		});
	}

	// -- failure codes ---------------------------------------------------------------------------------

	function failure_html(o) {
		if (!codes) return "";
		const pickers = Object.keys(codes)
			.map((field) => {
				const tree = codes[field];
				const value = o.failure[field] || {};
				return `<div class="m-fc m-field" data-field="${esc(field)}">
					<div class="m-fc-label">${esc(tree.label)}</div>
					<button class="m-fc-current ${value.value ? "set" : ""}" type="button" ${o.may_work ? "" : "disabled"}>${esc(
					value.value ? value.label : __("Choose...")
				)}</button>
					<div class="m-fc-panel" hidden></div>
					<div class="m-field-error" role="alert"></div>
				</div>`;
			})
			.join("");
		return `<section class="m-section" data-section="failure">
			<h3>${esc(__("Failure Coding"))}</h3>${pickers}
		</section>`;
	}

	function panel_html(field, filter) {
		const tree = codes[field];
		const needle = (filter || "").trim().toLowerCase();
		const matches = (item) =>
			!needle ||
			[item.label, item.name, item.code].some((t) =>
				String(t || "")
					.toLowerCase()
					.includes(needle)
			);
		const groups = tree.groups
			.map((g) => {
				const items = g.items.filter(
					(item) => matches(item) || (needle && g.label.toLowerCase().includes(needle))
				);
				if (!items.length) return "";
				return `<div class="m-fc-group"><div class="m-fc-group-label">${esc(g.label)}</div>
					${items
						.map(
							(item) =>
								`<button type="button" class="m-fc-item" data-code="${esc(item.name)}">${esc(
									item.label
								)}${item.code ? ` <small>${esc(item.code)}</small>` : ""}</button>`
						)
						.join("")}</div>`;
			})
			.join("");
		return groups || `<p class="m-none">${esc(__("Nothing matches."))}</p>`;
	}

	function bind_failure() {
		$view.find(".m-fc").each(function () {
			const $fc = $(this);
			const field = $fc.attr("data-field");
			const $panel = $fc.find(".m-fc-panel");
			const save = async (code) => {
				field_error($fc.find(".m-field-error"), "");
				try {
					await act(`${PAGE}set_failure_code`, { order: current.name, field, value: code });
					await refresh();
				} catch (e) {
					field_error($fc.find(".m-field-error"), e.message);
				}
			};
			$fc.find(".m-fc-current").on("click", () => {
				if (!$panel.prop("hidden")) return $panel.prop("hidden", true);
				$view.find(".m-fc-panel").prop("hidden", true);
				const search = esc(__("Search"));
				$panel.html(`<input class="form-control m-fc-search" autocomplete="off" placeholder="${search}">
					<div class="m-fc-list">${panel_html(field, "")}</div>
					${
						current.failure[field] && current.failure[field].value
							? `<button type="button" class="btn btn-default m-fc-clear">${esc(
									__("Clear", null, "Failure code picker")
							  )}</button>`
							: ""
					}`);
				$panel.prop("hidden", false);
				const $list = $panel.find(".m-fc-list");
				const bind_items = () =>
					$list.find("[data-code]").on("click", function () {
						save(this.dataset.code);
					});
				bind_items();
				$panel.find(".m-fc-search").on("input", function () {
					$list.html(panel_html(field, this.value));
					bind_items();
				});
				$panel.find(".m-fc-clear").on("click", () => save(""));
			});
		});
	}

	// -- spare parts -----------------------------------------------------------------------------------

	function parts_html(o) {
		const planned = o.planned_parts
			.map(
				(p) =>
					`<li>${esc(p.item_name)} <span class="m-sub">${esc(p.item_code)}</span> × ${esc(
						number(p.qty)
					)}</li>`
			)
			.join("");
		const used = o.used_parts
			.map(
				(p) =>
					`<li>${esc(p.item_name)} <span class="m-sub">${esc(p.item_code)}</span> × ${esc(
						number(p.qty)
					)}${p.batch_no ? ` · ${esc(__("Batch"))} ${esc(p.batch_no)}` : ""}${
						p.stock_entry ? ` <span class="m-sub">${esc(p.stock_entry)}</span>` : ""
					}</li>`
			)
			.join("");
		// attribute texts apart: the message extractor does not see a __() inside a quoted attribute of a template
		const scan_label = esc(__("Scan or type a part"));
		const qty_label = esc(__("Quantity"));
		const issue = o.may_work
			? `<div class="m-field m-part-field">
				<div class="m-part-scan">
					<input class="form-control" id="m-part-code" autocomplete="off" enterkeyhint="go"
						placeholder="${scan_label}">
					<input class="form-control" id="m-part-qty" inputmode="decimal" autocomplete="off" value="1"
						aria-label="${qty_label}">
					<button class="m-btn m-issue" id="m-part-issue" type="button">${esc(__("Issue", null, "Spare part"))}</button>
				</div>
				<div class="m-part-info" aria-live="polite"></div>
				<div class="m-field-error" role="alert"></div>
			</div>`
			: "";
		return `<section class="m-section" data-section="parts">
			<h3>${esc(__("Spare Parts"))}</h3>
			${planned ? `<div class="m-sub">${esc(__("Planned Parts"))}</div><ul class="m-parts">${planned}</ul>` : ""}
			${used ? `<div class="m-sub">${esc(__("Issued Parts"))}</div><ul class="m-parts m-used">${used}</ul>` : ""}
			${issue}
		</section>`;
	}

	function bind_parts() {
		const $field = $view.find(".m-part-field");
		if (!$field.length) return;
		const $part = $field.find("#m-part-code");
		const $qty = $field.find("#m-part-qty");
		const $info = $field.find(".m-part-info");
		const $error = $field.find(".m-field-error");
		let found = null; // {scan, part}
		const lookup = async () => {
			const text = $part.val().trim();
			field_error($error, "");
			$info.text("");
			found = null;
			if (!text) {
				field_error($error, __("Scan or type a part."));
				return null;
			}
			try {
				const p = await call(`${PAGE}part`, { order: current.name, scan: text });
				found = { scan: text, part: p };
				const stock = p.warehouse
					? __("{0} {1} in stock in {2}", [number(p.available), p.stock_uom, p.warehouse])
					: __("No maintenance store is set.");
				const what = [
					`${p.item_name || p.item_code} (${p.item_code})`,
					p.batch_no ? `${__("Batch")} ${p.batch_no}` : "",
					p.serial_no ? `${__("Serial No")} ${p.serial_no}` : "",
					stock,
				];
				$info.text(what.filter(Boolean).join(" · "));
				return found;
			} catch (e) {
				field_error($error, e.message);
				return null;
			}
		};
		$part.on("keydown", async (e) => {
			if (e.key !== "Enter") return;
			e.preventDefault();
			if (await lookup()) $qty.trigger("focus").trigger("select");
		});
		$qty.on("keydown", (e) => {
			if (e.key === "Enter") {
				e.preventDefault();
				$field.find("#m-part-issue").trigger("click");
			}
		});
		$field.find("#m-part-issue").on("click", async function () {
			const button = this;
			if (!found || found.scan !== $part.val().trim()) {
				if (!(await lookup())) return;
			}
			const qty = as_number($qty.val());
			if (qty === null || qty <= 0) {
				field_error($error, __("Enter a quantity above 0."));
				$qty.trigger("focus");
				return;
			}
			button.disabled = true;
			try {
				const r = await act(`${ORDERS}issue_part`, { order: current.name, scan: found.scan, qty });
				flash(as_text(r.message));
				await refresh();
				$view.find("#m-part-code").trigger("focus");
			} catch (e) {
				button.disabled = false;
				field_error($error, e.message);
			}
		});
	}

	// -- meter readings --------------------------------------------------------------------------------

	function meter_now(m) {
		const total = `${number(m.total)}${m.unit ? ` ${m.unit}` : ""}`;
		return [__("Now {0}", [total]), m.last_reading_at ? when(m.last_reading_at) : ""]
			.filter(Boolean)
			.join(" · ");
	}

	function meters_html(asset, meters, editable) {
		if (!asset || !meters || !meters.length) return "";
		// attribute texts apart: the message extractor does not see a __() inside a quoted attribute
		const placeholder = esc(__("New reading"));
		const rows = meters
			.map(
				(m) => `<div class="m-meter m-field" data-meter="${esc(m.name)}">
					<div><b>${esc(m.meter_name)}</b> <span class="m-sub">${esc(m.meter_type_label)}${
					m.from_device ? ` · ${esc(__("Counted by the machine"))}` : ""
				}</span></div>
					<div class="m-sub m-meter-now">${esc(meter_now(m))}</div>
					${
						editable
							? `<div class="m-meter-input">
						<input class="form-control m-meter-value" inputmode="decimal" autocomplete="off"
							placeholder="${placeholder}" aria-label="${esc(m.meter_name)}">
						<button class="m-btn m-meter-save" type="button">${esc(__("Record", null, "Meter reading"))}</button></div>`
							: ""
					}
					<div class="m-field-error" role="alert"></div>
				</div>`
			)
			.join("");
		return `<section class="m-section" data-section="meters">
			<h3>${esc(__("Meter Readings"))}</h3>${rows}
		</section>`;
	}

	function bind_meters(asset) {
		$view.find(".m-meter").each(function () {
			const $meter = $(this);
			const $input = $meter.find(".m-meter-value");
			const $error = $meter.find(".m-field-error");
			const $button = $meter.find(".m-meter-save");
			const save = async () => {
				field_error($error, "");
				const text = $input.val().trim();
				if (as_number(text) === null) {
					field_error($error, __("Enter a number."));
					$input.trigger("focus");
					return;
				}
				$button.prop("disabled", true);
				try {
					const r = await act(METER_READING, {
						asset,
						meter: $meter.attr("data-meter"),
						value: text,
					});
					$meter
						.find(".m-meter-now")
						.text(meter_now({ total: r.total, unit: r.unit, last_reading_at: r.reading_time }));
					$input.val("");
					flash(as_text(r.message));
				} catch (e) {
					field_error($error, e.message);
				} finally {
					$button.prop("disabled", false);
				}
			};
			$button.on("click", save);
			$input.on("keydown", (e) => {
				if (e.key === "Enter") {
					e.preventDefault();
					save();
				}
			});
		});
	}

	// -- finishing -------------------------------------------------------------------------------------

	function finish_html(o) {
		if (!o.actions.includes("Complete")) return "";
		const what_was_done = esc(__("What was done"));
		return `<section class="m-section m-field" data-section="finish">
			<h3>${esc(__("Finish the Work"))}</h3>
			<textarea class="form-control" id="m-work-done" rows="3" placeholder="${what_was_done}">${esc(
			o.work_done || ""
		)}</textarea>
			<button class="m-btn m-finish" id="m-finish" type="button">${esc(
				__("Finish", null, "Maintenance order action")
			)}</button>
			<div class="m-field-error" role="alert"></div>
		</section>`;
	}

	function focus_finish() {
		const $finish = $view.find("[data-section='finish']");
		if (!$finish.length) return;
		$finish[0].scrollIntoView({ block: "center" });
		$finish.find("#m-work-done").trigger("focus");
	}

	// mandatory steps not done (as saved), each told next to it; the first scrolled into view
	function check_mandatory() {
		const missing = current.checklist.filter((s) => s.mandatory && !s.done);
		$view.find(".m-step").each(function () {
			const s = step_of($(this));
			if (s.mandatory && !s.done)
				field_error(
					$(this).find(".m-field-error"),
					__("Mandatory: record this step before finishing.")
				);
		});
		if (missing.length) {
			const $first = $view.find(`.m-step[data-step="${missing[0].idx}"]`);
			$first[0].scrollIntoView({ block: "center" });
			const input = $first.find("input:not([type=file]), textarea, button").get(0);
			if (input) input.focus({ preventScroll: true });
		}
		return missing;
	}

	function bind_finish() {
		const $section = $view.find("[data-section='finish']");
		$section.find("#m-finish").on("click", async function () {
			const $error = $section.find(".m-field-error");
			field_error($error, "");
			const missing = check_mandatory();
			if (missing.length) {
				field_error(
					$error,
					__("Record the mandatory steps first: {0}.", [missing.map((s) => s.idx).join(", ")])
				);
				return;
			}
			this.disabled = true;
			try {
				const r = await act(`${ORDERS}finish`, {
					order: current.name,
					work_done: $section.find("#m-work-done").val(),
				});
				flash(as_text(r.message));
				await refresh();
			} catch (e) {
				this.disabled = false;
				field_error($error, e.message);
			}
		});
	}

	// -- the camera ------------------------------------------------------------------------------------

	let camera = null;
	$("#m-camera").on("click", async () => {
		const box = document.getElementById("m-reader");
		if (camera) {
			await camera.stop().catch(() => {});
			camera = null;
			box.innerHTML = "";
			return;
		}
		try {
			await load_script(root.dataset.qrLibrary);
			camera = new Html5Qrcode("m-reader"); // eslint-disable-line no-undef
			await camera.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, (text) => {
				camera.stop().catch(() => {});
				camera = null;
				box.innerHTML = "";
				scan(text);
			});
		} catch (e) {
			camera = null;
			field_error($scan_error, __("The camera could not be opened; type or scan the code instead."));
		}
	});

	function load_script(src) {
		if (window.Html5Qrcode) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const s = document.createElement("script");
			s.src = src;
			s.onload = resolve;
			s.onerror = reject;
			document.head.appendChild(s);
		});
	}

	route();
})();
