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


def endpoint_home(path: Path) -> str | None:
	"""The kind of module a whitelisted endpoint may live in, or None: an `api` module (api.py or a module of
	an api package), a doctype controller, a report module or a dashboard chart source."""
	parts = path.relative_to(APP).with_suffix("").parts
	if "api" in parts:
		return "api"
	for kind in ("doctype", "report", "dashboard_chart_source"):
		# <module>/<kind>/<name>/<name>.py
		if len(parts) == 4 and parts[1] == kind and parts[2] == parts[3]:
			return kind
	return None


def test_whitelisted_endpoints_live_in_api_modules_and_controllers():
	misplaced = sorted(
		f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}"
		for path, fn, _call in whitelisted_functions()
		if endpoint_home(path) is None
	)
	assert not misplaced, "whitelisted outside api modules, doctype controllers, reports, chart sources: " + (
		", ".join(misplaced)
	)


def exported_names(path: Path) -> set[str]:
	"""Names a module defines or imports at its top level (a package's __init__ re-exports its modules')."""
	names = set()
	for node in ast.parse(path.read_text()).body:
		if isinstance(node, ast.FunctionDef | ast.ClassDef):
			names.add(node.name)
		elif isinstance(node, ast.ImportFrom):
			names.update(alias.asname or alias.name for alias in node.names)
	return names


def module_file(dotted: str) -> Path | None:
	base = ROOT.joinpath(*dotted.split("."))
	for path in (base.with_suffix(".py"), base / "__init__.py"):
		if path.exists():
			return path
	return None


JS_METHOD = re.compile(r"""["'`/](mom_app(?:\.\w+)+)""")


def test_methods_called_from_pages_and_forms_exist():
	"""Every dotted mom_app path a page, form, bundle or JSON record calls names a function its module
	defines or re-exports (a path ending in "." is a prefix, like the terminal's API: its module must exist)."""
	missing = []
	for path in sorted(APP.rglob("*")):
		if path.suffix not in (".js", ".html", ".json") or "node_modules" in path.parts:
			continue
		for dotted in JS_METHOD.findall(path.read_text()):
			if module_file(dotted):
				continue  # a module (a prefix the code completes)
			module, _dot, name = dotted.rpartition(".")
			found = module_file(module)
			if not found or name not in exported_names(found):
				missing.append(f"{path.relative_to(ROOT)}: {dotted}")
	assert not missing, missing


ISSUE_NUMBER = re.compile(r"\bissues?\s*#?\s*\d+", re.IGNORECASE)
TEXT_SUFFIXES = {
	".py",
	".js",
	".json",
	".html",
	".md",
	".txt",
	".po",
	".pot",
	".css",
	".scss",
	".toml",
	".cfg",
}


def test_no_issue_numbers_in_code_tests_or_readme():
	"""Code, tests, benchmarks, scripts and the README say what the code is, not which issue added it."""
	files = [ROOT / "README.md"]
	for folder in ("mom_app", "tests", "benchmarks", "scripts"):
		for path in sorted((ROOT / folder).rglob("*")):
			if not path.is_file() or "node_modules" in path.parts or "__pycache__" in path.parts:
				continue
			if path.suffix in TEXT_SUFFIXES or path.parent.name == "scripts":
				files.append(path)
	found = []
	for path in files:
		for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
			if ISSUE_NUMBER.search(line):
				found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
	assert not found, found


def module_name(path: Path) -> str:
	parts = path.relative_to(ROOT).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str], top_level_only: bool) -> set[str]:
	"""The app's modules `path` imports (top-level statements, or every import statement)."""
	tree = ast.parse(path.read_text())
	if top_level_only:
		nodes = [
			n for top in tree.body for n in (ast.walk(top) if isinstance(top, ast.If | ast.Try) else [top])
		]
	else:
		nodes = list(ast.walk(tree))
	me = module_name(path)
	package = me if path.name == "__init__.py" else me.rpartition(".")[0]
	out = set()
	for node in nodes:
		if isinstance(node, ast.Import):
			out.update(alias.name for alias in node.names if alias.name in modules)
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
				base = ".".join([*anchor, *([node.module] if node.module else [])])
			for alias in node.names:
				if f"{base}.{alias.name}" in modules:
					out.add(f"{base}.{alias.name}")  # a submodule
				elif base in modules:
					out.add(base)
	out.discard(me)
	return out


def import_cycles(paths: list[Path], top_level_only: bool) -> list[list[str]]:
	"""Strongly connected groups of more than one module in the import graph of `paths`."""
	modules = {module_name(p): p for p in paths}
	graph = {m: imported_modules(p, set(modules), top_level_only) for m, p in modules.items()}
	index: dict[str, int] = {}
	low: dict[str, int] = {}
	stack: list[str] = []
	cycles = []

	def visit(v):
		index[v] = low[v] = len(index)
		stack.append(v)
		for w in graph[v]:
			if w not in index:
				visit(w)
				low[v] = min(low[v], low[w])
			elif w in stack:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			group = []
			while True:
				w = stack.pop()
				group.append(w)
				if w == v:
					break
			if len(group) > 1:
				cycles.append(sorted(group))

	for v in sorted(graph):
		if v not in index:
			visit(v)
	return cycles


def test_no_import_circle_at_module_level():
	assert not import_cycles(py_files(), top_level_only=True)


def test_demo_steps_are_one_ordered_list_without_import_circle():
	"""The demo's steps are listed in order in one list (no module registers steps as a side effect of being
	imported) and no demo module imports, even inside a function, one that imports it back."""
	demo = APP / "setup" / "demo"
	paths = sorted(demo.glob("*.py"))
	assert not import_cycles(paths, top_level_only=False)
	lists = []
	for path in paths:
		for node in ast.parse(path.read_text()).body:
			if isinstance(node, ast.FunctionDef) and node.decorator_list:
				assert path.name.startswith("test_"), (
					f"{path.name}: {node.name} is decorated (a step registry?)"
				)
			targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
			if any(isinstance(t, ast.Name) and t.id == "STEPS" for t in targets):
				lists.append((path.name, node.value))
	assert len(lists) == 1, lists
	name, value = lists[0]
	assert isinstance(value, ast.List) and len(value.elts) >= 12, name
	step_names = [ast.literal_eval(call.args[0]) for call in value.elts]
	assert len(step_names) == len(set(step_names)), step_names
	assert step_names[0] == "company" and step_names.index("people") < step_names.index("iot_history")


PILLARS = ("production", "quality", "stock_ext", "plant_maintenance", "iot")


SETUP_STEPS = ("apply_custom_fields", "apply_property_setters", "apply_role_permissions", "apply_setup")


def patch_lines() -> list[str]:
	lines = (APP / "patches.txt").read_text().splitlines()
	return [line.strip() for line in lines if line.strip() and not line.strip().startswith(("#", "["))]


def test_custom_fields_are_defined_per_pillar_and_applied_in_one_place():
	import importlib

	owner: dict[tuple[str, str], str] = {}
	for pillar in PILLARS:
		if not (APP / pillar / "custom_fields.py").exists():
			continue
		fields = importlib.import_module(f"mom_app.{pillar}.custom_fields").CUSTOM_FIELDS
		for doctype, rows in fields.items():
			for row in rows:
				key = (doctype, row["fieldname"])
				assert row["fieldname"].startswith("mom_"), key
				assert key not in owner, f"{key} is defined by {owner.get(key)} and {pillar}"
				owner[key] = pillar
	assert len(set(owner.values())) >= 4, owner
	merger = APP / "setup" / "custom_fields.py"
	tree = ast.parse(merger.read_text())
	defined_here = [
		n.lineno
		for n in ast.walk(tree)
		if isinstance(n, ast.Dict)
		and {"fieldname", "fieldtype"} <= {k.value for k in n.keys if isinstance(k, ast.Constant)}
	]
	assert not defined_here, f"setup/custom_fields.py defines fields itself (lines {defined_here})"
	imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
	assert {f"mom_app.{pillar}.custom_fields" for pillar in set(owner.values())} <= imported
	for path in py_files():
		if path != merger and "create_custom_fields" in path.read_text():
			raise AssertionError(
				f"{path.relative_to(ROOT)} applies custom fields; mom_app.setup.custom_fields does"
			)


def test_one_setup_patch_with_a_number_to_bump():
	"""The setup (custom fields, property setters, roles, ...) is re-applied by one patch line with a number,
	not by one patch file per release; the other patches are data migrations that do not re-apply it."""
	lines = patch_lines()
	setup = [line for line in lines if line.split()[0] == "mom_app.patches.apply_setup"]
	assert len(setup) == 1 and re.fullmatch(r"mom_app\.patches\.apply_setup #\d+", setup[0]), setup
	assert lines.index(setup[0]) == 0, "the data migrations may need what the setup adds: it runs first"
	for line in lines:
		if line is setup[0]:
			continue
		path = ROOT.joinpath(*line.split()[0].split(".")).with_suffix(".py")
		tree = ast.parse(path.read_text())
		used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
		used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
		used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
		for name in SETUP_STEPS:
			assert name not in used, f"{line} re-applies the setup ({name}); bump the setup patch instead"
