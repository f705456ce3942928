"""Run `adaptdesk` in a subprocess on a temporary data folder.

argostranslate fixes its folders when first imported, so the model commands run in their own interpreter;
the pytest process never imports argostranslate through them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Variables of the surrounding environment that would point the command elsewhere.
_SCRUBBED_PREFIXES = ("ADAPTDESK_", "ARGOS_", "XDG_", "DATABASE_URL", "CELERY_", "REDIS_URL")


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    """An environment whose data folder (and argostranslate's XDG folders) are all under `root`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_SCRUBBED_PREFIXES)}
    env.update(
        {
            "ADAPTDESK_DATA_DIR": str(root / "data"),
            "XDG_DATA_HOME": str(root / "xdg-data"),
            "XDG_CONFIG_HOME": str(root / "xdg-config"),
            "XDG_CACHE_HOME": str(root / "xdg-cache"),
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra)
    return env


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 60, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    """`adaptdesk ARGS` in a fresh interpreter (in `cwd`); a hang fails the test instead of blocking it."""
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_python(
    env: dict[str, str], code: str, timeout: float = 120, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    """`python -c CODE` in a fresh interpreter with `env` (in `cwd`)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
