"""Real (tiny, random-weight) Argos packages for the MT tests, built offline once per session.

The session points ARGOS_PACKAGES_DIR and XDG_*_HOME at a temporary folder and installs ar→en and en→fr
with argostranslate's own installer. The installs run in a subprocess: argostranslate fixes its folders
when first imported, and this pytest process should not pin them for other test modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.argos_model import argos_env, build_package
from workflow.mt.engine import EngineSettings, TranslationEngine

REPO = Path(__file__).resolve().parents[2]
INSTALLED_PAIRS = [("ar", "en"), ("en", "fr")]


@dataclass(frozen=True)
class ArgosHome:
    """Where this session's argostranslate lives, and the package files built for it."""

    root: Path
    env: dict[str, str]
    build_dir: Path

    @property
    def packages_dir(self) -> Path:
        return Path(self.env["ARGOS_PACKAGES_DIR"])

    def package(self, from_code: str, to_code: str) -> Path:
        """The .argosmodel for a pair (built on first use, then cached in build_dir)."""
        return build_package(self.build_dir, from_code, to_code, size="tiny")


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with `env` added; a hang fails the test instead of blocking it."""
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=full_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def install_in_subprocess(packages: list[Path], env: dict[str, str]) -> None:
    code = (
        "import sys\nfrom tests.support.argos_model import install_package\n"
        "for path in sys.argv[1:]:\n    install_package(path)\n"
    )
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-c", code, *map(str, packages)], env=full_env, cwd=REPO, check=True, timeout=120
    )


@pytest.fixture(scope="session")
def argos_home(tmp_path_factory) -> ArgosHome:
    """A session argos folder with ar→en and en→fr installed; ARGOS_*/XDG_* point at it meanwhile."""
    root = tmp_path_factory.mktemp("argos")
    home = ArgosHome(root=root, env=argos_env(root), build_dir=tmp_path_factory.mktemp("argos-build"))
    saved = {name: os.environ.get(name) for name in home.env}
    os.environ.update(home.env)
    try:
        install_in_subprocess([home.package(*pair) for pair in INSTALLED_PAIRS], home.env)
        yield home
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def engine(argos_home) -> TranslationEngine:
    """One engine for the session, so each model loads once (as in a worker process)."""
    return TranslationEngine(EngineSettings(packages_dir=argos_home.packages_dir))
