"""Custom fields of the plant maintenance pillar: the machine asset a workstation is.

Applied (and removed on uninstall) by mom_app.setup.custom_fields, with the other pillars' fields.
"""

from mom_app.setup.labels import N_

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
	],
}
