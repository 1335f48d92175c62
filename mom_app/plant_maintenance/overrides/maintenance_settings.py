"""Maintenance Settings saved: the writers reload the condition rules (Evaluate Condition Rules, Condition Rule
Priority; mom_app.plant_maintenance.condition_rules.definitions)."""

from mom_app.plant_maintenance.condition_rules import definitions


def on_update(doc, method=None):
	definitions.changed()
