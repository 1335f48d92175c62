// 车间实时看板 / Shop Floor Board: a tile per workstation, live through realtime events scoped to each
// Workstation document (frappe.realtime.doc_subscribe), with a state timeline and a loss Pareto per workstation.

const STATE_COLORS = {
	Running: "#16a34a",
	Production: "#16a34a",
	Idle: "#f59e0b",
	Setup: "#3b82f6",
	Down: "#dc2626",
	Problem: "#dc2626",
	Maintenance: "#7c3aed",
	Off: "#9ca3af",
};

frappe.pages["shop-floor-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Shop Floor Board"),
		single_column: true,
	});
	wrapper.board = new ShopFloorBoard(page);
};

frappe.pages["shop-floor-board"].on_page_show = function (wrapper) {
	if (wrapper.board) wrapper.board.refresh();
};

class ShopFloorBoard {
	constructor(page) {
		this.page = page;
		this.subscribed = new Set();
		this.$body = $(`<div class="mom-board"></div>`).appendTo(page.main);
		this.$body.before(`<style>
			.mom-board { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; padding: 12px 0; }
			.mom-tile { border-radius: 10px; border: 1px solid var(--border-color); padding: 12px; cursor: pointer;
				background: var(--card-bg); border-top: 6px solid var(--state-color, #9ca3af); }
			.mom-tile h4 { margin: 0; display: flex; justify-content: space-between; }
			.mom-tile .mom-state { font-size: 12px; color: #fff; border-radius: 4px; padding: 2px 6px;
				background: var(--state-color, #9ca3af); }
			.mom-tile .mom-job { font-size: 13px; margin: 6px 0; min-height: 36px; }
			.mom-tile .progress { height: 8px; margin-bottom: 6px; }
			.mom-tile .mom-ratios { font-size: 12px; color: var(--text-muted); }
			.mom-timeline { display: flex; height: 28px; border-radius: 4px; overflow: hidden; background: #f3f4f6; }
			.mom-timeline div { height: 100%; }
			.mom-legend span { display: inline-block; margin-right: 10px; font-size: 12px; }
			.mom-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
		</style>`);
		this.page.set_secondary_action(__("Refresh"), () => this.refresh());
		this.page.add_inner_button(__("OEE Analysis"), () => frappe.set_route("query-report", "OEE Analysis"));
		frappe.realtime.on("mom_workstation_status", (data) => this.on_event(data));
		frappe.realtime.on("mom_terminal_update", (data) => this.on_event(data));
		// alerts are HTML: the names in them are escaped
		frappe.realtime.on("mom_andon", (data) =>
			frappe.show_alert({ message: __("Andon at {0}: {1}", [esc(data.workstation), esc(data.employee_name)]), indicator: "red" })
		);
		this.refresh();
	}

	refresh() {
		return frappe.xcall("mom_app.production.api.board.get_board").then((tiles) => {
			this.tiles = tiles;
			this.render();
		});
	}

	on_event(data) {
		if (!data || !data.workstation) return;
		clearTimeout(this._timer);
		this._timer = setTimeout(() => this.refresh(), 500); // events come in bursts
	}

	render() {
		this.$body.empty();
		if (!this.tiles.length) {
			this.$body.append(`<div class="text-muted">${__("No workstations.")}</div>`);
		}
		const hidden = (this.tiles[0] && this.tiles[0].hidden) || [];
		if (hidden.length) {
			this.$body.append(`<div class="text-muted mom-board-hidden" style="grid-column: 1 / -1">${esc(
				__("Not shown (you may not read them): {0}", [hidden.map((d) => __(d)).join(", ")])
			)}</div>`);
		}
		for (const tile of this.tiles) {
			if (!this.subscribed.has(tile.name)) {
				frappe.realtime.doc_subscribe("Workstation", tile.name);
				this.subscribed.add(tile.name);
			}
			const state = tile.state || tile.status || "Off";
			const color = STATE_COLORS[state] || STATE_COLORS[tile.status] || "#9ca3af";
			const job = tile.job;
			const progress = job && job.for_quantity ? Math.min(100, (100 * job.total_completed_qty) / job.for_quantity) : 0;
			const $tile = $(`<div class="mom-tile" data-ws="${frappe.utils.escape_html(tile.name)}" style="--state-color:${color}">
				<h4><span>${frappe.utils.escape_html(tile.name)}</span>
					<span class="mom-state">${frappe.utils.escape_html(tile.state_label || tile.status_label || __("Off"))}</span></h4>
				<div class="mom-job">${
					job
						? `${frappe.utils.escape_html(job.name)} · ${frappe.utils.escape_html(job.operation || "")}<br>
						   ${frappe.utils.escape_html(job.item_name || "")} · ${esc(job.total_completed_qty)} / ${esc(job.for_quantity)}`
						: `<span class="text-muted">${__("No job running")}</span>`
				}</div>
				<div class="progress"><div class="progress-bar" style="width:${progress}%"></div></div>
				<div class="mom-gauge"></div>
				<div class="mom-ratios">${__("A")} ${fmt(tile.oee.availability)} · ${__("P")} ${fmt(tile.oee.performance)} ·
					${__("Q")} ${fmt(tile.oee.quality)}</div>
			</div>`).appendTo(this.$body);
			this.gauge($tile.find(".mom-gauge")[0], tile.oee.oee);
			$tile.on("click", () => this.show_detail(tile.name));
		}
	}

	gauge(el, oee) {
		const value = oee == null ? 0 : oee;
		new frappe.Chart(el, {
			type: "donut",
			height: 140,
			data: {
				labels: [__("OEE"), __("Loss")],
				datasets: [{ values: [value, Math.max(0, 100 - value)] }],
			},
			colors: [value >= 65 ? "#16a34a" : value >= 40 ? "#f59e0b" : "#dc2626", "#e5e7eb"],
			truncateLegends: 1,
		});
		$(el).prepend(`<div class="text-center" style="font-weight:600">${__("OEE")} ${fmt(oee)}</div>`);
	}

	show_detail(workstation) {
		frappe.xcall("mom_app.production.api.board.get_workstation_detail", { workstation }).then((d) => {
			const dialog = new frappe.ui.Dialog({
				title: __("Workstation {0}", [esc(workstation)]), // the title is HTML
				size: "extra-large",
				fields: [{ fieldtype: "HTML", fieldname: "body" }],
			});
			const $body = dialog.fields_dict.body.$wrapper;
			const dayStart = frappe.datetime.str_to_obj(`${d.day} 00:00:00`).getTime();
			const span = 24 * 3600 * 1000;
			let cursor = dayStart;
			const parts = [];
			for (const t of d.timeline) {
				const s = Math.max(frappe.datetime.str_to_obj(t.start).getTime(), dayStart);
				const e = Math.min(frappe.datetime.str_to_obj(t.end).getTime(), dayStart + span);
				if (e <= s) continue;
				if (s > cursor) parts.push(`<div style="width:${(100 * (s - cursor)) / span}%"></div>`);
				parts.push(
					`<div title="${esc(t.label)} ${esc(t.start)} – ${esc(t.end)}"
					style="width:${(100 * (e - s)) / span}%;background:${STATE_COLORS[t.state] || "#9ca3af"}"></div>`
				);
				cursor = Math.max(cursor, e);
			}
			const legend = Object.entries(STATE_COLORS)
				.filter(([k]) => ["Running", "Idle", "Setup", "Down"].includes(k))
				.map(([k, c]) => `<span><i style="background:${c}"></i>${__(k)}</span>`)
				.join("");
			$body.html(`
				<h5>${__("State timeline")} · ${esc(d.day)} ${d.source === "manual" ? "(" + __("no machine data: time logs and downtime entries") + ")" : ""}</h5>
				${
					(d.hidden || []).length
						? `<div class="text-muted mom-detail-hidden">${esc(
								__("Not shown (you may not read them): {0}", [d.hidden.map((x) => __(x)).join(", ")])
						  )}</div>`
						: ""
				}
				<div class="mom-timeline">${parts.join("")}</div>
				<div class="mom-legend mt-1">${legend}</div>
				<h5 class="mt-4">${__("Loss Pareto (last 7 days, minutes)")}</h5>
				<div class="mom-pareto"></div>
				<h5 class="mt-4">${__("Downtime by reason (last 7 days)")}</h5>
				<div class="mom-reasons"></div>
				<div class="mt-3">${__("OEE")} ${fmt(d.oee.oee)} · ${__("Availability")} ${fmt(d.oee.availability)} ·
					${__("Performance")} ${fmt(d.oee.performance)} · ${__("Quality")} ${fmt(d.oee.quality)}</div>`);
			dialog.show();
			// draw once the modal has its width (a chart drawn into a hidden box gets NaN sizes)
			dialog.$wrapper.one("shown.bs.modal", () => this.detail_charts($body, d));
		});
	}

	detail_charts($body, d) {
		{
			new frappe.Chart($body.find(".mom-pareto")[0], {
				type: "bar",
				height: 220,
				data: { labels: d.losses.map((l) => esc(l.label)), datasets: [{ name: __("Minutes"), values: d.losses.map((l) => l.minutes) }] },
				colors: ["#dc2626"],
			});
			if (d.reasons.length) {
				new frappe.Chart($body.find(".mom-reasons")[0], {
					type: "bar",
					height: 220,
					data: { labels: d.reasons.map((r) => esc(r.label)), datasets: [{ name: __("Minutes"), values: d.reasons.map((r) => r.minutes) }] },
					colors: ["#f59e0b"],
				});
			} else {
				$body.find(".mom-reasons").html(`<div class="text-muted">${__("No downtime recorded.")}</div>`);
			}
		}
	}
}

// values into HTML (frappe-charts puts its labels into the SVG as HTML too)
function esc(value) {
	return frappe.utils.escape_html(value == null ? "" : String(value));
}

function fmt(value) {
	return value == null ? "–" : `${Number(value).toFixed(1)}%`;
}
