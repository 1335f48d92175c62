// What the two shop-floor boards (desk pages shop-floor-board and line-board) share: the colours of states,
// escaping and number formats, and the realtime room of each workstation. Loaded by the pages with
// frappe.require("/assets/mom_app/js/shop_floor_boards.js").
frappe.provide("mom.boards");

mom.boards.STATE_COLORS = {
	Running: "#16a34a",
	Production: "#16a34a",
	Idle: "#d97706",
	Setup: "#2563eb",
	Down: "#dc2626",
	Problem: "#dc2626",
	Maintenance: "#7c3aed",
	Off: "#6b7280",
};

// the events the boards listen to; each carries the workstation and comes through its document room
mom.boards.EVENTS = [
	"mom_workstation_status",
	"mom_terminal_update",
	"mom_andon",
	"mom_andon_update",
	"mom_condition_alarm", // a condition rule fired or cleared (plant maintenance)
];

// every value from the server goes through this before it reaches HTML
mom.boards.esc = function (value) {
	return frappe.utils.escape_html(value == null ? "" : String(value));
};

mom.boards.pct = function (value) {
	return value == null ? "—" : `${Number(value).toFixed(1)}%`;
};

mom.boards.qty = function (value) {
	return value == null ? "—" : String(Math.round(Number(value) * 1000) / 1000);
};

// Frappe's doc_subscribe lets one subscription through per second (it serves the one form that is open); a
// board needs the room of every workstation it shows, so it asks the socket server for each room (which
// checks the user's read permission on the workstation) and asks again after a reconnect (a new socket is in
// no room).
mom.boards.WorkstationRooms = class WorkstationRooms {
	constructor() {
		this.names = new Set();
		const socket = frappe.realtime.socket;
		if (socket) socket.on("connect", () => this.names.forEach((name) => this.join(name)));
	}

	subscribe(names) {
		for (const name of names) {
			if (this.names.has(name)) continue;
			this.names.add(name);
			this.join(name);
		}
	}

	join(name) {
		if (!frappe.realtime.socket) return;
		frappe.realtime.emit("doc_subscribe", "Workstation", name);
		if (frappe.realtime.open_docs) frappe.realtime.open_docs.add(`Workstation:${name}`);
	}
};
