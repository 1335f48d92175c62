"""Custom fields of the plant maintenance pillar: the machine asset a workstation is and its breakdown time,
and the maintenance work order the ERPNext documents it makes belong to (Asset Repair, Asset Maintenance
Log, the Material Request reserving its parts, the Stock Entries issuing them).

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_


def order_link(insert_after: str) -> dict:
	return {
		"fieldname": "mom_maintenance_work_order",
		"label": N_("Maintenance Work Order"),
		"fieldtype": "Link",
		"options": "Maintenance Work Order",
		"insert_after": insert_after,
		"read_only": 1,
		"no_copy": 1,
		"search_index": 1,
	}


CUSTOM_FIELDS = {
	"Workstation": [
		{
			"fieldname": "mom_asset",
			"label": N_("Machine Asset"),
			"fieldtype": "Link",
			"options": "Asset",
			"insert_after": "plant_floor",
			"description": N_(
				"The fixed asset this workstation is; maintenance and meters are kept against it."
			),
		},
		{
			"fieldname": "mom_breakdown_minutes",
			"label": N_("Breakdown After (Minutes)"),
			"fieldtype": "Float",
			"insert_after": "mom_asset",
			"non_negative": 1,
			"description": N_(
				"Down this long is a breakdown that opens a maintenance order; 0: the Maintenance Settings' time."
			),
		},
	],
	"Asset Repair": [order_link("asset_name")],
	"Asset Maintenance Log": [order_link("asset_name")],
	"Material Request": [order_link("material_request_type")],
	"Stock Entry": [order_link("stock_entry_type")],
}
