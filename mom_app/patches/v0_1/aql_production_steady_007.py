import frappe


def execute():
	"""AQL Switching State gained Production Steady (off by default). A scheme already at reduced inspection
	got there with production taken as steady: it keeps the box ticked, so that the new field does not send it
	back to normal as if production had become irregular."""
	frappe.db.sql(
		"""update `tabAQL Switching State` set production_steady = 1 where severity = %s""", ("Reduced",)
	)
