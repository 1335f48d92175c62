from mom_app.setup.custom_fields import apply_custom_fields


def execute():
	"""Quality pillar: the inspection-plan, hold and defect fields on Quality Inspection, Job Card and Batch."""
	apply_custom_fields()
