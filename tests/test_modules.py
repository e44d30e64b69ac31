"""The package's shape: one module talks to WeasyPrint, and no two modules import each other."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "healthprint"


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports."""
    modules = {path.stem: path for path in PACKAGE.glob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
        graph[name] = found & set(modules)
    return graph


def test_only_the_engine_imports_weasyprint_or_pydyf():
    importing = sorted(path.name for path in PACKAGE.glob("*.py")
                       if re.search(r"^\s*(import|from)\s+(weasyprint|pydyf)\b", path.read_text(encoding="utf-8"), re.M))
    assert importing == ["engine.py"]


def test_no_import_cycles():
    graph = _imports()

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(module == target or (module not in seen and reaches(module, target, seen | {module}))
                   for module in graph[start])

    assert [module for module in graph if reaches(module, module, set())] == []
