"""Submitting, reading and revising originals through the API."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import ARABIC_BODY, ARABIC_TITLE, drive, make_article, make_user
from workflow.domain.states import Role, State

ARTICLE = {
    "title": ARABIC_TITLE,
    "body": ARABIC_BODY,
    "language": "ar",
    "section": "World",
    "tags": ["Russia", "North Korea"],
    "targets": ["en", "fr"],
}


def test_reporter_submits_an_original(api, reporter):
    response = api.post("/api/v1/articles", reporter, json=ARTICLE)
    assert response.status_code == 201, response.json
    article = response.json
    assert_matches(article, "Article")
    assert response.headers["Location"].endswith(f"/api/v1/articles/{article['id']}")
    assert article["title"] == ARABIC_TITLE and article["language"] == "ar" and article["direction"] == "rtl"
    assert article["section"] == "World" and article["tags"] == ["Russia", "North Korea"]
    assert article["reporter"] == {"username": reporter.username, "name": "Ahmad Abdallah"}
    assert article["revision"] == 1 and [r["number"] for r in article["revisions"]] == [1]
    assert [(a["language"], a["state"], a["url"]) for a in article["adaptations"]] == [
        ("en", "queued", None),
        ("fr", "queued", None),
    ]
    assert api.get(response.headers["Location"], reporter).json == article


def test_defaults_for_section_and_targets(api, reporter):
    response = api.post("/api/v1/articles", reporter, json={"title": "T", "body": "B", "language": "ar"})
    assert response.status_code == 201
    assert response.json["section"] == "News"
    assert [a["language"] for a in response.json["adaptations"]] == ["en"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": 42}, "title"),
        ({"title": "Putin\u202e visits"}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"body": ""}, "body"),
        ({"language": "xx"}, "language"),
        ({"language": None}, "language"),
        ({"targets": 7}, "targets"),
        ({"targets": {"en": True}}, "targets"),
        ({"targets": ["en", "xx"]}, "targets"),
        ({"targets": ["ar"]}, "targets"),
        ({"tags": [f"tag{i}" for i in range(21)]}, "tags"),
        ({"tags": [1, 2]}, "tags"),
        ({"section": "\u202bWorld"}, "section"),
    ],
)
def test_each_invalid_field_is_named(api, reporter, change, field):
    response = api.post("/api/v1/articles", reporter, json={**ARTICLE, **change})
    error = assert_error(response, 400, "invalid", field)
    assert error["message"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"title": "T", "body": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just text"', "application/json"),
        (b"null", "application/json"),
        (b"", "application/json"),
        (b"", None),
    ],
)
def test_malformed_or_non_object_json_is_refused_naming_body(api, reporter, data, content_type):
    kwargs = {"data": data} | ({"content_type": content_type} if content_type else {})
    assert_error(api.post("/api/v1/articles", reporter, **kwargs), 400, "invalid", "body")


def test_a_body_that_is_not_json_is_refused(api, reporter):
    response = api.post("/api/v1/articles", reporter, data={"title": "T", "body": "B", "language": "ar"})
    assert_error(response, 415, "unsupported_media_type", "body")


def test_an_oversized_body_is_refused_with_json(api, app, reporter):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    body = b'{"title": "T", "language": "ar", "body": "' + b"a" * too_big + b'"}'
    response = api.post("/api/v1/articles", reporter, data=body, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_a_body_over_the_character_limit_is_a_400(api, app, reporter):
    limit = app.config["ADAPTDESK"].max_body_chars
    assert_error(
        api.post("/api/v1/articles", reporter, json={**ARTICLE, "body": "a" * (limit + 1)}),
        400,
        "invalid",
        "body",
    )


@pytest.mark.parametrize("role", [Role.ADAPTOR, Role.EDITOR, Role.ADMIN])
def test_only_reporters_submit(api, session, role):
    error = assert_error(api.post("/api/v1/articles", make_user(role), json=ARTICLE), 403, "forbidden")
    assert "reporters" in error["message"]


def test_who_may_read_an_original(api, reporter, adaptor, editor):
    article = make_article(reporter)
    for person in (reporter, adaptor, editor):
        assert api.get(f"/api/v1/articles/{article.id}", person).status_code == 200
    other_reporter = make_user(Role.REPORTER)
    assert_error(api.get(f"/api/v1/articles/{article.id}", other_reporter), 404, "not_found")


@pytest.mark.parametrize("article_id", ["999999", str(2**31), "99999999999999999999"])
def test_unknown_originals_are_404(api, reporter, article_id):
    assert_error(api.get(f"/api/v1/articles/{article_id}", reporter), 404, "not_found")


def test_reporter_revises_an_original(api, reporter, adaptor):
    article = make_article(reporter)
    drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    response = api.put(
        f"/api/v1/articles/{article.id}",
        reporter,
        json={"body": ARABIC_BODY + "\n\nفقرة جديدة.", "note": "Added the last paragraph"},
    )
    assert response.status_code == 200, response.json
    assert_matches(response.json, "Article")
    assert response.json["revision"] == 2
    assert response.json["title"] == ARABIC_TITLE
    assert response.json["body"].endswith("فقرة جديدة.")
    assert [(r["number"], r["note"]) for r in response.json["revisions"]] == [
        (1, ""),
        (2, "Added the last paragraph"),
    ]
    assert response.json["revisions"][1]["author"]["username"] == reporter.username
    shown = api.adaptation(article.adaptations[0].id, adaptor)
    assert shown["source_changed"] is True
    assert (shown["source_revision"], shown["original_revision"]) == (1, 2)


def test_revision_refusals(api, reporter, adaptor, editor):
    article = make_article(reporter)
    url = f"/api/v1/articles/{article.id}"
    assert_error(api.put(url, reporter, json={"title": ARABIC_TITLE}), 400, "invalid", "body")
    assert_error(api.put(url, reporter, json={"title": ""}), 400, "invalid", "title")
    assert_error(api.put(url, reporter, json={"body": ["x"]}), 400, "invalid", "body")
    assert_error(api.put(url, reporter, json={"title": "New", "note": 5}), 400, "invalid", "note")
    assert_error(api.put(url, reporter, json=["title"]), 400, "invalid", "body")
    assert_error(api.put(url, adaptor, json={"title": "New"}), 403, "forbidden")
    assert_error(api.put(url, editor, json={"title": "New"}), 403, "forbidden")
    assert_error(api.put(url, make_user(Role.REPORTER), json={"title": "New"}), 404, "not_found")
    assert_error(api.put("/api/v1/articles/999999", reporter, json={"title": "New"}), 404)
    # After publication the original may still be corrected: its published adaptation is flagged.
    published = drive(article.adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=editor)
    assert api.put(url, reporter, json={"title": "New"}).status_code == 200
    shown = api.adaptation(published.id, editor)
    assert (shown["state"], shown["source_changed"], shown["original_revision"]) == ("published", True, 2)
