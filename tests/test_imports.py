"""The project's imports: no cycle between its modules, and the contracts of pyproject's [tool.importlinter]
(`core` below every other app; inside an app, pages and API above services above models; the observatory's
packages in their order). Both run in `make test` (docs/decisions/0016-import-contracts.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def _ours(module: str) -> bool:
    return ".tests" not in module and ".migrations" not in module


def import_cycles(graph) -> set[frozenset[str]]:
    """Each set of modules that import one another (directly or through others), by its members."""
    modules = sorted(m for m in graph.modules if _ours(m))
    cyclic = {
        a
        for a in modules
        for b in graph.find_modules_directly_imported_by(a)
        if _ours(b) and graph.chain_exists(importer=b, imported=a)
    }
    cycles = set()
    for a in cyclic:
        members = {b for b in cyclic if b == a or (graph.chain_exists(a, b) and graph.chain_exists(b, a))}
        cycles.add(frozenset(members))
    return cycles


def test_no_import_cycle_between_the_projects_modules():
    found = import_cycles(grimp.build_graph("kafaat"))
    cycles = sorted(sorted(cycle) for cycle in found)
    assert not cycles, f"import cycles: {cycles} — move what both sides need down into one module"


def private_imports(root: Path) -> list[str]:
    """Every `from kafaat.x import _name` in the project's code, tests left out: another module's privates."""
    found = []
    for path in sorted((root / "kafaat").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kafaat"):
                names = [a.name for a in node.names if a.name.startswith("_") and a.name != "_"]
                found += [f"{path.relative_to(root)}: {node.module}.{name}" for name in names]
    return found


def test_no_module_takes_another_modules_private_names():
    assert private_imports(ROOT) == []


def test_the_private_name_check_sees_a_private_import(tmp_path):
    module = tmp_path / "kafaat" / "x.py"
    module.parent.mkdir()
    module.write_text(
        "from kafaat.core.importing import _hidden\nfrom django.utils.translation import gettext as _\n"
    )
    assert private_imports(tmp_path) == ["kafaat/x.py: kafaat.core.importing._hidden"]


def test_the_import_contracts_are_kept():
    config = str(ROOT / "pyproject.toml")
    assert lint_imports(config_filename=config, no_cache=True, no_logo=True) == 0  # the output says which
