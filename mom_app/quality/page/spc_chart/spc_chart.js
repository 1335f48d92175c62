// SPC control chart: a Quality Characteristic's points with centre line, control limits, ±1σ/±2σ zones,
// rule violations marked, the R / S / MR chart below and the capability indices. Drawn as SVG.
// The chart is as wide as the page and draws the whole range of the data: every point, and a y axis whose
// ticks cover every point (also those beyond the control limits). Violations are coloured by rule with a
// legend; at any density the point under the pointer is named in a tooltip, and rule labels are written
// beside points only where they do not overlap.
// Everything lives in this closure: the page script may be evaluated again in the same session.

(() => {
	frappe.pages["spc-chart"].on_page_load = function (wrapper) {
		const page = frappe.ui.make_app_page({
			parent: wrapper,
			title: __("SPC Control Chart"),
			single_column: true,
		});
		wrapper.spc = new MomSpcChart(page);
	};
	frappe.pages["spc-chart"].on_page_show = function (wrapper) {
		const name = frappe.get_route()[1];
		if (name && wrapper.spc && wrapper.spc.shown !== name) {
			wrapper.spc.load(name);
		}
	};

	// one colour per rule found in the data (in rule order); normal points are blue
	const PALETTE = ["#e03131", "#f08c00", "#9c36b5", "#0c8599", "#d6336c", "#5c940d", "#343a40", "#b08900"];
	const POINT = "#1c7ed6";
	const BEYOND = "beyond";
	const DENSE = 120; // from this many points on, normal points are drawn as the line only

	const STYLE = `
	.mom-spc-summary { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 16px; align-items: baseline; }
	.mom-spc-summary .ttl { font-weight: 600; font-size: var(--text-lg); }
	.mom-spc-legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 4px 0 8px; font-size: var(--text-sm); }
	.mom-spc-legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
		margin-right: 4px; vertical-align: 0; }
	.mom-spc-chart { position: relative; border: 1px solid var(--border-color); border-radius: var(--border-radius);
		background: var(--card-bg); margin-bottom: 12px; overflow-x: auto; }
	.mom-spc-chart svg { display: block; }
	.mom-spc-chart text { font-size: 11px; fill: var(--text-muted); }
	.mom-spc-chart text.mom-spc-rule-label { font-size: 10px; font-weight: 600; }
	.mom-spc-chart .mom-spc-plot { fill: none; stroke: var(--gray-400); }
	.mom-spc-chart .mom-spc-grid { stroke: var(--gray-200); }
	.mom-spc-chart .mom-spc-cursor { stroke: var(--gray-500); stroke-dasharray: 3 3; }
	.mom-spc-tip { position: absolute; pointer-events: none; z-index: 2; background: var(--card-bg);
		border: 1px solid var(--border-color); border-radius: var(--border-radius); box-shadow: var(--shadow-sm);
		padding: 6px 8px; font-size: var(--text-sm); max-width: 360px; display: none; }
	.mom-spc-cap { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 8px; margin: 8px 0 16px; }
	.mom-spc-cap .cell { border: 1px solid var(--border-color); border-radius: var(--border-radius); padding: 8px; text-align: center; }
	.mom-spc-cap .cell .v { font-size: var(--text-xl); font-weight: 600; }
	.mom-spc-cap .cell.bad .v { color: var(--red-600); } .mom-spc-cap .cell.ok .v { color: var(--green-600); }
	.mom-spc-violations li { margin: 2px 0; }
	.mom-spc-empty { padding: 32px; text-align: center; color: var(--text-muted); }
	`;

	class MomSpcChart {
		constructor(page) {
			this.page = page;
			$(`<style>${STYLE}</style>`).appendTo(page.main);
			this.field = page.add_field({
				fieldname: "characteristic",
				label: __("Quality Characteristic"),
				fieldtype: "Link",
				options: "Quality Characteristic",
				change: () => {
					const value = this.field.get_value();
					if (value && value !== this.shown) this.load(value);
				},
			});
			// the characteristic's title ("item · parameter · chart") is longer than a default page field
			$(this.field.wrapper).removeClass("col-md-2").addClass("col-md-5 mom-spc-selector");
			page.set_primary_action(__("Refresh"), () => this.load(this.shown), "refresh");
			this.$body = $(`<div class="mom-spc"></div>`).appendTo(page.main);
			this.$body.html(`<div class="mom-spc-empty">${__("Choose a quality characteristic.")}</div>`);
			// the chart is as wide as the page: drawn again when the window's width changes
			$(window)
				.off("resize.mom-spc")
				.on(
					"resize.mom-spc",
					frappe.utils.debounce(() => {
						if (
							this.data &&
							this.$body.is(":visible") &&
							this.$body.width() !== this.drawn_width
						) {
							this.render(this.data);
						}
					}, 250)
				);
		}

		load(name) {
			name = name || this.field.get_value();
			if (!name) return;
			this.shown = name;
			if (this.field.get_value() !== name) this.field.set_value(name);
			if (frappe.get_route()[1] !== name) frappe.set_route("spc-chart", name);
			frappe
				.call({
					method: "mom_app.quality.api.spc_chart",
					args: { characteristic: name },
					freeze: true,
				})
				.then((r) => this.render(r.message));
		}

		render(data) {
			this.data = data;
			const $b = this.$body.empty();
			this.drawn_width = $b.width();
			const chart = data.chart;
			$(`<div class="mom-spc-summary">
				<span class="ttl">${esc(data.title || data.name)}</span>
				<span>${__("Chart")}: ${esc(data.chart_type)}</span>
				<span>${__("Phase")}: ${data.phase === "II" ? __("II (frozen limits)") : __("I (limits from data)")}</span>
				<span>${__("Points")}: ${chart ? chart.n_points : 0}</span>
			</div>`).appendTo($b);
			if (data.open_holds.length) {
				const links = data.open_holds
					.map(
						(h) => `<a href="/app/quality-hold/${encodeURIComponent(h.name)}">${esc(h.name)}</a>`
					)
					.join(", ");
				$(`<div class="alert alert-danger">${__("Open quality hold")}: ${links}</div>`).appendTo($b);
			}
			if (!chart) {
				$(
					`<div class="mom-spc-empty">${__("Not enough points to draw the chart yet.")}</div>`
				).appendTo($b);
				return;
			}
			const rules = Object.keys(data.violations || {}).filter((r) => (data.violations[r] || []).length);
			rules.sort();
			this.colors = Object.fromEntries(rules.map((r, i) => [r, PALETTE[i % PALETTE.length]]));
			this.colors[BEYOND] = PALETTE[0];
			this.describe = (rule) =>
				rule === BEYOND
					? __("beyond limits")
					: trim_stop((data.rules[rule] || {}).description || rule);
			const marks = this.violation_marks(data.violations, rules);
			this.render_legend($b, data, rules);
			const width = Math.max($b.width() - 2, 340);
			const $primary = $(`<div class="mom-spc-chart" data-chart="primary"></div>`).appendTo($b);
			this.draw($primary, {
				points: chart.points,
				limits: chart.limits,
				zones: chart.zones,
				marks,
				title: this.primary_title(data.chart_type),
				labels: data.labels,
				width,
			});
			if (chart.secondary_points) {
				const out = {};
				(chart.secondary_out_of_limits || []).forEach((i) => (out[i] = [BEYOND]));
				const $secondary = $(`<div class="mom-spc-chart" data-chart="secondary"></div>`).appendTo($b);
				this.draw($secondary, {
					points: chart.secondary_points,
					limits: chart.secondary_limits,
					zones: null,
					marks: out,
					title: chart.secondary_name || __("Range"),
					labels: data.labels,
					width,
					height: 180,
				});
			}
			this.render_violations($b, data, rules);
			this.render_capability($b, data);
		}

		primary_title(type) {
			return (
				{ "Xbar-R": "X̄", "Xbar-S": "X̄", "I-MR": __("Individuals"), p: "p", np: "np", c: "c", u: "u" }[
					type
				] || type
			);
		}

		// point index -> the rules it violates, in rule order
		violation_marks(violations, rules) {
			const marks = {};
			rules.forEach((rule) =>
				(violations[rule] || []).forEach((i) => (marks[i] = (marks[i] || []).concat(rule)))
			);
			return marks;
		}

		label(labels, i) {
			const text = labels[i];
			if (text === undefined || text === null || text === "") return String(i + 1);
			return /^\d{4}-\d{2}-\d{2}$/.test(text) ? frappe.datetime.str_to_user(text) : String(text);
		}

		render_legend($b, data, rules) {
			const items = [
				`<span><span class="swatch" style="background:${POINT}"></span>${__(
					"Within the rules"
				)}</span>`,
			];
			rules.forEach((rule) => {
				const count = data.violations[rule].length;
				items.push(
					`<span class="mom-spc-legend-rule" data-rule="${esc(rule)}" title="${esc(
						this.describe(rule)
					)}">` +
						`<span class="swatch" style="background:${this.colors[rule]}"></span><b>${esc(
							rule
						)}</b> ` +
						`${esc(this.describe(rule))} · ${esc(__("{0} point(s)", [count]))}</span>`
				);
			});
			$(`<div class="mom-spc-legend">${items.join("")}</div>`).appendTo($b);
		}

		draw($box, { points, limits, zones, marks, title, labels, width, height = 300 }) {
			const n = points.length;
			const W = width;
			const H = height;
			// on a narrow screen the limit lines are named without their values (the tooltip has them)
			const compact = W < 640;
			const pad = { l: 64, r: compact ? 44 : 104, t: 26, b: 40 };
			const plot = { x: pad.l, y: pad.t, w: W - pad.l - pad.r, h: H - pad.t - pad.b };
			const at = (v, i) => (Array.isArray(v) ? v[i] : v);
			const finite = (v) => v !== null && v !== undefined && isFinite(v);
			// the y range covers every point and limit; its ticks are round numbers
			const values = points.filter(finite).map(Number);
			for (let i = 0; i < n; i++) values.push(at(limits.ucl, i), at(limits.lcl, i), limits.center);
			let lo = Math.min(...values.filter(finite)),
				hi = Math.max(...values.filter(finite));
			if (!(hi > lo)) {
				hi = (hi || 0) + 1;
				lo = (lo || 0) - 1;
			}
			const step = nice_step((hi - lo) / 5);
			const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step)) + 1));
			const fmt = (v) => (finite(v) ? Number(v).toFixed(digits) : "—");
			// values (points, limits) with a digit more than the data's spread needs
			const value_digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(hi - lo)) + 3));
			const vfmt = (v) => (finite(v) ? Number(v).toFixed(value_digits) : "—");
			// the data keeps INSET px from the plot's frame, so no point (or its dot) touches or leaves it
			const INSET = 10;
			const x = (i) =>
				plot.x + INSET + (n <= 1 ? (plot.w - 2 * INSET) / 2 : (i * (plot.w - 2 * INSET)) / (n - 1));
			const y = (v) => plot.y + INSET + ((hi - v) * (plot.h - 2 * INSET)) / (hi - lo);
			const svg = [];
			svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img">`);
			svg.push(`<text x="8" y="16" style="font-weight:600">${esc(title)}</text>`);
			// y axis: grid lines and tick labels
			for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
				const yy = y(v).toFixed(1);
				svg.push(
					`<line class="mom-spc-grid" x1="${plot.x}" x2="${
						plot.x + plot.w
					}" y1="${yy}" y2="${yy}"/>`
				);
				svg.push(
					`<text class="mom-spc-tick" x="${plot.x - 6}" y="${
						Number(yy) + 4
					}" text-anchor="end">${fmt(v)}</text>`
				);
			}
			const line_path = (fn) => {
				let d = "";
				for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${x(i).toFixed(1)},${y(fn(i)).toFixed(1)}`;
				return d;
			};
			// zones: ±1σ green, 1–2σ yellow, 2–3σ orange
			if (zones && zones.upper_1sigma !== undefined) {
				const bands = [
					["upper_2sigma", "ucl_band", "#ffe8cc"],
					["upper_1sigma", "upper_2sigma", "#fff3bf"],
					["lower_1sigma", "upper_1sigma", "#ebfbee"],
					["lower_2sigma", "lower_1sigma", "#fff3bf"],
				];
				const get = (key, i) => (key === "ucl_band" ? at(limits.ucl, i) : at(zones[key], i));
				bands.forEach(([from, to, colour]) => {
					if (zones[from] === undefined) return;
					let d = "";
					for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${x(i)},${y(get(to, i))}`;
					for (let i = n - 1; i >= 0; i--) d += `L${x(i)},${y(get(from, i))}`;
					svg.push(`<path d="${d}Z" fill="${colour}" opacity="0.7"/>`);
				});
				if (zones.lower_2sigma !== undefined) {
					let d = "";
					for (let i = 0; i < n; i++)
						d += `${i ? "L" : "M"}${x(i)},${y(at(zones.lower_2sigma, i))}`;
					for (let i = n - 1; i >= 0; i--) d += `L${x(i)},${y(at(limits.lcl, i))}`;
					svg.push(`<path d="${d}Z" fill="#ffe8cc" opacity="0.7"/>`);
				}
			}
			svg.push(
				`<rect class="mom-spc-plot" x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}"/>`
			);
			// limit lines, their names and values at the right, pushed apart where they would overlap
			const tags = [];
			const hline = (fn, colour, dash, name) => {
				svg.push(
					`<path d="${line_path(fn)}" stroke="${colour}" stroke-width="1.5" fill="none" ${
						dash ? `stroke-dasharray="${dash}"` : ""
					}/>`
				);
				tags.push({ y: y(fn(n - 1)), colour, text: compact ? name : `${name} ${vfmt(fn(n - 1))}` });
			};
			hline((i) => at(limits.ucl, i), "#e03131", "6,4", "UCL");
			hline(() => limits.center, "#2f9e44", null, "CL");
			hline((i) => at(limits.lcl, i), "#e03131", "6,4", "LCL");
			spread(tags, 13, plot.y + 4, plot.y + plot.h + 4).forEach((t) =>
				svg.push(
					`<text class="mom-spc-limit" x="${plot.x + plot.w + 6}" y="${(t.y + 4).toFixed(
						1
					)}" style="fill:${t.colour}">${esc(t.text)}</text>`
				)
			);
			// the points: the line, a dot per point (violations always, coloured by their first rule)
			svg.push(
				`<path d="${line_path((i) => points[i])}" stroke="${POINT}" stroke-width="1.5" fill="none"/>`
			);
			const dense = n >= DENSE;
			const placed = [];
			for (let i = 0; i < n; i++) {
				if (!finite(points[i])) continue;
				const bad = marks[i];
				if (!bad && dense) continue;
				const tip = `${this.label(labels, i)}: ${vfmt(points[i])}${
					bad ? " — " + bad.join(", ") : ""
				}`;
				const colour = bad ? this.colors[bad[0]] : POINT;
				svg.push(
					`<circle class="${bad ? "mom-spc-violation" : "mom-spc-point"}" data-i="${i}" cx="${x(
						i
					).toFixed(1)}" cy="${y(points[i]).toFixed(1)}" r="${
						bad ? (dense ? 3 : 4.5) : 2.5
					}" fill="${colour}"><title>${esc(tip)}</title></circle>`
				);
			}
			// rule labels beside violations where they fit without touching another label, a marked point or
			// the plot's edge; on a dense chart none (the colours, the legend and the tooltip say it)
			for (let i = 0; i < n && !dense; i++) {
				if (marks[i] && finite(points[i])) {
					const cx = x(i),
						cy = y(points[i]);
					placed.push({ x1: cx - 5, x2: cx + 5, y1: cy - 5, y2: cy + 5 });
				}
			}
			for (let i = 0; i < n && !dense; i++) {
				const bad = marks[i];
				if (!bad || !finite(points[i])) continue;
				const text = bad.map((r) => (r === BEYOND ? __("beyond limits") : r)).join(",");
				const w = text.length * 6.2 + 4;
				const cx = x(i);
				for (const dy of [-9, 16]) {
					const box = {
						x1: cx - w / 2,
						x2: cx + w / 2,
						y1: y(points[i]) + dy - 10,
						y2: y(points[i]) + dy + 2,
					};
					const inside =
						box.x1 >= plot.x &&
						box.x2 <= plot.x + plot.w &&
						box.y1 >= plot.y &&
						box.y2 <= plot.y + plot.h;
					if (inside && !placed.some((p) => overlaps(p, box))) {
						placed.push(box);
						svg.push(
							`<text class="mom-spc-rule-label" x="${cx.toFixed(1)}" y="${(box.y2 - 2).toFixed(
								1
							)}" text-anchor="middle" style="fill:${this.colors[bad[0]]}">${esc(text)}</text>`
						);
						break;
					}
				}
			}
			// x axis: first and last point always, evenly spaced labels between them that do not touch
			const slots = Math.max(2, Math.min(n, Math.floor(plot.w / 110) + 1));
			const ticks =
				n <= 1
					? [0]
					: [
							...new Set(
								Array.from({ length: slots }, (_, j) =>
									Math.round((j * (n - 1)) / (slots - 1))
								)
							),
					  ];
			ticks.forEach((i, j) => {
				const anchor =
					ticks.length > 1 && j === 0
						? "start"
						: ticks.length > 1 && j === ticks.length - 1
						? "end"
						: "middle";
				svg.push(
					`<line class="mom-spc-grid" x1="${x(i)}" x2="${x(i)}" y1="${plot.y + plot.h}" y2="${
						plot.y + plot.h + 4
					}"/>`
				);
				svg.push(
					`<text class="mom-spc-xlabel" x="${x(i)}" y="${H - 12}" text-anchor="${anchor}">${esc(
						this.label(labels, i)
					)}</text>`
				);
			});
			svg.push(
				`<line class="mom-spc-cursor" x1="0" x2="0" y1="${plot.y}" y2="${
					plot.y + plot.h
				}" style="display:none"/>`
			);
			svg.push("</svg>");
			$box.html(svg.join("") + `<div class="mom-spc-tip"></div>`);
			this.hover($box, { n, x, plot, points, marks, labels, fmt: vfmt });
		}

		// the point nearest the pointer, named with its label, value and the rules it violates
		hover($box, { n, x, plot, points, marks, labels, fmt }) {
			const $svg = $box.find("svg");
			const $tip = $box.find(".mom-spc-tip");
			const $cursor = $box.find(".mom-spc-cursor");
			$svg.on("mousemove", (e) => {
				const rect = $svg[0].getBoundingClientRect();
				const mx = e.clientX - rect.left;
				if (mx < plot.x - 8 || mx > plot.x + plot.w + 8 || !n) {
					$tip.hide();
					$cursor.hide();
					return;
				}
				// x is linear in the index: the nearest point from the first and last point's positions
				const span = x(n - 1) - x(0);
				const i =
					span > 0 ? Math.max(0, Math.min(n - 1, Math.round(((mx - x(0)) * (n - 1)) / span))) : 0;
				const bad = marks[i] || [];
				const rules = bad
					.map(
						(r) =>
							`<div><span style="color:${this.colors[r]}">●</span> <b>${esc(
								r === BEYOND ? "" : r
							)}</b> ${esc(this.describe(r))}</div>`
					)
					.join("");
				$tip.html(`<div><b>${esc(this.label(labels, i))}</b>: ${esc(fmt(points[i]))}</div>${rules}`);
				$cursor.attr({ x1: x(i), x2: x(i) }).show();
				const left = x(i) - $box.scrollLeft() + 12;
				const flip = left + 240 > $box.width();
				$tip.css({
					top: 30,
					left: flip ? "auto" : left,
					right: flip ? $box.width() - left + 24 : "auto",
				}).show();
			});
			$svg.on("mouseleave", () => {
				$tip.hide();
				$cursor.hide();
			});
		}

		render_violations($b, data, rules) {
			const $v = $(`<div class="mom-spc-violations"><h5>${__("Rule violations")}</h5></div>`).appendTo(
				$b
			);
			if (!rules.length) {
				$v.append(`<p class="text-muted">${__("No violations of the selected rules.")}</p>`);
				return;
			}
			const $ul = $("<ul></ul>").appendTo($v);
			rules.forEach((rule) => {
				const idx = data.violations[rule];
				const info = data.rules[rule] || {};
				const latest = idx
					.slice(-5)
					.map((i) => this.label(data.labels, i))
					.join(__(", ", null, "List separator"));
				const text = __("{0}: {1}", [
					this.describe(rule),
					__("{0} point(s), the latest {1}", [idx.length, latest]),
				]);
				$ul.append(
					`<li data-rule="${esc(rule)}"><span style="color:${this.colors[rule]}">●</span> <b>${esc(
						rule
					)}</b> ${esc(text)}${
						info.open_hold ? ` <span class="indicator-pill red">${__("opens a hold")}</span>` : ""
					}</li>`
				);
			});
		}

		render_capability($b, data) {
			const cap = data.capability;
			const $c = $(`<div><h5>${__("Process capability")}</h5></div>`).appendTo($b);
			if (!cap) {
				$c.append(
					`<p class="text-muted">${esc(
						data.capability_error ||
							__("No specification limits, or an attribute chart: no capability indices.")
					)}</p>`
				);
				return;
			}
			const $grid = $(`<div class="mom-spc-cap"></div>`).appendTo($c);
			[
				["Cp", cap.cp],
				["Cpk", cap.cpk],
				["Pp", cap.pp],
				["Ppk", cap.ppk],
				[__("Mean"), cap.mean],
				[__("σ within"), cap.sigma_within],
				[__("σ overall"), cap.sigma_overall],
			].forEach(([label, v]) => {
				const index = ["Cp", "Cpk", "Pp", "Ppk"].includes(label);
				const cls =
					index && v !== null && v !== undefined ? (v >= 1.33 ? "ok" : v < 1 ? "bad" : "") : "";
				$grid.append(
					`<div class="cell ${cls}" data-index="${esc(label)}"><div class="v">${
						v === null || v === undefined ? "—" : format(v)
					}</div><div>${esc(label)}</div></div>`
				);
			});
		}
	}

	// every value from the server goes into the page's HTML escaped
	function esc(value) {
		return frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
	}

	function format(v) {
		if (v === null || v === undefined || !isFinite(v)) return "—";
		const a = Math.abs(v);
		return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(2) : v.toFixed(4);
	}

	// a rule's sentence without its full stop, to be followed by a count
	function trim_stop(text) {
		return String(text || "").replace(/[.。]\s*$/, "");
	}

	// 1, 2, 2.5 or 5 times a power of ten, at least `raw`
	function nice_step(raw) {
		if (!(raw > 0) || !isFinite(raw)) return 1;
		const power = Math.pow(10, Math.floor(Math.log10(raw)));
		const f = raw / power;
		return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
	}

	// labels at y positions kept at least `gap` apart, within [top, bottom]
	function spread(items, gap, top, bottom) {
		const sorted = items.slice().sort((a, b) => a.y - b.y);
		for (let i = 0; i < sorted.length; i++) {
			sorted[i].y = Math.max(sorted[i].y, top + gap / 2, i ? sorted[i - 1].y + gap : -Infinity);
		}
		for (let i = sorted.length - 1; i >= 0; i--) {
			sorted[i].y = Math.min(
				sorted[i].y,
				bottom - gap / 2,
				i < sorted.length - 1 ? sorted[i + 1].y - gap : Infinity
			);
		}
		return sorted;
	}

	function overlaps(a, b) {
		return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
	}
})();
