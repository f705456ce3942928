"""Adaptdesk: originals in, machine drafts, adaptation, review, publication with credits."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Settings
from .extensions import csrf, db, limiter, login_manager
from .jobs import celery_init_app
from .logging_setup import configure_logging
from .services.live import init_live
from .services.outbox import init_outbox
from .services.search import track_changes
from .web import register_web

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the web app: settings from the environment (or `settings`), extensions, blueprints, Celery."""
    settings = (settings or Settings.from_env()).with_secret()
    # Installed from a wheel, the pages ship inside the package (setup.py maps templates/ there); in a
    # checkout they are the top-level templates/ folder.
    packaged_templates = Path(__file__).parent / "templates"
    app = Flask(
        __name__,
        template_folder=str(packaged_templates if packaged_templates.is_dir() else ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        ADAPTDESK=settings,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_ENABLED=True,
        JSON_SORT_KEYS=False,
        ADAPTDESK_PUBLISHER=settings.publisher,
    )
    if config:
        app.config.update(config)
    configure_logging(app, settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    db.init_app(
        app, settings.database_url, idle_in_transaction_seconds=settings.db_idle_in_transaction_seconds
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    register_web(app)
    celery = celery_init_app(app, settings)
    init_outbox(app, celery, settings)
    init_live(app, settings)
    track_changes(db.session_factory)
    return app
