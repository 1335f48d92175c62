from mom_app.setup.custom_fields import apply_custom_fields
from mom_app.setup.roles import apply_role_permissions


def execute():
	"""Quality pillar: the inspection-plan, hold and defect fields on Quality Inspection, Job Card and Batch,
	and the MOM roles' rights on Quality Procedure (each quality hold raises a Non Conformance)."""
	apply_custom_fields()
	apply_role_permissions()
