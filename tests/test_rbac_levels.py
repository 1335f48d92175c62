"""The rights above permission level 0 (engine.rbac.LEVELS): who reads and writes fields kept from others."""

import pytest

from mom_app.engine.rbac import LEVELS, MANAGER, OPERATOR, MatrixError, expand_levels


def test_badge_barcode_level_is_kept_from_operators():
	rows = {(dt, level, role): rights for dt, level, role, rights in expand_levels()}
	assert rows[("Employee", 1, MANAGER)] == {"read"}
	assert rows[("Employee", 1, "HR Manager")] == {"read", "write"}
	assert rows[("Employee", 1, "HR User")] == {"read", "write"}
	assert not any(role == OPERATOR for _dt, _level, role in rows)


def test_levels_are_above_zero_and_read_or_write_only():
	assert set(LEVELS["Employee"]) == {1}
	with pytest.raises(MatrixError):
		list(expand_levels({"Employee": {0: {MANAGER: "r"}}}))
	with pytest.raises(MatrixError):
		list(expand_levels({"Employee": {1: {MANAGER: "rc"}}}))
	with pytest.raises(MatrixError):
		list(expand_levels({"Employee": {1: {MANAGER: ""}}}))
	assert list(expand_levels({"X": {2: {"R": "w"}}})) == [("X", 2, "R", {"read", "write"})]
