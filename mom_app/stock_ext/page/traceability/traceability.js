// Traceability: scan or type a batch / serial number, see where it came from (left) and where it went
// (right) as a layered SVG graph, with the materials, machines, operators, inspections and customers.
// A recall can reach thousands of lots: the graph draws at most MOM_TRACE_COLUMN_LIMIT nodes a column with a
// "N more" box that shows more, the tables show MOM_TRACE_PAGE_SIZE rows a page, and the Find box filters
// the tables and draws the lots it finds (with their way back to the traced lot) wherever they are.
// The graph pans by dragging it (or its scroll bars, or a finger) and zooms with its buttons or Ctrl + wheel;
// a shadow at an edge says there is more of it that way.
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
	const MOM_TRACE_COLUMN_LIMIT = 12; // nodes drawn a column before the "N more" box
	const MOM_TRACE_MORE_STEP = 50; // how many more a click on that box draws
	const MOM_TRACE_PAGE_SIZE = 50; // table rows a page
	const MOM_TRACE_ZOOMS = [0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2]; // the zoom buttons' steps
	const MOM_TRACE_STYLE = `
	.mom-trace-summary { margin: 8px 0; color: var(--text-muted); }
	.mom-trace-summary .mom-trace-lot { color: var(--text-color); font-weight: 600; }
	.mom-trace-legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 8px; font-size: var(--text-sm); }
	.mom-trace-legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
		margin-right: 4px; vertical-align: -1px; }
	.mom-trace-graph-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0 0 6px;
		font-size: var(--text-sm); color: var(--text-muted); }
	.mom-trace-graph-tools .mom-trace-zoom-level { min-width: 44px; text-align: center; }
	.mom-trace-graph-wrap { position: relative; }
	.mom-trace-graph-wrap::before, .mom-trace-graph-wrap::after { content: ""; position: absolute; top: 1px;
		bottom: 1px; width: 18px; pointer-events: none; opacity: 0; transition: opacity 0.15s; z-index: 1; }
	.mom-trace-graph-wrap::before { left: 1px; background: linear-gradient(to right, rgba(0, 0, 0, 0.12), transparent); }
	.mom-trace-graph-wrap::after { right: 1px; background: linear-gradient(to left, rgba(0, 0, 0, 0.12), transparent); }
	.mom-trace-graph-wrap.more-left::before, .mom-trace-graph-wrap.more-right::after { opacity: 1; }
	.mom-trace-graph { overflow: auto; border: 1px solid var(--border-color); border-radius: var(--border-radius);
		background: var(--card-bg); min-height: 120px; max-height: 75vh; cursor: grab; }
	.mom-trace-graph.panning { cursor: grabbing; user-select: none; }
	.mom-trace-graph svg { display: block; }
	.mom-trace-node { cursor: pointer; }
	.mom-trace-node rect.box { stroke-width: 1.5; }
	.mom-trace-node:hover rect.box { stroke-width: 3; }
	.mom-trace-node.redacted { cursor: not-allowed; }
	.mom-trace-node text { font-size: 12px; fill: var(--text-color); pointer-events: none; }
	.mom-trace-node text.kind { font-size: 10px; fill: var(--text-muted); }
	.mom-trace-node.found rect.box { stroke: #f59f00; stroke-width: 3; }
	.mom-trace-more { cursor: pointer; }
	.mom-trace-more rect { fill: var(--subtle-fg); stroke: var(--gray-500); stroke-dasharray: 4 3; }
	.mom-trace-more:hover rect { stroke-width: 2; }
	.mom-trace-more text { font-size: 12px; fill: var(--text-color); pointer-events: none; }
	.mom-trace-more text.kind { font-size: 10px; fill: var(--text-muted); }
	.mom-trace-toggle { cursor: pointer; }
	.mom-trace-toggle circle { fill: var(--card-bg); stroke: var(--gray-500); }
	.mom-trace-toggle text { font-size: 12px; font-weight: 700; fill: var(--gray-700); }
	.mom-trace-edge { fill: none; stroke: var(--gray-400); stroke-width: 1.4; }
	.mom-trace-edge-label { font-size: 10px; fill: var(--text-muted); }
	.mom-trace-level { font-size: 11px; fill: var(--text-muted); }
	.mom-trace-tables h5 { margin: 20px 0 6px; }
	.mom-trace-tables .count { color: var(--text-muted); font-weight: normal; }
	.mom-trace-tables table { font-size: var(--text-sm); }
	.mom-trace-pager { display: flex; align-items: center; gap: 8px; margin: -8px 0 8px;
		font-size: var(--text-sm); color: var(--text-muted); }
	.mom-trace-empty { padding: 40px; text-align: center; color: var(--text-muted); }
	@media print {
		.page-head, .navbar, .mom-trace-toggle { display: none !important; }
		.mom-trace-graph { overflow: visible; border: none; max-height: none; }
	}
	`;

	// a Quality Inspection's type in the reader's words: "In Process" is 制程检验, not "in progress"
	function inspection_type(value) {
		const types = {
			Incoming: __("Incoming", null, "Quality Inspection"),
			Outgoing: __("Outgoing", null, "Quality Inspection"),
			"In Process": __("In Process", null, "Quality Inspection"),
		};
		return value ? types[value] || __(value) : "";
	}

	class MomTraceability {
		constructor(page) {
			this.page = page;
			this.data = null;
			this.collapsed = new Set();
			this.column_limit = {}; // depth -> nodes drawn in that column
			this.table_page = {}; // table key -> page shown
			this.query = "";
			this.zoom = 1;
			frappe.dom.set_style(MOM_TRACE_STYLE, "mom-traceability");
			this.make_fields();
			this.$body = $(`<div class="mom-trace">
				<div class="mom-trace-summary"></div>
				<div class="mom-trace-legend"></div>
				<div class="mom-trace-graph-tools" style="display: none">
					<button class="btn btn-xs btn-default mom-trace-zoom-out" title="${__("Zoom Out")}">−</button>
					<span class="mom-trace-zoom-level">100%</span>
					<button class="btn btn-xs btn-default mom-trace-zoom-in" title="${__("Zoom In")}">+</button>
					<button class="btn btn-xs btn-default mom-trace-zoom-fit">${__("Fit to Window")}</button>
					<button class="btn btn-xs btn-default mom-trace-zoom-reset">${__("Actual Size")}</button>
					<span class="mom-trace-pan-hint">${__("Drag the graph to move it; Ctrl + wheel zooms.")}</span>
				</div>
				<div class="mom-trace-graph-wrap"><div class="mom-trace-graph"><div class="mom-trace-empty">${__(
					"Scan or type a batch or serial number and press Enter."
				)}</div></div></div>
				<div class="mom-trace-tables"></div>
			</div>`).appendTo(page.main);
			this.make_pan_zoom();
		}

		// drag to pan (the mouse; fingers scroll the box natively), Ctrl + wheel and the buttons to zoom
		make_pan_zoom() {
			const $graph = this.$body.find(".mom-trace-graph");
			const $tools = this.$body.find(".mom-trace-graph-tools");
			$tools.find(".mom-trace-zoom-in").on("click", () => this.set_zoom(this.next_zoom(1)));
			$tools.find(".mom-trace-zoom-out").on("click", () => this.set_zoom(this.next_zoom(-1)));
			$tools.find(".mom-trace-zoom-reset").on("click", () => this.set_zoom(1));
			$tools.find(".mom-trace-zoom-fit").on("click", () => this.set_zoom(this.fit_zoom()));
			$graph.on("scroll", () => this.show_edges());
			$(window).on(
				"resize",
				frappe.utils.debounce(() => this.show_edges(), 200)
			);
			let drag = null;
			$graph.on("mousedown", (e) => {
				if (e.button !== 0 || $(e.target).closest(".mom-trace-toggle, .mom-trace-empty").length)
					return;
				drag = {
					x: e.clientX,
					y: e.clientY,
					left: $graph.scrollLeft(),
					top: $graph.scrollTop(),
					moved: false,
				};
			});
			$(document).off(".mom-trace");
			$(document).on("mousemove.mom-trace", (e) => {
				if (!drag) return;
				const dx = e.clientX - drag.x,
					dy = e.clientY - drag.y;
				if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
				drag.moved = true;
				$graph.addClass("panning");
				$graph.scrollLeft(drag.left - dx);
				$graph.scrollTop(drag.top - dy);
				e.preventDefault();
			});
			$(document).on("mouseup.mom-trace", () => {
				if (drag && drag.moved) this.dragged_at = Date.now(); // the click that ends a drag opens nothing
				drag = null;
				$graph.removeClass("panning");
			});
			$graph[0].addEventListener(
				"wheel",
				(e) => {
					if (!(e.ctrlKey || e.metaKey) || !this.data) return;
					e.preventDefault();
					const rect = $graph[0].getBoundingClientRect();
					const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
					this.set_zoom(this.zoom * factor, { x: e.clientX - rect.left, y: e.clientY - rect.top });
				},
				{ passive: false }
			);
		}

		next_zoom(direction) {
			const steps = direction > 0 ? MOM_TRACE_ZOOMS : MOM_TRACE_ZOOMS.slice().reverse();
			const next = steps.find((z) => (direction > 0 ? z > this.zoom + 0.001 : z < this.zoom - 0.001));
			return next || this.zoom;
		}

		fit_zoom() {
			const $graph = this.$body.find(".mom-trace-graph");
			if (!this.graph_size) return 1;
			const zoom = Math.min(
				($graph[0].clientWidth - 2) / this.graph_size.width,
				($graph[0].clientHeight - 2) / this.graph_size.height,
				1
			);
			return zoom;
		}

		// zoom the drawn graph, keeping the point under `at` (px in the box; default its middle) in place
		set_zoom(zoom, at) {
			zoom = Math.max(
				MOM_TRACE_ZOOMS[0] / 2,
				Math.min(MOM_TRACE_ZOOMS[MOM_TRACE_ZOOMS.length - 1], zoom)
			);
			const $graph = this.$body.find(".mom-trace-graph");
			const $svg = $graph.find("svg");
			if (!$svg.length || !this.graph_size) return;
			at = at || { x: $graph[0].clientWidth / 2, y: $graph[0].clientHeight / 2 };
			const gx = ($graph.scrollLeft() + at.x) / this.zoom,
				gy = ($graph.scrollTop() + at.y) / this.zoom;
			this.zoom = zoom;
			$svg.attr({ width: this.graph_size.width * zoom, height: this.graph_size.height * zoom });
			$graph.scrollLeft(gx * zoom - at.x);
			$graph.scrollTop(gy * zoom - at.y);
			this.$body.find(".mom-trace-zoom-level").text(`${Math.round(zoom * 100)}%`);
			this.show_edges();
		}

		// a shadow at the left or right edge while more of the graph lies that way
		show_edges() {
			const graph = this.$body.find(".mom-trace-graph")[0];
			const $wrap = this.$body.find(".mom-trace-graph-wrap");
			if (!graph) return;
			const room = graph.scrollWidth - graph.clientWidth;
			$wrap.toggleClass("more-left", room > 1 && graph.scrollLeft > 1);
			$wrap.toggleClass("more-right", room > 1 && graph.scrollLeft < room - 1);
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
			this.find = this.page.add_field({
				fieldname: "find",
				fieldtype: "Data",
				label: __("Find in Trace"),
				placeholder: __("Lot, item, document or customer"),
			});
			this.find.$input.on(
				"input",
				frappe.utils.debounce(() => this.set_query(this.find.$input.val()), 250)
			);
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
					this.column_limit = {};
					this.table_page = {};
					this.index_graph();
					if (this.data.nodes.length > 80) {
						// a big genealogy opens folded at the third level; expand nodes to go further
						this.data.nodes
							.filter((n) => Math.abs(n.depth) === 3)
							.forEach((n) => this.collapsed.add(n.id));
					}
					this.set_query(this.find.$input.val(), false);
					this.render();
					this.lot.$input.trigger("select");
				});
		}

		// id -> node, and the neighbours of each node further from / nearer to the start
		index_graph() {
			const d = this.data;
			this.by_id = Object.fromEntries(d.nodes.map((n) => [n.id, n]));
			this.outward = {};
			this.inward = {};
			d.edges.forEach((e) => {
				const [near, far] = e.side === "backward" ? [e.target, e.source] : [e.source, e.target];
				(this.outward[near] = this.outward[near] || []).push(far);
				(this.inward[far] = this.inward[far] || []).push(near);
			});
			this.start_id = (d.nodes.find((n) => n.side === "start") || {}).id;
		}

		// the Find box: filters the tables, and the graph draws what it finds with its way to the start
		set_query(text, render = true) {
			this.query_text = (text || "").trim();
			this.query = this.query_text.toLowerCase();
			this.found = new Set();
			this.pinned = new Set();
			if (this.data && this.query) {
				this.data.nodes.forEach((n) => {
					if (n.side === "start" || n.redacted) return;
					const hay = [n.name, n.item_code, n.item_name].filter(Boolean).join(" ").toLowerCase();
					if (hay.includes(this.query) && this.found.size < MOM_TRACE_PAGE_SIZE) {
						this.found.add(n.id);
					}
				});
				// each found node is drawn with one way back to the traced lot, opened where folded
				this.found.forEach((id) => {
					let at = id;
					const seen = new Set();
					while (at && at !== this.start_id && !seen.has(at)) {
						seen.add(at);
						this.pinned.add(at);
						at = (this.inward[at] || [])[0];
						if (at) this.collapsed.delete(at);
					}
				});
			}
			this.table_page = {};
			if (render && this.data) {
				this.render_graph();
				this.render_tables();
			}
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
			// why a node shows "•••": the kinds of document the user's roles may not read
			const hidden = [...new Set(this.data.nodes.filter((n) => n.redacted).map((n) => n.doctype))];
			const redacted = hidden.length
				? `<span class="mom-trace-legend-hidden"><span class="swatch" style="background:#e9ecef;border:1px dashed ${MOM_TRACE_OTHER}"></span>${frappe.utils.escape_html(
						__("Hidden (•••): your roles may not read {0}", [
							hidden.map((t) => __(t)).join(__(", ", null, "List separator")),
						])
				  )}</span>`
				: "";
			this.$body.find(".mom-trace-legend").html(html + redacted);
		}

		// nodes reachable from the start without passing beyond a collapsed node
		visible() {
			const out = this.outward;
			const seen = new Set([this.start_id]);
			const queue = [this.start_id];
			for (let i = 0; i < queue.length; i++) {
				const id = queue[i];
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

		// `scroll`: bring the traced lot (or the first lot Find found) into the middle of the view
		render_graph(scroll = true) {
			const d = this.data;
			const shown = this.visible();
			const reachable = d.nodes.filter((n) => shown.has(n.id));
			const W = 180,
				H = 46,
				GAP_X = 70,
				GAP_Y = 16,
				PAD = 30,
				TOP = 28;

			// columns by depth, ordered by the mean row of their neighbours nearer the start; a column draws
			// its first column_limit nodes (and whatever Find pinned), the rest is one "N more" box
			const depths = [...new Set(reachable.map((n) => n.depth))].sort((a, b) => a - b);
			const columns = Object.fromEntries(depths.map((dp) => [dp, []]));
			reachable.forEach((n) => columns[n.depth].push(n));
			const row = {};
			const hidden = {}; // depth -> nodes not drawn
			const order = [0, ...depths.filter((x) => x > 0), ...depths.filter((x) => x < 0).reverse()];
			const inner = this.inward;
			order.forEach((dp) => {
				const all = columns[dp] || [];
				const key = {};
				all.forEach((n) => {
					const rows = (inner[n.id] || []).map((id) => row[id]).filter((r) => r !== undefined);
					key[n.id] = rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 1e9;
				});
				all.sort((a, b) => key[a.id] - key[b.id]);
				const limit = this.column_limit[dp] || MOM_TRACE_COLUMN_LIMIT;
				let col = all;
				if (all.length > limit) {
					const pinned = all.filter((n) => this.pinned && this.pinned.has(n.id));
					const room = Math.max(limit - pinned.length, 0);
					const pinned_ids = new Set(pinned.map((n) => n.id));
					col = all.filter((n) => !pinned_ids.has(n.id)).slice(0, room);
					col = col.concat(pinned).sort((a, b) => key[a.id] - key[b.id]);
					hidden[dp] = all.length - col.length;
				}
				columns[dp] = col;
				col.forEach((n, i) => (row[n.id] = i));
			});
			const nodes = depths.flatMap((dp) => columns[dp]);
			const by_id = Object.fromEntries(nodes.map((n) => [n.id, n]));
			const edges = d.edges.filter((e) => by_id[e.source] && by_id[e.target]);
			const tallest = Math.max(...depths.map((dp) => columns[dp].length + (hidden[dp] ? 1 : 0)));
			const height = TOP + PAD + tallest * (H + GAP_Y);
			const pos = {};
			const more = []; // the "N more" boxes: {depth, count, x, y}
			depths.forEach((dp, ci) => {
				const col = columns[dp];
				const slots = col.length + (hidden[dp] ? 1 : 0);
				const offset = ((tallest - slots) * (H + GAP_Y)) / 2;
				col.forEach((n, i) => {
					pos[n.id] = { x: PAD + ci * (W + GAP_X), y: TOP + offset + i * (H + GAP_Y) };
				});
				if (hidden[dp]) {
					more.push({
						depth: dp,
						count: hidden[dp],
						x: PAD + ci * (W + GAP_X),
						y: TOP + offset + col.length * (H + GAP_Y),
					});
				}
			});
			const width = PAD * 2 + depths.length * W + (depths.length - 1) * GAP_X;
			const esc = frappe.utils.escape_html;
			const clip = (s, n) => (s && s.length > n ? s.slice(0, n - 1) + "…" : s || "");
			const qty = (q) => (q === null || q === undefined ? "" : String(Math.round(q * 1000) / 1000));

			this.graph_size = { width, height };
			const zoom = this.zoom;
			let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * zoom}" height="${
				height * zoom
			}" viewBox="0 0 ${width} ${height}">`;
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
				const found = this.found && this.found.has(n.id) ? " found" : "";
				svg += `<g class="mom-trace-node${n.redacted ? " redacted" : ""}${found}" data-id="${esc(
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
			more.forEach((m) => {
				svg += `<g class="mom-trace-more" data-depth="${m.depth}" transform="translate(${m.x},${
					m.y
				})">
					<title>${esc(__("Show up to {0} more in this column", [MOM_TRACE_MORE_STEP]))}</title>
					<rect width="${W}" height="${H}" rx="6"/>
					<text x="12" y="20">${esc(__("{0} more", [format_number(m.count, null, 0)]))}</text>
					<text class="kind" x="12" y="36">${esc(__("Find or the tables list them all"))}</text>
				</g>`;
			});
			svg += "</svg>";
			const $graph = this.$body.find(".mom-trace-graph").html(svg);
			// the traced lot in the middle of the view: its origins to the left, its uses to the right; after
			// Find, the first lot found
			const first_found = nodes.find((n) => this.found && this.found.has(n.id));
			const focus = first_found || nodes.find((n) => n.side === "start");
			if (scroll && focus && pos[focus.id]) {
				$graph.scrollLeft(Math.max(0, (pos[focus.id].x + W / 2) * zoom - $graph.width() / 2));
				$graph.scrollTop(Math.max(0, (pos[focus.id].y + H / 2) * zoom - $graph.height() / 2));
			}
			this.$body.find(".mom-trace-graph-tools").show();
			this.$body.find(".mom-trace-zoom-level").text(`${Math.round(zoom * 100)}%`);
			this.show_edges();
			const dragged = () => this.dragged_at && Date.now() - this.dragged_at < 300;
			$graph.find(".mom-trace-node").on("click", (e) => {
				const node = by_id[$(e.currentTarget).attr("data-id")];
				if (!node || dragged()) return;
				if (node.redacted) {
					frappe.show_alert({
						message: __("You are not permitted to open this {0}", [__(node.doctype)]),
						indicator: "orange",
					});
					return;
				}
				frappe.set_route("Form", node.doctype, node.name);
			});
			$graph.find(".mom-trace-more").on("click", (e) => {
				if (dragged()) return;
				const depth = cint($(e.currentTarget).attr("data-depth"));
				this.column_limit[depth] =
					(this.column_limit[depth] || MOM_TRACE_COLUMN_LIMIT) + MOM_TRACE_MORE_STEP;
				this.render_graph(false);
			});
			$graph.find(".mom-trace-toggle").on("click", (e) => {
				const id = $(e.currentTarget).attr("data-id");
				this.collapsed.has(id) ? this.collapsed.delete(id) : this.collapsed.add(id);
				this.render_graph(false);
			});
		}

		render_tables() {
			const d = this.data;
			const side = {
				backward: __("Backward", null, "Trace direction"),
				forward: __("Forward", null, "Trace direction"),
				start: __("Start"),
			};
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
						[__("Inspection Type"), (r) => text(inspection_type(r.inspection_type))],
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
						[__("Status"), (r) => text(r.status && __(r.status, null, "Inspection verdict"))],
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
			this.tables = tables;
			const html = tables
				.map((t) => `<div class="mom-trace-table" data-table="${t.key}"></div>`)
				.join("");
			this.$body.find(".mom-trace-tables").html(html);
			tables.forEach((t) => this.render_table(t));
		}

		// the rows of a table the Find box lets through
		table_rows(key) {
			const rows = this.data[key] || [];
			if (!this.query) return rows;
			this.haystacks = this.haystacks || new WeakMap();
			return rows.filter((r) => {
				let hay = this.haystacks.get(r);
				if (hay === undefined) {
					hay = Object.values(r)
						.filter((v) => v !== null && v !== undefined && typeof v !== "object")
						.join(" ")
						.toLowerCase();
					this.haystacks.set(r, hay);
				}
				return hay.includes(this.query);
			});
		}

		// one table: a page of its rows, and a pager when there are more
		render_table(t) {
			const all = this.data[t.key] || [];
			const rows = this.table_rows(t.key);
			const pages = Math.max(1, Math.ceil(rows.length / MOM_TRACE_PAGE_SIZE));
			const page = Math.min(this.table_page[t.key] || 0, pages - 1);
			const first = page * MOM_TRACE_PAGE_SIZE;
			const slice = rows.slice(first, first + MOM_TRACE_PAGE_SIZE);
			const head = t.columns.map((c) => `<th>${c[0]}</th>`).join("");
			const empty = (this.data.hidden || []).includes(t.key)
				? __("Not shown: you may not read the records these come from.")
				: this.query
				? __("Nothing here matches {0}", [frappe.utils.escape_html(this.query_text)])
				: __("None");
			const body = slice.length
				? slice
						.map((r) => `<tr>${t.columns.map((c) => `<td>${c[1](r)}</td>`).join("")}</tr>`)
						.join("")
				: `<tr><td colspan="${t.columns.length}" class="text-muted">${empty}</td></tr>`;
			const count =
				rows.length === all.length
					? format_number(all.length, null, 0)
					: __("{0} of {1}", [
							format_number(rows.length, null, 0),
							format_number(all.length, null, 0),
					  ]);
			const pager =
				rows.length > MOM_TRACE_PAGE_SIZE
					? `<div class="mom-trace-pager">
						<button class="btn btn-xs btn-default mom-trace-prev" ${page ? "" : "disabled"}>${__(
							"Previous",
							null,
							"Table page"
					  )}</button>
						<span class="mom-trace-range">${__("Rows {0}–{1} of {2}", [
							format_number(first + 1, null, 0),
							format_number(first + slice.length, null, 0),
							format_number(rows.length, null, 0),
						])}</span>
						<button class="btn btn-xs btn-default mom-trace-next" ${page < pages - 1 ? "" : "disabled"}>${__(
							"Next",
							null,
							"Table page"
					  )}</button></div>`
					: "";
			const $table = this.$body.find(`.mom-trace-table[data-table='${t.key}']`);
			$table.html(`<h5>${t.title} <span class="count">(${count})</span></h5>
				<div class="table-responsive"><table class="table table-bordered table-sm">
				<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${pager}`);
			$table.find(".mom-trace-prev, .mom-trace-next").on("click", (e) => {
				const step = $(e.currentTarget).hasClass("mom-trace-next") ? 1 : -1;
				this.table_page[t.key] = page + step;
				this.render_table(t);
			});
		}
	}
})();
