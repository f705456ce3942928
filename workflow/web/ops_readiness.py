"""The checks behind /readyz: the database answers, the broker accepts a connection, a Celery worker
answers a ping, and a translation model that loads is installed where the workers look for them.

Each check returns `{"ok": bool, ...}`; a failure names what is wrong and what to do, and only the kind of
error (no hosts, users or paths): the full error goes to the log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import text

from ..config import Settings
from ..extensions import db
from ..mt.packages import BROKEN, UNCHECKED, list_installed

log = logging.getLogger(__name__)

#: How long /readyz waits for Celery workers to answer a ping, and for the broker to accept a connection.
WORKER_PING_SECONDS = 1.0
BROKER_CONNECT_SECONDS = 2.0


def timed(check) -> dict[str, Any]:
    """Run a check and add how long it took (`ms`)."""
    started = time.perf_counter()
    result = check()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _failure(what: str, exc: BaseException, advice: str) -> dict[str, Any]:
    log.warning("readiness: %s failed: %s", what, exc)
    return {"ok": False, "error": f"{what} failed ({type(exc).__name__}). {advice}"}


def check_database() -> dict[str, Any]:
    """`SELECT 1` on a connection of its own."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure("The database query", exc, "Check DATABASE_URL and that the database server is up.")
    return {"ok": True}


def check_broker(celery) -> dict[str, Any]:
    """A connection to the broker, with one short retry."""
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, timeout=BROKER_CONNECT_SECONDS
            )
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure(
            "Connecting to the broker",
            exc,
            "Check CELERY_BROKER_URL and that Redis is up; submissions wait for it meanwhile.",
        )
    return {"ok": True}


def check_workers(celery, settings: Settings) -> dict[str, Any]:
    """At least one Celery worker answers a ping (skipped on the embedded broker, which cannot broadcast)."""
    if settings.embedded_broker:
        return {
            "ok": True,
            "skipped": True,
            "message": "The embedded broker cannot broadcast, so workers cannot be pinged; "
            "set CELERY_BROKER_URL to a Redis server to have them checked.",
        }
    try:
        replies = celery.control.ping(timeout=WORKER_PING_SECONDS) or []
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure("Pinging the workers", exc, "Check the broker.")
    count = sum(len(reply) for reply in replies)
    if not count:
        return {
            "ok": False,
            "workers": 0,
            "error": f"No Celery worker answered a ping within {WORKER_PING_SECONDS:g} s, so new "
            "articles get no machine draft. Start one: `adaptdesk worker` "
            "(with Docker: docker compose up -d worker).",
        }
    return {"ok": True, "workers": count}


def check_models(settings: Settings) -> dict[str, Any]:
    """At least one translation package whose model was tested and loads is installed where the workers look.

    A package is tested when installed, or by the workers (and `adaptdesk models list`) when it was placed in
    the folder by other means; until then, and when broken, it does not count.
    """
    try:
        installed = list_installed(settings.argos_packages_dir)
    except Exception as exc:  # noqa: BLE001  (an unreadable folder means not ready)
        return _failure("Listing the translation models", exc, "Check ARGOS_PACKAGES_DIR.")
    pairs = sorted({pair.code for pair in installed if pair.loads})
    if pairs:
        return {"ok": True, "pairs": pairs}
    untested = [pair.name for pair in installed if pair.status == UNCHECKED]
    broken = [f"{pair.name} ({pair.problem})" for pair in installed if pair.status == BROKEN]
    error = "No translation model that loads is installed, so every machine draft fails. "
    if untested:
        error += (
            f"{len(untested)} not tested yet: a running worker tests new models within a minute "
            "(or run `adaptdesk models list`). "
        )
    if broken:
        error += f"Broken: {'; '.join(broken)}. "
    error += (
        "Install one: `adaptdesk models install ar en`, or `adaptdesk models import FILE.argosmodel` "
        "(with Docker: docker compose run --rm worker adaptdesk models install ar en)."
    )
    return {"ok": False, "pairs": [], "error": error}
