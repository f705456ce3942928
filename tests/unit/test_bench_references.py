"""The benchmarks are not run in CI, so check here that what they import from the project still exists.

Every `from X import name` (anywhere in bench/, also inside functions) and every `module.attr` used on a
project module they imported must resolve; a renamed function fails this test instead of the next benchmark.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
PROJECT = ("workflow", "workers", "tests")


def project_references(path: Path) -> list[tuple[str, str]]:
    """(module, name) pairs the file takes from the project's own modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    modules: dict[str, str] = {}  # local name → module, for names bound to a project module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
            for alias in node.names:
                found.append((node.module, alias.name))
                if _is_module(f"{node.module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            found.append((modules[node.value.id], node.attr))
    return found


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:
        return False


def resolves(module: str, name: str) -> bool:
    """Whether `name` is a submodule of `module` or an attribute it defines."""
    return _is_module(f"{module}.{name}") or hasattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_what_the_benchmarks_use_from_the_project_exists(path):
    missing = [f"{module}.{name}" for module, name in project_references(path) if not resolves(module, name)]
    assert not missing, f"{path.name} uses names the project no longer has: {missing}"


def test_the_check_sees_attributes_of_imported_modules():
    references = project_references(BENCH / "bench_mt.py")
    assert ("workflow.services.drafting", "produce_draft") in references  # drafting.produce_draft(...)
    assert ("workflow.services.drafts", "take_job") in references  # draft_service.take_job(...)
    assert ("workflow.mt.engine", "engine_for") in references
