// The operator terminal (/terminal): badge -> workstation -> job card -> actions.
// A barcode scanner types into the always-focused input and ends with Enter. Every action carries a
// client-made id, so a retried request (network trouble) is applied once by the server.

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
		throw new TerminalError(server_message(data) || __("The server refused the request ({0}).", [response.status]));
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
		root.querySelector("#t-camera-btn").textContent = __("Camera");
		root.querySelector("#t-camera-btn").addEventListener("click", () => this.toggle_camera());
		const signout = root.querySelector("#t-signout");
		signout.textContent = __("Sign Out");
		signout.addEventListener("click", () => this.reset());
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
		if (!a || a === document.body || (!["INPUT", "SELECT", "TEXTAREA"].includes(a.tagName) && a !== this.input)) {
			this.input.focus();
		}
	}

	message(text, kind = "error") {
		this.msg_el.className = `t-msg ${kind}`;
		this.msg_el.textContent = text;
		clearTimeout(this._msg_timer);
		if (kind === "ok" || kind === "warn")
			this._msg_timer = setTimeout(() => (this.msg_el.className = "t-msg"), kind === "ok" ? 6000 : 12000);
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
		this.input.placeholder = __("Scan your badge");
		this.stage_el.innerHTML = `<div class="t-card"><h2>${esc(__("Scan your badge to sign in"))}</h2></div>`;
	}

	on_scan(text) {
		this.clear_message();
		if (this.stage === "badge") return this.run(() => this.sign_in(text));
		if (this.stage === "workstation") return this.run(() => this.pick_workstation(text));
		return this.run(() => this.open_card(text));
	}

	async sign_in(badge) {
		const r = await call("sign_in", { badge });
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
		this.stage_el.querySelectorAll("[data-ws]").forEach((b) =>
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
				(r) => `<tr data-jc="${esc(r.name)}"><td>${esc(r.name)}</td><td>${esc(r.operation)}</td>
				<td>${esc(r.item_name || r.production_item)}</td>
				<td>${esc(r.total_completed_qty)} / ${esc(r.for_quantity)}</td><td>${esc(__(r.status))}</td></tr>`
			)
			.join("");
		this.stage_el.innerHTML = `<div class="t-grid"><div id="t-job">${
			card_html || `<div class="t-card"><h2>${esc(__("Scan a job card"))}</h2></div>`
		}</div>
			<div class="t-card t-queue"><h2>${esc(__("Queue"))}</h2><table>
			<tr><th>${esc(__("Job Card"))}</th><th>${esc(__("Operation"))}</th><th>${esc(__("Item"))}</th>
			<th>${esc(__("Done"))}</th><th>${esc(__("Status"))}</th></tr>${body}</table>
			${rows.length ? "" : `<p>${esc(__("No open job cards."))}</p>`}</div></div>`;
		this.stage_el.querySelectorAll("[data-jc]").forEach((tr) =>
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

	card_html(c) {
		const hold = c.hold_reason
			? `<div class="t-hold">${esc(__("On quality hold: {0}", [c.hold_reason]))}</div>`
			: "";
		const materials = (c.materials || [])
			.map(
				(m) => `<tr><td>${esc(m.item_code)}</td><td>${esc(m.item_name)}</td>
				<td>${esc(m.required_qty)} ${esc(m.uom || "")}</td><td>${esc(m.transferred_qty)}</td></tr>`
			)
			.join("");
		const files = (c.attachments || [])
			.map((f) => `<a href="${esc(f.file_url)}" target="_blank">${esc(f.file_name)}</a>`)
			.join(" · ");
		const reasons = this.reasons
			.map((r) => `<option value="${esc(r.name)}">${esc(r.category)} / ${esc(r.label)}</option>`)
			.join("");
		const paused = c.status === "On Hold";
		return `<div class="t-card" data-card="${esc(c.name)}">
			<h2>${esc(c.name)} · ${esc(c.operation)}</h2>
			<div>${esc(c.item_name || c.production_item)} · ${esc(c.work_order || "")} ${
			c.order_type ? "· " + esc(__(c.order_type)) : ""
		}</div>
			<div>${esc(__("Status"))}: <b class="t-status">${esc(__(c.status))}</b>${
			c.pause_reason ? " · " + esc(__(c.pause_reason)) : ""
		}</div>
			${hold}
			<div class="t-qty">
				<span>${esc(__("To make"))} <b>${esc(c.for_quantity)}</b></span>
				<span>${esc(__("Good"))} <b class="t-good">${esc(c.total_completed_qty)}</b></span>
				<span>${esc(__("Scrap"))} <b>${esc(c.scrap_qty)}</b></span>
				<span>${esc(__("Rework"))} <b>${esc(c.rework_qty)}</b></span>
				<span>${esc(__("Remaining"))} <b>${esc(c.remaining_qty)}</b></span>
			</div>
			<div class="t-actions">
				${
					paused
						? `<button class="t-start" data-act="resume">${esc(__("Resume"))}</button>`
						: c.running_mine
						? `<button class="t-pause" data-form="pause">${esc(__("Pause"))}</button>
						   <button class="t-complete" data-form="complete">${esc(__("Complete"))}</button>`
						: `<button class="t-start" data-act="start">${esc(__("Start"))}</button>`
				}
				<button class="t-downtime" data-form="downtime">${esc(__("Report Downtime"))}</button>
				<button class="t-andon" data-form="andon">${esc(__("Andon"))}</button>
			</div>
			<div class="t-form" data-for="complete">
				<label>${esc(__("Good"))} <input type="number" min="0" step="any" name="good_qty" value="0"></label>
				<label>${esc(__("Scrap"))} <input type="number" min="0" step="any" name="scrap_qty" value="0"></label>
				<label>${esc(__("Rework"))} <input type="number" min="0" step="any" name="rework_qty" value="0"></label>
				<button class="t-complete" data-act="complete">${esc(__("Confirm"))}</button>
			</div>
			<div class="t-form" data-for="pause">
				<select name="pause_reason"><option value=""></option>${reasons}</select>
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
			${c.instructions ? `<h2 style="margin-top:12px">${esc(__("Instructions"))}</h2><div>${esc(c.instructions)}</div>` : ""}
			${files ? `<div>${esc(__("Attachments"))}: ${files}</div>` : ""}
			${
				materials
					? `<h2 style="margin-top:12px">${esc(__("Materials"))}</h2><table><tr><th>${esc(__("Item"))}</th><th></th>
					<th>${esc(__("Required"))}</th><th>${esc(__("Transferred"))}</th></tr>${materials}</table>`
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
		el.querySelectorAll("[data-andon]").forEach((b) =>
			b.addEventListener("click", () => this.run(() => this.andon(b.dataset.andon)))
		);
	}

	async act(action, el) {
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
		if (action === "complete") {
			args.good_qty = value("good_qty") || 0;
			args.scrap_qty = value("scrap_qty") || 0;
			args.rework_qty = value("rework_qty") || 0;
		}
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
