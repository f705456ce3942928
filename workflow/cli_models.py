"""`adaptdesk models …`: list, install and import translation models (Argos Translate packages).

Every command uses the app's Settings, so models land in `argos_packages_dir` (ARGOS_PACKAGES_DIR, else
<ADAPTDESK_DATA_DIR>/argos-packages), the folder the workers read. argostranslate fixes its folders when it
is first imported; `workers.mt.packages` points it at that folder before importing it, and nothing here
imports it earlier.

`import_in_child_process()` runs `adaptdesk models import --json` in a fresh interpreter for the web app,
so the long-running web process never imports argostranslate (and never pins its folders).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .config import ConfigError, Settings

if TYPE_CHECKING:
    from workers.mt.engine import EngineSettings
    from workers.mt.packages import Pair

log = logging.getLogger(__name__)

#: Language codes as Argos names them: `ar`, `en`, `zh`, `pt_BR`-style variants included.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
#: Seconds the web app lets `models import` run (a ~100 MB package unzips in a few seconds).
IMPORT_TIMEOUT_SECONDS = 600


def engine_settings(settings: Settings) -> EngineSettings:
    """The app's translation settings, in the form workers.mt takes them."""
    from workers.mt.engine import EngineSettings

    return EngineSettings.from_app_settings(settings)


def format_size(size_bytes: int) -> str:
    """`1.2 MB`-style size (1 MB = 1,000,000 bytes)."""
    return f"{size_bytes / 1_000_000:.1f} MB"


def pair_record(pair: Pair) -> dict:
    """A Pair as plain data for `--json` output."""
    return {**asdict(pair), "code": pair.code, "size_mb": round(pair.size_bytes / 1_000_000, 1)}


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _language_code(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if value.isalpha():
        value = value.lower()
    if not LANGUAGE_CODE.match(value):
        raise click.BadParameter(f"{value!r} is not a language code; use codes such as ar, en or fr.")
    return value


def _describe(pair: Pair) -> str:
    return (
        f"{pair.from_name} → {pair.to_name} ({pair.name}, version {pair.version or '?'}, "
        f"{format_size(pair.size_bytes)})"
    )


@click.group("models")
def models_group() -> None:
    """Translation models (Argos Translate packages) the workers draft with."""


@models_group.command("list", short_help="List installed models: pair, package, size, folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the packages folder and its models.")
def list_models(as_json: bool) -> None:
    """List installed translation models: language pair, package, size on disk and folder."""
    from workers.mt.packages import list_installed

    settings = _settings()
    pairs = list_installed(engine_settings(settings))
    if as_json:
        listing = [pair_record(pair) for pair in pairs]
        click.echo(
            json.dumps(
                {"packages_dir": str(settings.argos_packages_dir), "models": listing},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not pairs:
        click.echo(
            f"No translation models installed (in {settings.argos_packages_dir}). "
            "Install one with: adaptdesk models install ar en, "
            "or import a file: adaptdesk models import FILE.argosmodel"
        )
        return
    click.echo(f"Translation models in {settings.argos_packages_dir}:")
    rows = [
        (
            f"{p.from_name} → {p.to_name} ({p.code})",
            p.name,
            p.version or "?",
            format_size(p.size_bytes),
            p.path,
        )
        for p in pairs
    ]
    header = ("Pair", "Package", "Version", "Size", "Folder")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        click.echo(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[-1]
        )


@models_group.command("install", short_help="Download and install a model from the Argos package index.")
@click.argument("from_code", metavar="FROM", callback=_language_code)
@click.argument("to_code", metavar="TO", callback=_language_code)
@click.option(
    "--index-url",
    envvar="ARGOS_PACKAGE_INDEX",
    default=None,
    help="Argos package index (a folder URL or an index.json URL). "
    "Default: ARGOS_PACKAGE_INDEX, else the public Argos index.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=10,
    show_default=True,
    help="Seconds to wait for the index and for each read of the download.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the installed model as JSON.")
def install_model(from_code: str, to_code: str, index_url: str | None, timeout: float, as_json: bool) -> None:
    """Download the newest FROM → TO model from the Argos package index and install it: `install ar en`."""
    from workers.mt.packages import MTError, install_from_index, package_index_url

    settings = _settings()
    if index_url:
        os.environ["ARGOS_PACKAGE_INDEX"] = index_url  # workers.mt.packages reads the index from here
    if not as_json:
        click.echo(f"Looking for the {from_code} → {to_code} model in {package_index_url()} …", err=True)
    try:
        pair = install_from_index(from_code, to_code, timeout=timeout, settings=engine_settings(settings))
    except MTError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Could not write to {settings.argos_packages_dir}: {exc}") from None
    _report_installed(pair, as_json)


@models_group.command("import", short_help="Install a model from a .argosmodel file (no internet needed).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the installed model as JSON.")
def import_model(file: Path, as_json: bool) -> None:
    """Install a model from a downloaded FILE.argosmodel, without internet."""
    from workers.mt.packages import MTError, import_package

    settings = _settings()
    try:
        pair = import_package(file, engine_settings(settings))
    except MTError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            f"Could not install {file.name} into {settings.argos_packages_dir}: {exc}"
        ) from None
    _report_installed(pair, as_json)


@models_group.command("retry-failed", short_help="Queue failed drafts again, e.g. after installing a model.")
@click.argument("from_code", required=False)
@click.argument("to_code", required=False)
@click.option("--as", "username", required=True, help="The admin doing it (recorded in the history).")
def retry_failed(from_code: str | None, to_code: str | None, username: str) -> None:
    """Queue the failed drafts of FROM → TO (or of every pair) again; workers pick them up."""
    from . import create_app
    from .extensions import db
    from .services.drafts import retry_failed_drafts
    from .services.errors import ServiceError
    from .services.users import find_user

    with create_app().app_context():
        try:
            retried = retry_failed_drafts(
                db.session, find_user(db.session, username), source=from_code, target=to_code
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
    click.echo(f"Queued {len(retried)} failed draft(s) again.")


def _report_installed(pair: Pair, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(pair_record(pair), ensure_ascii=False, indent=2))
    else:
        click.echo(f"Installed {_describe(pair)} in {pair.path}. Workers use it for their next drafts.")


# --- for the web app ----------------------------------------------------------------------------------


def import_in_child_process(
    path: Path,
    settings: Settings,
    *,
    display_name: str | None = None,
    timeout: float = IMPORT_TIMEOUT_SECONDS,
) -> Pair:
    """Run `adaptdesk models import --json PATH` in a fresh interpreter on `settings`' packages folder.

    Returns the installed Pair; raises MTError with the command's message in words (the file's temporary
    name replaced by `display_name`), also when the command could not run or timed out.
    """
    from workers.mt.packages import MTError, Pair

    env = {
        **os.environ,
        "ADAPTDESK_DATA_DIR": str(settings.data_dir),
        "ARGOS_PACKAGES_DIR": str(settings.argos_packages_dir),
    }
    try:
        command = [sys.executable, "-m", "workflow.cli", "models", "import", "--json", str(path)]
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise MTError(
            f"Installing the model took longer than {timeout:g} s and was stopped. "
            "Try again, or install it on the server: adaptdesk models import FILE.argosmodel"
        ) from None
    except OSError as exc:
        raise MTError(f"Could not start the model installer ({exc}).") from None
    if result.returncode == 0:
        try:
            record = json.loads(result.stdout)
            return Pair(**{field: record[field] for field in Pair.__dataclass_fields__})
        except (ValueError, KeyError, TypeError):
            output = result.stdout[-300:]
            raise MTError(f"The model installer printed something unexpected: {output!r}") from None
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    if result.returncode == 1 and errors:
        message = errors[-1].removeprefix("Error: ")
        if display_name:  # the file name as a word of its own, not inside ".argosmodel" or a path
            own_word = rf"(?<![\w./-]){re.escape(path.name)}(?![\w-]|\.\w)"
            message = re.sub(own_word, lambda _match: display_name, message)
        raise MTError(message)
    log.error("adaptdesk models import %s failed (exit code %s):\n%s", path, result.returncode, result.stderr)
    raise MTError(
        f"The model installer failed unexpectedly (exit code {result.returncode}); "
        "the server log has the details."
    )
