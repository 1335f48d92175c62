"""AST checks shared by the tier-1 tests: which modules a Python file imports."""

import ast
from pathlib import Path

FORBIDDEN = ("frappe", "erpnext")


def imported_modules(source: str) -> set[str]:
	"""Top-level package names a source imports, including importlib.import_module("x") and __import__("x")."""
	found = set()
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Import):
			found.update(alias.name.split(".")[0] for alias in node.names)
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			found.add(node.module.split(".")[0])
		elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
			func = node.func
			name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
			if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
				found.add(node.args[0].value.split(".")[0])
	return found


def forbidden_imports(path: Path) -> set[str]:
	return imported_modules(path.read_text(encoding="utf-8")) & set(FORBIDDEN)
