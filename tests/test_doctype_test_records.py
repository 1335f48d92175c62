"""Frappe's test runner, for a test module named after its doctype (``doctype/x/test_x.py``), makes test
records of every doctype that doctype links to, recursively, unless the test module lists it in
``test_ignore``. ERPNext's test records of Workstation, Item, Company and the like reach doctypes a site
without the payments app does not have ("DocType Payment Gateway not found"), and that stops the whole app's
``bench run-tests`` before any test runs. So every doctype a mom_app doctype test reaches through links must
be mom_app's own or Frappe's: a link to an ERPNext doctype has to be in ``test_ignore``.

This walks the DocType JSON as Frappe does (link fields, and the link fields of child tables), following
mom_app doctypes with their own test module's ``test_ignore``."""

import ast
import json
from functools import cache
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "mom_app"

# Frappe's own doctypes that mom_app links to: Frappe's test records of these stay within Frappe
FRAPPE_DOCTYPES = frozenset(
	{
		"User",
		"Role",
		"DocType",
		"File",
		"Workflow",
		"Workflow State",
		"Workflow Action Master",
		"Print Format",
		"Email Account",
		"Email Template",
		"Module Def",
		"Report",
		"Page",
		"Language",
		"Currency",
		"Country",
		"Comment",
		"ToDo",
		"Dynamic Link",
	}
)


@cache
def doctypes() -> dict[str, Path]:
	found = {}
	for path in APP.glob("*/doctype/*/*.json"):
		if path.stem != path.parent.name:
			continue
		data = json.loads(path.read_text())
		if data.get("doctype") == "DocType":
			found[data["name"]] = path
	return found


def links(name: str) -> set[str]:
	"""The doctypes `name` links to, its child tables' links included (as Frappe's get_dependencies)."""
	data = json.loads(doctypes()[name].read_text())
	out = set()
	for field in data.get("fields", []):
		if field.get("fieldtype") == "Link" and field.get("options"):
			out.add(field["options"])
		elif field.get("fieldtype") in ("Table", "Table MultiSelect") and field.get("options") in doctypes():
			child = json.loads(doctypes()[field["options"]].read_text())
			out |= {
				f["options"]
				for f in child.get("fields", [])
				if f.get("fieldtype") == "Link" and f.get("options")
			}
	return out


def module_of(name: str) -> Path | None:
	path = doctypes()[name]
	module = path.parent / f"test_{path.parent.name}.py"
	return module if module.exists() else None


def ignored(module: Path | None) -> set[str]:
	if module is None:
		return set()
	for node in ast.parse(module.read_text()).body:
		if isinstance(node, ast.Assign) and any(
			isinstance(t, ast.Name) and t.id == "test_ignore" for t in node.targets
		):
			return set(ast.literal_eval(node.value))
	return set()


def reached_outside(name: str) -> set[str]:
	"""Doctypes outside mom_app and Frappe that making test records of `name` would reach."""
	seen, outside, todo = {name}, set(), [name]
	while todo:
		current = todo.pop()
		skipped = ignored(module_of(current))
		for target in links(current) - skipped:
			if target in seen:
				continue
			seen.add(target)
			if target in doctypes():
				todo.append(target)
			elif target not in FRAPPE_DOCTYPES:
				outside.add(target)
	return outside


def test_the_walk_sees_links_and_test_ignore():
	# Quality Hold links Workstation (ERPNext) and Maintenance Work Order (mom_app, which links Asset)
	assert "Workstation" in links("Quality Hold")
	assert {"Workstation", "Maintenance Work Order"} <= ignored(module_of("Quality Hold"))
	assert "Asset" in links("Maintenance Work Order")


def test_doctype_tests_make_no_erpnext_test_records():
	tested = [name for name in doctypes() if module_of(name)]
	assert tested, "found no doctype test module: the walk is broken"
	problems = {name: sorted(reached_outside(name)) for name in tested}
	problems = {name: reached for name, reached in problems.items() if reached}
	assert not problems, (
		"these doctype test modules would make ERPNext test records (add them to the module's test_ignore): "
		f"{problems}"
	)
