"""Every third-party package the code imports is a declared dependency: the service's own code (workflow/,
workers/) needs it in `dependencies`, the tests and benchmarks in `dependencies` or the `test` extra.
A package that only arrives as somebody else's dependency can leave with that somebody's next release."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OWN = {"workflow", "workers", "tests", "bench", "__future__"}
SERVICE = ("workflow", "workers")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def _canonical(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _imports(folder: str) -> dict[str, set[str]]:
    """Top-level names of absolute imports outside the standard library, with the files that import them."""
    found: dict[str, set[str]] = {}
    for path in (REPO / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_imported_package_is_declared():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = {_canonical(name) for name in _names(project["dependencies"])}
    test_extra = {_canonical(name) for name in _names(project["optional-dependencies"]["test"])}
    distributions = packages_distributions()
    problems = []
    for folder in ("workflow", "workers", "tests", "bench"):
        declared = runtime if folder in SERVICE else runtime | test_extra
        for top, files in sorted(_imports(folder).items()):
            providers = {_canonical(name) for name in distributions.get(top, [])}
            if not providers & declared:
                where = "dependencies" if folder in SERVICE else "dependencies or the test extra"
                problems.append(f"{top} ({', '.join(sorted(providers)) or 'not installed'}): {sorted(files)[0]} "
                                f"imports it; declare it in pyproject.toml's {where}")  # fmt: skip
    assert problems == []


def test_no_declared_runtime_dependency_is_unused_by_name():
    """A runtime dependency is imported somewhere, or is listed here with what uses it."""
    used_indirectly = {
        "psycopg": "SQLAlchemy's PostgreSQL driver (postgresql+psycopg:// URLs)",
        "python-dotenv": "the CLI reads .env files",
        "redis": "Celery's broker and the rate limits' storage",
    }
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    distributions = packages_distributions()
    imported = {
        _canonical(name)
        for folder in ("workflow", "workers")
        for top in _imports(folder)
        for name in distributions.get(top, [])
    }
    unused = {_canonical(name) for name in _names(project["dependencies"])} - imported - set(used_indirectly)
    assert unused == set()
