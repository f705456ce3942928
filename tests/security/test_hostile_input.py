"""Hostile and oversized input on the API: a clear 4xx naming what is wrong, never a 500, and nothing
already saved is lost by a refused request."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.security.conftest import advance
from tests.support.factories import make_article, make_user, token_for
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Article, HistoryEntry

VALID = {
    "title": "A valid headline",
    "body": "نص صالح.",
    "language": "ar",
    "section": "News",
    "tags": ["a"],
    "targets": ["en"],
}
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: makes "txt.exe" read as "exe.txt"


@dataclass
class Desk:
    """A reporter's original and an adaptation held by an adaptor, with the tokens of both."""

    article: Article
    adaptation: Adaptation
    reporter: dict[str, str]
    adaptor: dict[str, str]
    editor: dict[str, str]


@pytest.fixture()
def desk(session) -> Desk:
    reporter, adaptor, editor = make_user(Role.REPORTER), make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    article = make_article(reporter, targets=["en"])
    adaptation = advance(
        article.adaptations[0],
        State.IN_ADAPTATION,
        adaptor=adaptor,
        editor=editor,
        title="Saved title",
        body="Saved body.\n\nSecond paragraph.",
    )
    return Desk(article, adaptation, token_for(reporter), token_for(adaptor), token_for(editor))


def snapshot(desk: Desk) -> tuple:
    """Everything a refused request must leave as it was."""
    db.session.expire_all()
    article = db.session.get(Article, desk.article.id)
    adaptation = db.session.get(Adaptation, desk.adaptation.id)
    count = db.session.scalar(select(func.count(Article.id)))
    history = db.session.scalar(
        select(func.count(HistoryEntry.id)).where(HistoryEntry.adaptation_id == adaptation.id)
    )
    return (
        count,
        article.current_revision,
        article.latest.title,
        article.latest.body,
        article.section,
        tuple(article.tags),
        adaptation.version,
        adaptation.title,
        adaptation.body,
        adaptation.state,
        adaptation.holder_id,
        history,
    )


def assert_refused(response, status: int, field: str | None = None) -> dict:
    """A JSON error with this status, a message in words, and (for 400) the field it concerns."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {text[:300]}"
    assert response.mimetype == "application/json", text[:200]
    body = response.json
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str) and body["message"]
    if field is not None:
        assert body.get("field") == field, body
    return body


def refusal_problem(response, status: int, field: str | None) -> str | None:
    """Why the response is not the expected JSON refusal (None when it is)."""
    try:
        assert_refused(response, status, field)
    except AssertionError as exc:
        return str(exc).splitlines()[0][:300]
    return None


def check_cases(desk: Desk, cases: dict, send) -> None:
    """Send every case; each must be refused with its status and field and leave everything as it was.

    All cases run (one fixture for the lot keeps the suite fast); the failures are listed together.
    """
    problems = []
    for name, (status, field, *request) in cases.items():
        before = snapshot(desk)
        response = send(*request)
        problem = refusal_problem(response, status, field)
        if problem:
            problems.append(f"{name}: {problem}")
        elif snapshot(desk) != before:
            problems.append(f"{name}: refused, but something saved changed")
    assert not problems, "\n".join(problems)


def raw(client, method: str, url: str, data: bytes, headers: dict, content_type="application/json"):
    return client.open(url, method=method, data=data, headers=headers, content_type=content_type)


def dumps(value) -> bytes:
    return json.dumps(value).encode()


# --- new originals ------------------------------------------------------------------------------------

ARTICLE_CASES = {
    "title too long": ({**VALID, "title": "t" * 301}, "title"),
    "empty title": ({**VALID, "title": "   "}, "title"),
    "title with bidi override": ({**VALID, "title": f"Invoice {RLO}txt.exe"}, "title"),
    "title with an isolate": ({**VALID, "title": "a\u2067b\u2069c"}, "title"),
    "title with a NUL": ({**VALID, "title": "a\x00b"}, "title"),
    "title with a lone surrogate": ({**VALID, "title": "a\ud800b"}, "title"),
    "title is a number": ({**VALID, "title": 12}, "title"),
    "title is a list": ({**VALID, "title": ["a"]}, "title"),
    "title is NaN": ({**VALID, "title": float("nan")}, "title"),
    "body too long": ({**VALID, "body": "ب" * 100_001}, "body"),
    "body with a NUL": ({**VALID, "body": "نص\x00نص"}, "body"),
    "body with an escape character": ({**VALID, "body": "نص\x1b[31m"}, "body"),
    "body is an object": ({**VALID, "body": {"text": "x"}}, "body"),
    "too many tags": ({**VALID, "tags": [f"tag{i}" for i in range(21)]}, "tags"),
    "tag too long": ({**VALID, "tags": ["t" * 65]}, "tags"),
    "tag with bidi override": ({**VALID, "tags": [f"a{RLO}b"]}, "tags"),
    "tags are numbers": ({**VALID, "tags": [1, 2]}, "tags"),
    "tags are an object": ({**VALID, "tags": {"a": 1}}, "tags"),
    "section too long": ({**VALID, "section": "s" * 81}, "section"),
    "section with bidi override": ({**VALID, "section": f"News{RLO}"}, "section"),
    "section is a number": ({**VALID, "section": 3}, "section"),
    "unknown language": ({**VALID, "language": "xx"}, "language"),
    "language as a name": ({**VALID, "language": "Arabic"}, "language"),
    "language is a number": ({**VALID, "language": 1}, "language"),
    "no language": ({k: v for k, v in VALID.items() if k != "language"}, "language"),
    "unknown target": ({**VALID, "targets": ["zz"]}, "targets"),
    "target like a path": ({**VALID, "targets": ["../en"]}, "targets"),
    "target same as the original": ({**VALID, "targets": ["ar"]}, "targets"),
    "targets are a number": ({**VALID, "targets": 5}, "targets"),
    "too many targets": (
        {**VALID, "targets": ["en", "fr", "es", "de", "tr", "fa", "ru", "zh", "it", "nl", "pt"]},
        "targets",
    ),
    "a JSON array": ([VALID], "body"),
    "a JSON string": ("title", "body"),
    "JSON null": (None, "body"),
}


def test_bad_new_originals_are_refused_naming_the_field(client, desk):
    cases = {name: (400, field, payload) for name, (payload, field) in ARTICLE_CASES.items()}
    check_cases(
        desk, cases, lambda payload: raw(client, "POST", "/api/v1/articles", dumps(payload), desk.reporter)
    )


RAW_BODIES = {
    "malformed JSON": b'{"title": "unterminated',
    "invalid UTF-8": b'{"title": "\xff"}',
    "invalid UTF-8 in a key": b'{"\xc3\x28": "x"}',
    "UTF-8 with a BOM and junk": b"\xef\xbb\xbf{,}",
    "trailing garbage": b'{"title": "x"} tail',
    "deep nesting": b"[" * 5000 + b"]" * 5000,
}


def _targets(desk: Desk) -> dict[str, tuple[str, str, dict]]:
    """Every API request that reads a JSON body: (method, url, headers of someone allowed to send it)."""
    return {
        "new original": ("POST", "/api/v1/articles", desk.reporter),
        "revision": ("PUT", f"/api/v1/articles/{desk.article.id}", desk.reporter),
        "adaptation save": ("PUT", f"/api/v1/adaptations/{desk.adaptation.id}", desk.adaptor),
        "action": ("POST", f"/api/v1/adaptations/{desk.adaptation.id}/actions/submit", desk.adaptor),
        "acknowledge": ("POST", f"/api/v1/adaptations/{desk.adaptation.id}/acknowledge-source", desk.adaptor),
        "token": ("POST", "/api/v1/tokens", {}),
    }


def test_undecodable_bodies_get_400_naming_the_body(client, desk):
    cases = {
        f"{target}, {case}": (400, "body", method, url, headers, data)
        for target, (method, url, headers) in _targets(desk).items()
        for case, data in RAW_BODIES.items()
    }
    check_cases(desk, cases, lambda method, url, headers, data: raw(client, method, url, data, headers))


def test_bodies_over_the_size_limit_get_413_json(app, client, desk):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = dumps({**VALID, "title": "t", "body": "x" * limit, "version": desk.adaptation.version})
    cases = {
        target: (413, None, method, url, headers) for target, (method, url, headers) in _targets(desk).items()
    }
    check_cases(desk, cases, lambda method, url, headers: raw(client, method, url, big, headers))
    assert raw(client, "POST", "/api/v1/articles", big, desk.reporter).json["error"] == "too_large"


def test_a_body_declared_small_but_sent_chunked_is_still_limited(app, client, desk):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = dumps({**VALID, "body": "x" * limit})
    response = client.post(
        "/api/v1/articles",
        input_stream=io.BytesIO(big),
        headers={**desk.reporter, "Transfer-Encoding": "chunked", "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 413), response.status_code
    assert response.mimetype == "application/json"


def test_non_json_bodies_get_415(client, desk):
    """A cross-site form can send text/plain or form bodies; the API reads JSON only."""
    cases = {
        f"{target}, {content_type}": (415, "body", method, url, headers, content_type)
        for target, (method, url, headers) in _targets(desk).items()
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")
    }
    check_cases(
        desk,
        cases,
        lambda method, url, headers, content_type: raw(
            client, method, url, dumps({**VALID, "version": desk.adaptation.version}), headers, content_type
        ),
    )


# --- revising an original -------------------------------------------------------------------------------

REVISION_CASES = {
    "title too long": ({"title": "t" * 301}, "title"),
    "title with bidi override": ({"title": f"Revised {RLO}gnp.exe"}, "title"),
    "title is a number": ({"title": 7}, "title"),
    "title with a lone surrogate": ({"title": "\udfff"}, "title"),
    "body too long": ({"body": "ب" * 100_001}, "body"),
    "body with a NUL": ({"body": "a\x00"}, "body"),
    "body is a list": ({"body": ["a"]}, "body"),
    "note is a number": ({"title": "New title", "note": 5}, "note"),
}


def test_bad_revisions_are_refused_and_the_original_is_kept(client, desk):
    cases = {name: (400, field, payload) for name, (payload, field) in REVISION_CASES.items()}
    url = f"/api/v1/articles/{desk.article.id}"
    check_cases(desk, cases, lambda payload: raw(client, "PUT", url, dumps(payload), desk.reporter))


# --- saving an adaptation -------------------------------------------------------------------------------


def _save(desk: Desk, **changes) -> dict:
    return {"title": "New title", "body": "New body.", "version": desk.adaptation.version, **changes}


SAVE_CASES = {
    "title too long": ({"title": "t" * 301}, "title"),
    "title with bidi override": ({"title": f"Title {RLO}fdp.exe"}, "title"),
    "title with a control character": ({"title": "a\x07b"}, "title"),
    "title is a number": ({"title": 1}, "title"),
    "no title": ({"title": None}, "title"),
    "body too long": ({"body": "x" * 100_001}, "body"),
    "body with a NUL": ({"body": "x\x00"}, "body"),
    "body with a lone surrogate": ({"body": "x\ud834"}, "body"),
    "body is a number": ({"body": 3}, "body"),
    "no version": ({"version": None}, "version"),
    "version as words": ({"version": "one"}, "version"),
    "version as a boolean": ({"version": True}, "version"),
    "version negative": ({"version": -1}, "version"),
    "version a float": ({"version": 1.5}, "version"),
    "version an object": ({"version": {"n": 1}}, "version"),
}


def test_bad_saves_are_refused_and_the_saved_text_is_kept(client, desk):
    cases = {
        name: (400, field, {k: v for k, v in _save(desk, **changes).items() if v is not None})
        for name, (changes, field) in SAVE_CASES.items()
    }
    url = f"/api/v1/adaptations/{desk.adaptation.id}"
    check_cases(desk, cases, lambda payload: raw(client, "PUT", url, dumps(payload), desk.adaptor))
    # The refusals were about the input: the same request with good values is saved.
    response = raw(client, "PUT", url, dumps(_save(desk)), desk.adaptor)
    assert response.status_code == 200, response.json
    assert response.json["title"] == "New title"


# --- workflow actions -----------------------------------------------------------------------------------

ACTION_CASES = {
    "comment too long": ("submit", {"comment": "c" * 10_001}, "comment"),
    "comment is a number": ("submit", {"comment": 5}, "comment"),
    "comment with a NUL": ("submit", {"comment": "a\x00"}, "comment"),
    "version as words": ("submit", {"version": "latest"}, "version"),
    # Each action checks the fields its own body has (one model per action): publish_at is approve's, an
    # assignee reassign's; the body is checked before who may take the action.
    "publish_at not a date": ("approve", {"version": 1, "publish_at": "tomorrow-ish"}, "publish_at"),
    "publish_at a number": ("approve", {"version": 1, "publish_at": 1700000000}, "publish_at"),
    "assignee a number": ("reassign", {"assignee": 5}, "assignee"),
}


def test_bad_action_bodies_are_refused(client, desk):
    cases = {name: (400, field, action, payload) for name, (action, payload, field) in ACTION_CASES.items()}
    check_cases(
        desk,
        cases,
        lambda action, payload: raw(
            client,
            "POST",
            f"/api/v1/adaptations/{desk.adaptation.id}/actions/{action}",
            dumps(payload),
            desk.adaptor,
        ),
    )


# --- query strings --------------------------------------------------------------------------------------

QUERY_CASES = [
    ("/api/v1/queue?language=xx", "language"),
    ("/api/v1/queue?state=bogus", "state"),
    ("/api/v1/queue?limit=0", "limit"),
    ("/api/v1/queue?limit=99999999999999999999", "limit"),
    ("/api/v1/queue?limit=-1", "limit"),
    ("/api/v1/queue?mine=perhaps", "mine"),
    ("/api/v1/published?language=english", "language"),
    ("/api/v1/published?limit=abc", "limit"),
    ("/api/v1/published?offset=-5", "offset"),
    ("/api/v1/published?section=a%00b", "section"),
    ("/api/v1/published?tag=" + "t" * 201, "tag"),
]


IMPOSSIBLE_IDS = [
    "/api/v1/adaptations/99999999999999999999",
    "/api/v1/articles/2147483648",
    "/api/v1/adaptations/0",
    "/api/v1/adaptations/-1",
    "/api/v1/adaptations/1e3",
    "/api/v1/adaptations/%00",
    "/api/v1/articles/99999999999999999999",
]


def test_bad_query_strings_and_impossible_ids(client, desk):
    """400 naming the query parameter; 404 (never a database error) for ids that cannot exist."""
    cases = {url: (400, field, url) for url, field in QUERY_CASES}
    cases.update({url: (404, None, url) for url in IMPOSSIBLE_IDS})
    check_cases(desk, cases, lambda url: client.get(url, headers=desk.editor))


@pytest.mark.parametrize("username", ["nul\x00name", "x" * 300, "with space", "\ud7ff\x00"])
def test_a_login_with_a_name_no_account_could_have_is_a_plain_401(client, username):
    """A NUL byte (which PostgreSQL refuses in text) or an impossible name never reaches the database query:
    the API and the login page answer as for any unknown name."""
    api = client.post("/api/v1/tokens", json={"username": username, "password": "whatever password"})
    page = client.post("/login", data={"username": username, "password": "whatever password"})

    assert api.status_code == 401 and api.get_json()["error"] == "invalid_credentials"
    assert page.status_code in (400, 401)
