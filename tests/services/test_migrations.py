"""Alembic migrations: an empty database upgrades to head, steps back and forward, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests.conftest import database_kind
from tests.support.live import new_database
from workflow.config import normalize_database_url
from workflow.db_migrations import current, downgrade, upgrade
from workflow.models import Base


def test_upgrade_downgrade_and_models_match_the_schema(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    try:
        upgrade(url)
        head = current(url)
        assert head is not None
        downgrade(url, "-1")
        assert current(url) != head
        upgrade(url)
        assert current(url) == head
        engine = create_engine(url)
        with engine.connect() as conn:
            assert {"users", "articles", "adaptations", "drafts", "history", "credits"} <= set(
                inspect(conn).get_table_names())
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        engine.dispose()
        assert diff == [], f"models and migrations differ; add a migration: {diff}"
    finally:
        drop()
