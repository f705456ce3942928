"""`adaptdesk models …`: list, install and import translation models (Argos Translate packages); and the
model parts of `serve` (which pairs are installed) and `demo` (install Arabic ↔ English when online).

Every command uses the app's Settings, so models land in `argos_packages_dir` (ARGOS_PACKAGES_DIR, else
<ADAPTDESK_DATA_DIR>/argos-packages), the folder the workers read. argostranslate fixes its folders when it
is first imported; `workflow.mt.packages` points it at that folder before importing it, and nothing here
imports it earlier. (The web app runs `models import --json` in a child process: workflow.mt.installer.)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from . import create_app
from .cli_audit import acting_admin, as_admin_option
from .config import ConfigError, Settings
from .db_migrations import current
from .extensions import db
from .models import AuditAction
from .mt.index import install_from_index, package_index_url
from .mt.packages import (
    BROKEN,
    ArchiveLimits,
    IndexUnreachableError,
    MTError,
    Pair,
    format_size,
    import_package,
    list_installed,
)
from .mt.probe import check_new_packages
from .services import audit
from .services.drafts import retry_failed_drafts
from .services.duties import requeue_served_drafts
from .services.errors import ServiceError

#: Language codes as Argos names them: `ar`, `en`, `zh`, `pt_BR`-style variants included.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")


def pair_record(pair: Pair) -> dict:
    """A Pair as plain data for `--json` output."""
    return {**asdict(pair), "code": pair.code, "size_mb": round(pair.size_bytes / 1_000_000, 1)}


def settings_or_exit() -> Settings:
    """Settings from the environment; a configuration error ends the command with its message."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def app_or_exit() -> Flask:
    """The app from the factory; a configuration error ends the command with its message."""
    try:
        return create_app()
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
    """List installed translation models: language pair, package, size on disk, folder, and whether it loads
    (a model not tested yet, e.g. copied into the folder by hand, is tested now)."""
    settings = settings_or_exit()
    check_new_packages(settings.argos_packages_dir)
    pairs = list_installed(settings.argos_packages_dir)
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
    working = sum(pair.loads for pair in pairs)
    click.echo(f"Translation models in {settings.argos_packages_dir} ({working} of {len(pairs)} load):")
    rows = [
        (
            f"{p.from_name} → {p.to_name} ({p.code})",
            p.name,
            p.version or "?",
            format_size(p.size_bytes),
            "loads" if p.loads else "BROKEN" if p.status == BROKEN else "not tested",
            p.path,
        )
        for p in pairs
    ]
    header = ("Pair", "Package", "Version", "Size", "Status", "Folder")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        click.echo(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[-1]
        )
    for pair in pairs:
        if pair.status == BROKEN:
            click.echo(
                f"{pair.name} does not load ({pair.problem}); workers do not use it. "
                "Import a good copy: adaptdesk models import FILE.argosmodel"
            )


@models_group.command("install", short_help="Download and install a model from the Argos package index.")
@click.argument("from_code", metavar="FROM", callback=_language_code)
@click.argument("to_code", metavar="TO", callback=_language_code)
@click.option(
    "--index-url",
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
@as_admin_option
def install_model(
    from_code: str, to_code: str, index_url: str | None, timeout: float, as_json: bool, as_admin: str | None
) -> None:
    """Download the newest FROM → TO model from the Argos package index and install it: `install ar en`."""
    settings = settings_or_exit()
    check_admin_before_installing(settings, as_admin)
    index = package_index_url(index_url or settings.argos_package_index)
    if not as_json:
        click.echo(f"Looking for the {from_code} → {to_code} model in {index} …", err=True)
    try:
        pair = install_with_progress(settings, from_code, to_code, index, timeout, quiet=as_json)
    except MTError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Could not write to {settings.argos_packages_dir}: {exc}") from None
    entry = InstallEntry(AuditAction.MODEL_INSTALLED, as_admin, {"index": index})
    _report_installed(pair, as_json, settings, entry)


@models_group.command("import", short_help="Install a model from a .argosmodel file (no internet needed).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the installed model as JSON.")
@as_admin_option
@click.option("--no-audit", is_flag=True, hidden=True, help="The caller (the web app's upload) records it.")
def import_model(file: Path, as_json: bool, as_admin: str | None, no_audit: bool) -> None:
    """Install a model from a downloaded FILE.argosmodel, without internet."""
    settings = settings_or_exit()
    check_admin_before_installing(settings, as_admin)
    try:
        pair = import_package(
            file, settings.argos_packages_dir, limits=ArchiveLimits.from_app_settings(settings)
        )
    except MTError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            f"Could not install {file.name} into {settings.argos_packages_dir}: {exc}"
        ) from None
    entry = None if no_audit else InstallEntry(AuditAction.MODEL_IMPORTED, as_admin, {"file": file.name})
    _report_installed(pair, as_json, settings, entry)


@models_group.command("retry-failed", short_help="Queue failed drafts again, e.g. after installing a model.")
@click.argument("from_code", required=False)
@click.argument("to_code", required=False)
@click.option(
    "--as", "username", required=True, help="The admin doing it (recorded in the history and the audit log)."
)
def retry_failed(from_code: str | None, to_code: str | None, username: str) -> None:
    """Queue the failed drafts of FROM → TO (or of every pair) again; workers pick them up."""
    with app_or_exit().app_context():
        admin = acting_admin(db.session, username)
        try:
            retried = retry_failed_drafts(db.session, admin, source=from_code, target=to_code)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
    click.echo(f"Queued {len(retried)} failed draft(s) again.")


@dataclass(frozen=True)
class InstallEntry:
    """The audit entry an installed model gets: which action, by which admin (None: no one named), and
    details beside the package and version."""

    action: AuditAction
    as_admin: str | None
    details: dict


def check_admin_before_installing(settings: Settings, as_admin: str | None) -> None:
    """End the command before anything is installed when `--as` names no active admin (or no database)."""
    if as_admin is None:
        return
    try:
        if current(settings.database_url) is None:
            raise click.ClickException(
                "--as: the database has no tables yet; run adaptdesk db upgrade first, or leave out --as."
            )
        with create_app(settings=settings).app_context():
            acting_admin(db.session, as_admin)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"--as: the database cannot be read ({type(exc).__name__}).") from None


def _report_installed(pair: Pair, as_json: bool, settings: Settings, entry: InstallEntry | None) -> None:
    requeued, note = requeue_after_install(settings, pair, entry)
    if as_json:
        click.echo(json.dumps({**pair_record(pair), "requeued": requeued}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Installed {_describe(pair)} in {pair.path}. Workers use it for their next drafts.")
    click.echo(note)


def requeue_after_install(
    settings: Settings, pair: Pair | None = None, entry: InstallEntry | None = None
) -> tuple[int, str]:
    """Record the installed model in the audit log (when `entry` is given) and queue again the failed drafts
    it now serves: (how many, a line saying so)."""
    try:
        if current(settings.database_url) is None:  # no database yet: no draft can be waiting
            unrecorded = " (Not in the audit log: the database has no tables yet.)" if entry else ""
            return 0, f"Queued 0 failed draft(s) again.{unrecorded}"
        app = create_app(settings=settings)
        with app.app_context():
            if entry is not None and pair is not None:
                admin = acting_admin(db.session, entry.as_admin)
                audit.record(
                    db.session, admin, entry.action, package=pair.name, version=pair.version, **entry.details
                )
            requeued = requeue_served_drafts(db.session, settings)
            db.session.commit()
    except (SQLAlchemyError, ConfigError) as exc:
        return 0, (
            f"Failed drafts were not queued again now, nor the model recorded in the audit log "
            f"({type(exc).__name__}); the workers queue the drafts within a minute."
        )
    return len(requeued), f"Queued {len(requeued)} failed draft(s) again."


def install_with_progress(
    settings: Settings, from_code: str, to_code: str, index: str, timeout: float, *, quiet: bool = False
) -> Pair:
    """Install a pair from the package index, with a progress bar (on standard error) for the download."""
    bar = None
    shown = 0

    def on_download(done: int, total: int | None) -> None:
        nonlocal bar, shown
        if quiet or total is None:
            return
        if bar is None:
            bar = click.progressbar(
                length=total, label=f"Downloading {from_code} → {to_code}", file=sys.stderr
            )
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        return install_from_index(
            from_code,
            to_code,
            packages_dir=settings.argos_packages_dir,
            index=index,
            timeout=timeout,
            limits=ArchiveLimits.from_app_settings(settings),
            on_download=on_download,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


#: What `adaptdesk demo` installs so that its Arabic example gets a real draft (and English → Arabic).
DEMO_PAIRS = (("ar", "en"), ("en", "ar"))


def install_demo_models(settings: Settings) -> None:
    """Install the demo's pairs from the package index if it is reachable; offline, say so in one line."""
    index = package_index_url(settings.argos_package_index)
    have = {
        (pair.from_code, pair.to_code) for pair in list_installed(settings.argos_packages_dir) if pair.loads
    }
    for from_code, to_code in DEMO_PAIRS:
        if (from_code, to_code) in have:
            continue
        try:
            pair = install_with_progress(settings, from_code, to_code, index, timeout=5)
        except IndexUnreachableError:
            click.echo(
                f"Offline: the Argos package index ({index}) cannot be reached, so no model was installed "
                "and the example gets no draft until one is: adaptdesk models import translate-ar_en.argosmodel"
            )
            return
        except (MTError, OSError) as exc:
            click.echo(f"Could not install the {from_code} → {to_code} model: {exc}")
            continue
        click.echo(f"Installed {_describe(pair)}.")


def installed_models_banner(settings: Settings) -> str:
    """What `serve` says at start: the pairs installed, or what to do when there are none."""
    pairs = [pair for pair in list_installed(settings.argos_packages_dir) if pair.status != BROKEN]
    if not pairs:
        return (
            f"No translation model is installed (in {settings.argos_packages_dir}), so drafts fail until one is: "
            "adaptdesk models install ar en (or adaptdesk demo, which installs Arabic ↔ English), "
            "or offline: adaptdesk models import FILE.argosmodel"
        )
    return "Translation models: " + ", ".join(
        f"{pair.from_name} → {pair.to_name} ({pair.code})" for pair in pairs
    )
