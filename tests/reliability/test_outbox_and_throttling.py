"""The outbox sends nothing for a transaction that failed; login throttling holds across web processes (its
budget, shared by the login form and the token exchange, counted in Redis) and holds back only the account
that was guessed at."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

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
        for username in ("target", "colleague"):
            stacks[0].cli(
                "users",
                "create",
                username,
                "--name",
                f"{username.title()} Person",
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


def form_login(base_url: str, username: str, password: str) -> int:
    """Log in through the real form (its CSRF token and cookie) and return the status of the POST."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )
    page = opener.open(base_url + "/login", timeout=15).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(base_url + "/login", data=form, timeout=15).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_repeated_login_failures_get_429_across_processes_and_entry_points(two_web_processes):
    statuses = []
    for attempt in range(12):
        stack = two_web_processes[attempt % 2]
        if attempt % 3 == 2:
            statuses.append(form_login(stack.base_url, "target", "wrong"))
        else:
            response = Http(stack.base_url).post(
                "/api/v1/tokens", {"username": "target", "password": "wrong"}
            )
            statuses.append(response.status)
    assert statuses[:10] == [401] * 10, statuses
    assert statuses[10:] == [429, 429], statuses
    a, b = (stack.base_url for stack in two_web_processes)
    assert form_login(a, "target", "the-right-password") == 429, "the form shares the token exchange's budget"
    # The guessing held back `target` from this address only: a colleague behind the same address logs in.
    assert form_login(b, "colleague", "the-right-password") == 302
    token = Http(a).post("/api/v1/tokens", {"username": "colleague", "password": "the-right-password"})
    assert token.status == 201
