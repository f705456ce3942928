"""Trying a translation package before it is used: load its CTranslate2 model and translate one sentence in
a child process (`python -m workflow.mt.probe FOLDER`).

A child, because a broken model may crash the process that loads it, and because CTranslate2 must not be
loaded in a process that forks workers later (the web app, the CLI, a worker's main process).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .engine import EngineSettings, TranslationEngine
from .packages import UNCHECKED, MTError, Pair, list_installed, read_installed_package, record_check

#: Seconds a package's model may take to load and translate one sentence.
PROBE_TIMEOUT_SECONDS = 300
#: What a problem line of the child's standard error starts with.
PROBLEM_PREFIX = "problem: "


def probe_package(folder: Path, timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """None if the package in `folder` loads and translates a sentence; else what went wrong, in words."""
    command = [sys.executable, "-m", "workflow.mt.probe", str(folder)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"it did not load and translate within {timeout:g} s"
    except OSError as exc:
        return f"the test could not start: {exc}"
    if result.returncode == 0:
        return None
    problems = [line for line in result.stderr.splitlines() if line.startswith(PROBLEM_PREFIX)]
    if problems:
        return problems[-1].removeprefix(PROBLEM_PREFIX)
    if result.returncode < 0:
        return f"loading it crashed the test process ({signal.Signals(-result.returncode).name})"
    return f"the test process failed with exit code {result.returncode}"


def check_new_packages(packages_dir: Path) -> list[Pair]:
    """Test every installed package not tested yet (placed in the folder by other means than Adaptdesk's
    installer, or changed since), record the outcome in its folder, and return them as now listed."""
    checked = []
    for pair in list_installed(packages_dir):
        if pair.status == UNCHECKED:
            record_check(Path(pair.path), probe_package(Path(pair.path)))
            checked.append(read_installed_package(Path(pair.path)) or pair)
    return checked


def main(argv: list[str]) -> int:
    """Load the package in argv[0] and translate one sentence; report a problem on standard error."""
    folder = Path(argv[0]).resolve()
    try:
        pair = read_installed_package(folder)
        if pair is None:
            raise MTError("it is not a translation package (no usable metadata.json)")
        engine = TranslationEngine(EngineSettings(packages_dir=folder.parent))
        translation = engine.try_model(pair)
    except Exception as exc:  # noqa: BLE001 - whatever the model does wrong is the answer
        print(f"{PROBLEM_PREFIX}{type(exc).__name__}: {exc}".replace("\n", " ")[:500], file=sys.stderr)
        return 1
    print(translation)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
