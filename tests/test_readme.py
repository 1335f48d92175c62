"""The README names everything the app ships: every doctype, desk page, report, portal page, bench command,
number card, dashboard chart, print format, workspace and role. A new one that the README does not mention fails
here, so the README cannot fall a release behind the code again."""

import ast
import json
import re

import pytest

from tests.conftest import APP, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def json_names(kind: str, key: str = "name") -> list[str]:
	"""`name` (or `key`) of every `<module>/<kind>/<x>/<x>.json` of the app."""
	names = []
	for path in sorted(APP.glob(f"*/{kind}/*/*.json")):
		if path.stem != path.parent.name:
			continue
		data = json.loads(path.read_text(encoding="utf-8"))
		names.append(data.get(key) or data["name"])
	return names


def bench_commands() -> list[str]:
	tree = ast.parse((APP / "commands.py").read_text(encoding="utf-8"))
	names = []
	for node in ast.walk(tree):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Attribute)
			and node.func.attr == "command"
			and node.args
			and isinstance(node.args[0], ast.Constant)
		):
			names.append(node.args[0].value)
	return names


def portal_pages() -> list[str]:
	return sorted("/" + p.stem for p in (APP / "www").glob("*.html"))


def roles() -> list[str]:
	tree = ast.parse((APP / "engine" / "rbac.py").read_text(encoding="utf-8"))
	constants = {
		node.targets[0].id: node.value.value
		for node in tree.body
		if isinstance(node, ast.Assign)
		and isinstance(node.targets[0], ast.Name)
		and isinstance(node.value, ast.Constant)
		and isinstance(node.value.value, str)
	}
	for node in tree.body:
		if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "ROLES":
			return [constants[elt.id] for elt in node.value.elts]
	raise AssertionError("mom_app/engine/rbac.py has no ROLES tuple")


def named(name: str) -> bool:
	"""The README mentions `name` as a whole phrase (not inside a longer word)."""
	return re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", README) is not None


CASES = {
	"doctype": json_names("doctype"),
	"page": json_names("page", "title"),
	"report": json_names("report"),
	"number card": json_names("number_card", "label"),
	"dashboard chart": json_names("dashboard_chart", "chart_name"),
	"print format": json_names("print_format"),
	"workspace": json_names("workspace", "label"),
	"portal page": portal_pages(),
	"bench command": bench_commands(),
	"role": roles(),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_readme_names_every(kind):
	things = CASES[kind]
	assert things, f"found no {kind} in the app: the collector of this test is broken"
	missing = [name for name in things if not named(name)]
	assert not missing, f"README.md does not mention these {kind}s: {missing}"


def test_the_collectors_find_what_the_app_has():
	# a guard against a test that passes because it looks at nothing
	assert "IoT Device" in CASES["doctype"] and "Quality Hold" in CASES["doctype"]
	assert "/terminal" in CASES["portal page"] and "/qc" in CASES["portal page"]
	assert "mom-demo" in CASES["bench command"]
	assert "OEE Analysis" in CASES["report"]
	assert len(CASES["role"]) >= 9


def test_readme_does_not_call_built_things_roadmap():
	"""What exists is not roadmap: no pillar that ships a doctype, page or portal page is called roadmap next to it."""
	for phrase in ("portal pages (roadmap)", "collectors, webhooks, workers: roadmap", "(all of it roadmap)"):
		assert phrase not in README, phrase
