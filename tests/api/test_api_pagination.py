"""Lists through the API a page at a time: totals, RFC 8288 `Link` headers, bounds, and the originals list."""

from __future__ import annotations

import re

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State

#: A target language no other list test uses, so totals count this test's rows only.
LANGUAGE = "ha"


def links(response) -> dict[str, str]:
    """The `Link` header's addresses by relation."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))}


def test_a_reporter_lists_their_own_originals_a_page_at_a_time(api, reporter):
    made = [make_article(reporter, title=f"Report {n}", language="en", targets=["fr"]).id for n in range(5)]
    make_article(make_user(Role.REPORTER), title="Someone else's", language="en", targets=["fr"])
    first = api.get("/api/v1/articles?per_page=2", reporter)
    assert first.status_code == 200, first.json
    assert_matches(first.json, "Articles")
    assert [a["id"] for a in first.json["items"]] == made[::-1][:2]  # newest first
    assert (first.json["total"], first.json["pages"], first.json["page"], first.json["count"]) == (5, 3, 1, 2)
    assert first.headers["X-Total-Count"] == "5"
    assert set(links(first)) == {"next", "first", "last"}
    assert "page=2" in links(first)["next"] and "per_page=2" in links(first)["next"]
    assert "page=3" in links(first)["last"]

    middle = api.get(links(first)["next"], reporter)
    assert [a["id"] for a in middle.json["items"]] == made[::-1][2:4]
    assert set(links(middle)) == {"next", "prev", "first", "last"}
    last = api.get(links(first)["last"], reporter)
    assert [a["id"] for a in last.json["items"]] == [made[0]]
    assert set(links(last)) == {"prev", "first", "last"}


def test_an_editor_lists_every_reporters_originals(api, reporter, editor):
    mine = make_article(reporter, language="en", targets=["fr"]).id
    theirs = make_article(make_user(Role.REPORTER), language="en", targets=["fr"]).id
    response = api.get("/api/v1/articles?per_page=200", editor)
    assert response.status_code == 200
    assert {mine, theirs} <= {a["id"] for a in response.json["items"]}
    assert response.json["total"] >= 2


def test_an_adaptor_is_not_given_the_originals_list(api, adaptor):
    assert_error(api.get("/api/v1/articles", adaptor), 403)


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page=abc", "page"), ("per_page=201", "per_page"), ("per_page=-1", "per_page")],
)
def test_bad_page_arguments_are_refused_with_400(api, reporter, adaptor, query, field):
    response = api.get(f"/api/v1/articles?{query}", reporter)
    assert_error(response, 400)
    assert response.json["field"] == field
    assert api.get(f"/api/v1/queue?{query}", adaptor).status_code == 400


def test_the_queue_has_a_total_and_links(api, reporter, adaptor):
    made = [make_article(reporter, language="en", targets=[LANGUAGE]).adaptations[0].id for _ in range(3)]
    first = api.get(f"/api/v1/queue?language={LANGUAGE}&per_page=2", adaptor)
    assert_matches(first.json, "Queue")
    assert [a["id"] for a in first.json["items"]] == made[:2]  # oldest first
    assert (first.json["total"], first.json["pages"]) == (3, 2)
    assert f"language={LANGUAGE}" in links(first)["next"]
    second = api.get(links(first)["next"], adaptor)
    assert [a["id"] for a in second.json["items"]] == made[2:]
    older = api.get(f"/api/v1/queue?language={LANGUAGE}&limit=1", adaptor)  # the older name of per_page
    assert older.json["per_page"] == 1 and older.json["pages"] == 3


def test_the_public_list_has_a_total_and_links(api, reporter, adaptor, editor):
    article = make_article(reporter, language="en", targets=[LANGUAGE, "ig"], section="Paged section")
    for adaptation in article.adaptations:
        drive(adaptation, State.PUBLISHED, adaptor=adaptor, editor=editor)
    first = api.get("/api/v1/published?section=Paged%20section&limit=1")
    assert first.status_code == 200
    assert_matches(first.json, "Published")
    assert first.json["total"] == 2 and first.headers["X-Total-Count"] == "2"
    assert set(links(first)) == {"next", "first", "last"}
    second = api.get(links(first)["next"])
    assert second.json["offset"] == 1 and len(second.json["items"]) == 1
    assert set(links(second)) == {"prev", "first", "last"}
