"""Logging out ends the login for good: a copy of the session cookie taken before stops working."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.factories import login, make_user, post_form
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import LoginSession
from workflow.web.access import LOGIN_SESSION_KEY

SESSION_COOKIE = "session"


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None, "the client holds no session cookie"
    return cookie.value


def client_with_cookie(app, value: str) -> FlaskClient:
    """Another browser holding a copy of someone's session cookie."""
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, value)
    return other


def signed_in(client: FlaskClient) -> bool:
    """Whether the pages and the API's cookie reads treat the client as signed in."""
    page = client.get("/desk/queue")
    me = client.get("/api/v1/me")
    assert (page.status_code == 200) == (me.status_code == 200), (page.status_code, me.status_code)
    return page.status_code == 200


def test_a_copied_cookie_stops_working_when_its_owner_logs_out(app, session):
    adaptor = make_user(Role.ADAPTOR)
    browser = app.test_client()
    login(browser, adaptor)
    stolen = client_with_cookie(app, cookie_of(browser))
    assert signed_in(browser) and signed_in(stolen)
    response = post_form(browser, "/logout")
    assert response.status_code == 302
    assert not signed_in(browser)
    assert not signed_in(stolen)
    assert stolen.get("/desk/queue").headers["Location"].startswith("/login")
    assert stolen.get("/api/v1/me").status_code == 401


def test_logging_out_in_one_browser_leaves_the_other_login_alone(app, session):
    adaptor = make_user(Role.ADAPTOR)
    desk, laptop = app.test_client(), app.test_client()
    login(desk, adaptor)
    login(laptop, adaptor)
    post_form(desk, "/logout")
    assert not signed_in(desk)
    assert signed_in(laptop)


def test_only_the_hash_of_the_session_token_is_stored(app, session):
    adaptor = make_user(Role.ADAPTOR)
    browser = app.test_client()
    login(browser, adaptor)
    with browser.session_transaction() as flask_session:
        token = flask_session[LOGIN_SESSION_KEY]
    rows = db.session.query(LoginSession).filter_by(user_id=adaptor.id).all()
    assert len(rows) == 1 and rows[0].closed_at is None
    assert token not in rows[0].token_hash and len(rows[0].token_hash) == 64


def test_a_session_token_cannot_be_moved_to_another_person(app, session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    browser = app.test_client()
    login(browser, adaptor)
    with browser.session_transaction() as flask_session:
        flask_session["_user_id"] = str(editor.id)  # the adaptor's open login, claimed for the editor
    assert not signed_in(browser)


def test_a_cookie_from_before_login_sessions_signs_nobody_in(app, session):
    adaptor = make_user(Role.ADAPTOR)
    browser = app.test_client()
    with browser.session_transaction() as flask_session:
        flask_session["_user_id"] = str(adaptor.id)
        flask_session["_fresh"] = True
    assert not signed_in(browser)


def test_disabling_a_person_ends_their_open_logins(app, session):
    adaptor = make_user(Role.ADAPTOR)
    browser = app.test_client()
    login(browser, adaptor)
    assert signed_in(browser)
    adaptor.active = False
    db.session.commit()
    assert not signed_in(browser)
