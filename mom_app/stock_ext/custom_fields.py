"""Custom fields of the lot genealogy: the supplier's own batch number on a Batch.

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_

CUSTOM_FIELDS = {
	"Batch": [
		{
			"fieldname": "mom_supplier_batch_no",
			"label": N_("Supplier Batch No"),
			"fieldtype": "Data",
			"insert_after": "supplier",
			"search_index": 1,
			"no_copy": 1,
			"description": N_(
				"The supplier's own lot number, as on the delivery. Kept in the lot genealogy of the receipt."
			),
		},
	],
}
