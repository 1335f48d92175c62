// SPC control chart: a Quality Characteristic's points with centre line, control limits, ±1σ/±2σ zones,
// rule violations marked, the R / S / MR chart below and the capability indices. Drawn as SVG.
// Everything lives in this closure: the page script may be evaluated again in the same session.

(() => {
	frappe.pages["spc-chart"].on_page_load = function (wrapper) {
		const page = frappe.ui.make_app_page({ parent: wrapper, title: __("SPC Control Chart"), single_column: true });
		wrapper.spc = new MomSpcChart(page);
	};
	frappe.pages["spc-chart"].on_page_show = function (wrapper) {
		const name = frappe.get_route()[1];
		if (name && wrapper.spc && wrapper.spc.shown !== name) {
			wrapper.spc.load(name);
		}
	};

	const STYLE = `
	.mom-spc-summary { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 16px; align-items: baseline; }
	.mom-spc-summary .ttl { font-weight: 600; font-size: var(--text-lg); }
	.mom-spc-chart { border: 1px solid var(--border-color); border-radius: var(--border-radius); background: var(--card-bg);
		margin-bottom: 12px; overflow-x: auto; }
	.mom-spc-chart svg { display: block; }
	.mom-spc-chart text { font-size: 11px; fill: var(--text-muted); }
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
			page.set_primary_action(__("Refresh"), () => this.load(this.shown), "refresh");
			this.$body = $(`<div class="mom-spc"></div>`).appendTo(page.main);
			this.$body.html(`<div class="mom-spc-empty">${__("Choose a quality characteristic.")}</div>`);
		}

		load(name) {
			name = name || this.field.get_value();
			if (!name) return;
			this.shown = name;
			if (this.field.get_value() !== name) this.field.set_value(name);
			if (frappe.get_route()[1] !== name) frappe.set_route("spc-chart", name);
			frappe
				.call({ method: "mom_app.quality.api.spc_chart", args: { characteristic: name }, freeze: true })
				.then((r) => this.render(r.message));
		}

		render(data) {
			this.data = data;
			const $b = this.$body.empty();
			const chart = data.chart;
			$(`<div class="mom-spc-summary">
				<span class="ttl">${frappe.utils.escape_html(data.title || data.name)}</span>
				<span>${__("Chart")}: ${esc(data.chart_type)}</span>
				<span>${__("Phase")}: ${data.phase === "II" ? __("II (frozen limits)") : __("I (limits from data)")}</span>
				<span>${__("Points")}: ${chart ? chart.n_points : 0}</span>
			</div>`).appendTo($b);
			if (data.open_holds.length) {
				const links = data.open_holds
					.map((h) => `<a href="/app/quality-hold/${encodeURIComponent(h.name)}">${esc(h.name)}</a>`)
					.join(", ");
				$(`<div class="alert alert-danger">${__("Open quality hold")}: ${links}</div>`).appendTo($b);
			}
			if (!chart) {
				$(`<div class="mom-spc-empty">${__("Not enough points to draw the chart yet.")}</div>`).appendTo($b);
				return;
			}
			const marks = this.violation_marks(data.violations);
			const primary = this.draw({
				points: chart.points,
				limits: chart.limits,
				zones: chart.zones,
				marks,
				title: this.primary_title(data.chart_type),
				labels: data.labels,
			});
			$(`<div class="mom-spc-chart" data-chart="primary"></div>`).append(primary).appendTo($b);
			if (chart.secondary_points) {
				const out = {};
				(chart.secondary_out_of_limits || []).forEach((i) => (out[i] = [__("beyond limits")]));
				const secondary = this.draw({
					points: chart.secondary_points,
					limits: chart.secondary_limits,
					zones: null,
					marks: out,
					title: chart.secondary_name || __("Range"),
					labels: data.labels,
					height: 180,
				});
				$(`<div class="mom-spc-chart" data-chart="secondary"></div>`).append(secondary).appendTo($b);
			}
			this.render_violations($b, data, marks);
			this.render_capability($b, data);
		}

		primary_title(type) {
			return { "Xbar-R": "X̄", "Xbar-S": "X̄", "I-MR": __("Individuals"), p: "p", np: "np", c: "c", u: "u" }[type] || type;
		}

		violation_marks(violations) {
			const marks = {};
			Object.entries(violations || {}).forEach(([rule, idx]) =>
				idx.forEach((i) => (marks[i] = (marks[i] || []).concat(rule)))
			);
			return marks;
		}

		draw({ points, limits, zones, marks, title, labels, height = 300 }) {
			const n = points.length;
			const W = Math.max(720, Math.min(n * 14 + 120, 4000));
			const H = height;
			const pad = { l: 70, r: 60, t: 24, b: 34 };
			const at = (v, i) => (Array.isArray(v) ? v[i] : v);
			let values = points.filter((v) => v !== null && isFinite(v));
			for (let i = 0; i < n; i++) {
				values.push(at(limits.ucl, i), at(limits.lcl, i));
			}
			let lo = Math.min(...values),
				hi = Math.max(...values);
			if (hi === lo) {
				hi += 1;
				lo -= 1;
			}
			const span = hi - lo;
			const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(span)) + 2));
			const fmt = (v) => (v === null || v === undefined || !isFinite(v) ? "—" : Number(v).toFixed(digits));
			lo -= span * 0.08;
			hi += span * 0.08;
			const x = (i) => pad.l + (n <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (n - 1));
			const y = (v) => pad.t + ((hi - v) * (H - pad.t - pad.b)) / (hi - lo);
			const svg = [];
			svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img">`);
			svg.push(`<text x="8" y="16" style="font-weight:600">${frappe.utils.escape_html(title)}</text>`);
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
					for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${x(i)},${y(at(zones.lower_2sigma, i))}`;
					for (let i = n - 1; i >= 0; i--) d += `L${x(i)},${y(at(limits.lcl, i))}`;
					svg.push(`<path d="${d}Z" fill="#ffe8cc" opacity="0.7"/>`);
				}
			}
			const hline = (fn, colour, dash, label) => {
				svg.push(`<path d="${line_path(fn)}" stroke="${colour}" stroke-width="1.5" fill="none" ${dash ? `stroke-dasharray="${dash}"` : ""}/>`);
				const v = fn(n - 1);
				svg.push(`<text x="${W - pad.r + 4}" y="${y(v) + 4}" style="fill:${colour}">${label}</text>`);
				svg.push(`<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
			};
			hline((i) => at(limits.ucl, i), "#e03131", "6,4", "UCL");
			hline((i) => at(limits.lcl, i), "#e03131", "6,4", "LCL");
			hline(() => limits.center, "#2f9e44", null, "CL");
			// the points
			svg.push(`<path d="${line_path((i) => points[i])}" stroke="#1c7ed6" stroke-width="1.5" fill="none"/>`);
			for (let i = 0; i < n; i++) {
				const bad = marks[i];
				const tip = `${labels[i] || i + 1}: ${fmt(points[i])}${bad ? " — " + bad.join(", ") : ""}`;
				svg.push(
					`<circle class="${bad ? "mom-spc-violation" : "mom-spc-point"}" cx="${x(i)}" cy="${y(points[i])}" r="${bad ? 5 : 3}" fill="${bad ? "#e03131" : "#1c7ed6"}"><title>${frappe.utils.escape_html(tip)}</title></circle>`
				);
				if (bad) svg.push(`<text x="${x(i)}" y="${y(points[i]) - 8}" text-anchor="middle" style="fill:#e03131">${esc(bad.join(","))}</text>`);
			}
			const step = Math.max(1, Math.ceil(n / 12));
			for (let i = 0; i < n; i += step) {
				svg.push(`<text x="${x(i)}" y="${H - 10}" text-anchor="middle">${frappe.utils.escape_html(String(labels[i] || i + 1))}</text>`);
			}
			svg.push("</svg>");
			return svg.join("");
		}

		render_violations($b, data, marks) {
			const items = Object.entries(data.violations || {});
			const $v = $(`<div class="mom-spc-violations"><h5>${__("Rule violations")}</h5></div>`).appendTo($b);
			if (!items.length) {
				$v.append(`<p class="text-muted">${__("No violations of the selected rules.")}</p>`);
				return;
			}
			const $ul = $("<ul></ul>").appendTo($v);
			items.forEach(([rule, idx]) => {
				const info = data.rules[rule] || {};
				const where = idx.slice(-10).map((i) => data.labels[i] || i + 1).join(", ");
				$ul.append(
					`<li><b>${esc(rule)}</b> ${frappe.utils.escape_html(info.description || "")}: ${__("{0} point(s)", [idx.length])} (${frappe.utils.escape_html(where)})${info.open_hold ? ` <span class="indicator-pill red">${__("opens a hold")}</span>` : ""}</li>`
				);
			});
		}

		render_capability($b, data) {
			const cap = data.capability;
			const $c = $(`<div><h5>${__("Process capability")}</h5></div>`).appendTo($b);
			if (!cap) {
				$c.append(`<p class="text-muted">${frappe.utils.escape_html(data.capability_error || __("No specification limits, or an attribute chart: no capability indices."))}</p>`);
				return;
			}
			const $grid = $(`<div class="mom-spc-cap"></div>`).appendTo($c);
			[["Cp", cap.cp], ["Cpk", cap.cpk], ["Pp", cap.pp], ["Ppk", cap.ppk], [__("Mean"), cap.mean], [__("σ within"), cap.sigma_within], [__("σ overall"), cap.sigma_overall]].forEach(([label, v]) => {
				const index = ["Cp", "Cpk", "Pp", "Ppk"].includes(label);
				const cls = index && v !== null && v !== undefined ? (v >= 1.33 ? "ok" : v < 1 ? "bad" : "") : "";
				$grid.append(`<div class="cell ${cls}" data-index="${esc(label)}"><div class="v">${v === null || v === undefined ? "—" : format(v)}</div><div>${esc(label)}</div></div>`);
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
})();
