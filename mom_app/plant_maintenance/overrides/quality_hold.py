"""Quality Hold (quality pillar) for plant maintenance: a hold whose cause is the machine opens a maintenance
order (mom_app.plant_maintenance.quality)."""

from mom_app.plant_maintenance import quality


def on_update(doc, method=None):
	quality.on_update(doc, method)
