"""The engine and the package root must never import Frappe or ERPNext."""

from pathlib import Path

import pytest

from tests.conftest import APP
from tests.purity import forbidden_imports, imported_modules

ENGINE_FILES = sorted((APP / "engine").rglob("*.py"))


def test_engine_has_modules():
	assert APP / "engine" / "__init__.py" in ENGINE_FILES
	assert len(ENGINE_FILES) >= 2


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_engine_file_is_frappe_free(path: Path):
	assert forbidden_imports(path) == set(), f"{path} imports Frappe/ERPNext"


def test_package_root_is_frappe_free():
	assert forbidden_imports(APP / "__init__.py") == set()


@pytest.mark.parametrize(
	"source",
	[
		"import frappe",
		"import frappe.utils as fu",
		"from frappe import _",
		"from erpnext.stock.utils import get_stock_balance",
		"def f():\n    import frappe\n",
		"import importlib\nm = importlib.import_module('frappe.utils')",
		"m = __import__('erpnext')",
		"try:\n    import frappe\nexcept ImportError:\n    pass\n",
	],
)
def test_checker_catches_frappe_imports(source):
	assert imported_modules(source) & {"frappe", "erpnext"}


def test_checker_ignores_relative_and_similar_names():
	assert not imported_modules("from . import frappe_like\nimport frappex\nfrom .frappe import x") & {
		"frappe",
		"erpnext",
	}
