from mom_app.production.shop_floor_setup import install
from mom_app.setup.custom_fields import apply_custom_fields
from mom_app.setup.roles import apply_role_permissions, create_roles


def execute():
	"""Shop floor: the workflow approver roles, the order type / downtime reason / shift / terminal fields on
	Work Order, Job Card, Downtime Entry and Workstation, the roles' rights, the work order types, the Work
	Order approval workflow and the downtime reason tree."""
	create_roles()
	apply_custom_fields()
	apply_role_permissions()
	install()
