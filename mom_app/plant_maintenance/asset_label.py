"""The asset label (print format "Asset Label" on Asset): a QR code of the asset's name - what the technician
page /maintenance scans - with the asset's own name, its workstation and location, on a 60 x 40 mm label.

The format's HTML is the template mom_app/templates/print_formats/asset_label.html (included by the Print
Format record), so its labels are extracted for translation like any template's; the QR code is drawn by
mom_app.production.traveler.qr_svg. `asset_workstation` is a Jinja method (hooks.jinja)."""

import frappe


def asset_workstation(asset: str) -> str:
	"""The workstation that is this asset (Workstation.mom_asset), or ""."""
	if not asset:
		return ""
	return frappe.db.get_value("Workstation", {"mom_asset": asset}, "name") or ""
