"""A wide synthetic genealogy for the benchmarks and the browser tests: one supplier coil slit into strips, each
stamped into finished lots, delivered five to a Delivery Note to many customers. The coil's recall reaches
every finished lot, delivery and customer.

Rows go straight into the tables (bulk INSERTs, committed): the Genealogy Edges (tagged with the plan's
`edge_company`, so they are found again) and the documents a trace reads, as rows carrying what it reads:
Items (item_name), Batches (the coil with its supplier batch number), Customers (customer_name), submitted
Delivery Notes, Work Orders, the Supplier and the Purchase Receipt, all named `prefix...`. `remove` deletes
them again.
"""

from datetime import date, datetime, timedelta

import frappe

from mom_app.stock_ext.capture import EDGE_ROW, INSERT_EDGES

# the plan's documents, found again by the name prefix
DELETES = (
	"delete from `tabItem` where name like %s",
	"delete from `tabBatch` where name like %s",
	"delete from `tabCustomer` where name like %s",
	"delete from `tabDelivery Note` where name like %s",
	"delete from `tabWork Order` where name like %s",
	"delete from `tabSupplier` where name like %s",
	"delete from `tabPurchase Receipt` where name like %s",
)
CHUNK = 2000


class WidePlan:
	"""One supplier coil -> `intermediates` slit strips -> `lots` finished lots -> Delivery Notes of
	`per_delivery` lots each -> `customers` customers (customer c receives deliveries c, c + customers, ...)."""

	def __init__(
		self,
		lots: int = 10_000,
		customers: int = 500,
		intermediates: int = 100,
		per_delivery: int = 5,
		prefix: str = "GBENCH-W-",
		edge_company: str = "GBENCH Wide",
	):
		self.lots = lots
		self.customers = max(1, customers)
		self.intermediates = max(1, min(intermediates, lots))
		self.per_delivery = per_delivery
		self.deliveries = -(-lots // per_delivery)
		self.prefix = prefix
		self.edge_company = edge_company
		self.coil = f"{prefix}COIL-0001"
		self.heat = f"{prefix}HEAT-88417"  # the supplier's batch number on the coil's label
		self.supplier = f"{prefix}SUP-STEEL"
		self.receipt = f"{prefix}PR-0001"
		self.items = {
			"COIL": (f"{prefix}ITEM-COIL", "Cold-rolled coil DC01 1.2 mm"),
			"SL": (f"{prefix}ITEM-STRIP", "Slit strip DC01 1.2 x 120 mm"),
			"FG": (f"{prefix}ITEM-BRACKET", "Mounting bracket MB-120"),
		}

	def strip(self, i: int) -> str:
		return f"{self.prefix}SL-{i:04d}"

	def finished(self, i: int) -> str:
		return f"{self.prefix}FG-{i:05d}"

	def delivery(self, d: int) -> str:
		return f"{self.prefix}DN-{d:05d}"

	def customer(self, c: int) -> str:
		return f"{self.prefix}CUS-{c:04d}"

	def customer_name(self, c: int) -> str:
		return f"Customer {c:04d} Co., Ltd."

	def work_order(self, i: int) -> str:
		return f"{self.prefix}WO-{i:04d}"

	def strip_of(self, lot: int) -> int:
		return lot * self.intermediates // self.lots

	def customer_of(self, d: int) -> int:
		return d % self.customers

	def edges(self):
		"""Edge tuples in capture.EDGE_FIELDS order (company last), oldest first."""
		at = datetime(2025, 6, 2, 8, 0)
		coil_item, strip_item, fg_item = (self.items[k][0] for k in ("COIL", "SL", "FG"))
		tag = self.edge_company
		yield ("Supplier", self.supplier, None, "Purchase Receipt", self.receipt, None, 1.0, None, "Purchase Receipt", self.receipt, None, at, tag)  # fmt: skip
		yield ("Purchase Receipt", self.receipt, None, "Batch", self.coil, coil_item, 8200.0, self.heat, "Purchase Receipt", self.receipt, None, at, tag)  # fmt: skip
		for s in range(self.intermediates):
			at_s = at + timedelta(days=1, minutes=s)
			yield ("Batch", self.coil, coil_item, "Batch", self.strip(s), strip_item, 82.0, None, "Stock Entry", f"{self.prefix}SE-SL-{s:04d}", None, at_s, tag)  # fmt: skip
		for i in range(self.lots):
			s = self.strip_of(i)
			at_f = at + timedelta(days=2, seconds=30 * i)
			yield ("Batch", self.strip(s), strip_item, "Batch", self.finished(i), fg_item, 0.8, None, "Stock Entry", f"{self.prefix}SE-FG-{i:05d}", self.work_order(s), at_f, tag)  # fmt: skip
		for d in range(self.deliveries):
			at_d = at + timedelta(days=5, minutes=d)
			for i in range(d * self.per_delivery, min((d + 1) * self.per_delivery, self.lots)):
				yield ("Batch", self.finished(i), fg_item, "Delivery Note", self.delivery(d), None, 50.0, None, "Delivery Note", self.delivery(d), None, at_d, tag)  # fmt: skip
			yield ("Delivery Note", self.delivery(d), None, "Customer", self.customer(self.customer_of(d)), None, 250.0, None, "Delivery Note", self.delivery(d), None, at_d, tag)  # fmt: skip

	def edge_count(self) -> int:
		return 2 + self.intermediates + 2 * self.lots + self.deliveries


def insert_statement(table: str, columns: tuple[str, ...], count: int) -> str:
	"""An INSERT of `count` rows into one of this module's tables (names from the code, values as parameters)."""
	row = "(" + ", ".join(["%s"] * len(columns)) + ")"
	return (
		f"insert into `tab{table}` ("
		+ ", ".join(f"`{c}`" for c in columns)
		+ ") values "
		+ ", ".join([row] * count)
	)


def bulk_rows(table: str, columns: tuple[str, ...], rows: list[tuple]):
	"""Insert rows (their columns, then creation/modified/owner/modified_by) in chunks."""
	now = datetime.now()
	full = (*columns, "creation", "modified", "owner", "modified_by")
	for i in range(0, len(rows), CHUNK):
		chunk = rows[i : i + CHUNK]
		values = [v for row in chunk for v in (*row, now, now, "Administrator", "Administrator")]
		statement = insert_statement(table, full, len(chunk))
		frappe.db.sql(statement, values)


def create(plan: WidePlan, company: str) -> int:
	"""The plan's documents (in `company`) and edges, committed; returns the number of edges."""
	today = date(2025, 6, 7)
	coil_item, strip_item, fg_item = (plan.items[k][0] for k in ("COIL", "SL", "FG"))
	bulk_rows(
		"Item",
		("name", "item_code", "item_name", "has_batch_no"),
		[(code, code, title, 1) for code, title in plan.items.values()],
	)
	bulk_rows(
		"Batch",
		("name", "batch_id", "item", "mom_supplier_batch_no"),
		[(plan.coil, plan.coil, coil_item, plan.heat)]
		+ [(plan.strip(s), plan.strip(s), strip_item, None) for s in range(plan.intermediates)]
		+ [(plan.finished(i), plan.finished(i), fg_item, None) for i in range(plan.lots)],
	)
	bulk_rows(
		"Customer",
		("name", "customer_name", "customer_type"),
		[(plan.customer(c), plan.customer_name(c), "Company") for c in range(plan.customers)],
	)
	bulk_rows(
		"Delivery Note",
		("name", "customer", "customer_name", "company", "posting_date", "docstatus", "status"),
		[
			(
				plan.delivery(d),
				plan.customer(plan.customer_of(d)),
				plan.customer_name(plan.customer_of(d)),
				company,
				today,
				1,
				"Completed",
			)
			for d in range(plan.deliveries)
		],
	)
	bulk_rows(
		"Work Order",
		("name", "production_item", "company", "qty", "produced_qty", "docstatus", "status"),
		[
			(plan.work_order(s), fg_item, company, plan.lots / plan.intermediates, 0, 1, "Completed")
			for s in range(plan.intermediates)
		],
	)
	bulk_rows("Supplier", ("name", "supplier_name"), [(plan.supplier, "Steel Supplier Co., Ltd.")])
	bulk_rows(
		"Purchase Receipt",
		("name", "supplier", "company", "posting_date", "docstatus", "status"),
		[(plan.receipt, plan.supplier, company, today, 1, "Completed")],
	)
	now, count, chunk = datetime.now(), 0, []
	for edge in plan.edges():
		chunk.append((*edge, now, now, "Administrator", "Administrator"))
		if len(chunk) >= CHUNK:
			count += insert_edges(chunk)
	count += insert_edges(chunk)
	frappe.db.commit()
	return count


def insert_edges(chunk: list[tuple]) -> int:
	if not chunk:
		return 0
	statement = INSERT_EDGES + ", ".join([EDGE_ROW] * len(chunk))
	frappe.db.sql(statement, [v for row in chunk for v in row])
	count = len(chunk)
	chunk.clear()
	return count


def exists(plan: WidePlan) -> bool:
	return bool(
		frappe.db.exists("Batch", plan.coil)
		or frappe.db.sql("select 1 from `tabGenealogy Edge` where company = %s limit 1", plan.edge_company)
	)


def remove(plan: WidePlan) -> int:
	"""Delete the plan's edges and documents (committed); returns the number of edges removed."""
	removed = 0
	while True:
		frappe.db.sql("delete from `tabGenealogy Edge` where company = %s limit 50000", plan.edge_company)
		count = frappe.db.sql("select row_count()")[0][0]
		frappe.db.commit()
		removed += count
		if count < 50000:
			break
	for statement in DELETES:
		frappe.db.sql(statement, plan.prefix + "%")
	frappe.db.commit()
	return removed
