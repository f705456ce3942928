"""The outbox sends nothing for a transaction that failed; login throttling holds across web processes."""

from __future__ import annotations

import pytest

from tests.conftest import database_kind, make_settings
from tests.support.factories import make_user
from tests.support.live import Http, LiveStack, free_port, new_database, stack_env
from workflow import create_app
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services.articles import submit_article
from workflow.services.inputs import ArticleInput

pytestmark = pytest.mark.worker

ARTICLE = ArticleInput("عنوان", "نص.", "ar", "News", [], ["en", "fr"])


@pytest.fixture()
def dispatching_app(app, database_url, private_redis, tmp_path):
    """An app that sends draft jobs after commit to the private Redis (the shared `app` never sends)."""
    previous = db.engine
    built = create_app(
        {"TESTING": True, "RATELIMIT_ENABLED": False},
        settings=make_settings(tmp_path, database_url, CELERY_BROKER_URL=private_redis.url),
    )
    yield built
    db.engine.dispose()
    db.engine = previous
    db.session_factory.configure(bind=previous)
    app.extensions["celery"].set_default()


def test_an_exception_after_the_insert_leaves_nothing_on_the_broker(dispatching_app, private_redis):
    broker = private_redis.client()
    broker.flushdb()
    with dispatching_app.app_context():
        reporter = make_user(Role.REPORTER)
        try:
            submit_article(db.session, reporter, ARTICLE)
            db.session.flush()
            raise RuntimeError("the request failed after the insert")
        except RuntimeError:
            db.session.rollback()
        assert broker.llen("adaptdesk") == 0
        submit_article(db.session, reporter, ARTICLE)
        db.session.commit()
        assert broker.llen("adaptdesk") == 2  # one job per target language, sent after the commit


@pytest.fixture()
def two_web_processes(tmp_path, private_redis, argos_dir):
    """Two `adaptdesk serve --no-worker` processes sharing the login rate limits in Redis."""
    database_url, drop = new_database(database_kind(), tmp_path)
    stacks = []
    try:
        for name in ("a", "b"):
            data_dir = tmp_path / name
            data_dir.mkdir()
            env = stack_env(data_dir, database_url, private_redis.url, argos_dir)
            env["RATELIMIT_STORAGE_URI"] = private_redis.url.rsplit("/", 1)[0] + "/1"
            stack = LiveStack(env, data_dir, free_port())
            stack.start_web()
            stacks.append(stack)
        stacks[0].cli(
            "users",
            "create",
            "target",
            "--name",
            "Target Person",
            "--role",
            "reporter",
            "--password",
            "the-right-password",
        )
        yield stacks
    finally:
        for stack in stacks:
            stack.stop_all()
        drop()


def test_repeated_login_failures_get_429_across_processes(two_web_processes):
    statuses = []
    for attempt in range(12):
        stack = two_web_processes[attempt % 2]
        response = Http(stack.base_url).post("/api/v1/tokens", {"username": "target", "password": "wrong"})
        statuses.append(response.status)
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429], statuses
