import frappe
from frappe.model.document import Document


class GenealogyEdge(Document):
	"""One edge of the lot genealogy graph, written by mom_app.stock_ext.capture (never through this
	controller) and read by the trace adapter in mom_app.stock_ext.trace."""


def on_doctype_update():
	# every BFS level of a trace is one query on one of these (backward: target, forward: source)
	frappe.db.add_index("Genealogy Edge", ["source_type", "source_name"])
	frappe.db.add_index("Genealogy Edge", ["target_type", "target_name"])
	# cancel deletes a voucher's edges; rebuild replaces them
	frappe.db.add_index("Genealogy Edge", ["voucher_type", "voucher_no"])
