"""Running accounts: disabling ends access for good, passwords are changed (page, API) and reset (admin page),
a reset can force a change at the next login, and nothing that ended ever comes back."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.support.factories import PASSWORD, login, make_user, post_form, token_for
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import ApiToken, AuditEntry, LoginSession, User
from workflow.services import users as user_service

NEW_PASSWORD = "a brand new passphrase"


def signed_in(client: FlaskClient) -> bool:
    """Whether the cookie of `client` still signs someone in (pages and the API's cookie reads agree)."""
    page, me = client.get("/account"), client.get("/api/v1/me")
    assert (page.status_code == 200) == (me.status_code == 200), (page.status_code, me.status_code)
    return page.status_code == 200


def token_works(client: FlaskClient, bearer: dict[str, str]) -> bool:
    return client.get("/api/v1/me", headers=bearer).status_code == 200


def browser(app, user: User, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    login(client, user, password)
    return client


@pytest.fixture()
def admin(app, session) -> tuple[FlaskClient, User]:
    person = make_user(Role.ADMIN)
    return browser(app, person), person


# --- disable / enable -------------------------------------------------------------------------------------


def test_disabling_then_enabling_revives_no_old_session_or_token(app, client, session, admin):
    admin_client, _ = admin
    person = make_user(Role.REPORTER)
    old_browser, bearer = browser(app, person), token_for(person)
    assert signed_in(old_browser) and token_works(client, bearer)

    assert post_form(admin_client, f"/admin/users/{person.id}/active", {"active": "0"}).status_code == 302
    assert not signed_in(old_browser) and not token_works(client, bearer)
    assert post_form(admin_client, f"/admin/users/{person.id}/active", {"active": "1"}).status_code == 302

    # Enabled again: the stolen cookie and token stay dead; the person logs in afresh.
    assert not signed_in(old_browser)
    assert not token_works(client, bearer)
    assert signed_in(browser(app, person))
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == person.id)).all()
    assert rows and all(row.revoked_at is not None for row in rows)
    logins = session.scalars(select(LoginSession).where(LoginSession.user_id == person.id)).all()
    assert sum(row.closed_at is None for row in logins) == 1  # only the fresh login


def test_a_disabled_person_cannot_log_in_or_get_a_token(app, client, session, admin):
    admin_client, _ = admin
    person = make_user(Role.EDITOR)
    post_form(admin_client, f"/admin/users/{person.id}/active", {"active": "0"})
    form = app.test_client()
    assert post_form(form, "/login", {"username": person.username, "password": PASSWORD}).status_code == 401
    assert (
        client.post("/api/v1/tokens", json={"username": person.username, "password": PASSWORD}).status_code
        == 401
    )


# --- changing one's own password --------------------------------------------------------------------------


def test_changing_ones_password_on_the_page_ends_other_sessions_and_every_token(app, client, session):
    person = make_user(Role.ADAPTOR)
    here, elsewhere, bearer = browser(app, person), browser(app, person), token_for(person)

    response = post_form(
        here,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "1 other login session(s) ended and 1 API token(s)" in here.get("/account").get_data(as_text=True)
    assert signed_in(here), "the session that changed the password keeps working"
    assert not signed_in(elsewhere)
    assert not token_works(client, bearer)
    assert user_service.authenticate(session, person.username, NEW_PASSWORD) is not None
    assert user_service.authenticate(session, person.username, PASSWORD) is None


@pytest.mark.parametrize(
    "form,field,message",
    [
        (
            {"current_password": "wrong", "new_password": NEW_PASSWORD},
            "current_password",
            "current password is wrong",
        ),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password", "at least 8 characters"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password", "the one you have now"),
        (
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "typo"},
            "confirm",
            "differ",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, session, form, field, message):
    person = make_user(Role.REPORTER)
    here, elsewhere = browser(app, person), browser(app, person)
    before = person.password_hash
    data = {"confirm_password": form.get("new_password"), **form}
    response = post_form(here, "/account/password", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    db.session.refresh(person)
    assert person.password_hash == before and signed_in(elsewhere)


def test_changing_ones_password_through_the_api_keeps_only_the_token_in_use(app, client, session):
    person = make_user(Role.EDITOR)
    page_login = browser(app, person)
    in_use, other = token_for(person), token_for(person)
    response = client.post(
        "/api/v1/me/password",
        headers=in_use,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.json
    assert response.json == {"changed": True, "sessions_ended": 1, "tokens_revoked": 1}
    assert token_works(client, in_use)
    assert not token_works(client, other)
    assert not signed_in(page_login)

    wrong = client.post(
        "/api/v1/me/password", headers=in_use, json={"current_password": PASSWORD, "new_password": "x" * 20}
    )
    assert wrong.status_code == 400 and wrong.json["field"] == "current_password"
    cookie_only = browser(app, person, NEW_PASSWORD)
    refused = cookie_only.post(
        "/api/v1/me/password", json={"current_password": NEW_PASSWORD, "new_password": "y" * 9}
    )
    assert refused.status_code == 401, "a cookie alone may not change anything through the API"


# --- an admin resets someone's password -------------------------------------------------------------------


def test_an_admin_resets_a_password_and_forces_a_change_at_next_login(app, client, session, admin):
    admin_client, admin_user = admin
    person = make_user(Role.REPORTER)
    old_browser, bearer = browser(app, person), token_for(person)

    page = admin_client.get(f"/admin/users/{person.id}")
    assert page.status_code == 200 and "Reset the password" in page.get_data(as_text=True)
    response = post_form(
        admin_client,
        f"/admin/users/{person.id}/password",
        {"password": "temporary pass 1", "must_change": "1"},
    )
    assert response.status_code == 302
    assert not signed_in(old_browser) and not token_works(client, bearer)

    # The next login lands on the account page, and every desk page sends the person back there.
    fresh = app.test_client()
    landed = post_form(fresh, "/login", {"username": person.username, "password": "temporary pass 1"})
    assert landed.status_code == 302 and landed.headers["Location"].startswith("/account")
    held = fresh.get("/desk/reports")
    assert held.status_code == 302 and held.headers["Location"].startswith("/account")
    assert "choose a new one" in fresh.get("/account").get_data(as_text=True)
    # Through the API too: a token works only to change the password.
    token = client.post("/api/v1/tokens", json={"username": person.username, "password": "temporary pass 1"})
    api_bearer = {"Authorization": f"Bearer {token.json['token']}"}
    blocked = client.get("/api/v1/queue", headers=api_bearer)
    assert blocked.status_code == 403 and "/api/v1/me/password" in blocked.json["message"]
    assert client.get("/api/v1/me", headers=api_bearer).json["must_change_password"] is True

    changed = post_form(
        fresh,
        "/account/password",
        {
            "current_password": "temporary pass 1",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert fresh.get("/desk/reports").status_code == 200
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == person.id, AuditEntry.action == "password_reset")
    ).one()
    assert entry.actor_id == admin_user.id and entry.details["must_change"] is True


def test_a_reset_without_forcing_lets_the_person_straight_in(app, session, admin):
    admin_client, _ = admin
    person = make_user(Role.REPORTER)
    post_form(admin_client, f"/admin/users/{person.id}/password", {"password": "handed over privately"})
    fresh = app.test_client()
    landed = post_form(fresh, "/login", {"username": person.username, "password": "handed over privately"})
    assert landed.status_code == 302 and landed.headers["Location"] == "/desk/reports"


def test_a_too_short_reset_is_refused_on_the_persons_page(session, admin):
    admin_client, _ = admin
    person = make_user(Role.REPORTER)
    before = person.password_hash
    response = post_form(admin_client, f"/admin/users/{person.id}/password", {"password": "short"})
    assert response.status_code == 400 and "at least 8 characters" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.password_hash == before


def test_an_admin_resetting_their_own_password_stays_logged_in(session, admin):
    admin_client, admin_user = admin
    response = post_form(admin_client, f"/admin/users/{admin_user.id}/password", {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert admin_client.get("/admin/users").status_code == 200


# --- equal work for every failed login --------------------------------------------------------------------


def test_unknown_disabled_and_wrong_password_logins_cost_one_scrypt_check_each(session, monkeypatch):
    """No early return: each failure runs exactly one scrypt verification with the real cost parameters, so
    the time of an answer does not tell whether the account exists or is disabled."""
    real = user_service.check_password_hash
    checked: list[str] = []

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(user_service, "check_password_hash", counting)
    active = make_user(Role.REPORTER)
    disabled = make_user(Role.REPORTER)
    disabled.active = False
    db.session.commit()
    method = active.password_hash.split("$", 1)[0]
    cases = {
        "unknown": ("nobody-at-all", PASSWORD),
        "disabled, right password": (disabled.username, PASSWORD),
        "disabled, wrong password": (disabled.username, "wrong"),
        "wrong password": (active.username, "wrong"),
    }
    for case, (username, password) in cases.items():
        checked.clear()
        assert user_service.authenticate(session, username, password) is None, case
        assert checked == [method], (case, checked)
    checked.clear()
    assert user_service.authenticate(session, active.username, PASSWORD) is not None
    assert checked == [method]
