// 车间实时看板 / Shop Floor Board: a tile per workstation with its state, current job, open andon calls, condition
// rules in alarm and the OEE of the period (this shift or today, said on the tile and in the drill-down, one
// figure for both).
// Live through realtime events in each Workstation's document room; the drill-down links to the workstation,
// its job cards and its stops. Every value from the server is escaped before it reaches HTML.
//
// The OEE ring is a plain SVG drawn at its final size: frappe-charts redraws a chart when its box resizes
// (ResizeObserver), and a donut drawn into a box that is still laid out threw "Failed to execute
// 'removeChild' on 'Node'" and stayed blank. The drill-down's bars are HTML rows, each with its full label.

const BOARDS_JS = "/assets/mom_app/js/shop_floor_boards.js";

frappe.pages["shop-floor-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Shop Floor Board"),
		single_column: true,
	});
	frappe.require(BOARDS_JS, () => {
		wrapper.board = new ShopFloorBoard(page);
	});
};

frappe.pages["shop-floor-board"].on_page_show = function (wrapper) {
	if (wrapper.board && wrapper.board.loaded) wrapper.board.refresh();
};

class ShopFloorBoard {
	constructor(page) {
		this.page = page;
		this.period = "shift";
		this.$body = $(`<div class="mom-board"></div>`).appendTo(page.main);
		this.$body.before(`<style>${board_css()}</style>`);
		this.period_field = this.page.add_field({
			fieldtype: "Select",
			fieldname: "period",
			label: __("Period"),
			options: [
				{ value: "shift", label: __("This Shift") },
				{ value: "day", label: __("Today") },
			],
			default: "shift",
			change: () => {
				this.period = this.period_field.get_value() || "shift";
				this.refresh();
			},
		});
		this.page.set_secondary_action(__("Refresh"), () => this.refresh());
		this.page.add_inner_button(__("OEE Analysis"), () =>
			frappe.set_route("query-report", "OEE Analysis")
		);
		this.page.add_inner_button(__("Line Board"), () => frappe.set_route("line-board"));
		for (const event of mom.boards.EVENTS) {
			frappe.realtime.on(event, (data) => this.on_event(event, data));
		}
		this.rooms = new mom.boards.WorkstationRooms();
		this.pending = new Set();
		this.timer = setInterval(() => this.visible() && this.refresh(), 60 * 1000); // the shift's OEE moves with time
		this.refresh();
	}

	visible() {
		return frappe.get_route_str() === "shop-floor-board" && !document.hidden;
	}

	refresh() {
		return frappe
			.xcall("mom_app.production.api.board.get_board", { period: this.period })
			.then((tiles) => {
				this.loaded = true;
				this.tiles = tiles;
				if (tiles.length) {
					this.page.set_indicator(esc(__("As of {0}", [fmt_time(tiles[0].as_of)])), "gray");
				}
				this.render();
			});
	}

	refresh_tile(workstation) {
		return frappe
			.xcall("mom_app.production.api.board.get_board", { period: this.period, workstation })
			.then((tiles) => {
				const tile = tiles[0];
				if (!tile || !this.tiles) return;
				const i = this.tiles.findIndex((t) => t.name === tile.name);
				if (i < 0) return;
				this.tiles[i] = tile;
				const $old = this.$body.find(`.mom-tile[data-ws="${css_escape(tile.name)}"]`);
				$old.replaceWith(this.tile_html(tile));
				this.bind_tiles();
			});
	}

	on_event(event, data) {
		if (!data || !data.workstation) return;
		if (event === "mom_andon") {
			// the alert is HTML: the names in it are escaped
			frappe.show_alert({
				message: __("Andon at {0}: {1}", [esc(data.workstation), esc(data.employee_name)]),
				indicator: "red",
			});
		}
		this.pending.add(data.workstation);
		clearTimeout(this._timer);
		this._timer = setTimeout(() => {
			const names = [...this.pending];
			this.pending.clear();
			for (const name of names) this.refresh_tile(name);
		}, 500); // events come in bursts
	}

	render() {
		this.$body.empty();
		if (!this.tiles.length) {
			this.$body.append(`<div class="text-muted">${__("No workstations.")}</div>`);
			return;
		}
		const hidden = this.tiles[0].hidden || [];
		if (hidden.length) {
			this.$body.append(
				`<div class="text-muted mom-board-hidden">${esc(
					__("Not shown (you may not read them): {0}", [hidden.map((d) => __(d)).join(", ")])
				)}</div>`
			);
		}
		this.$body.append(this.tiles.map((tile) => this.tile_html(tile)).join(""));
		this.bind_tiles();
		this.rooms.subscribe(this.tiles.map((t) => t.name));
	}

	bind_tiles() {
		this.$body
			.find(".mom-tile")
			.off("click")
			.on("click", (e) => {
				if ($(e.target).closest("a").length) return; // a link goes where it says
				this.show_detail($(e.currentTarget).attr("data-ws"));
			});
	}

	tile_html(tile) {
		const state = tile.state || tile.status || "Off";
		const color = state_color(state) || state_color(tile.status) || state_color("Off");
		const job = tile.job;
		const progress =
			job && job.for_quantity ? Math.min(100, (100 * job.total_completed_qty) / job.for_quantity) : 0;
		const state_label = tile.state_label || tile.status_label || __("Off", null, "Workstation");
		const andon = (tile.andon || [])
			.map(
				(c) =>
					`<div class="mom-andon" data-call="${esc(c.name)}">${esc(
						__("Andon · {0} · {1} min", [c.kind_label, c.minutes == null ? "–" : c.minutes])
					)}</div>`
			)
			.join("");
		// condition rules in alarm (plant maintenance): the tile says which rule fired, and when
		const alarms = (tile.alarms || [])
			.map(
				(a) =>
					`<div class="mom-alarm" data-rule="${esc(a.rule)}">${esc(
						__("Alarm · {0} · {1}", [
							a.label,
							a.value == null
								? "–"
								: `${fmt_qty(a.value)}${a.unit ? " " + a.unit : ""}${a.rate ? "/min" : ""}`,
						])
					)}${a.since ? ` · ${esc(fmt_time(a.since))}` : ""}</div>`
			)
			.join("");
		const in_alarm = alarms ? " mom-in-alarm" : "";
		return `<div class="mom-tile${in_alarm}" data-ws="${esc(tile.name)}" style="--state-color:${color}"
			title="${esc(__("Open the details of {0}", [tile.name]))}">
			<div class="mom-tile-head">
				<span class="mom-ws-name">${esc(tile.name)}</span>
				<span class="mom-state" data-state="${esc(state)}">${esc(state_label)}</span>
			</div>
			<div class="mom-period">${esc(tile.period.label)}</div>
			<div class="mom-tile-body">
				${ring(tile.oee.oee)}
				<div class="mom-tile-info">
					<div class="mom-job">${
						job
							? `${esc(job.name)} · ${esc(job.operation || "")}<br>
							   ${esc(job.item_name || "")} · ${esc(fmt_qty(job.total_completed_qty))} / ${esc(fmt_qty(job.for_quantity))}`
							: `<span class="text-muted">${__("No job running")}</span>`
					}</div>
					<div class="progress"><div class="progress-bar" style="width:${progress}%"></div></div>
					<div class="mom-ratios">
						<div><span>${__("Availability")}</span><b>${pct(tile.oee.availability)}</b></div>
						<div><span>${__("Performance")}</span><b>${pct(tile.oee.performance)}</b></div>
						<div><span>${__("Quality")}</span><b>${pct(tile.oee.quality)}</b></div>
					</div>
				</div>
			</div>
			${alarms}
			${andon}
		</div>`;
	}

	show_detail(workstation) {
		frappe
			.xcall("mom_app.production.api.board.get_workstation_detail", {
				workstation,
				period: this.period,
				// the figure of the tile: computed at the tile's moment
				as_of: ((this.tiles || []).find((t) => t.name === workstation) || {}).as_of,
			})
			.then((d) => {
				const dialog = new frappe.ui.Dialog({
					title: __("Workstation {0}", [esc(workstation)]), // the title is HTML
					size: "extra-large",
					fields: [{ fieldtype: "HTML", fieldname: "body" }],
				});
				dialog.fields_dict.body.$wrapper.html(detail_html(d));
				dialog.show();
			});
	}
}

// -- the drill-down --------------------------------------------------------------------------------------

function detail_html(d) {
	const hidden = (d.hidden || []).length
		? `<div class="text-muted mom-detail-hidden">${esc(
				__("Not shown (you may not read them): {0}", [d.hidden.map((x) => __(x)).join(", ")])
		  )}</div>`
		: "";
	const links = [
		link(form_url("Workstation", d.workstation), __("Workstation {0}", [d.workstation]), "workstation"),
		d.job ? link(form_url("Job Card", d.job.name), __("Current job {0}", [d.job.name]), "job-card") : "",
		d.hidden.includes("Downtime Entry")
			? ""
			: link(
					list_url("Downtime Entry", { workstation: d.workstation }),
					__("Stops of {0}", [d.workstation]),
					"stops"
			  ),
		link(
			`/app/query-report/${encodeURIComponent("OEE Analysis")}?${$.param({
				workstation: d.workstation,
				from_date: d.period.day,
				to_date: d.period.day,
			})}`,
			__("OEE Analysis"),
			"oee-analysis"
		),
	]
		.filter(Boolean)
		.join("");
	const andon = (d.andon || []).length
		? `<div class="mom-detail-andon">${d.andon
				.map((c) =>
					link(
						form_url("Andon Call", c.name),
						__("Andon · {0} · {1} · {2} min", [c.kind_label, c.status_label, c.minutes ?? "–"]),
						"andon-call"
					)
				)
				.join("")}</div>`
		: "";
	return `
		<div class="mom-detail">
			<div class="mom-detail-head">
				<div class="mom-period mom-detail-period">${esc(d.period.label)}</div>
				<div class="mom-as-of">${esc(__("As of {0}", [fmt_time(d.as_of)]))}</div>
				<div class="mom-detail-oee">
					<span class="mom-detail-figure" data-figure="oee">${__("OEE")} <b>${pct(d.oee.oee)}</b></span>
					<span>${__("Availability")} ${pct(d.oee.availability)}</span>
					<span>${__("Performance")} ${pct(d.oee.performance)}</span>
					<span>${__("Quality")} ${pct(d.oee.quality)}</span>
				</div>
			</div>
			<div class="mom-detail-links">${links}</div>
			${andon}
			${hidden}
			<h5>${__("State timeline")}${
		d.source === "manual" ? " · " + __("no machine data: time logs and downtime entries") : ""
	}</h5>
			${timeline_html(d)}
			<div class="mom-detail-cols">
				<div>
					<h5>${__("Losses (minutes)")}</h5>
					${bars_html(
						d.losses.map((l) => ({ label: l.label, value: l.minutes, text: fmt_min(l.minutes) })),
						"mom-bar-loss"
					)}
				</div>
				<div>
					<h5>${__("Downtime by reason")}</h5>
					${
						d.reasons.length
							? bars_html(
									d.reasons.map((r) => ({
										label: r.label,
										value: r.minutes,
										text: __("{0} min · {1} stops", [fmt_min(r.minutes), r.stops]),
										href: list_url("Downtime Entry", {
											workstation: d.workstation,
											mom_downtime_reason:
												r.reason || JSON.stringify(["is", "not set"]),
											from_time: JSON.stringify(["<", d.period.end]),
											to_time: JSON.stringify([">", d.period.start]),
										}),
									})),
									"mom-bar-reason"
							  )
							: `<div class="text-muted">${__("No downtime recorded.")}</div>`
					}
				</div>
			</div>
			${stops_html(d)}
			${jobs_html(d)}
		</div>`;
}

function timeline_html(d) {
	const start = frappe.datetime.str_to_obj(d.period.start).getTime();
	const end = frappe.datetime.str_to_obj(d.period.end).getTime();
	const span = Math.max(end - start, 1);
	const parts = [];
	for (const t of d.timeline) {
		const s = Math.max(frappe.datetime.str_to_obj(t.start).getTime(), start);
		const e = Math.min(frappe.datetime.str_to_obj(t.end).getTime(), end);
		if (e <= s) continue;
		parts.push(
			`<div class="mom-timeline-part" title="${esc(t.label)} ${esc(t.start)} – ${esc(t.end)}"
				style="left:${(100 * (s - start)) / span}%;width:${(100 * (e - s)) / span}%;background:${
				state_color(t.state) || state_color("Off")
			}"></div>`
		);
	}
	// a tick per hour (every second hour over long periods)
	const hours = span / 3600000;
	const every = hours > 12 ? 2 : 1;
	const ticks = [];
	const first = new Date(start);
	first.setMinutes(0, 0, 0);
	for (let t = first.getTime(); t <= end; t += 3600000) {
		if (t < start) continue;
		const h = new Date(t).getHours();
		if (h % every) continue;
		const left = (100 * (t - start)) / span;
		const shift = left < 1 ? "0" : left > 99 ? "-100%" : "-50%";
		ticks.push(
			`<span class="mom-tick" style="left:${left}%;transform:translateX(${shift})">${String(h).padStart(
				2,
				"0"
			)}:00</span>`
		);
	}
	const legend = (d.legend || [])
		.map((l) => `<span><i style="background:${state_color(l.state)}"></i>${esc(l.label)}</span>`)
		.join("");
	return `<div class="mom-timeline">${parts.join("")}</div>
		<div class="mom-ticks">${ticks.join("")}</div>
		<div class="mom-legend">${legend}</div>`;
}

function bars_html(rows, cls) {
	const max = Math.max(...rows.map((r) => r.value || 0), 0);
	return `<div class="mom-bars ${cls}">${rows
		.map((r) => {
			const label = r.href
				? `<a href="${esc(r.href)}" data-link="reason">${esc(r.label)}</a>`
				: esc(r.label);
			return `<div class="mom-bar-row">
				<div class="mom-bar-label" title="${esc(r.label)}">${label}</div>
				<div class="mom-bar-track">${
					r.value > 0 ? `<div class="mom-bar" style="width:${(100 * r.value) / max}%"></div>` : ""
				}</div>
				<div class="mom-bar-value">${esc(r.text)}</div>
			</div>`;
		})
		.join("")}</div>`;
}

function stops_html(d) {
	if (d.hidden.includes("Downtime Entry") || !d.stops.length) return "";
	const more =
		d.stop_count > d.stops.length
			? `<div class="text-muted">${esc(
					__("{0} more stops in the list", [d.stop_count - d.stops.length])
			  )}</div>`
			: "";
	return `<h5>${__("Stops")}</h5>
		<table class="table table-sm mom-stops">
			<thead><tr><th>${__("Stop")}</th><th>${__("From")}</th><th>${__("To")}</th><th>${__("Minutes")}</th><th>${__(
		"Reason"
	)}</th></tr></thead>
			<tbody>${d.stops
				.map(
					(s) => `<tr>
						<td>${link(form_url("Downtime Entry", s.name), s.name, "stop")}</td>
						<td>${esc(fmt_time(s.from_time))}</td><td>${esc(s.to_time ? fmt_time(s.to_time) : "–")}</td>
						<td>${esc(fmt_min(s.minutes))}</td><td>${esc(s.label)}</td></tr>`
				)
				.join("")}</tbody>
		</table>${more}`;
}

function jobs_html(d) {
	if (d.hidden.includes("Job Card") || !d.jobs.length) return "";
	return `<h5>${__("Job cards in this period")}</h5>
		<table class="table table-sm mom-jobs">
			<thead><tr><th>${__("Job Card")}</th><th>${__("Operation", null, "Manufacturing")}</th><th>${__(
		"Item"
	)}</th><th>${__("Completed in this period")}</th><th>${__("Completed / Quantity")}</th><th>${__(
		"Status"
	)}</th></tr></thead>
			<tbody>${d.jobs
				.map(
					(j) => `<tr>
						<td>${link(form_url("Job Card", j.name), j.name, "job-card")}</td>
						<td>${esc(j.operation || "")}</td><td>${esc(j.item_name || "")}</td>
						<td>${esc(fmt_qty(j.completed_in_period))}</td>
						<td>${esc(fmt_qty(j.total_completed_qty))} / ${esc(fmt_qty(j.for_quantity))}</td>
						<td>${esc(j.status_label || "")}</td></tr>`
				)
				.join("")}</tbody>
		</table>`;
}

// -- the OEE ring ----------------------------------------------------------------------------------------

function ring(oee) {
	const r = 42;
	const c = 2 * Math.PI * r;
	const value = oee == null ? null : Math.max(0, Math.min(100, Number(oee)));
	const color = value == null ? "#9ca3af" : value >= 65 ? "#16a34a" : value >= 40 ? "#d97706" : "#dc2626";
	const arc =
		value == null || value <= 0
			? ""
			: `<circle class="mom-ring-value" cx="60" cy="60" r="${r}" fill="none" stroke="${color}"
				stroke-width="14" stroke-linecap="${value >= 100 ? "butt" : "round"}"
				stroke-dasharray="${((value / 100) * c).toFixed(2)} ${c.toFixed(2)}"
				transform="rotate(-90 60 60)"></circle>`;
	return `<svg class="mom-ring" viewBox="0 0 120 120" role="img" aria-label="${esc(
		__("OEE") + " " + pct(oee)
	)}">
		<circle class="mom-ring-track" cx="60" cy="60" r="${r}" fill="none" stroke="#e5e7eb" stroke-width="14"></circle>
		${arc}
		<text x="60" y="56" text-anchor="middle" class="mom-ring-caption">${__("OEE")}</text>
		<text x="60" y="78" text-anchor="middle" class="mom-ring-figure">${pct(oee)}</text>
	</svg>`;
}

// -- helpers ---------------------------------------------------------------------------------------------

function board_css() {
	return `
		.mom-board { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; padding: 12px 0; }
		.mom-board-hidden { grid-column: 1 / -1; }
		.mom-tile { border-radius: 10px; border: 1px solid var(--border-color); padding: 12px 14px; cursor: pointer;
			background: var(--card-bg); border-top: 6px solid var(--state-color, #6b7280); }
		.mom-tile-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
		.mom-ws-name { font-size: 18px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
		.mom-state { font-size: 14px; color: #fff; border-radius: 4px; padding: 2px 8px; white-space: nowrap;
			background: var(--state-color, #6b7280); }
		.mom-period { font-size: 13px; color: var(--text-muted); margin: 4px 0 6px; }
		.mom-tile-body { display: flex; gap: 12px; align-items: center; }
		.mom-ring { width: 112px; height: 112px; flex: none; }
		.mom-ring-caption { font-size: 13px; fill: var(--text-muted); }
		.mom-ring-figure { font-size: 20px; font-weight: 700; fill: var(--text-color); }
		.mom-tile-info { flex: 1; min-width: 0; }
		.mom-job { font-size: 13px; margin-bottom: 6px; min-height: 38px; overflow-wrap: anywhere; }
		.mom-tile .progress { height: 8px; margin-bottom: 6px; }
		.mom-ratios { font-size: 13px; color: var(--text-muted); line-height: 1.5; }
		.mom-ratios div { display: flex; justify-content: space-between; gap: 8px; }
		.mom-ratios b { font-weight: 600; color: var(--text-color); }
		.mom-andon { margin-top: 8px; padding: 4px 8px; border-radius: 4px; background: #fee2e2; color: #991b1b;
			font-weight: 600; font-size: 14px; }
		.mom-alarm { margin-top: 8px; padding: 4px 8px; border-radius: 4px; background: #ffedd5; color: #9a3412;
			font-weight: 600; font-size: 14px; overflow-wrap: anywhere; }
		.mom-tile.mom-in-alarm { box-shadow: 0 0 0 3px #f97316; }
		.mom-detail h5 { margin-top: 18px; }
		.mom-detail a { color: var(--primary, #2490ef); }
		.mom-detail a:hover { text-decoration: underline; }
		.mom-detail-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 8px; }
		.mom-detail-period { font-size: 15px; font-weight: 600; color: var(--text-color); margin: 0; }
		.mom-as-of { font-size: 13px; color: var(--text-muted); margin-right: auto; }
		.mom-detail-oee { display: flex; flex-wrap: wrap; gap: 16px; font-size: 15px; }
		.mom-detail-links, .mom-detail-andon { display: flex; flex-wrap: wrap; gap: 8px 16px; margin-top: 10px; }
		.mom-detail-andon a { color: #991b1b; font-weight: 600; }
		.mom-timeline { position: relative; height: 28px; border-radius: 4px; overflow: hidden; background: #f3f4f6; }
		.mom-timeline-part { position: absolute; top: 0; height: 100%; }
		.mom-ticks { position: relative; height: 18px; font-size: 11px; color: var(--text-muted); }
		.mom-tick { position: absolute; white-space: nowrap; }
		.mom-legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
		.mom-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
		.mom-detail-cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 24px; }
		.mom-bar-row { display: grid; grid-template-columns: minmax(90px, 9em) 1fr auto; gap: 8px; align-items: center;
			margin-bottom: 6px; font-size: 13px; }
		.mom-bar-label { overflow-wrap: anywhere; }
		.mom-bar-track { background: #f3f4f6; height: 14px; border-radius: 3px; }
		.mom-bar { height: 100%; border-radius: 3px; min-width: 3px; }
		.mom-bar-loss .mom-bar { background: #dc2626; }
		.mom-bar-reason .mom-bar { background: #d97706; }
		.mom-bar-value { white-space: nowrap; color: var(--text-muted); }
		.mom-stops, .mom-jobs { font-size: 13px; }
	`;
}

function esc(value) {
	return mom.boards.esc(value);
}

function pct(value) {
	return mom.boards.pct(value);
}

function fmt_qty(value) {
	return mom.boards.qty(value);
}

function state_color(key) {
	return mom.boards.STATE_COLORS[key];
}

function link(href, text, kind) {
	return `<a href="${esc(href)}" data-link="${esc(kind)}">${esc(text)}</a>`;
}

function form_url(doctype, name) {
	return `/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}`;
}

function list_url(doctype, filters) {
	return `/app/${frappe.router.slug(doctype)}?${$.param(filters)}`;
}

function css_escape(value) {
	return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
}

function fmt_min(value) {
	return Number(value || 0).toFixed(1);
}

function fmt_time(value) {
	return value ? frappe.datetime.str_to_user(value) : "";
}
