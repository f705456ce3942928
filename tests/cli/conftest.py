"""Fixtures for the command-line tests: a tiny real Argos package, built offline once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import cli_env
from tests.support.argos_model import build_package


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory) -> Path:
    """A real (random-weight) Arabic → English `.argosmodel`, about 1.5 MB."""
    return build_package(tmp_path_factory.mktemp("argos-build"), "ar", "en", size="tiny")


@pytest.fixture()
def env(tmp_path) -> dict[str, str]:
    """The environment of a fresh Adaptdesk data folder with no models installed."""
    return cli_env(tmp_path)
