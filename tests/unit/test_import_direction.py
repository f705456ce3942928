"""workflow/ never imports workers/: the Celery app and its tasks depend on the application, not the reverse.

Every module under workflow/ is read with `ast`, imports at module level and inside functions alike, and
relative imports are resolved to absolute names; any import of `workers` (or of a module inside it) fails.
Jobs are sent by task name, and the worker finds its tasks module by name (Celery's `include`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = "workers"


def module_name(root: Path, path: Path) -> str:
    """The dotted name of the module in `path`, relative to the import root `root`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, the module `module`, wherever it stands."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from .x import y` in package a.b is a.b.x; a level past the top leaves nothing to anchor on.
                anchor = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            # `from pkg import name` may import the submodule pkg.name, and `from .. import workers` a package.
            found.extend(
                (node.lineno, f"{base}.{alias.name}" if base else alias.name) for alias in node.names
            )
    return found


def is_forbidden(name: str) -> bool:
    return name == FORBIDDEN or name.startswith(FORBIDDEN + ".")


def forbidden_imports(root: Path, package: str = "workflow") -> list[str]:
    """`path:line: name` for every import of workers/ in the modules of `package` under `root`."""
    problems = []
    for path in sorted((root / package).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        names = imported_modules(source, module_name(root, path), is_package=path.name == "__init__.py")
        problems.extend(
            f"{path.relative_to(root)}:{line}: imports {name}" for line, name in names if is_forbidden(name)
        )
    return problems


def test_workflow_never_imports_workers():
    assert (REPO / "workflow" / "__init__.py").is_file()
    assert forbidden_imports(REPO) == []


@pytest.mark.parametrize(
    "source, module",
    [
        ("import workers.app\n", "workflow.cli"),
        ("import os, workers\n", "workflow.cli"),
        ("from workers.tasks import draft_translation\n", "workflow.services.outbox"),
        ("def worker():\n    from workers.app import celery\n    return celery\n", "workflow.cli"),
        ("class A:\n    def f(self):\n        import workers.tasks as tasks\n", "workflow.web.ops"),
        ("from workers import tasks\n", "workflow.jobs"),
        ("from .. import workers\n", "workflow.cli"),  # a level past the top of workflow/
        ("from ... import workers\n", "workflow.web.admin"),
        ("try:\n    import workers\nexcept ImportError:\n    pass\n", "workflow.config"),
    ],
)
def test_the_check_catches_each_form_of_import(source, module):
    assert any(is_forbidden(name) for _, name in imported_modules(source, module))


@pytest.mark.parametrize(
    "source, module, expected",
    [
        ("from .mt.engine import engine_for\n", "workflow.cli", "workflow.mt.engine"),
        ("from ..mt import packages\n", "workflow.web.admin", "workflow.mt.packages"),
        ("from . import create_app\n", "workflow.cli_models", "workflow.create_app"),
        ("from .services import outbox\n", "workflow", "workflow.services.outbox"),
    ],
)
def test_relative_imports_resolve_inside_workflow(source, module, expected):
    names = [name for _, name in imported_modules(source, module, is_package=module == "workflow")]
    assert expected in names and not any(is_forbidden(name) for name in names)


def test_a_planted_import_in_a_module_fails_the_walk(tmp_path):
    package = tmp_path / "workflow"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A clean package."""\nfrom .services import outbox\n')
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "outbox.py").write_text(
        "TASK = 'adaptdesk.draft'  # a task named, not imported: allowed\n"
        "\n"
        "def send():\n"
        "    from workers.tasks import draft_translation  # planted\n"
        "    return draft_translation\n"
    )
    assert forbidden_imports(tmp_path) == [
        "workflow/services/outbox.py:4: imports workers.tasks",
        "workflow/services/outbox.py:4: imports workers.tasks.draft_translation",
    ]
