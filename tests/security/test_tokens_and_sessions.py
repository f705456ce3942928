"""API tokens are named, expire, are listed and revoked one by one (page, API); login sessions end when idle
or old, and "log out everywhere" ends them all."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.support.factories import PASSWORD, login, make_user, post_form, token_for
from workflow.config import ConfigError, Settings
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import ApiToken, LoginSession, utcnow
from workflow.services import credentials

TOKEN_KEYS = {"id", "name", "created_at", "last_used_at", "expires_at", "current"}


def browser(app, user) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_token(client, user, name: str) -> str:
    response = client.post(
        "/api/v1/tokens", json={"username": user.username, "password": PASSWORD, "name": name}
    )
    assert response.status_code == 201, response.json
    return response.json["token"]


# --- tokens -----------------------------------------------------------------------------------------------


def test_tokens_are_named_expire_in_90_days_and_are_listed_with_the_current_one_marked(client, session):
    person = make_user(Role.EDITOR)
    laptop = new_token(client, person, "laptop")
    importer = new_token(client, person, "wire importer")
    created = client.post("/api/v1/tokens", json={"username": person.username, "password": PASSWORD})
    assert created.json["name"] == "api" and created.json["current"] is True
    expires = credentials.token_row(session, laptop).expires_at
    assert timedelta(days=89, hours=23) < expires - utcnow() <= timedelta(days=90)

    listed = client.get("/api/v1/tokens", headers=bearer(laptop))
    assert listed.status_code == 200
    tokens = listed.json["tokens"]
    assert [t["name"] for t in tokens] == ["api", "wire importer", "laptop"]
    assert all(set(t) == TOKEN_KEYS for t in tokens)
    assert [t["current"] for t in tokens] == [False, False, True]
    assert tokens[2]["last_used_at"] is not None and tokens[1]["last_used_at"] is None
    assert all(t["expires_at"].endswith("Z") for t in tokens)
    assert laptop not in listed.get_data(as_text=True) and importer not in listed.get_data(as_text=True)


def test_a_token_is_revoked_by_id_and_only_by_its_owner_or_an_admin(client, session):
    owner, stranger, admin = make_user(Role.ADAPTOR), make_user(Role.EDITOR), make_user(Role.ADMIN)
    kept, revoked = new_token(client, owner, "kept"), new_token(client, owner, "to revoke")
    revoked_id = credentials.token_row(session, revoked).id

    refused = client.delete(f"/api/v1/tokens/{revoked_id}", headers=token_for(stranger))
    assert refused.status_code == 404, "someone else's token does not exist for a stranger"
    assert client.get("/api/v1/me", headers=bearer(revoked)).status_code == 200

    assert client.delete(f"/api/v1/tokens/{revoked_id}", headers=bearer(kept)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(revoked)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 200
    assert [t["name"] for t in client.get("/api/v1/tokens", headers=bearer(kept)).json["tokens"]] == ["kept"]

    kept_id = credentials.token_row(session, kept).id
    assert client.delete(f"/api/v1/tokens/{kept_id}", headers=token_for(admin)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(kept)).status_code == 401
    assert client.delete("/api/v1/tokens/99999999999", headers=token_for(admin)).status_code == 404


def test_an_expired_token_stops_working(client, session):
    person = make_user(Role.REPORTER)
    token = new_token(client, person, "short-lived")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    credentials.token_row(session, token).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    refused = client.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401 and "expired" in refused.json["message"]


def test_the_token_lifetime_is_a_setting(app, session, monkeypatch):
    monkeypatch.setitem(
        app.config, "ADAPTDESK", replace(app.config["ADAPTDESK"], token_lifetime_seconds=3600)
    )
    person = make_user(Role.REPORTER)
    token = app.test_client().post("/api/v1/tokens", json={"username": person.username, "password": PASSWORD})
    expires = credentials.token_row(session, token.json["token"]).expires_at
    assert timedelta(minutes=59) < expires - utcnow() <= timedelta(hours=1)


@pytest.mark.parametrize("name", ["x" * 121, "bell\x07", "bidi\u202eeman"])
def test_a_token_name_is_one_plain_line(client, session, name):
    person = make_user(Role.REPORTER)
    response = client.post(
        "/api/v1/tokens", json={"username": person.username, "password": PASSWORD, "name": name}
    )
    assert response.status_code == 400 and response.json["field"] == "name"


def test_the_account_page_lists_makes_and_revokes_tokens(app, client, session):
    person = make_user(Role.ADAPTOR)
    page_client = browser(app, person)
    made = post_form(page_client, "/account/tokens", {"name": "desk script"})
    assert made.status_code == 201
    shown = made.get_data(as_text=True)
    token = shown.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert client.get("/api/v1/me", headers=bearer(token)).json["username"] == person.username
    assert token not in page_client.get("/account").get_data(as_text=True), "a token is shown once only"
    assert "desk script" in page_client.get("/account").get_data(as_text=True)

    row = credentials.token_row(session, token)
    other = make_user(Role.ADAPTOR)
    other_token = credentials.token_row(session, token_for(other)["Authorization"].split()[1])
    assert post_form(page_client, f"/account/tokens/{other_token.id}/revoke").status_code == 404
    assert post_form(page_client, f"/account/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_an_admin_sees_and_revokes_someones_tokens_on_their_page(app, client, session):
    admin, person = make_user(Role.ADMIN), make_user(Role.REPORTER)
    token = new_token(client, person, "leaked one")
    row = credentials.token_row(session, token)
    admin_client = browser(app, admin)
    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "leaked one" in page and f'id="token-{row.id}"' in page
    assert post_form(admin_client, f"/admin/users/{person.id}/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert post_form(admin_client, f"/admin/users/{admin.id}/tokens/{row.id}/revoke").status_code == 404


@pytest.mark.parametrize(
    "env,expected",
    [
        ({}, (12 * 3600, 14 * 86400, 90 * 86400)),
        (
            {
                "ADAPTDESK_SESSION_IDLE_TIMEOUT": "30m",
                "ADAPTDESK_SESSION_LIFETIME": "7d",
                "ADAPTDESK_TOKEN_LIFETIME": "3600",
            },
            (1800, 7 * 86400, 3600),
        ),
    ],
)
def test_lifetimes_are_read_from_the_environment(tmp_path, env, expected):
    settings = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), **env})
    assert (
        settings.session_idle_seconds,
        settings.session_lifetime_seconds,
        settings.token_lifetime_seconds,
    ) == (expected)


@pytest.mark.parametrize("value", ["0", "-5h", "12x", "soon"])
def test_a_bad_lifetime_is_refused_at_start(tmp_path, value):
    with pytest.raises(ConfigError, match="ADAPTDESK_SESSION_IDLE_TIMEOUT"):
        Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_SESSION_IDLE_TIMEOUT": value})


# --- login sessions ---------------------------------------------------------------------------------------


def _login_row(user) -> LoginSession:
    return db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id.desc())
    ).first()


def test_a_session_idle_longer_than_the_timeout_ends(app, session):
    person = make_user(Role.REPORTER)
    client = browser(app, person)
    row = _login_row(person)
    row.last_seen_at = utcnow() - timedelta(hours=11, minutes=59)
    db.session.commit()
    assert client.get("/desk/reports").status_code == 200, "used within 12 h: still open"
    db.session.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1), "using it moves the idle clock"
    row.last_seen_at = utcnow() - timedelta(hours=12, seconds=1)
    db.session.commit()
    assert client.get("/desk/reports").headers["Location"].startswith("/login")
    db.session.refresh(row)
    assert row.closed_at is not None
    row.last_seen_at = utcnow()  # closed for good: fresh activity does not reopen it
    db.session.commit()
    assert client.get("/desk/reports").status_code == 302


def test_a_session_ends_at_its_absolute_lifetime_however_busy(app, session):
    person = make_user(Role.REPORTER)
    client = browser(app, person)
    row = _login_row(person)
    row.created_at = utcnow() - timedelta(days=13, hours=23)
    db.session.commit()
    assert client.get("/desk/reports").status_code == 200
    row.created_at = utcnow() - timedelta(days=14, seconds=1)
    db.session.commit()
    assert client.get("/desk/reports").status_code == 302


def test_idle_timeout_and_lifetime_are_settings(app, session, monkeypatch):
    settings = app.config["ADAPTDESK"]
    assert (settings.session_idle_seconds, settings.session_lifetime_seconds) == (12 * 3600, 14 * 86400)
    monkeypatch.setitem(app.config, "ADAPTDESK", replace(settings, session_idle_seconds=120))
    person = make_user(Role.REPORTER)
    client = browser(app, person)
    row = _login_row(person)
    row.last_seen_at = utcnow() - timedelta(seconds=121)
    db.session.commit()
    assert client.get("/desk/reports").status_code == 302


def test_log_out_everywhere_ends_every_session_but_keeps_tokens(app, client, session):
    person = make_user(Role.EDITOR)
    here, phone, bearer_headers = browser(app, person), browser(app, person), token_for(person)
    page = here.get("/account").get_data(as_text=True)
    assert page.count("Logged in ") == 2 and "this browser" in page
    response = post_form(here, "/account/sessions/end")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    for client_ in (here, phone):
        assert client_.get("/account").headers["Location"].startswith("/login")
    assert client.get("/api/v1/me", headers=bearer_headers).status_code == 200


def test_an_admin_logs_someone_out_everywhere(app, session):
    admin, person = make_user(Role.ADMIN), make_user(Role.REPORTER)
    admin_client, theirs = browser(app, admin), browser(app, person)
    assert post_form(admin_client, f"/admin/users/{person.id}/sessions/end").status_code == 302
    assert theirs.get("/desk/reports").status_code == 302
    assert admin_client.get("/admin/users").status_code == 200


def test_last_use_is_written_at_most_once_a_minute(client, session):
    person = make_user(Role.REPORTER)
    headers = token_for(person)
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == person.id)).one()
    client.get("/api/v1/me", headers=headers)
    first = row.last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=headers)
    assert row.last_used_at == first
    row.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/me", headers=headers)
    assert utcnow() - row.last_used_at < timedelta(seconds=30)
