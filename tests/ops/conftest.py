"""An app with the ops blueprint on the test database and a real Redis broker, and a real installed model."""

from __future__ import annotations

import os

import pytest
import redis

from tests.conftest import make_settings
from tests.support.argos_model import build_package
from tests.support.outbox import hold_draft_jobs
from workflow import create_app
from workflow.extensions import db
from workflow.mt.packages import import_package
from workflow.web import ops

#: Redis database for these tests (connections and pings only); flushed before and after.
OPS_REDIS_DB = int(os.environ.get("ADAPTDESK_TEST_OPS_REDIS_DB", "9"))
REDIS_BASE = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")


def install_tested_model(packages_dir, build_dir) -> None:
    """A real (tiny) ar→en package, installed by Adaptdesk's importer, so it is tested and counts as loading."""
    import_package(build_package(build_dir, "ar", "en", size="tiny"), packages_dir)


@pytest.fixture(scope="session")
def broker_url():
    url = f"{REDIS_BASE}/{OPS_REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def ops_app(app, database_url, broker_url, tmp_path_factory):
    """The real factory's app on the test database, Redis as broker, one model installed, /metrics open
    (no ADAPTDESK_METRICS_TOKEN in its settings), sending no draft job.

    Built after the shared `app`: the factory binds the one `db` to a new engine, so the previous engine
    is disposed here rather than left for the garbage collector with open connections.
    """
    data_dir = tmp_path_factory.mktemp("ops")
    install_tested_model(data_dir / "packages", tmp_path_factory.mktemp("ops-model"))
    settings = make_settings(
        data_dir, database_url, CELERY_BROKER_URL=broker_url, ARGOS_PACKAGES_DIR=str(data_dir / "packages")
    )
    previous_engine = db.engine
    built = create_app({"TESTING": True, "RATELIMIT_ENABLED": False}, settings=settings)
    hold_draft_jobs(built)
    if previous_engine is not None and previous_engine is not db.engine:
        previous_engine.dispose()
    if "ops" not in built.blueprints:  # until register_web registers it
        built.register_blueprint(ops.bp)
    return built


@pytest.fixture()
def ops_client(ops_app):
    """A client of the ops app, outside any test transaction (readiness opens its own connections)."""
    return ops_app.test_client()


@pytest.fixture()
def ops_session_client(ops_app, session):
    """A client of the ops app whose requests see the test's rolled-back transaction."""
    return ops_app.test_client()
