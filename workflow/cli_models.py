"""`adaptdesk models …`: list, install and import translation models (filled in below)."""

from __future__ import annotations

import click


@click.group("models")
def models_group() -> None:
    """Translation models (Argos Translate packages)."""
