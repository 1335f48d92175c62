import pytest

from mom_app.engine import rbac
from mom_app.engine.rbac import MATRIX, ROLES, MatrixError, expand, rights_of

SUBMITTABLE = {
	"Work Order",
	"Job Card",
	"Production Plan",
	"Quality Inspection",
	"Stock Entry",
	"Material Request",
	"Pick List",
	"Purchase Receipt",
	"Delivery Note",
	"Asset",
	"Asset Maintenance Log",
	"Asset Repair",
	"BOM",
}


def granted(doctype, role):
	for dt, r, rights in expand(submittable=SUBMITTABLE):
		if (dt, r) == (doctype, role):
			return rights
	return set()


def test_six_roles():
	assert ROLES == (
		"MOM Operator",
		"Quality Inspector",
		"Maintenance Technician",
		"Storekeeper",
		"Production Supervisor",
		"MOM Manager",
		# shop floor: the approvers of the Work Order workflow
		"R&D Engineer",
		"Process Engineer",
		"Workshop Director",
	)


def test_rights_are_closed_under_implication():
	for _dt, _role, rights in expand(submittable=SUBMITTABLE):
		for right in rights:
			assert set(rbac.IMPLIES.get(right, ())) <= rights | {"submit", "cancel", "amend"}


def test_implications():
	assert rights_of("w") == {"write", "read", "select", "report", "print"}
	assert {"create", "cancel", "write", "read"} <= rights_of("a")
	assert rights_of("") == set()


def test_unknown_letter_and_role_rejected():
	with pytest.raises(MatrixError):
		rights_of("rz")
	with pytest.raises(MatrixError):
		list(expand({"Item": {"Janitor": "r"}}))


def test_submit_dropped_on_non_submittable():
	assert "submit" not in granted("Downtime Entry", "MOM Operator")
	assert {"submit", "cancel"} <= granted("Stock Entry", "Storekeeper")


def test_every_role_has_a_job():
	for role in ROLES:
		assert any(role in roles for roles in MATRIX.values()), role
		assert any("write" in granted(dt, role) for dt in MATRIX), f"{role} can change nothing"


@pytest.mark.parametrize(
	"doctype, role, right, allowed",
	[
		("Job Card", "MOM Operator", "write", True),
		("Job Card", "MOM Operator", "submit", False),
		("Work Order", "MOM Operator", "create", False),
		("Stock Entry", "MOM Operator", "submit", False),
		("Downtime Entry", "MOM Operator", "create", True),
		("Quality Inspection", "Quality Inspector", "submit", True),
		("Quality Inspection", "Storekeeper", "write", False),
		("Non Conformance", "Quality Inspector", "create", True),
		("Stock Entry", "Quality Inspector", "create", False),
		("Asset Repair", "Maintenance Technician", "submit", True),
		("Work Order", "Maintenance Technician", "write", False),
		("Stock Entry", "Storekeeper", "submit", True),
		("Work Order", "Storekeeper", "write", False),
		("Work Order", "Production Supervisor", "submit", True),
		("Quality Inspection", "Production Supervisor", "submit", False),
		("MOM Settings", "MOM Manager", "write", True),
		("MOM Settings", "Production Supervisor", "write", False),
	],
)
def test_separation_of_duties(doctype, role, right, allowed):
	assert (right in granted(doctype, role)) is allowed


def test_only_the_manager_deletes_transactions():
	for dt in SUBMITTABLE & set(MATRIX):
		for role in ROLES:
			if role != "MOM Manager":
				assert "delete" not in granted(dt, role), (dt, role)
