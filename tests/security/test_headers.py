"""Security headers on every kind of response — pages, API, errors, static files, redirects — and
markup that needs no inline script. (The access walk in test_access.py checks every page and API
answer of every role the same way; this module adds the responses a walk does not meet.)"""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import (
    ADAPTOR,
    ADMIN,
    EDITOR,
    REPORTER,
    Person,
    csp_directives,
    header_problems,
    live_script,
)
from tests.support.factories import make_user, token_for
from workflow.domain.states import Role


def _checked(response, what: str) -> str:
    problems = header_problems(response)
    assert not problems, f"{what} ({response.status_code}): {problems}"
    body = response.get_data(as_text=True)
    response.close()
    if response.mimetype == "text/html":
        scripts = live_script(body)
        assert not scripts, f"{what}: {scripts}"
    return body


def test_the_policy_itself(client):
    """script-src is 'self' only, framing is refused, plugins and <base> hijacking are off."""
    csp = csp_directives(client.get("/news").headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] in (["'self'"], ["'none'"]) and csp["form-action"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]


ERRORS = [
    ("GET", "/no-such-page", 404, "text/html"),
    ("GET", "/api/v1/no-such-thing", 404, "application/json"),
    ("GET", "/news/2147483648", 404, "text/html"),
    ("GET", "/logout", 405, "text/html"),
    ("PATCH", "/api/v1/me", 405, "application/json"),
    ("POST", "/login", 400, "text/html"),  # no CSRF token
    ("GET", "/api/v1/me", 401, "application/json"),
    ("GET", "/desk/reports", 302, None),
    ("GET", "/news/1", 404, "text/html"),
    ("OPTIONS", "/news", 200, None),
    ("HEAD", "/news", 200, "text/html"),
    ("GET", "/news?page=0", 404, "text/html"),
    ("GET", "/api/v1/published?limit=abc", 400, "application/json"),
]


@pytest.mark.parametrize(("method", "url", "status", "mimetype"), ERRORS)
def test_errors_and_odd_requests_carry_the_headers(client, session, method, url, status, mimetype):
    response = client.open(url, method=method)
    assert response.status_code == status
    if mimetype:
        assert response.mimetype == mimetype
    _checked(response, f"{method} {url}")


def test_too_large_requests_carry_the_headers(app, client, session):
    limit = app.config["MAX_CONTENT_LENGTH"]
    bearer = token_for(make_user(Role.REPORTER))
    for url, content_type, headers in (
        ("/api/v1/articles", "application/json", bearer),
        ("/login", "application/x-www-form-urlencoded", {}),
    ):
        response = client.post(url, data=b"x" * (limit + 1), content_type=content_type, headers=headers)
        assert response.status_code == 413, (url, response.status_code)
        _checked(response, url)


def test_static_files_and_conditional_requests_carry_the_headers(client):
    first = client.get("/static/js/desk.js")
    assert first.status_code == 200 and first.mimetype in ("text/javascript", "application/javascript")
    _checked(first, "static js")
    etag = first.headers.get("ETag")
    again = client.get("/static/js/desk.js", headers={"If-None-Match": etag} if etag else {})
    assert again.status_code in (200, 304)
    _checked(again, "static js again")
    _checked(client.get("/static/css/app.css"), "static css")


@pytest.mark.parametrize(
    ("endpoint", "url", "mimetype"),
    [("public.index", "/news", "text/html"), ("api.healthz", "/healthz", "application/json")],
)
def test_server_errors_carry_the_headers_and_say_nothing_inside(
    app, client, session, monkeypatch, endpoint, url, mimetype
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("internal detail zqxINTERNAL /srv/secret/path")

    monkeypatch.setitem(app.view_functions, endpoint, broken)
    monkeypatch.setattr(app.logger, "disabled", True)
    response = client.get(url)
    assert response.status_code == 500 and response.mimetype == mimetype
    body = _checked(response, f"500 on {url}")
    assert "zqxINTERNAL" not in body and "Traceback" not in body and "/srv/secret" not in body


def test_refused_forms_and_flash_messages_need_no_inline_script(app, session, world):
    """Pages re-rendered with an error, and pages after a redirect with a flash message."""
    reporter = Person(app, REPORTER, world.people[REPORTER])
    adaptor = Person(app, ADAPTOR, world.people[ADAPTOR])
    editor = Person(app, EDITOR, world.people[EDITOR])
    admin = Person(app, ADMIN, world.people[ADMIN])
    in_review = world.adaptations["in_review"]
    steps = [
        (reporter, "/desk/reports/new", {"title": "x", "body": "", "language": "zz"}, 400),
        (reporter, f"/desk/reports/{world.own.id}/revise", {"title": "", "body": ""}, 400),
        (
            editor,
            f"/desk/adaptations/{in_review.id}/save",
            {"title": "New", "body": "New.", "version": "1"},
            409,
        ),
        (editor, f"/desk/adaptations/{in_review.id}/actions/reject", {"origin": "review"}, 400),
        (adaptor, f"/desk/adaptations/{world.adaptations['draft_ready'].id}/actions/claim", {}, 302),
        (admin, "/admin/users", {"username": "x"}, 400),
        (admin, "/admin/models", {}, 400),
    ]
    for person, url, form, status in steps:
        response = person.client.post(url, data={**form, "csrf_token": person.csrf})
        assert response.status_code == status, (url, response.status_code)
        _checked(response, url)
        if status == 302:
            _checked(person.client.get(response.headers["Location"]), f"after {url}")
    login = Person(app, "anonymous", None)
    wrong = login.client.post("/login", data={"username": "x", "password": "y", "csrf_token": login.csrf})
    assert wrong.status_code == 401
    _checked(wrong, "refused login")


@pytest.mark.parametrize("sent", ["abc\x01def", "\x1b[31mred", "<script>alert(1)</script>", "a b", "x" * 65])
def test_a_hostile_request_id_is_not_echoed_into_headers_and_logs(client, sent):
    """X-Request-ID goes into every log line and the response: only a plain token is taken from a client."""
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    echoed = response.headers.get("X-Request-ID", "")
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", echoed), repr(echoed)


def test_a_plain_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "req-42.a_b"})
    assert response.headers["X-Request-ID"] == "req-42.a_b"
