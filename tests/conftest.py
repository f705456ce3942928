"""Shared fixtures: a real database per run (PostgreSQL or SQLite), a rolled-back transaction per test."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from flask import has_app_context
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session

from tests.support.live import install_test_model
from tests.support.outbox import hold_draft_jobs
from workflow import create_app
from workflow.config import Settings, normalize_database_url
from workflow.db_migrations import upgrade
from workflow.extensions import db
from workflow.web.page_cache import EXTENSION as PAGE_CACHE

PG_ADMIN_URL = os.environ.get("ADAPTDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def database_kind() -> str:
    """`postgresql` (default, as in production) or `sqlite` (the embedded default), from ADAPTDESK_TEST_DB."""
    kind = os.environ.get("ADAPTDESK_TEST_DB", "postgresql").lower()
    assert kind in ("postgresql", "sqlite"), f"ADAPTDESK_TEST_DB must be postgresql or sqlite, not {kind}"
    return kind


def create_test_database(tmp_dir: Path) -> tuple[str, callable]:
    """A fresh, migrated database for this test run, and a function that drops it."""
    if database_kind() == "sqlite":
        url = f"sqlite:///{tmp_dir / 'test.db'}"
        upgrade(url)
        return url, lambda: None
    name = f"adaptdesk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalize_database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    upgrade(url)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def make_settings(data_dir: Path, database_url: str, **overrides) -> Settings:
    """Settings for tests: a temporary data directory, the given database, no secrets from the environment."""
    base = Settings.from_env(
        {
            "ADAPTDESK_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "ADAPTDESK_PUBLIC_URL": "http://localhost",
            **overrides,
        }
    )
    # In-process tests read event streams to their end: a stream sends what is waiting and ends at once
    # (the live tests, on real web processes, use real durations).
    return replace(base, live_stream_seconds=0)


@pytest.fixture(scope="session")
def argos_dir(tmp_path_factory):
    """An Argos packages folder holding a tiny offline-built Arabic → English model."""
    root = tmp_path_factory.mktemp("argos")
    install_test_model(tmp_path_factory.mktemp("models"), root, "ar", "en")
    return root


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL of this run's migrated test database."""
    url, drop = create_test_database(tmp_path_factory.mktemp("db"))
    yield url
    db.engine and db.engine.dispose()
    drop()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app, built by the real factory on the test database; its commits send no draft job anywhere."""
    settings = make_settings(tmp_path_factory.mktemp("data"), database_url)
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False}, settings=settings)
    hold_draft_jobs(app)
    return app


class SessionKeptAcrossRequests(scoped_session):
    """The test's session: the `remove()` the app calls as each app context ends (after every request)
    leaves it open, so the requests of a test share its session and objects inside the one rolled-back
    transaction. A `remove()` from the test itself, outside any app context, still removes it."""

    def remove(self) -> None:
        if has_app_context():  # an app context is ending: keep the test's session
            return
        super().remove()


@pytest.fixture()
def session(app):
    """A database session inside a transaction that is rolled back after the test."""
    pages = app.extensions.get(PAGE_CACHE)
    if pages is not None:
        pages.clear()  # pages written from another test's rolled-back rows
    connection = db.engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    request_scoped, db.session = db.session, SessionKeptAcrossRequests(db.session_factory)
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = request_scoped
        outer.rollback()
        connection.close()
        db.session_factory.kw.pop("join_transaction_mode", None)
        db.session_factory.configure(bind=db.engine)


@pytest.fixture()
def client(app, session):
    """A test client whose requests share the test's rolled-back transaction."""
    return app.test_client()
