"""Work lists for adaptors and editors, and the public list of published adaptations."""

from __future__ import annotations

import uuid

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State

#: Target languages no other test uses: the assertions look only at this test's rows, so they hold
#: even when the database holds other work (a shared database, or rows another fixture left behind).
FIRST, SECOND = "yo", "zu"


@pytest.fixture()
def desk(reporter, adaptor, editor):
    """Three originals: one waiting for a draft, one in review, one published (in two languages).

    Section and tags are unique to the test, so the public list can be read exactly.
    """
    section, tag = f"Section {uuid.uuid4().hex[:8]}", f"tag-{uuid.uuid4().hex[:8]}"
    waiting = make_article(reporter, title="خبر أول", section=section, tags=["Gaza"], targets=[FIRST])
    in_review = make_article(
        reporter, title="خبر ثان", section=f"{section} economy", tags=[tag], targets=[FIRST]
    )
    published = make_article(
        reporter, title="خبر ثالث", section=section, tags=["Russia", tag], targets=[FIRST, SECOND]
    )
    drive(in_review.adaptations[0], State.IN_REVIEW, adaptor=adaptor, editor=editor)
    for adaptation in published.adaptations:
        drive(adaptation, State.PUBLISHED, adaptor=adaptor, editor=editor)
    return {
        "waiting": waiting.adaptations[0].id,
        "in_review": in_review.adaptations[0].id,
        "published": [a.id for a in published.adaptations],
        "section": section,
        "tag": tag,
    }


def ids(response, among: list[int] | None = None) -> list[int]:
    """The ids listed, in order (only those in `among`, when given)."""
    assert response.status_code == 200, response.json
    found = [item["id"] for item in response.json["items"]]
    return [i for i in found if i in among] if among is not None else found


def test_queue_lists_work_in_progress_oldest_first(api, adaptor, desk):
    response = api.get(f"/api/v1/queue?language={FIRST}", adaptor)
    assert_matches(response.json, "Queue")
    mine = [desk["waiting"], desk["in_review"], *desk["published"]]
    assert ids(response, mine) == [desk["waiting"], desk["in_review"]]
    assert response.json["count"] == len(response.json["items"])
    assert {item["state"] for item in response.json["items"]} <= {s.value for s in State} - {
        "published",
        "rejected",
        "withdrawn",
    }
    waiting = next(item for item in response.json["items"] if item["id"] == desk["waiting"])
    assert waiting["source_title"] == "خبر أول" and waiting["state"] == "queued"
    assert waiting["draft"] == {"state": "queued", "progress": {"done": 0, "total": 0}}


def test_queue_filters(api, adaptor, editor, desk):
    mine = [desk["waiting"], desk["in_review"], *desk["published"]]
    in_review = api.get(f"/api/v1/queue?state=in_review&language={FIRST}", editor)
    assert ids(in_review, mine) == [desk["in_review"]]
    assert {item["state"] for item in in_review.json["items"]} == {"in_review"}
    both = api.get("/api/v1/queue?state=published,in_review", editor)
    assert ids(both, mine) == [desk["in_review"], *desk["published"]]
    assert {item["state"] for item in both.json["items"]} == {"in_review", "published"}
    french = api.get(f"/api/v1/queue?state=published&language={SECOND}", editor)
    assert ids(french, mine) == desk["published"][1:]
    assert {item["language"] for item in french.json["items"]} == {SECOND}
    # The adaptor who submitted still holds the adaptation while it is in review.
    assert ids(api.get("/api/v1/queue?mine=1", adaptor)) == [desk["in_review"]]
    assert len(ids(api.get("/api/v1/queue?state=published&mine=0&limit=1", editor))) == 1


def test_mine_lists_what_the_caller_holds(api, adaptor, desk):
    other = make_user(Role.ADAPTOR)
    article = make_article()
    drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=other)
    assert ids(api.get("/api/v1/queue?mine=1", other)) == [article.adaptations[0].id]
    assert ids(api.get("/api/v1/queue?mine=true&state=in_adaptation", adaptor)) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=in_review,done", "state"),
        ("state=QUEUED;drop", "state"),
        ("language=xx", "language"),
        ("mine=maybe", "mine"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=201", "limit"),
    ],
)
def test_queue_query_is_checked(api, editor, query, field):
    error = assert_error(api.get(f"/api/v1/queue?{query}", editor), 400, "invalid", field)
    if field == "state":
        assert "in_review" in error["message"]


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADMIN])
def test_queue_is_not_for_reporters_or_admins(api, session, role):
    assert_error(api.get("/api/v1/queue", make_user(role)), 403, "forbidden")


def test_queue_needs_a_person(api, session):
    assert_error(api.get("/api/v1/queue"), 401)


def test_published_is_public_and_newest_first(api, desk):
    response = api.get("/api/v1/published", query_string={"section": desk["section"]})
    assert_matches(response.json, "Published")
    assert ids(response) == list(reversed(desk["published"]))
    assert response.json["limit"] == 20 and response.json["offset"] == 0
    first = response.json["items"][1]
    assert first["language"] == FIRST and first["section"] == desk["section"]
    assert first["tags"] == ["Russia", desk["tag"]]
    assert first["credit_line"] == "A report by Ahmad Abdallah, Yoruba adaptation by Nadine Sassine"
    assert [c["role"] for c in first["credits"]] == ["reporter", "adaptor", "editor"]
    assert first["published_at"].endswith("Z")
    assert ids(api.get("/api/v1/published?limit=100"), [desk["in_review"], desk["waiting"]]) == []


def test_published_filters_and_pages(api, desk):
    first, second = desk["published"]
    section, tag = desk["section"], desk["tag"]

    def listed(**query) -> list[int]:
        return ids(api.get("/api/v1/published", query_string=query))

    assert listed(section=section, language=FIRST) == [first]
    assert listed(section=section, tag=tag) == [second, first]
    assert listed(tag=tag) == [second, first]
    assert listed(section=f"{section} economy") == []
    assert listed(section=section, tag="Gaza") == []
    assert listed(section=section, limit=1) == [second]
    assert listed(section=section, limit=1, offset=1) == [first]
    assert listed(section=section, offset=5) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("offset=-3", "offset"),
        ("offset=x", "offset"),
        ("language=english", "language"),
        ("tag=a%00b", "tag"),
        ("section=" + "s" * 201, "section"),
    ],
)
def test_published_query_is_checked(api, session, query, field):
    assert_error(api.get(f"/api/v1/published?{query}"), 400, "invalid", field)
