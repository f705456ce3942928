"""A process frozen inside a PostgreSQL transaction (stopped, swapped out, stuck in a call) does not keep its row
locks for ever: the server ends a session idle in a transaction for ADAPTDESK_DB_IDLE_IN_TRANSACTION_TIMEOUT."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from tests.conftest import database_kind
from tests.support.live import new_database
from workflow.config import ConfigError, Settings, normalize_database_url
from workflow.extensions import db, make_engine

postgresql_only = pytest.mark.skipif(database_kind() != "postgresql", reason="a PostgreSQL server setting")


@pytest.fixture()
def locked_row(tmp_path):
    """A fresh PostgreSQL database holding one row to lock: (url, drop)."""
    url, drop = new_database("postgresql", tmp_path)
    url = normalize_database_url(url)
    setup = make_engine(url)
    with setup.begin() as conn:
        conn.execute(text("CREATE TABLE story (id int PRIMARY KEY, title text)"))
        conn.execute(text("INSERT INTO story VALUES (1, 'first')"))
    setup.dispose()
    yield url
    drop()


def wait_for_lock(engine, deadline_seconds: float = 60) -> bool:
    """Whether another session gets the row's lock before the deadline (tries with a short lock_timeout)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                conn.execute(text("UPDATE story SET title = 'second' WHERE id = 1"))
            return True
        except OperationalError:  # the lock is still held
            time.sleep(0.2)
    return False


@postgresql_only
def test_a_session_frozen_inside_a_transaction_is_ended_and_its_locks_released(locked_row):
    frozen_engine = make_engine(locked_row, idle_in_transaction_seconds=1)
    other = make_engine(locked_row)
    frozen = frozen_engine.connect()
    frozen.begin()
    frozen.execute(text("SELECT title FROM story WHERE id = 1 FOR UPDATE"))
    try:
        # The frozen process does nothing more; the row is free again once the server ends its session.
        assert wait_for_lock(other), "the idle transaction still holds its row lock"
        with pytest.raises(DBAPIError, match="idle-in-transaction timeout"):
            frozen.execute(text("SELECT 1"))
        with other.connect() as conn:
            assert conn.execute(text("SELECT title FROM story")).scalar() == "second"
        with frozen_engine.connect() as fresh:  # the pool replaces the dead connection
            assert fresh.execute(text("SELECT 1")).scalar() == 1
    finally:
        frozen.invalidate()
        frozen_engine.dispose()
        other.dispose()


@postgresql_only
def test_the_apps_sessions_carry_the_timeout(app):
    with db.engine.connect() as conn:
        assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "5min"


@pytest.mark.parametrize("raw,seconds", [(None, 300), ("2m", 120), ("45", 45), ("0", 0)])
def test_the_timeout_is_a_setting(tmp_path, raw, seconds):
    env = {"ADAPTDESK_DATA_DIR": str(tmp_path)}
    if raw is not None:
        env["ADAPTDESK_DB_IDLE_IN_TRANSACTION_TIMEOUT"] = raw
    assert Settings.from_env(env).db_idle_in_transaction_seconds == seconds


@pytest.mark.parametrize("raw", ["-1", "soon", "5x"])
def test_a_bad_timeout_is_refused_at_start(tmp_path, raw):
    with pytest.raises(ConfigError, match="ADAPTDESK_DB_IDLE_IN_TRANSACTION_TIMEOUT"):
        Settings.from_env(
            {"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_DB_IDLE_IN_TRANSACTION_TIMEOUT": raw}
        )
