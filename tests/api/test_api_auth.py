"""Tokens, who is asking, and why the login cookie may read but never change anything."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import PASSWORD, make_article, make_user
from workflow.domain.notifications import Event
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services.credentials import open_login_session
from workflow.web.access import LOGIN_SESSION_KEY


def log_in_with_cookie(client, user) -> None:
    """Give the client a real signed session cookie for `user`, as the login form does."""
    token = open_login_session(db.session, user)
    db.session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True
        flask_session[LOGIN_SESSION_KEY] = token


def test_token_is_issued_for_the_right_password_and_works(api, reporter):
    response = api.post("/api/v1/tokens", json={"username": reporter.username, "password": PASSWORD})
    assert response.status_code == 201
    assert_matches(response.json, "Token")
    token = response.json["token"]
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json == {
        "username": reporter.username,
        "name": "Ahmad Abdallah",
        "roles": ["reporter"],
        "must_change_password": False,
        "email": None,
        "language_pairs": [],
        "mail_events": [e.value for e in Event],
        "mail_digest": False,
        "interface_language": None,
    }
    assert_matches(me.json, "Me")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "nobody-here", "password": PASSWORD},
        {"username": "{user}", "password": "wrong password"},
    ],
)
def test_token_refused_for_wrong_credentials(api, reporter, body):
    body = {k: v.replace("{user}", reporter.username) for k, v in body.items()}
    error = assert_error(api.post("/api/v1/tokens", json=body), 401, "invalid_credentials")
    assert "Wrong username or password" in error["message"]


def test_token_refused_for_a_disabled_person(api, reporter):
    reporter.active = False
    db.session.commit()
    assert_error(api.post("/api/v1/tokens", json={"username": reporter.username, "password": PASSWORD}), 401)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "someone"}, "password"),
        ({"username": ["x"], "password": PASSWORD}, "username"),
        ({"username": "someone", "password": 12345678}, "password"),
    ],
)
def test_token_request_fields_are_checked(api, body, field):
    assert_error(api.post("/api/v1/tokens", json=body), 400, "invalid", field)


@pytest.mark.parametrize(
    "url", ["/api/v1/me", "/api/v1/queue", "/api/v1/adaptations/1", "/api/v1/articles/1"]
)
def test_reads_need_a_person(api, session, url):
    response = api.get(url)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["", "adk_not-a-real-token", "x" * 300])
def test_unknown_tokens_are_refused(api, session, token):
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "unauthorized")


def test_a_revoked_token_stops_working(api, reporter):
    headers = api.headers(reporter)
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    revoked = api.delete("/api/v1/tokens/current", headers=headers)
    assert revoked.status_code == 204
    error = assert_error(api.get("/api/v1/me", headers=headers), 401)
    assert "revoked" in error["message"]
    assert_error(api.post("/api/v1/articles", headers=headers, json={"title": "T"}), 401)
    # Other tokens of the same person still work.
    credentials = {"username": reporter.username, "password": PASSWORD}
    other = api.post("/api/v1/tokens", json=credentials).json["token"]
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_revoking_needs_a_token(api, session):
    assert_error(api.delete("/api/v1/tokens/current"), 401)


def test_login_cookie_may_read(api, client, adaptor):
    log_in_with_cookie(client, adaptor)
    me = api.get("/api/v1/me")
    assert me.status_code == 200 and me.json["username"] == adaptor.username
    article = make_article()
    assert api.get(f"/api/v1/adaptations/{article.adaptations[0].id}").status_code == 200


def test_login_cookie_alone_may_not_change_anything(api, client, reporter, adaptor):
    """The API has no CSRF protection, so a cookie must never be enough to change something."""
    article = make_article(reporter)
    adaptation_id = article.adaptations[0].id
    log_in_with_cookie(client, reporter)
    original = {"title": "T", "body": "B", "language": "ar"}
    error = assert_error(api.post("/api/v1/articles", json=original), 401)
    assert "Bearer" in error["message"]
    assert_error(api.put(f"/api/v1/articles/{article.id}", json={"title": "New title"}), 401)
    assert_error(api.delete("/api/v1/tokens/current"), 401)
    log_in_with_cookie(client, adaptor)
    assert_error(api.act(adaptation_id, "claim", None), 401)
    save = {"title": "T", "body": "B", "version": 1}
    assert_error(api.put(f"/api/v1/adaptations/{adaptation_id}", json=save), 401)
    assert_error(api.post(f"/api/v1/adaptations/{adaptation_id}/acknowledge-source"), 401)
    assert article.adaptations[0].state == "queued"
    assert article.current_revision == 1


def test_a_bad_token_is_not_rescued_by_the_cookie(api, client, adaptor):
    log_in_with_cookie(client, adaptor)
    assert_error(api.get("/api/v1/me", headers={"Authorization": "Bearer adk_wrong"}), 401)


def test_bearer_requests_need_no_csrf_token(api, reporter):
    """CSRF protection is on in the tests; the API blueprint is exempt from it."""
    response = api.post("/api/v1/articles", reporter, json={"title": "T", "body": "B", "language": "ar"})
    assert response.status_code == 201, response.json


def test_me_lists_every_role(api, session):
    person = make_user(Role.EDITOR, Role.ADAPTOR, name="Sami Two Hats")
    assert api.get("/api/v1/me", person).json["roles"] == ["adaptor", "editor"]
