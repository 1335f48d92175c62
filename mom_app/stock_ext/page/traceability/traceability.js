// Traceability: scan or type a batch / serial number, see where it came from (left) and where it went
// (right) as a layered SVG graph, with the materials, machines, operators, inspections and customers.
// Everything lives in this closure: the page script may be evaluated again in the same session.

(() => {
	frappe.pages["traceability"].on_page_load = function (wrapper) {
		const page = frappe.ui.make_app_page({
			parent: wrapper,
			title: __("Traceability"),
			single_column: true,
		});
		wrapper.traceability = new MomTraceability(page);
	};

	frappe.pages["traceability"].on_page_show = function (wrapper) {
		const lot = frappe.route_options && frappe.route_options.lot;
		if (lot && wrapper.traceability) {
			frappe.route_options = null;
			wrapper.traceability.lot.set_value(lot);
			wrapper.traceability.trace(lot);
		} else if (wrapper.traceability) {
			wrapper.traceability.focus();
		}
	};

	const MOM_TRACE_COLORS = {
		Batch: "#2490ef",
		"Serial No": "#7c5cff",
		"Purchase Receipt": "#f59f00",
		Supplier: "#e8590c",
		"Delivery Note": "#0ca678",
		Customer: "#2b8a3e",
	};
	const MOM_TRACE_OTHER = "#868e96";
	const MOM_TRACE_STYLE = `
	.mom-trace-summary { margin: 8px 0; color: var(--text-muted); }
	.mom-trace-summary .mom-trace-lot { color: var(--text-color); font-weight: 600; }
	.mom-trace-legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 8px; font-size: var(--text-sm); }
	.mom-trace-legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
		margin-right: 4px; vertical-align: -1px; }
	.mom-trace-graph { overflow: auto; border: 1px solid var(--border-color); border-radius: var(--border-radius);
		background: var(--card-bg); min-height: 120px; }
	.mom-trace-graph svg { display: block; }
	.mom-trace-node { cursor: pointer; }
	.mom-trace-node rect.box { stroke-width: 1.5; }
	.mom-trace-node:hover rect.box { stroke-width: 3; }
	.mom-trace-node.redacted { cursor: not-allowed; }
	.mom-trace-node text { font-size: 12px; fill: var(--text-color); pointer-events: none; }
	.mom-trace-node text.kind { font-size: 10px; fill: var(--text-muted); }
	.mom-trace-toggle { cursor: pointer; }
	.mom-trace-toggle circle { fill: var(--card-bg); stroke: var(--gray-500); }
	.mom-trace-toggle text { font-size: 12px; font-weight: 700; fill: var(--gray-700); }
	.mom-trace-edge { fill: none; stroke: var(--gray-400); stroke-width: 1.4; }
	.mom-trace-edge-label { font-size: 10px; fill: var(--text-muted); }
	.mom-trace-level { font-size: 11px; fill: var(--text-muted); }
	.mom-trace-tables h5 { margin: 20px 0 6px; }
	.mom-trace-tables .count { color: var(--text-muted); font-weight: normal; }
	.mom-trace-tables table { font-size: var(--text-sm); }
	.mom-trace-empty { padding: 40px; text-align: center; color: var(--text-muted); }
	@media print {
		.page-head, .navbar, .mom-trace-toggle { display: none !important; }
		.mom-trace-graph { overflow: visible; border: none; }
	}
	`;

	class MomTraceability {
		constructor(page) {
			this.page = page;
			this.data = null;
			this.collapsed = new Set();
			frappe.dom.set_style(MOM_TRACE_STYLE, "mom-traceability");
			this.make_fields();
			this.$body = $(`<div class="mom-trace">
				<div class="mom-trace-summary"></div>
				<div class="mom-trace-legend"></div>
				<div class="mom-trace-graph"><div class="mom-trace-empty">${__(
					"Scan or type a batch or serial number and press Enter."
				)}</div></div>
				<div class="mom-trace-tables"></div>
			</div>`).appendTo(page.main);
		}

		make_fields() {
			this.lot = this.page.add_field({
				fieldname: "lot",
				fieldtype: "Data",
				label: __("Batch or Serial No"),
				placeholder: __("Scan or type a batch or serial number"),
			});
			this.direction = this.page.add_field({
				fieldname: "direction",
				fieldtype: "Select",
				label: __("Direction"),
				options: [
					{ value: "both", label: __("Both", null, "Trace direction") },
					{ value: "backward", label: __("Backward", null, "Trace direction") },
					{ value: "forward", label: __("Forward", null, "Trace direction") },
				],
				default: "both",
				change: () => this.retrace(),
			});
			this.max_depth = this.page.add_field({
				fieldname: "max_depth",
				fieldtype: "Int",
				label: __("Max Depth"),
				default: 20,
				change: () => this.retrace(),
			});
			// a scanner types the code and presses Enter
			this.lot.$input.on("keydown", (e) => {
				if (e.key === "Enter") {
					e.preventDefault();
					this.trace(this.lot.$input.val());
				}
			});
			this.page.set_primary_action(__("Trace"), () => this.trace(this.lot.$input.val()), "search");
			this.page.add_inner_button(__("Export Excel"), () => this.download("export_excel"));
			this.page.add_inner_button(__("Print"), () => this.download("print_pdf"));
			setTimeout(() => this.focus(), 300);
		}

		focus() {
			this.lot && this.lot.$input && this.lot.$input.trigger("focus");
		}

		args(lot) {
			return {
				lot: (lot || "").trim(),
				direction: this.direction.get_value() || "both",
				max_depth: cint(this.max_depth.get_value()) || 20,
			};
		}

		retrace() {
			if (this.data) this.trace(this.data.lot.name);
		}

		trace(lot) {
			const args = this.args(lot);
			if (!args.lot) {
				frappe.show_alert({
					message: __("Scan or type a batch or serial number"),
					indicator: "orange",
				});
				return;
			}
			return frappe
				.call({
					method: "mom_app.stock_ext.api.trace",
					args: args,
					freeze: true,
					// the freeze message is HTML: the scanned text goes in escaped
					freeze_message: __("Tracing {0}", [frappe.utils.escape_html(args.lot)]),
				})
				.then((r) => {
					this.data = r.message;
					this.collapsed = new Set();
					if (this.data.nodes.length > 80) {
						// a big genealogy opens folded at the third level; expand nodes to go further
						this.data.nodes
							.filter((n) => Math.abs(n.depth) === 3)
							.forEach((n) => this.collapsed.add(n.id));
					}
					this.render();
					this.lot.$input.trigger("select");
				});
		}

		download(method) {
			if (!this.data) {
				frappe.show_alert({
					message: __("Trace a batch or serial number first"),
					indicator: "orange",
				});
				return;
			}
			const args = this.args(this.data.lot.name);
			window.open(`/api/method/mom_app.stock_ext.api.${method}?${$.param(args)}`);
		}

		render() {
			const d = this.data;
			const count = (doctype) => d.nodes.filter((n) => n.doctype === doctype).length;
			const lots = d.nodes.filter((n) => n.is_lot).length - 1;
			let summary = `<span class="mom-trace-lot">${__(d.lot.doctype)} ${frappe.utils.escape_html(
				d.lot.name
			)}</span> &middot; ${__("{0} related lots, {1} suppliers, {2} deliveries, {3} customers", [
				lots,
				count("Supplier"),
				count("Delivery Note"),
				count("Customer"),
			])}`;
			if (Object.values(d.truncated).some(Boolean)) {
				summary += ` &middot; <span class="text-warning">${__(
					"More levels exist beyond the maximum depth."
				)}</span>`;
			}
			this.$body.find(".mom-trace-summary").html(summary);
			this.render_legend();
			this.render_graph();
			this.render_tables();
		}

		color(node) {
			return node.redacted ? MOM_TRACE_OTHER : MOM_TRACE_COLORS[node.doctype] || MOM_TRACE_OTHER;
		}

		render_legend() {
			const types = [...new Set(this.data.nodes.map((n) => n.doctype))];
			const html = types
				.map(
					(t) =>
						`<span><span class="swatch" style="background:${
							MOM_TRACE_COLORS[t] || MOM_TRACE_OTHER
						}"></span>${frappe.utils.escape_html(__(t))}</span>`
				)
				.join("");
			const redacted = this.data.nodes.some((n) => n.redacted)
				? `<span><span class="swatch" style="background:#e9ecef;border:1px dashed ${MOM_TRACE_OTHER}"></span>${__(
						"Not permitted"
				  )}</span>`
				: "";
			this.$body.find(".mom-trace-legend").html(html + redacted);
		}

		// nodes reachable from the start without passing beyond a collapsed node
		visible() {
			const d = this.data;
			const out = {}; // id -> [neighbour ids further from the start]
			d.edges.forEach((e) => {
				const [near, far] = e.side === "backward" ? [e.target, e.source] : [e.source, e.target];
				(out[near] = out[near] || []).push(far);
			});
			this.outward = out;
			const start = d.nodes.find((n) => n.side === "start");
			const seen = new Set([start.id]);
			const queue = [start.id];
			while (queue.length) {
				const id = queue.shift();
				if (this.collapsed.has(id)) continue;
				(out[id] || []).forEach((next) => {
					if (!seen.has(next)) {
						seen.add(next);
						queue.push(next);
					}
				});
			}
			return seen;
		}

		render_graph() {
			const d = this.data;
			const shown = this.visible();
			const nodes = d.nodes.filter((n) => shown.has(n.id));
			const by_id = Object.fromEntries(nodes.map((n) => [n.id, n]));
			const edges = d.edges.filter((e) => by_id[e.source] && by_id[e.target]);
			const W = 180,
				H = 46,
				GAP_X = 70,
				GAP_Y = 16,
				PAD = 30,
				TOP = 28;

			// columns by depth, ordered by the mean row of their neighbours nearer the start
			const depths = [...new Set(nodes.map((n) => n.depth))].sort((a, b) => a - b);
			const columns = Object.fromEntries(depths.map((dp) => [dp, []]));
			nodes.forEach((n) => columns[n.depth].push(n));
			const row = {};
			const order = [0, ...depths.filter((x) => x > 0), ...depths.filter((x) => x < 0).reverse()];
			const inner = {}; // id -> neighbour ids nearer the start
			edges.forEach((e) => {
				const [near, far] = e.side === "backward" ? [e.target, e.source] : [e.source, e.target];
				(inner[far] = inner[far] || []).push(near);
			});
			order.forEach((dp) => {
				const col = columns[dp] || [];
				const key = (n) => {
					const rows = (inner[n.id] || []).map((id) => row[id]).filter((r) => r !== undefined);
					return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
				};
				col.sort((a, b) => key(a) - key(b));
				col.forEach((n, i) => (row[n.id] = i));
			});
			const tallest = Math.max(...Object.values(columns).map((c) => c.length));
			const height = TOP + PAD + tallest * (H + GAP_Y);
			const pos = {};
			depths.forEach((dp, ci) => {
				const col = columns[dp];
				const offset = ((tallest - col.length) * (H + GAP_Y)) / 2;
				col.forEach((n, i) => {
					pos[n.id] = { x: PAD + ci * (W + GAP_X), y: TOP + offset + i * (H + GAP_Y) };
				});
			});
			const width = PAD * 2 + depths.length * W + (depths.length - 1) * GAP_X;
			const esc = frappe.utils.escape_html;
			const clip = (s, n) => (s && s.length > n ? s.slice(0, n - 1) + "…" : s || "");
			const qty = (q) => (q === null || q === undefined ? "" : String(Math.round(q * 1000) / 1000));

			let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
			depths.forEach((dp, ci) => {
				const label =
					dp === 0 ? __("Start") : dp < 0 ? __("Backward {0}", [-dp]) : __("Forward {0}", [dp]);
				svg += `<text class="mom-trace-level" x="${
					PAD + ci * (W + GAP_X) + W / 2
				}" y="16" text-anchor="middle">${esc(label)}</text>`;
			});
			edges.forEach((e) => {
				const a = pos[e.source],
					b = pos[e.target];
				const x1 = a.x + W,
					y1 = a.y + H / 2,
					x2 = b.x,
					y2 = b.y + H / 2;
				const mx = (x1 + x2) / 2;
				svg += `<path class="mom-trace-edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}"/>`;
				if (e.qty !== null && e.qty !== undefined) {
					svg += `<text class="mom-trace-edge-label" x="${mx}" y="${
						(y1 + y2) / 2 - 3
					}" text-anchor="middle">${esc(qty(e.qty))}</text>`;
				}
			});
			nodes.forEach((n) => {
				const p = pos[n.id];
				const color = this.color(n);
				const fill = n.redacted ? "#e9ecef" : color + "22";
				const dash = n.redacted ? ' stroke-dasharray="4 3"' : "";
				const title = n.redacted
					? __("{0}: you are not permitted to see this document", [__(n.doctype)])
					: `${__(n.doctype)} ${n.name}${n.item_name ? " · " + n.item_name : ""}${
							n.qty !== null && n.qty !== undefined ? " · " + qty(n.qty) : ""
					  }`;
				const second = n.redacted ? "" : n.item_code || "";
				svg += `<g class="mom-trace-node${n.redacted ? " redacted" : ""}" data-id="${esc(
					n.id
				)}" data-doctype="${esc(n.doctype)}" data-name="${esc(n.name)}" transform="translate(${p.x},${
					p.y
				})">
					<title>${esc(title)}</title>
					<rect class="box" width="${W}" height="${H}" rx="6" fill="${fill}" stroke="${color}"${dash}/>
					<rect width="5" height="${H}" rx="2" fill="${color}"/>
					<text class="kind" x="12" y="15">${esc(clip(__(n.doctype), 26))}${n.side === "start" ? " ★" : ""}</text>
					<text x="12" y="30">${esc(clip(n.name, 26))}</text>
					<text class="kind" x="12" y="42">${esc(clip(second, 30))}</text>
				</g>`;
				const further = (this.outward[n.id] || []).length;
				if (further && n.side !== "start") {
					const tx = n.side === "backward" ? p.x - 10 : p.x + W + 10;
					const sign = this.collapsed.has(n.id) ? "+" : "−";
					svg += `<g class="mom-trace-toggle" data-id="${esc(n.id)}" transform="translate(${tx},${
						p.y + H / 2
					})">
						<title>${esc(
							this.collapsed.has(n.id)
								? __("Expand: show {0} more", [further])
								: __("Collapse further levels")
						)}</title>
						<circle r="8"/><text text-anchor="middle" y="4">${sign}</text></g>`;
				}
			});
			svg += "</svg>";
			const $graph = this.$body.find(".mom-trace-graph").html(svg);
			// the traced lot in the middle of the view: its origins to the left, its uses to the right
			const start = nodes.find((n) => n.side === "start");
			if (start && pos[start.id]) {
				$graph.scrollLeft(Math.max(0, pos[start.id].x + W / 2 - $graph.width() / 2));
			}
			$graph.find(".mom-trace-node").on("click", (e) => {
				const node = by_id[$(e.currentTarget).attr("data-id")];
				if (!node) return;
				if (node.redacted) {
					frappe.show_alert({
						message: __("You are not permitted to open this {0}", [__(node.doctype)]),
						indicator: "orange",
					});
					return;
				}
				frappe.set_route("Form", node.doctype, node.name);
			});
			$graph.find(".mom-trace-toggle").on("click", (e) => {
				const id = $(e.currentTarget).attr("data-id");
				this.collapsed.has(id) ? this.collapsed.delete(id) : this.collapsed.add(id);
				this.render_graph();
			});
		}

		render_tables() {
			const d = this.data;
			const side = { backward: __("Backward", null, "Trace direction"), forward: __("Forward", null, "Trace direction"), start: __("Start") };
			const link = (doctype, value) =>
				value && value !== "•••"
					? `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(
							value
					  )}">${frappe.utils.escape_html(value)}</a>`
					: frappe.utils.escape_html(value || "");
			const text = (v) => frappe.utils.escape_html(v === null || v === undefined ? "" : String(v));
			const when = (v) => (v ? frappe.datetime.str_to_user(v) : "");
			const num = (v) => (v === null || v === undefined ? "" : String(Math.round(v * 1000) / 1000));
			const tables = [
				{
					key: "materials",
					title: __("Materials"),
					columns: [
						[__("Direction"), (r) => text(side[r.side])],
						[__("Depth"), (r) => text(r.depth)],
						[__("Lot"), (r) => `${text(__(r.doctype))} ${link(r.doctype, r.name)}`],
						[__("Item Code"), (r) => link("Item", r.item_code)],
						[__("Item Name"), (r) => text(r.item_name)],
						[__("Qty"), (r) => num(r.qty)],
						[__("Purchase Receipt"), (r) => link("Purchase Receipt", r.purchase_receipt)],
						[__("Supplier Batch No"), (r) => text(r.supplier_batch_no)],
					],
				},
				{
					key: "machines",
					title: __("Machines"),
					columns: [
						[__("Workstation"), (r) => link("Workstation", r.workstation)],
						[__("Operation"), (r) => text(r.operation)],
						[__("Job Card"), (r) => link("Job Card", r.job_card)],
						[__("Work Order"), (r) => link("Work Order", r.work_order)],
						[__("Lots Produced"), (r) => text(r.lots)],
						[__("From Time"), (r) => when(r.from_time)],
						[__("To Time"), (r) => when(r.to_time)],
						[__("Completed Qty"), (r) => num(r.completed_qty)],
					],
				},
				{
					key: "operators",
					title: __("Operators"),
					columns: [
						[__("Employee"), (r) => link("Employee", r.employee)],
						[__("Employee Name"), (r) => text(r.employee_name)],
						[__("Operation"), (r) => text(r.operation)],
						[__("Workstation"), (r) => link("Workstation", r.workstation)],
						[__("Job Card"), (r) => link("Job Card", r.job_card)],
						[__("From Time"), (r) => when(r.from_time)],
						[__("To Time"), (r) => when(r.to_time)],
						[__("Completed Qty"), (r) => num(r.completed_qty)],
					],
				},
				{
					key: "inspections",
					title: __("Inspections"),
					columns: [
						[__("Quality Inspection"), (r) => link("Quality Inspection", r.quality_inspection)],
						[__("Inspection Type"), (r) => text(r.inspection_type && __(r.inspection_type))],
						[
							__("Reference"),
							(r) =>
								r.reference_type
									? `${text(__(r.reference_type))} ${link(
											r.reference_type,
											r.reference_name
									  )}`
									: "",
						],
						[__("Item Code"), (r) => link("Item", r.item_code)],
						[__("Batch No"), (r) => link("Batch", r.batch_no)],
						[__("Status"), (r) => text(r.status && __(r.status))],
						[
							__("Report Date"),
							(r) => text(r.report_date && frappe.datetime.str_to_user(r.report_date)),
						],
					],
				},
				{
					key: "customers",
					title: __("Customers"),
					columns: [
						[__("Customer"), (r) => link("Customer", r.customer)],
						[__("Customer Name"), (r) => text(r.customer_name)],
						[__("Delivery Note"), (r) => link("Delivery Note", r.delivery_note)],
						[__("Posting Datetime"), (r) => when(r.posting_datetime)],
						[__("Lots"), (r) => text(r.lots)],
						[__("Qty"), (r) => num(r.qty)],
					],
				},
				{
					key: "process_parameters",
					title: __("Process Parameters"),
					columns: [
						[__("Workstation"), (r) => link("Workstation", r.workstation)],
						[__("Job Card"), (r) => link("Job Card", r.job_card)],
						[__("IoT Device"), (r) => link("IoT Device", r.device)],
						[__("Tag"), (r) => text(r.tag)],
						[__("Minimum"), (r) => num(r.minimum)],
						[__("Maximum"), (r) => num(r.maximum)],
						[__("Mean"), (r) => num(r.mean)],
						[__("Unit"), (r) => text(r.unit)],
						[__("Samples"), (r) => text(r.samples)],
					],
				},
			];
			const html = tables
				.map((t) => {
					const rows = d[t.key] || [];
					const head = t.columns.map((c) => `<th>${c[0]}</th>`).join("");
					const body = rows.length
						? rows
								.map(
									(r) => `<tr>${t.columns.map((c) => `<td>${c[1](r)}</td>`).join("")}</tr>`
								)
								.join("")
						: `<tr><td colspan="${t.columns.length}" class="text-muted">${__("None")}</td></tr>`;
					return `<div class="mom-trace-table" data-table="${t.key}">
						<h5>${t.title} <span class="count">(${rows.length})</span></h5>
						<div class="table-responsive"><table class="table table-bordered table-sm">
						<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div></div>`;
				})
				.join("");
			this.$body.find(".mom-trace-tables").html(html);
		}
	}
})();
