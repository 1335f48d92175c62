// The operator terminal (/terminal): badge -> workstation -> job card -> actions.
// A barcode scanner types into the always-focused input and ends with Enter. Every action carries a
// client-made id, so a retried request (network trouble) is applied once by the server.
// With MOM Settings' Sign In by Badge Scan off, the operator is the Employee of the signed-in user: the page
// signs them in at once and sends no badge. A card offers only the actions the server says are allowed
// (with the reason when the next step is not, e.g. a quality hold); quantities are shown for confirmation
// before they are sent.

const API = "mom_app.production.api.terminal.";
const RETRIES = 3;

function uuid4() {
	if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
	const b = new Uint8Array(16);
	(window.crypto || window.msCrypto).getRandomValues(b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function esc(value) {
	return frappe.utils && frappe.utils.escape_html
		? frappe.utils.escape_html(value == null ? "" : String(value))
		: String(value == null ? "" : value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

class TerminalError extends Error {}

async function call(method, args, { retries = 0 } = {}) {
	for (let attempt = 0; ; attempt++) {
		let response;
		try {
			response = await fetch(`/api/method/${API}${method}`, {
				method: "POST",
				headers: {
					Accept: "application/json",
					"Content-Type": "application/json",
					"X-Frappe-CSRF-Token": frappe.csrf_token,
				},
				body: JSON.stringify(args || {}),
			});
		} catch (e) {
			if (attempt < retries) {
				await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
				continue; // same client id: the server applies it once
			}
			throw new TerminalError(__("No connection to the server. Try again."));
		}
		let data = {};
		try {
			data = await response.json();
		} catch (e) {
			data = {};
		}
		if (response.ok) return data.message;
		if (response.status >= 500 && attempt < retries) continue;
		throw new TerminalError(
			server_message(data) || __("The server refused the request ({0}).", [response.status])
		);
	}
}

// The server's messages are HTML (escaped values in markup). The terminal shows them as text: the markup
// dropped, entities decoded, line breaks kept. DOMParser's document runs no script and loads no image.
function as_text(html) {
	const doc = new DOMParser().parseFromString(`<body>${html == null ? "" : html}</body>`, "text/html");
	doc.querySelectorAll("br").forEach((br) => br.replaceWith("\n"));
	return doc.body.textContent.trim();
}

function server_message(data) {
	try {
		const messages = JSON.parse(data._server_messages || "[]").map((m) => {
			const parsed = JSON.parse(m);
			return parsed.message || parsed;
		});
		if (messages.length) return messages.map(as_text).join("\n");
	} catch (e) {
		// fall through
	}
	return data.exception ? as_text(String(data.exception).split(":").slice(1).join(":")) : "";
}

class Terminal {
	constructor(root) {
		this.root = root;
		this.input = root.querySelector("#t-input");
		this.stage_el = root.querySelector("#t-stage");
		this.msg_el = root.querySelector("#t-msg");
		this.badge = null;
		this.employee = null;
		this.workstations = [];
		this.workstation = null;
		this.card = null;
		this.reasons = [];
		this.busy = false;
		// MOM Settings' Sign In by Badge Scan: off -> the signed-in user's own Employee, no badge
		this.login_mode = root.dataset.badgeSignIn === "0";
		root.querySelector("#t-camera-btn").textContent = __("Camera");
		root.querySelector("#t-camera-btn").addEventListener("click", () => this.toggle_camera());
		const signout = root.querySelector("#t-signout");
		signout.textContent = __("Sign Out");
		signout.addEventListener("click", () => (this.login_mode ? this.log_out() : this.reset()));
		this.input.addEventListener("keydown", (e) => {
			if (e.key === "Enter") {
				e.preventDefault();
				const text = this.input.value.trim();
				this.input.value = "";
				if (text) this.on_scan(text);
			}
		});
		// keep the scanner's input focused unless the operator is typing in a form field
		setInterval(() => this.keep_focus(), 700);
		document.addEventListener("click", () => setTimeout(() => this.keep_focus(), 50));
		this.reset();
	}

	keep_focus() {
		const a = document.activeElement;
		if (
			!a ||
			a === document.body ||
			(!["INPUT", "SELECT", "TEXTAREA"].includes(a.tagName) && a !== this.input)
		) {
			this.input.focus();
		}
	}

	message(text, kind = "error") {
		this.msg_el.className = `t-msg ${kind}`;
		this.msg_el.textContent = text;
		clearTimeout(this._msg_timer);
		if (kind === "ok" || kind === "warn")
			this._msg_timer = setTimeout(
				() => (this.msg_el.className = "t-msg"),
				kind === "ok" ? 6000 : 12000
			);
	}

	clear_message() {
		this.msg_el.className = "t-msg";
		this.msg_el.textContent = "";
	}

	async run(fn) {
		if (this.busy) return;
		this.busy = true;
		try {
			await fn();
		} catch (e) {
			this.message(e.message || String(e));
		} finally {
			this.busy = false;
		}
	}

	reset() {
		this.badge = this.employee = this.workstation = this.card = null;
		this.root.querySelector("#t-employee").textContent = "";
		this.root.querySelector("#t-workstation").textContent = "";
		this.root.querySelector("#t-signout").style.display = "none";
		this.stage = "badge";
		if (this.login_mode) {
			// no badge: the server signs in the Employee whose user is the one logged in
			this.input.placeholder = "";
			this.stage_el.innerHTML = `<div class="t-card"><h2>${esc(__("Signing in..."))}</h2></div>`;
			this.run(() => this.sign_in(""));
			return;
		}
		this.input.placeholder = __("Scan your badge");
		this.stage_el.innerHTML = `<div class="t-card"><h2>${esc(
			__("Scan your badge to sign in")
		)}</h2></div>`;
	}

	async log_out() {
		await fetch("/api/method/logout", {
			method: "POST",
			headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
		}).catch(() => {});
		window.location.href = "/login?redirect-to=/terminal";
	}

	on_scan(text) {
		this.clear_message();
		if (this.confirming) this.close_confirm(); // a scan moves on: the quantities are not sent
		if (this.stage === "badge") {
			if (this.login_mode) return this.run(() => this.sign_in(""));
			return this.run(() => this.sign_in(text));
		}
		if (this.stage === "workstation") return this.run(() => this.pick_workstation(text));
		return this.run(() => this.open_card(text));
	}

	async sign_in(badge) {
		let r;
		try {
			r = await call("sign_in", { badge });
		} catch (e) {
			if (this.login_mode)
				this.stage_el.innerHTML = `<div class="t-card"><h2>${esc(
					__("You are not signed in at the terminal")
				)}</h2></div>`;
			throw e;
		}
		this.badge = badge;
		this.employee = r;
		this.workstations = r.workstations || [];
		this.root.querySelector("#t-employee").textContent = r.employee_name;
		this.root.querySelector("#t-signout").style.display = "";
		if (!this.reasons.length) this.reasons = (await call("reasons", {})) || [];
		this.show_workstations();
	}

	show_workstations() {
		this.stage = "workstation";
		this.input.placeholder = __("Scan or pick your workstation");
		const buttons = this.workstations
			.map((w) => `<button data-ws="${esc(w.name)}">${esc(w.name)}</button>`)
			.join("");
		this.stage_el.innerHTML = `<div class="t-card"><h2>${esc(__("Pick your workstation"))}</h2>
			<div class="t-ws">${buttons || esc(__("No workstation is assigned to this terminal."))}</div></div>`;
		this.stage_el
			.querySelectorAll("[data-ws]")
			.forEach((b) =>
				b.addEventListener("click", () => this.run(() => this.pick_workstation(b.dataset.ws)))
			);
	}

	async pick_workstation(name) {
		const ws = this.workstations.find((w) => w.name.toUpperCase() === name.trim().toUpperCase());
		if (!ws) throw new TerminalError(__("Unknown workstation: {0}", [name]));
		this.workstation = ws.name;
		this.root.querySelector("#t-workstation").textContent = ws.name;
		this.stage = "job";
		this.input.placeholder = __("Scan a job card");
		await this.show_queue();
	}

	async show_queue(card_html = "") {
		const rows = (await call("queue", { workstation: this.workstation })) || [];
		const body = rows
			.map(
				(r) => `<tr data-jc="${esc(r.name)}"><td class="t-nowrap"><b>${esc(r.name)}</b></td>
				<td>${esc(r.operation)}<div class="t-sub">${esc(r.item_name || r.production_item)}</div></td>
				<td class="t-nowrap">${esc(r.total_completed_qty)} / ${esc(r.for_quantity)}</td>
				<td class="t-nowrap">${esc(__(r.status))}</td></tr>`
			)
			.join("");
		this.stage_el.innerHTML = `<div class="t-grid"><div id="t-job">${
			card_html || `<div class="t-card"><h2>${esc(__("Scan a job card"))}</h2></div>`
		}</div>
			<div class="t-card t-queue"><h2>${esc(__("Queue"))}</h2><div class="t-table"><table>
			<tr><th>${esc(__("Job Card"))}</th><th>${esc(__("Operation", null, "Manufacturing operation"))} · ${esc(
			__("Item")
		)}</th>
			<th>${esc(__("Done"))}</th><th>${esc(__("Status"))}</th></tr>${body}</table></div>
			${rows.length ? "" : `<p>${esc(__("No open job cards."))}</p>`}</div></div>`;
		this.stage_el
			.querySelectorAll("[data-jc]")
			.forEach((tr) =>
				tr.addEventListener("click", () => this.run(() => this.open_card(tr.dataset.jc)))
			);
		if (card_html) this.bind_card();
	}

	async open_card(scan) {
		const card = await call("scan_job_card", {
			badge: this.badge,
			job_card: scan,
			workstation: this.workstation,
		});
		this.card = card;
		await this.show_queue(this.card_html(card));
	}

	// whether the server allows `action` on the card now (its answer: null when allowed, else why not)
	allowed(c, action) {
		return !!c.actions && c.actions[action] === null;
	}

	card_html(c) {
		const paused = c.status === "On Hold";
		// what the operator would do next, and why it is not possible when it is not
		const next = paused ? "resume" : c.running_mine ? "complete" : "start";
		const hold = c.hold_reason
			? `<div class="t-hold"><b>${esc(__("On quality hold: {0}", [c.hold_reason]))}</b><div>${esc(
					__(
						"Starting, resuming and reporting quantities wait until quality releases the hold; pausing and reporting downtime stay possible."
					)
			  )}</div></div>`
			: "";
		// an open Emergency maintenance order locks the workstation: nothing starts until it is completed
		const lockout =
			c.lockout && !c.hold_reason
				? `<div class="t-hold t-lockout"><b>${esc(
						__("Locked out by maintenance order {0}", [c.lockout.order])
				  )}</b><div>${esc(
						__(
							"Jobs cannot start or resume at {0} until the order is completed; reporting quantities made, pausing and reporting downtime stay possible.",
							[c.lockout.workstation]
						)
				  )}</div></div>`
				: "";
		const blocked =
			!c.hold_reason && !c.lockout && c.actions && c.actions[next]
				? `<div class="t-blocked">${esc(as_text(c.actions[next]))}</div>`
				: "";
		const materials = (c.materials || [])
			.map(
				(m) => `<tr><td>${esc(m.item_code)}</td><td>${esc(m.item_name)}</td>
				<td class="t-nowrap">${esc(m.required_qty)} ${esc(__(m.uom || ""))}</td><td>${esc(
					m.transferred_qty
				)}</td></tr>`
			)
			.join("");
		const files = (c.attachments || [])
			.map((f) => `<a href="${esc(f.file_url)}" target="_blank">${esc(f.file_name)}</a>`)
			.join(" · ");
		const reasons = this.reasons
			.map((r) => `<option value="${esc(r.name)}">${esc(r.category)} / ${esc(r.label)}</option>`)
			.join("");
		const buttons = [
			["resume", `<button class="t-start" data-act="resume">${esc(__("Resume"))}</button>`],
			["start", `<button class="t-start" data-act="start">${esc(__("Start"))}</button>`],
			["pause", `<button class="t-pause" data-form="pause">${esc(__("Pause"))}</button>`],
			[
				"complete",
				`<button class="t-complete" data-form="complete">${esc(__("Report Quantity"))}</button>`,
			],
			[
				"downtime",
				`<button class="t-downtime" data-form="downtime">${esc(__("Report Downtime"))}</button>`,
			],
		]
			.filter(([action]) => this.allowed(c, action))
			.map(([, html]) => html)
			.join("");
		return `<div class="t-card" data-card="${esc(c.name)}">
			<h2>${esc(c.name)} · ${esc(c.operation)}</h2>
			<div>${esc(c.item_name || c.production_item)} · ${esc(c.work_order || "")} ${
			c.order_type ? "· " + esc(__(c.order_type)) : ""
		}</div>
			<div>${esc(__("Status"))}: <b class="t-status">${esc(__(c.status))}</b>${
			c.pause_reason ? " · " + esc(__(c.pause_reason)) : ""
		}</div>
			${hold}
			${lockout}
			<div class="t-qty">
				<span>${esc(__("To make"))} <b>${esc(c.for_quantity)}</b></span>
				<span>${esc(__("Good"))} <b class="t-good">${esc(c.total_completed_qty)}</b></span>
				<span>${esc(__("Scrap"))} <b>${esc(c.scrap_qty)}</b></span>
				<span>${esc(__("Rework"))} <b>${esc(c.rework_qty)}</b></span>
				<span>${esc(__("Remaining"))} <b class="t-remaining">${esc(c.remaining_qty)}</b></span>
			</div>
			${blocked}
			<div class="t-actions">
				${buttons}
				<button class="t-andon" data-form="andon">${esc(__("Andon"))}</button>
			</div>
			<div class="t-form" data-for="complete">
				<label>${esc(
					__("Good")
				)} <input type="number" min="0" step="any" inputmode="decimal" name="good_qty" value="0"></label>
				<label>${esc(
					__("Scrap")
				)} <input type="number" min="0" step="any" inputmode="decimal" name="scrap_qty" value="0"></label>
				<label>${esc(
					__("Rework")
				)} <input type="number" min="0" step="any" inputmode="decimal" name="rework_qty" value="0"></label>
				<button class="t-complete" data-review="complete">${esc(__("Next", null, "Quantity report"))}</button>
				<div class="t-form-error" role="alert"></div>
			</div>
			<div class="t-form" data-for="pause">
				<select name="pause_reason"><option value="">${esc(__("Reason (optional)"))}</option>${reasons}</select>
				<button class="t-pause" data-act="pause">${esc(__("Confirm"))}</button>
			</div>
			<div class="t-form" data-for="downtime">
				<select name="downtime_reason">${reasons}</select>
				<button class="t-downtime" data-act="downtime">${esc(__("Confirm"))}</button>
			</div>
			<div class="t-form" data-for="andon">
				<button class="t-andon" data-andon="material">${esc(__("Material"))}</button>
				<button class="t-andon" data-andon="quality">${esc(__("Quality"))}</button>
				<button class="t-andon" data-andon="maintenance">${esc(__("Maintenance"))}</button>
			</div>
			${
				c.instructions
					? `<h2 style="margin-top:12px">${esc(__("Instructions"))}</h2><div class="t-text">${esc(
							c.instructions
					  )}</div>`
					: ""
			}
			${files ? `<div class="t-text">${esc(__("Attachments"))}: ${files}</div>` : ""}
			${
				materials
					? `<h2 style="margin-top:12px">${esc(
							__("Materials")
					  )}</h2><div class="t-table"><table><tr><th>${esc(__("Item"))}</th><th></th>
					<th>${esc(__("Required"))}</th><th>${esc(__("Transferred"))}</th></tr>${materials}</table></div>`
					: ""
			}
		</div>`;
	}

	bind_card() {
		const el = this.stage_el.querySelector("[data-card]");
		if (!el) return;
		el.querySelectorAll("[data-form]").forEach((b) =>
			b.addEventListener("click", () => {
				el.querySelectorAll(".t-form").forEach((f) => f.classList.remove("open"));
				const form = el.querySelector(`.t-form[data-for="${b.dataset.form}"]`);
				form.classList.add("open");
				const first = form.querySelector("input, select");
				if (first) first.focus();
			})
		);
		el.querySelectorAll("[data-act]").forEach((b) =>
			b.addEventListener("click", () => this.run(() => this.act(b.dataset.act, el)))
		);
		el.querySelectorAll("[data-review]").forEach((b) =>
			b.addEventListener("click", () => this.review_quantities(el))
		);
		el.querySelectorAll("[data-andon]").forEach((b) =>
			b.addEventListener("click", () => this.run(() => this.andon(b.dataset.andon)))
		);
	}

	// The quantities typed, checked, then shown for confirmation: nothing is sent until the operator
	// confirms them; Cancel sends nothing and leaves them in the form to correct.
	review_quantities(el) {
		const form = el.querySelector('.t-form[data-for="complete"]');
		const error = form.querySelector(".t-form-error");
		const fields = { good_qty: __("Good"), scrap_qty: __("Scrap"), rework_qty: __("Rework") };
		const qty = {};
		error.textContent = "";
		form.querySelectorAll("input").forEach((i) => i.classList.remove("bad"));
		for (const [name, label] of Object.entries(fields)) {
			const input = form.querySelector(`[name="${name}"]`);
			const text = input.value.trim();
			const value = text === "" ? 0 : Number(text);
			// a number input holds "" when what was typed is not a number
			if (!isFinite(value) || value < 0 || input.validity.badInput) {
				input.classList.add("bad");
				error.textContent = __("{0}: enter a number of zero or more.", [label]);
				input.focus();
				return;
			}
			qty[name] = value;
		}
		const remaining = this.card.remaining_qty;
		if (!qty.good_qty && !qty.scrap_qty && !qty.rework_qty && remaining !== 0) {
			error.textContent = __(
				"Enter the good, scrap or rework quantity to report; to stop working, pause."
			);
			form.querySelector('[name="good_qty"]').focus();
			return;
		}
		const after =
			remaining === null || remaining === undefined ? null : remaining - qty.good_qty - qty.scrap_qty;
		const finishing = after !== null && after <= 0;
		const box = document.createElement("div");
		box.className = "t-confirm";
		box.setAttribute("role", "dialog");
		box.setAttribute("aria-modal", "true");
		box.innerHTML = `<div class="t-confirm-box">
			<h2>${esc(__("Report these quantities?"))}</h2>
			<div class="t-confirm-card">${esc(this.card.name)} · ${esc(this.card.operation || "")}</div>
			<div class="t-qty t-confirm-qty">
				<span>${esc(__("Good"))} <b data-qty="good_qty">${esc(qty.good_qty)}</b></span>
				<span>${esc(__("Scrap"))} <b data-qty="scrap_qty">${esc(qty.scrap_qty)}</b></span>
				<span>${esc(__("Rework"))} <b data-qty="rework_qty">${esc(qty.rework_qty)}</b></span>
			</div>
			<div class="t-confirm-after">${esc(
				after === null
					? __("The job keeps running.")
					: finishing
					? __("Nothing is left to make: your work on this job card ends.")
					: __("{0} left to make; the job keeps running.", [after])
			)}</div>
			<div class="t-confirm-actions">
				<button class="t-btn" data-confirm="cancel">${esc(__("Cancel", null, "Quantity report"))}</button>
				<button class="t-complete" data-confirm="ok">${esc(__("Confirm Report"))}</button>
			</div>
		</div>`;
		this.close_confirm();
		this.root.appendChild(box);
		this.confirming = box;
		box.querySelector('[data-confirm="cancel"]').addEventListener("click", () => this.close_confirm());
		box.querySelector('[data-confirm="ok"]').addEventListener("click", () => {
			this.close_confirm();
			this.run(() => this.act("complete", el, qty));
		});
	}

	close_confirm() {
		if (this.confirming) this.confirming.remove();
		this.confirming = null;
	}

	async act(action, el, quantities = null) {
		const value = (name) => {
			const f = el.querySelector(`[name="${name}"]`);
			return f ? f.value : null;
		};
		const args = {
			client_id: uuid4(),
			action,
			badge: this.badge,
			job_card: this.card.name,
			workstation: this.workstation,
		};
		if (action === "complete") Object.assign(args, quantities);
		if (action === "pause") args.reason = value("pause_reason");
		if (action === "downtime") args.reason = value("downtime_reason");
		const r = await call("act", args, { retries: RETRIES });
		const labels = {
			start: __("Started"),
			pause: __("Paused"),
			resume: __("Resumed"),
			complete: __("Reported"),
			downtime: __("Downtime reported"),
		};
		let text = `${labels[action]} · ${this.card.name} · ${__(r.status)}`;
		if (action === "complete")
			text += ` · ${__("Good")} ${quantities.good_qty} · ${__("Scrap")} ${quantities.scrap_qty} · ${__(
				"Rework"
			)} ${quantities.rework_qty}`;
		if (r.submitted) text += " · " + __("Job card submitted");
		else if (r.submit_error) text += " · " + as_text(r.submit_error);
		this.message(text, "ok");
		if (r.card && r.card.name === this.card.name) {
			// where the card stands now; what it is (operation, instructions, materials) is kept from the scan
			this.card = Object.assign({}, this.card, r.card);
			await this.show_queue(this.card_html(this.card));
		} else {
			await this.open_card(this.card.name);
		}
	}

	async andon(kind) {
		const r = await call(
			"andon",
			{
				client_id: uuid4(),
				badge: this.badge,
				workstation: this.workstation,
				kind,
				job_card: this.card ? this.card.name : null,
			},
			{ retries: RETRIES }
		);
		if (r.throttled) this.message(r.message, "warn"); // said when a new call notifies again
		else this.message(__("Help is called: {0} people notified.", [r.notified]), "ok");
	}

	async toggle_camera() {
		const box = this.root.querySelector("#t-camera");
		if (this.camera) {
			await this.camera.stop().catch(() => {});
			this.camera = null;
			box.innerHTML = "";
			return;
		}
		try {
			await frappe.require(this.root.dataset.qrLibrary);
		} catch (e) {
			// frappe.require may be missing on web pages: load the script tag ourselves
			await new Promise((resolve, reject) => {
				const s = document.createElement("script");
				s.src = this.root.dataset.qrLibrary;
				s.onload = resolve;
				s.onerror = reject;
				document.head.appendChild(s);
			});
		}
		this.camera = new Html5Qrcode("t-camera");
		await this.camera
			.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, (text) => {
				this.toggle_camera();
				this.on_scan(text);
			})
			.catch((e) => {
				this.camera = null;
				this.message(__("The camera cannot be used: {0}", [e]));
			});
	}
}

frappe.ready(() => {
	const root = document.getElementById("mom-terminal");
	if (root) window.mom_terminal = new Terminal(root);
});
