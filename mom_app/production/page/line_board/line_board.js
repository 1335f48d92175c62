// 电子看板 / Line Board: one line (a Plant Floor) on a TV, full screen without the desk's navbar and page head.
// Per workstation: the shift's target, what should be done by now, the actual and the gap, hour by hour; the
// machine state, the current job and the open andon calls. Large type for reading from 5 m.
//
// A desk page rather than a portal page: the desk boots Frappe's socket.io client with the user's session,
// and the socket server lets it into each Workstation's document room after checking that the user may read
// it - the rooms the terminal, the machine-state writer and the andon calls publish to. The desk also brings
// the user's language and the page's role list. The chrome is hidden while this page is shown.
//
// Route: /app/line-board/<Plant Floor> (/app/line-board/- for the workstations on no line); without one, a
// list of lines to choose from. Updates on every realtime event of a workstation shown (that row is fetched
// again), and every minute (the target moves with the clock). Every value from the server is escaped.

const LINE_BOARDS_JS = "/assets/mom_app/js/shop_floor_boards.js";
const NO_LINE = "-";
const ROW_HEIGHT = 176; // px at scale 1 (a 1920 px wide screen)
const PAGE_SECONDS = 15; // more rows than fit: show them page by page

frappe.pages["line-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Line Board"), single_column: true });
	$(wrapper).on("hide", () => wrapper.board && wrapper.board.hide());
	frappe.require(LINE_BOARDS_JS, () => {
		wrapper.board = new LineBoard(wrapper, page);
		if (frappe.get_route()[0] === "line-board") wrapper.board.show();
	});
};

frappe.pages["line-board"].on_page_show = function (wrapper) {
	if (wrapper.board) wrapper.board.show();
};

class LineBoard {
	constructor(wrapper, page) {
		this.page = page;
		this.$root = $(`<div class="mom-tv"></div>`).appendTo(page.main);
		add_kiosk_style();
		this.rooms = new mom.boards.WorkstationRooms();
		this.pending = new Set();
		for (const event of mom.boards.EVENTS) {
			frappe.realtime.on(event, (data) => this.on_event(data));
		}
		const socket = frappe.realtime.socket;
		if (socket) {
			socket.on("connect", () => this.show_connection());
			socket.on("disconnect", () => this.show_connection());
		}
		$(window).on(
			"resize",
			frappe.utils.debounce(() => this.data && this.render(), 300)
		);
		document.addEventListener("fullscreenchange", () => this.show_tools());
	}

	shown() {
		return frappe.get_route()[0] === "line-board";
	}

	show() {
		document.body.classList.add("mom-kiosk");
		const route = frappe.get_route();
		const line = route.length > 1 ? route.slice(1).join("/") : null;
		clearInterval(this.minute_timer);
		clearInterval(this.clock_timer);
		this.clock_timer = setInterval(() => this.tick(), 10 * 1000);
		if (line === null) {
			this.line = null;
			this.choose_line();
			return;
		}
		this.line = line === NO_LINE ? "" : line;
		this.load();
		this.minute_timer = setInterval(() => this.shown() && this.load(), 60 * 1000);
	}

	hide() {
		document.body.classList.remove("mom-kiosk");
		clearInterval(this.minute_timer);
		clearInterval(this.clock_timer);
		clearInterval(this.page_timer);
	}

	choose_line() {
		frappe.xcall("mom_app.production.api.board.get_lines").then((lines) => {
			const esc = mom.boards.esc;
			this.data = null;
			this.$root.html(`
				<div class="mom-tv-head"><div class="mom-tv-title">${esc(__("Line Board"))}</div>
					<div class="mom-tv-tools">${tools_html()}</div></div>
				<div class="mom-tv-choose">
					<div class="mom-tv-caption">${esc(__("Choose the line to show"))}</div>
					${
						lines.length
							? lines
									.map(
										(l) => `<a class="mom-tv-line" data-line="${esc(l.name)}"
											href="/app/line-board/${encodeURIComponent(l.name || NO_LINE)}">
											${esc(l.label)} <span>${esc(__("{0} workstations", [l.workstations]))}</span></a>`
									)
									.join("")
							: `<div class="mom-tv-caption">${esc(__("No workstations."))}</div>`
					}
				</div>`);
			this.bind_tools();
		});
	}

	load() {
		const line = this.line;
		return frappe.xcall("mom_app.production.api.board.get_line_board", { line }).then((data) => {
			if (line !== this.line) return;
			this.data = data;
			this.rooms.subscribe(data.workstations.map((w) => w.name));
			this.render();
		});
	}

	load_row(workstation) {
		const line = this.line;
		return frappe
			.xcall("mom_app.production.api.board.get_line_board", { line, workstation })
			.then((data) => {
				if (line !== this.line || !this.data || !data.workstations.length) return;
				const row = data.workstations[0];
				const i = this.data.workstations.findIndex((w) => w.name === row.name);
				if (i < 0) return;
				this.data.workstations[i] = row;
				this.$root
					.find(`.mom-tv-row[data-ws="${css_escape(row.name)}"]`)
					.replaceWith(row_html(row, this.with_shift));
			});
	}

	on_event(data) {
		if (!data || !data.workstation || !this.data || !this.shown()) return;
		if (!this.data.workstations.some((w) => w.name === data.workstation)) return;
		this.pending.add(data.workstation);
		clearTimeout(this.event_timer);
		this.event_timer = setTimeout(() => {
			const names = [...this.pending];
			this.pending.clear();
			for (const name of names) this.load_row(name);
		}, 300); // events come in bursts
	}

	render() {
		const esc = mom.boards.esc;
		const d = this.data;
		const rows = d.workstations;
		const scale = Math.max(0.6, Math.min(1.6, window.innerWidth / 1920));
		const head = 96 * scale;
		const per_page = Math.max(1, Math.floor((window.innerHeight - head) / (ROW_HEIGHT * scale)));
		const pages = Math.max(1, Math.ceil(rows.length / per_page));
		this.page_no = (this.page_no || 0) % pages;
		const shown = rows.slice(this.page_no * per_page, (this.page_no + 1) * per_page);
		const shifts = [...new Set(rows.map((r) => r.period.label))];
		this.with_shift = shifts.length > 1; // rows of different shifts say theirs
		const hidden = d.hidden.length
			? `<div class="mom-tv-hidden">${esc(
					__("Not shown (you may not read them): {0}", [d.hidden.map((x) => __(x)).join(", ")])
			  )}</div>`
			: "";
		this.$root.css("--s", scale).html(`
			<div class="mom-tv-head">
				<div class="mom-tv-title">${esc(__("Line Board"))} · ${esc(d.line_label)}</div>
				<div class="mom-tv-shift">${esc(shifts.length === 1 ? shifts[0] : "")}</div>
				<div class="mom-tv-clock"></div>
				<div class="mom-tv-tools">${
					pages > 1 ? `<span class="mom-tv-pages">${this.page_no + 1} / ${pages}</span>` : ""
				}${tools_html()}</div>
			</div>
			${hidden}
			<div class="mom-tv-rows" style="--rows:${shown.length}">
				${
					shown.length
						? shown.map((r) => row_html(r, this.with_shift)).join("")
						: `<div class="mom-tv-empty">${esc(__("No workstations on this line."))}</div>`
				}
			</div>`);
		this.bind_tools();
		this.tick();
		clearInterval(this.page_timer);
		if (pages > 1) {
			this.page_timer = setInterval(() => {
				this.page_no = (this.page_no + 1) % pages;
				this.render();
			}, PAGE_SECONDS * 1000);
		}
	}

	bind_tools() {
		this.$root.find("[data-tool='fullscreen']").on("click", () => {
			const el = document.documentElement;
			if (el.requestFullscreen) el.requestFullscreen().catch(() => {});
		});
		this.show_tools();
		this.show_connection();
	}

	show_tools() {
		this.$root.find("[data-tool='fullscreen']").toggle(!document.fullscreenElement);
	}

	show_connection() {
		const socket = frappe.realtime.socket;
		const live = !!(socket && socket.connected);
		this.$root
			.find(".mom-tv-live")
			.toggleClass("on", live)
			.attr("title", live ? __("Live") : __("Not connected: updates every minute"));
	}

	tick() {
		this.$root.find(".mom-tv-clock").text(frappe.datetime.now_time().slice(0, 5));
	}
}

function row_html(r, with_shift) {
	const esc = mom.boards.esc;
	const qty = mom.boards.qty;
	const state = r.state || r.status || "Off";
	const colors = mom.boards.STATE_COLORS;
	const color = colors[state] || colors[r.status] || colors.Off;
	const state_label = r.state_label || r.status_label || __("Off", null, "Workstation");
	const job = r.job
		? `<div class="mom-tv-jobname">${esc(r.job.item_name || r.job.production_item || "")}</div>
			<div>${esc(r.job.name)} · ${esc(r.job.operation || "")}</div>
			<div class="mom-tv-jobqty">${esc(qty(r.job.total_completed_qty))} / ${esc(qty(r.job.for_quantity))}
				<span class="mom-tv-jobstatus">${esc(r.job.status_label || "")}</span></div>`
		: `<div class="mom-tv-muted">${esc(__("No job running"))}</div>`;
	const gap_class = r.gap == null ? "" : r.gap < 0 ? "behind" : "ahead";
	const figure = (key, caption, value, cls = "") =>
		`<div class="mom-tv-fig ${cls}"><span>${esc(caption)}</span><b data-fig="${key}">${esc(
			value
		)}</b></div>`;
	const notes = [
		r.no_plan && (r.hours || []).length ? __("No job card to plan on this workstation") : "",
		(r.unplanned || []).length ? __("No ideal cycle time: {0}", [r.unplanned.join(", ")]) : "",
	].filter(Boolean);
	const figures = (r.hours || []).length
		? `${figure("target", __("Shift target"), qty(r.target))}
			${figure("target_now", __("Due by now"), qty(r.target_now))}
			${figure("actual", __("Actual"), qty(r.actual), gap_class)}
			${figure("gap", __("Gap"), r.gap == null ? "—" : (r.gap > 0 ? "+" : "") + qty(r.gap), gap_class)}
			${notes.map((n) => `<div class="mom-tv-note">${esc(n)}</div>`).join("")}`
		: `<div class="mom-tv-muted mom-tv-noplan">${esc(r.period.label)}</div>`;
	const hours = (r.hours || []).length
		? `<div class="mom-tv-hours" style="--hours:${r.hours.length}">
			<div class="mom-tv-hour mom-tv-hour-head"><span>${esc(__("Hour"))}</span><span>${esc(
				__("Plan")
		  )}</span><span>${esc(__("Actual"))}</span></div>
			${r.hours
				.map((h) => {
					const nothing = !h.planned && !h.actual; // no plan and nothing made: not a success
					const cls = h.break
						? "break"
						: h.current
						? "current"
						: !h.past
						? "future"
						: nothing
						? "none"
						: h.actual >= h.planned
						? "ok"
						: "short";
					return `<div class="mom-tv-hour ${cls}" data-hour="${esc(h.label)}">
						<span>${esc(h.label)}</span>
						<span data-fig="planned">${h.break ? esc(__("Break")) : esc(qty(h.planned))}</span>
						<span data-fig="actual">${h.past || h.current ? esc(qty(h.actual)) : ""}</span>
					</div>`;
				})
				.join("")}
		</div>`
		: `<div class="mom-tv-muted">${esc(__("No shift planned"))}</div>`;
	const andon = (r.andon || []).length
		? r.andon
				.map(
					(c) => `<div class="mom-tv-call ${c.status === "Open" ? "open" : "acknowledged"}"
						data-call="${esc(c.name)}">${esc(c.kind_label)}<span>${esc(
						__("{0} min", [c.minutes == null ? "–" : c.minutes])
					)} · ${esc(c.status_label)}</span></div>`
				)
				.join("")
		: `<div class="mom-tv-muted">${esc(__("No andon call"))}</div>`;
	return `<div class="mom-tv-row" data-ws="${esc(r.name)}" style="--state-color:${color}">
		<div class="mom-tv-ws">
			<div class="mom-tv-name">${esc(r.name)}</div>
			<div class="mom-tv-state" data-state="${esc(state)}">${esc(state_label)}</div>
			<div class="mom-tv-oee">${esc(__("OEE"))} ${esc(mom.boards.pct(r.oee))}</div>
			${with_shift ? `<div class="mom-tv-rowshift">${esc(r.period.label)}</div>` : ""}
		</div>
		<div class="mom-tv-job">${job}</div>
		<div class="mom-tv-figures">${figures}</div>
		${hours}
		<div class="mom-tv-andon">${andon}</div>
	</div>`;
}

function tools_html() {
	const esc = mom.boards.esc;
	return `<span class="mom-tv-live"></span>
		<button class="btn btn-xs mom-tv-tool" data-tool="fullscreen">${esc(__("Full Screen"))}</button>
		<a class="mom-tv-tool" data-tool="exit" href="/app/shop-floor-board">${esc(
			__("Exit", null, "Line Board")
		)}</a>`;
}

function css_escape(value) {
	return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
}

function add_kiosk_style() {
	if (document.getElementById("mom-tv-style")) return;
	const style = document.createElement("style");
	style.id = "mom-tv-style";
	style.textContent = `
		body.mom-kiosk { background: #0b1220; overflow: hidden; }
		body.mom-kiosk .navbar, body.mom-kiosk .page-head, body.mom-kiosk .page-footer,
			body.mom-kiosk footer { display: none !important; }
		body.mom-kiosk .main-section, body.mom-kiosk .page-container, body.mom-kiosk .page-body,
			body.mom-kiosk .layout-main, body.mom-kiosk .layout-main-section-wrapper,
			body.mom-kiosk .layout-main-section, body.mom-kiosk .page-content {
			max-width: none !important; width: 100% !important; margin: 0 !important; padding: 0 !important;
			border: 0 !important; background: transparent !important; box-shadow: none !important; }
		body.mom-kiosk .container { max-width: none !important; padding: 0 !important; margin: 0 !important; }
		.mom-tv { --s: 1; color: #f8fafc; background: #0b1220; height: 100vh; display: flex; flex-direction: column;
			font-size: calc(24px * var(--s)); line-height: 1.2; overflow: hidden; }
		.mom-tv-head { display: flex; align-items: center; gap: calc(32px * var(--s)); padding: calc(14px * var(--s)) calc(24px * var(--s));
			background: #111c33; border-bottom: 2px solid #1e293b; min-height: calc(80px * var(--s)); }
		.mom-tv-title { font-size: calc(40px * var(--s)); font-weight: 700; white-space: nowrap; }
		.mom-tv-shift { font-size: calc(30px * var(--s)); color: #cbd5e1; flex: 1; }
		.mom-tv-clock { font-size: calc(44px * var(--s)); font-weight: 700; font-variant-numeric: tabular-nums; }
		.mom-tv-tools { display: flex; align-items: center; gap: 12px; font-size: 14px; }
		.mom-tv-tool { color: #94a3b8 !important; background: transparent; border: 1px solid #334155; }
		a.mom-tv-tool { padding: 2px 8px; border-radius: 4px; }
		.mom-tv-pages { color: #cbd5e1; font-size: calc(24px * var(--s)); }
		.mom-tv-live { display: inline-block; width: 14px; height: 14px; border-radius: 50%; background: #64748b; }
		.mom-tv-live.on { background: #22c55e; }
		.mom-tv-hidden { padding: 8px 24px; color: #fbbf24; font-size: calc(22px * var(--s)); }
		.mom-tv-rows { flex: 1; display: flex; flex-direction: column; }
		.mom-tv-row { flex: 1 1 0; min-height: calc(${ROW_HEIGHT}px * var(--s)); max-height: calc(${
		2 * ROW_HEIGHT
	}px * var(--s));
			display: grid; grid-template-columns: minmax(0, 14fr) minmax(0, 16fr) minmax(0, 23fr) minmax(0, 35fr) minmax(0, 12fr); gap: calc(16px * var(--s)); align-items: center;
			padding: calc(10px * var(--s)) calc(24px * var(--s)); border-bottom: 2px solid #1e293b;
			border-left: calc(14px * var(--s)) solid var(--state-color); }
		.mom-tv-name { font-size: calc(44px * var(--s)); font-weight: 700; overflow-wrap: anywhere; }
		.mom-tv-state { display: inline-block; margin-top: 6px; padding: 2px calc(14px * var(--s)); border-radius: 6px;
			font-size: calc(32px * var(--s)); font-weight: 700; background: var(--state-color); color: #fff; }
		.mom-tv-oee { margin-top: 6px; font-size: calc(26px * var(--s)); color: #cbd5e1; }
		.mom-tv-rowshift { font-size: calc(20px * var(--s)); color: #94a3b8; }
		.mom-tv-job { font-size: calc(26px * var(--s)); overflow-wrap: anywhere; }
		.mom-tv-jobname { font-size: calc(30px * var(--s)); font-weight: 600; }
		.mom-tv-jobqty { font-size: calc(34px * var(--s)); font-weight: 700; margin-top: 4px; }
		.mom-tv-jobstatus { font-size: calc(22px * var(--s)); font-weight: 400; color: #cbd5e1; margin-left: 8px; }
		.mom-tv-figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: calc(8px * var(--s)); }
		.mom-tv-fig { display: flex; flex-direction: column; align-items: center; }
		.mom-tv-fig span { font-size: calc(22px * var(--s)); color: #cbd5e1; white-space: nowrap; }
		.mom-tv-fig b { font-size: calc(60px * var(--s)); font-variant-numeric: tabular-nums; }
		.mom-tv-fig.behind b { color: #f87171; }
		.mom-tv-fig.ahead b { color: #4ade80; }
		.mom-tv-hours { display: grid; grid-template-columns: max-content repeat(var(--hours), minmax(0, 1fr)); gap: 3px; }
		.mom-tv-hour { display: grid; grid-template-rows: repeat(3, auto); text-align: center; border-radius: 4px;
			font-size: calc(24px * var(--s)); font-variant-numeric: tabular-nums; background: #16213a; }
		.mom-tv-hour span { padding: 2px 4px; }
		.mom-tv-hour span:first-child { color: #94a3b8; font-size: calc(20px * var(--s)); }
		.mom-tv-hour-head { background: transparent; color: #94a3b8; text-align: right; white-space: nowrap; }
		.mom-tv-hour-head span:first-child { color: #94a3b8; }
		.mom-tv-hour.ok span[data-fig="actual"] { background: #166534; font-weight: 700; }
		.mom-tv-hour.short span[data-fig="actual"] { background: #991b1b; font-weight: 700; }
		.mom-tv-hour.current { outline: 3px solid #fbbf24; }
		.mom-tv-hour.current span[data-fig="actual"] { font-weight: 700; }
		.mom-tv-hour.future { color: #94a3b8; }
		.mom-tv-hour.break { color: #64748b; }
		.mom-tv-andon { display: flex; flex-direction: column; gap: 6px; }
		.mom-tv-call { padding: 4px 10px; border-radius: 6px; font-size: calc(30px * var(--s)); font-weight: 700; }
		.mom-tv-call span { display: block; font-size: calc(20px * var(--s)); font-weight: 400; }
		.mom-tv-call.open { background: #dc2626; animation: mom-tv-blink 1.2s step-start infinite; }
		.mom-tv-call.acknowledged { background: #b45309; }
		@keyframes mom-tv-blink { 50% { background: #7f1d1d; } }
		.mom-tv-muted { color: #94a3b8; font-size: calc(22px * var(--s)); }
		.mom-tv-noplan, .mom-tv-note { grid-column: 1 / -1; }
		.mom-tv-note { color: #fbbf24; font-size: calc(20px * var(--s)); text-align: center; }
		.mom-tv-empty { padding: 48px; font-size: 32px; color: #94a3b8; }
		.mom-tv-choose { padding: 32px 48px; display: flex; flex-direction: column; gap: 16px; }
		.mom-tv-caption { color: #cbd5e1; font-size: 28px; }
		.mom-tv-line { display: block; padding: 18px 24px; border-radius: 8px; background: #16213a; color: #f8fafc !important;
			font-size: 36px; font-weight: 700; text-decoration: none !important; }
		.mom-tv-line span { font-size: 22px; font-weight: 400; color: #94a3b8; margin-left: 16px; }
	`;
	document.head.appendChild(style);
}
