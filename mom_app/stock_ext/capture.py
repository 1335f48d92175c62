"""Lot genealogy capture: the Genealogy Edge rows a submitted voucher stands for.

Edges (engine.genealogy's model: `qty` of the source went into the target, moved by the voucher):

- Manufacture / Repack Stock Entry: every consumed batch or serial -> every produced batch or serial, with
  the consumed quantity (no proportional split is invented). Consumed rows have only a source warehouse,
  produced rows only a target warehouse (finished goods and scrap).
- Purchase Receipt: Supplier -> Purchase Receipt -> each received batch or serial (accepted and rejected),
  keeping the supplier's batch number when the Batch has one.
- Delivery Note: each delivered batch or serial -> Delivery Note -> Customer (items and packed items).

Returns (is_return) are not captured: the lot had already reached the customer or come from the supplier.

ERPNext v15 keeps a row's batches and serials in a Serial and Batch Bundle (the row's
serial_and_batch_bundle; its entries carry batch_no / serial_no / qty), and older or
use_serial_batch_fields rows may still carry them in the legacy batch_no / serial_no fields only. A row's
bundle wins when it has one; otherwise its legacy fields are read. A serial of a batch-tracked item is a
node of its own and its batch is one too, so a trace finds it from either.

The edges are computed from what the database holds for a submitted voucher, so capture on submit and a
rebuild from history (`bench mom-genealogy-rebuild`) write the same rows.
"""

from collections.abc import Callable
from datetime import datetime

import frappe
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime

CAPTURED_PURPOSES = ("Manufacture", "Repack")
VOUCHER_TYPES = ("Purchase Receipt", "Stock Entry", "Delivery Note")
SUPPLIER_BATCH_FIELD = "mom_supplier_batch_no"  # custom field on Batch (mom_app.setup.custom_fields)

EDGE_FIELDS = (
	"source_type",
	"source_name",
	"source_item",
	"target_type",
	"target_name",
	"target_item",
	"qty",
	"supplier_batch_no",
	"voucher_type",
	"voucher_no",
	"work_order",
	"posting_datetime",
	"company",
)

# `name` comes from the doctype's sequence (autoincrement doctypes in Frappe v15 on MariaDB)
INSERT_EDGES = (
	"insert into `tabGenealogy Edge` (name, "
	+ ", ".join(EDGE_FIELDS)
	+ ", creation, modified, owner, modified_by) values "
)
EDGE_ROW = "(nextval(`genealogy_edge_id_seq`), " + ", ".join(["%s"] * (len(EDGE_FIELDS) + 4)) + ")"
INSERT_CHUNK = 500

BUNDLE_ENTRIES = """
select e.parent as bundle, e.batch_no, e.serial_no, e.qty, b.item_code
from `tabSerial and Batch Entry` e
join `tabSerial and Batch Bundle` b on b.name = e.parent
where e.parent in %(bundles)s
order by e.parent, e.idx
"""

Node = tuple[str, str]


class Lots:
	"""Batches and serials of one side of a voucher: node -> [qty, item_code], in first-seen order."""

	def __init__(self):
		self.qty: dict[Node, float] = {}
		self.item: dict[Node, str] = {}

	def add(self, node: Node, qty: float, item_code: str | None):
		if not node[1]:
			return
		self.qty[node] = self.qty.get(node, 0.0) + abs(flt(qty))
		self.item.setdefault(node, item_code)

	def add_entry(self, batch_no: str | None, serial_no: str | None, qty: float, item_code: str | None):
		if serial_no:
			self.add(("Serial No", serial_no), 1, item_code)
		if batch_no:
			self.add(("Batch", batch_no), qty, item_code)

	def __bool__(self):
		return bool(self.qty)

	def total(self) -> float:
		return sum(self.qty.values())


def split_serials(text: str | None) -> list[str]:
	"""The serial numbers in a legacy serial_no field (one per line; commas tolerated)."""
	if not text:
		return []
	return [s.strip() for s in text.replace(",", "\n").splitlines() if s.strip()]


def bundle_entries(bundles: list[str]) -> dict[str, list[dict]]:
	bundles = sorted({b for b in bundles if b})
	if not bundles:
		return {}
	out: dict[str, list[dict]] = {}
	for row in frappe.db.sql(BUNDLE_ENTRIES, {"bundles": tuple(bundles)}, as_dict=True):
		out.setdefault(row.bundle, []).append(row)
	return out


def read_lots(
	lots: Lots,
	row,
	entries: dict[str, list[dict]],
	bundle_field: str,
	qty: float,
	serial_field: str = "serial_no",
	batch_field: str | None = "batch_no",
):
	"""Add the lots of one item row: from its bundle when it has one, else from its legacy fields."""
	bundle = row.get(bundle_field)
	if bundle and bundle in entries:
		for entry in entries[bundle]:
			lots.add_entry(entry.batch_no, entry.serial_no, entry.qty, entry.item_code or row.item_code)
		return
	if bundle:  # a bundle without entries: nothing to read (it cannot have legacy values either)
		return
	serials = split_serials(row.get(serial_field))
	batch = row.get(batch_field) if batch_field else None
	for serial in serials:
		lots.add(("Serial No", serial), 1, row.item_code)
	if batch:
		lots.add(("Batch", batch), qty, row.item_code)


def posting_datetime(doc) -> datetime:
	return get_datetime(f"{getdate(doc.posting_date)} {doc.posting_time or '00:00:00'}")


def voucher_edges(doctype: str, name: str) -> list[dict]:
	"""The edges the submitted voucher `doctype` `name` stands for (empty when it is not captured)."""
	if doctype == "Stock Entry":
		return stock_entry_edges(name)
	if doctype == "Purchase Receipt":
		return purchase_receipt_edges(name)
	if doctype == "Delivery Note":
		return delivery_note_edges(name)
	return []


def _edge(head, source: Node, target: Node, qty: float, source_item=None, target_item=None, **extra):
	return {
		"source_type": source[0],
		"source_name": source[1],
		"source_item": source_item,
		"target_type": target[0],
		"target_name": target[1],
		"target_item": target_item,
		"qty": flt(qty, 9),
		"supplier_batch_no": extra.get("supplier_batch_no"),
		"voucher_type": head.doctype,
		"voucher_no": head.name,
		"work_order": head.get("work_order"),
		"posting_datetime": posting_datetime(head),
		"company": head.company,
	}


def _head(doctype: str, name: str, fields: list[str]):
	head = frappe.db.get_value(
		doctype, name, ["name", "docstatus", "company", "posting_date", "posting_time", *fields], as_dict=True
	)
	if head:
		head.doctype = doctype
	return head


def stock_entry_edges(name: str) -> list[dict]:
	head = _head("Stock Entry", name, ["purpose", "work_order"])
	if not head or head.docstatus != 1 or head.purpose not in CAPTURED_PURPOSES:
		return []
	rows = frappe.get_all(
		"Stock Entry Detail",
		filters={"parent": name, "parenttype": "Stock Entry"},
		fields=[
			"item_code",
			"s_warehouse",
			"t_warehouse",
			"transfer_qty",
			"batch_no",
			"serial_no",
			"serial_and_batch_bundle",
		],
		order_by="idx",
	)
	entries = bundle_entries([r.serial_and_batch_bundle for r in rows])
	consumed, produced = Lots(), Lots()
	for row in rows:
		if row.s_warehouse and not row.t_warehouse:
			read_lots(consumed, row, entries, "serial_and_batch_bundle", row.transfer_qty)
		elif row.t_warehouse and not row.s_warehouse:
			read_lots(produced, row, entries, "serial_and_batch_bundle", row.transfer_qty)
	return [
		_edge(head, source, target, qty, consumed.item[source], produced.item[target])
		for source, qty in consumed.qty.items()
		for target in produced.qty
		if source != target
	]


def purchase_receipt_edges(name: str) -> list[dict]:
	head = _head("Purchase Receipt", name, ["supplier", "is_return"])
	if not head or head.docstatus != 1 or cint(head.is_return):
		return []
	rows = frappe.get_all(
		"Purchase Receipt Item",
		filters={"parent": name, "parenttype": "Purchase Receipt"},
		fields=[
			"item_code",
			"stock_qty",
			"rejected_qty",
			"conversion_factor",
			"batch_no",
			"serial_no",
			"rejected_serial_no",
			"serial_and_batch_bundle",
			"rejected_serial_and_batch_bundle",
		],
		order_by="idx",
	)
	entries = bundle_entries(
		[r.serial_and_batch_bundle for r in rows] + [r.rejected_serial_and_batch_bundle for r in rows]
	)
	received = Lots()
	for row in rows:
		read_lots(received, row, entries, "serial_and_batch_bundle", row.stock_qty)
		if flt(row.rejected_qty):
			rejected_qty = flt(row.rejected_qty) * (flt(row.conversion_factor) or 1)
			read_lots(
				received,
				row,
				entries,
				"rejected_serial_and_batch_bundle",
				rejected_qty,
				serial_field="rejected_serial_no",
			)
	if not received:
		return []
	receipt = ("Purchase Receipt", name)
	supplier_batches = supplier_batch_numbers([n[1] for n in received.qty if n[0] == "Batch"])
	edges = [_edge(head, ("Supplier", head.supplier), receipt, received.total())]
	edges += [
		_edge(
			head,
			receipt,
			lot,
			qty,
			target_item=received.item[lot],
			supplier_batch_no=supplier_batches.get(lot[1]) if lot[0] == "Batch" else None,
		)
		for lot, qty in received.qty.items()
	]
	return edges


def supplier_batch_numbers(batches: list[str]) -> dict[str, str]:
	if not batches or not frappe.get_meta("Batch").has_field(SUPPLIER_BATCH_FIELD):
		return {}
	rows = frappe.get_all(
		"Batch", filters={"name": ("in", batches)}, fields=["name", SUPPLIER_BATCH_FIELD], order_by="name"
	)
	return {r.name: r[SUPPLIER_BATCH_FIELD] for r in rows if r[SUPPLIER_BATCH_FIELD]}


def delivery_note_edges(name: str) -> list[dict]:
	head = _head("Delivery Note", name, ["customer", "is_return"])
	if not head or head.docstatus != 1 or cint(head.is_return):
		return []
	fields = ["item_code", "batch_no", "serial_no", "serial_and_batch_bundle"]
	rows = frappe.get_all(
		"Delivery Note Item",
		filters={"parent": name, "parenttype": "Delivery Note"},
		fields=[*fields, "stock_qty"],
		order_by="idx",
	)
	packed = frappe.get_all(
		"Packed Item",
		filters={"parent": name, "parenttype": "Delivery Note"},
		fields=[*fields, "qty"],
		order_by="idx",
	)
	entries = bundle_entries([r.serial_and_batch_bundle for r in rows + packed])
	delivered = Lots()
	for row in rows:
		read_lots(delivered, row, entries, "serial_and_batch_bundle", row.stock_qty)
	for row in packed:
		read_lots(delivered, row, entries, "serial_and_batch_bundle", row.qty)
	if not delivered:
		return []
	delivery = ("Delivery Note", name)
	edges = [
		_edge(head, lot, delivery, qty, source_item=delivered.item[lot]) for lot, qty in delivered.qty.items()
	]
	edges.append(_edge(head, delivery, ("Customer", head.customer), delivered.total()))
	return edges


# ------------------------------------------------------------------------------------------- writing


def insert_edges(edges: list[dict]) -> int:
	"""Insert edge rows (dicts with EDGE_FIELDS) in multi-row INSERTs; the values travel as parameters."""
	now, user = now_datetime(), frappe.session.user or "Administrator"
	for start in range(0, len(edges), INSERT_CHUNK):
		chunk = edges[start : start + INSERT_CHUNK]
		values = []
		for edge in chunk:
			values.extend(edge.get(field) for field in EDGE_FIELDS)
			values.extend((now, now, user, user))
		frappe.db.sql(insert_edges_query(len(chunk)), values)
	return len(edges)


def insert_edges_query(count: int) -> str:
	return INSERT_EDGES + ", ".join([EDGE_ROW] * count)


def remove_edges(doctype: str, name: str) -> None:
	frappe.db.delete("Genealogy Edge", {"voucher_type": doctype, "voucher_no": name})


def capture(doctype: str, name: str) -> int:
	"""(Re)write the edges of one voucher: its old edges, if any, are replaced."""
	remove_edges(doctype, name)
	return insert_edges(voucher_edges(doctype, name))


# ------------------------------------------------------------------------------------------- rebuild

# Edges whose voucher is no longer a submitted, captured voucher (cancelled, deleted, a return, ...).
ORPHANS = {
	"Stock Entry": """delete g from `tabGenealogy Edge` g
		where g.voucher_type = 'Stock Entry' and not exists (
			select 1 from `tabStock Entry` v
			where v.name = g.voucher_no and v.docstatus = 1 and v.purpose in ('Manufacture', 'Repack'))""",
	"Purchase Receipt": """delete g from `tabGenealogy Edge` g
		where g.voucher_type = 'Purchase Receipt' and not exists (
			select 1 from `tabPurchase Receipt` v
			where v.name = g.voucher_no and v.docstatus = 1 and v.is_return = 0)""",
	"Delivery Note": """delete g from `tabGenealogy Edge` g
		where g.voucher_type = 'Delivery Note' and not exists (
			select 1 from `tabDelivery Note` v
			where v.name = g.voucher_no and v.docstatus = 1 and v.is_return = 0)""",
}


def submitted_vouchers() -> list[tuple[str, str]]:
	"""Every captured voucher on the site, oldest first."""
	filters = {
		"Purchase Receipt": {"docstatus": 1, "is_return": 0},
		"Stock Entry": {"docstatus": 1, "purpose": ("in", CAPTURED_PURPOSES)},
		"Delivery Note": {"docstatus": 1, "is_return": 0},
	}
	found = []
	for doctype, where in filters.items():
		for row in frappe.get_all(
			doctype, filters=where, fields=["name", "posting_date", "posting_time", "creation"]
		):
			found.append((getdate(row.posting_date), str(row.posting_time), row.creation, doctype, row.name))
	found.sort()
	return [(doctype, name) for *_, doctype, name in found]


def rebuild(
	progress: Callable[[int, int], None] | None = None,
	vouchers: list[tuple[str, str]] | None = None,
	commit_every: int = 200,
	commit: bool = True,
) -> dict:
	"""Rewrite every captured voucher's edges from submitted history and drop edges of vouchers that are
	no longer captured. Each voucher's edges are replaced in place, so traces keep working meanwhile."""
	vouchers = submitted_vouchers() if vouchers is None else vouchers
	edges = 0
	for index, (doctype, name) in enumerate(vouchers, start=1):
		edges += capture(doctype, name)
		if commit and index % commit_every == 0:
			frappe.db.commit()
		if progress:
			progress(index, len(vouchers))
	for query in ORPHANS.values():
		frappe.db.sql(query)
	if commit:
		frappe.db.commit()
	return {"vouchers": len(vouchers), "edges": edges}
