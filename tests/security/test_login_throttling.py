"""Login throttling: one budget for the login form and the token exchange, counted per account and client
address (and per account from every address), so one attacker's failures never lock out anyone else; the
client address comes from the trusted proxies' X-Forwarded-For.

These tests run an app of their own with throttling on (the shared test app has it off), on a database of
their own, with the in-memory storage; tests/reliability checks the Redis storage across web processes.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.conftest import database_kind, make_settings
from tests.support.live import new_database
from workflow import create_app
from workflow.config import normalize_database_url
from workflow.db_migrations import upgrade
from workflow.domain.states import Role
from workflow.extensions import db, limiter
from workflow.services.users import create_user

PASSWORD = "the right password"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def throttled(app, tmp_path_factory):
    """An app with login throttling on, behind one trusted proxy, with people `victim`, `colleague`, `bystander`."""
    previous_engine, previous_bind = db.engine, db.session_factory.kw.get("bind")
    folder = tmp_path_factory.mktemp("throttled")
    url, drop = new_database(database_kind(), folder)
    url = normalize_database_url(url)
    upgrade(url)
    built = create_app(
        {"TESTING": True, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"},
        settings=make_settings(folder, url, ADAPTDESK_TRUSTED_PROXIES="1"),
    )
    with built.app_context():
        for username in ("victim", "colleague", "bystander", "spread"):
            create_user(db.session, username, username.title(), {Role.REPORTER}, PASSWORD)
        db.session.commit()
    yield built
    limiter.enabled = False  # the extension is shared: leave it as the test app had it
    db.engine.dispose()
    db.engine = previous_engine
    db.session_factory.configure(bind=previous_bind)
    db.session.remove()
    app.extensions["celery"].set_default()
    drop()


@pytest.fixture(autouse=True)
def fresh_budget(throttled):
    limiter.reset()


def from_address(address: str) -> dict[str, str]:
    """Headers of a request the trusted proxy forwards for a client at `address`."""
    return {"X-Forwarded-For": address}


def form_login(app, username: str, password: str, address: str):
    client = app.test_client()
    page = client.get("/login", headers=from_address(address)).get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers=from_address(address),
    )


def token_login(app, username: str, password: str, address: str):
    return app.test_client().post(
        "/api/v1/tokens", json={"username": username, "password": password}, headers=from_address(address)
    )


def test_the_form_and_the_token_exchange_share_one_budget(throttled):
    statuses = []
    for attempt in range(10):
        login = form_login if attempt % 2 else token_login
        statuses.append(login(throttled, "victim", "guess", "203.0.113.7").status_code)
    assert statuses == [401] * 10
    api = token_login(throttled, "victim", PASSWORD, "203.0.113.7")
    page = form_login(throttled, "victim", PASSWORD, "203.0.113.7")
    assert api.status_code == 429 and page.status_code == 429, "even the right password waits"
    assert api.json["error"] == "too_many_requests" and "wait a minute" in api.json["message"]
    assert int(api.headers["Retry-After"]) > 0
    text = page.get_data(as_text=True)
    assert "wait a minute" in text and 'name="password"' in text, "the form comes back with the reason"


def test_failures_on_one_account_never_block_a_correct_login_to_another(throttled):
    for _ in range(12):
        token_login(throttled, "victim", "guess", "198.51.100.1")
    assert token_login(throttled, "victim", "guess", "198.51.100.1").status_code == 429
    # The same address — the newsroom behind one NAT, or the proxy itself — logs in to other accounts.
    assert form_login(throttled, "colleague", PASSWORD, "198.51.100.1").status_code == 302
    assert token_login(throttled, "bystander", PASSWORD, "198.51.100.1").status_code == 201
    # And the victim logs in from their own address.
    assert form_login(throttled, "victim", PASSWORD, "192.0.2.44").status_code == 302


def test_unknown_usernames_are_throttled_like_real_ones(throttled):
    for _ in range(10):
        assert token_login(throttled, "no-such-person", "guess", "198.51.100.9").status_code == 401
    assert token_login(throttled, "no-such-person", "guess", "198.51.100.9").status_code == 429


def test_a_success_costs_nothing(throttled):
    for _ in range(15):
        assert token_login(throttled, "colleague", PASSWORD, "198.51.100.20").status_code == 201


def test_a_guesser_spread_over_many_addresses_is_held_per_account(throttled):
    for n in range(100):
        assert token_login(throttled, "spread", "guess", f"10.1.{n // 250}.{n % 250 + 1}").status_code == 401
    assert token_login(throttled, "spread", PASSWORD, "10.2.0.1").status_code == 429
    assert token_login(throttled, "bystander", PASSWORD, "10.2.0.1").status_code == 201


def test_only_the_trusted_proxys_hop_is_believed(throttled):
    """A client that sends its own X-Forwarded-For cannot pick a fresh address: the proxy appends the real one,
    and only that last hop is trusted."""
    assert isinstance(throttled.wsgi_app, ProxyFix)
    for n in range(10):
        spoofed = {"X-Forwarded-For": f"10.9.9.{n}, 198.51.100.77"}
        response = throttled.test_client().post(
            "/api/v1/tokens", json={"username": "victim", "password": "guess"}, headers=spoofed
        )
        assert response.status_code == 401
    assert token_login(throttled, "victim", PASSWORD, "10.9.9.200, 198.51.100.77").status_code == 429


def test_without_trusted_proxies_the_header_is_ignored(app, tmp_path):
    assert app.config["ADAPTDESK"].trusted_proxies == 0
    assert not isinstance(app.wsgi_app, ProxyFix)
