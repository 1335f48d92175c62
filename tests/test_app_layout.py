"""Static rules for the app as a Frappe app, checked without Frappe."""

import ast
import json
import re
from pathlib import Path

import pytest

from tests.conftest import APP, ROOT

# ERPNext v15 and Frappe module names: Module Def names are global across apps.
TAKEN_MODULES = {
	"Accounts", "CRM", "Buying", "Projects", "Selling", "Setup", "Manufacturing", "Stock", "Support",
	"Utilities", "Assets", "Portal", "Maintenance", "Regional", "ERPNext Integrations", "Quality Management",
	"Communication", "Telephony", "Bulk Transaction", "Subcontracting", "EDI", "Core", "Website", "Workflow",
	"Email", "Custom", "Geo", "Desk", "Integrations", "Printing", "Contacts", "Social", "Automation",
}  # fmt: skip


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def hooks() -> dict:
	tree = ast.parse((APP / "hooks.py").read_text())
	out = {}
	for node in tree.body:
		if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
			out[node.targets[0].id] = ast.literal_eval(node.value)
	return out


def modules() -> list[str]:
	return [m.strip() for m in (APP / "modules.txt").read_text().splitlines() if m.strip()]


def py_files():
	return [p for p in APP.rglob("*.py") if "node_modules" not in p.parts]


def resolve(dotted: str) -> tuple[Path, str]:
	*mod, func = dotted.split(".")
	path = ROOT.joinpath(*mod).with_suffix(".py")
	if not path.exists():
		path = ROOT.joinpath(*mod, "__init__.py")
	return path, func


def defines(path: Path, name: str) -> bool:
	tree = ast.parse(path.read_text())
	return any(isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name for n in tree.body)


def test_hooks_basics():
	h = hooks()
	assert h["app_name"] == "mom_app"
	assert h["required_apps"] == ["erpnext"]
	assert "override_doctype_class" not in h, "extend ERPNext doctypes through doc_events only"
	for key in ("before_install", "after_install", "before_uninstall", "before_tests"):
		path, func = resolve(h[key])
		assert path.exists() and defines(path, func), h[key]


def test_five_modules_with_free_names():
	mods = modules()
	assert len(mods) == 5
	for name in mods:
		assert name not in TAKEN_MODULES, f"module {name!r} clashes with ERPNext/Frappe"
		assert (APP / scrub(name) / "__init__.py").exists(), name


def test_doc_events_point_at_overrides():
	for doctype, events in hooks().get("doc_events", {}).items():
		for target in events.values():
			targets = target if isinstance(target, list) else [target]
			for dotted in targets:
				path, func = resolve(dotted)
				assert path.parent.name == "overrides" and path.stem == scrub(doctype), dotted
				assert path.exists() and defines(path, func), dotted


def test_patches_resolve():
	for line in (APP / "patches.txt").read_text().splitlines():
		line = line.strip()
		if not line or line.startswith(("#", "[")):
			continue
		path = ROOT.joinpath(*line.split()[0].split(".")).with_suffix(".py")
		assert path.exists() and defines(path, "execute"), line


def doctype_jsons():
	return sorted(p for p in APP.glob("*/doctype/*/*.json") if p.stem == p.parent.name)


def test_doctypes_are_well_placed():
	mods = {scrub(m): m for m in modules()}
	assert doctype_jsons(), "no doctypes"
	for path in doctype_jsons():
		doc = json.loads(path.read_text())
		assert doc["doctype"] == "DocType"
		assert scrub(doc["name"]) == path.stem
		assert mods.get(path.parent.parent.parent.name) == doc["module"], path
		controller = path.with_suffix(".py")
		assert controller.exists() and defines(controller, doc["name"].replace(" ", "")), controller
		# child tables carry no rights of their own: their parent's apply
		assert doc["permissions"] or doc.get("istable"), f"{doc['name']} grants nobody anything"


def whitelisted_functions():
	for path in py_files():
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef):
				for dec in node.decorator_list:
					call = dec if isinstance(dec, ast.Call) else None
					func = call.func if call else dec
					if isinstance(func, ast.Attribute) and func.attr == "whitelist":
						yield path, node, call


def test_whitelisted_methods_are_typed_and_not_guest():
	for path, fn, call in whitelisted_functions():
		args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
		for arg in args:
			if arg.arg not in ("self", "cls"):
				assert arg.annotation is not None, f"{path}:{fn.lineno} {fn.name}({arg.arg}) has no type hint"
		guest = [k for k in (call.keywords if call else []) if k.arg == "allow_guest"]
		if guest and ast.literal_eval(guest[0].value):
			assert path.parts[-3:-1] == ("iot", "api") or "iot" in path.parts, (
				f"guest endpoint outside iot: {path}"
			)


def sql_calls():
	for path in py_files():
		for node in ast.walk(ast.parse(path.read_text())):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Attribute)
				and node.func.attr in ("sql", "multisql", "sql_ddl")
				and node.args
			):
				yield path, node


def test_sql_is_parameterised():
	for path, call in sql_calls():
		query = call.args[0]
		built = isinstance(query, ast.JoinedStr | ast.BinOp) or (
			isinstance(query, ast.Call)
			and isinstance(query.func, ast.Attribute)
			and query.func.attr == "format"
		)
		assert not built, f"{path}:{call.lineno} builds SQL from strings; pass values as parameters"


def test_realtime_is_scoped():
	for path in py_files():
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "publish_realtime":
				kws = {k.arg for k in node.keywords}
				assert kws & {"doctype", "docname", "room", "user"}, (
					f"{path}:{node.lineno} unscoped publish_realtime"
				)


STRING_CALL = re.compile(r"""(?<![\w.])_\(\s*f["']""")


def test_no_fstrings_inside_translation_calls():
	for path in py_files():
		assert not STRING_CALL.search(path.read_text()), f"{path}: _(f'...') cannot be translated"


def test_engine_and_app_versions_importable_without_frappe():
	import mom_app

	assert re.fullmatch(r"\d+\.\d+\.\d+", mom_app.__version__)


def test_spc_rule_descriptions_are_marked_for_translation():
	"""The SPC page shows the engine's rule descriptions through _(): each must be in the POT."""
	from mom_app.engine.spc import RULES
	from mom_app.quality.strings import RULE_DESCRIPTIONS

	assert set(RULES.values()) <= set(RULE_DESCRIPTIONS)
