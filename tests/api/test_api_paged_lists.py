"""The glossary, webhook, delivery, token, version and audit lists through the API: a page at a time, with a
total, `X-Total-Count` and RFC 8288 `Link` headers, and a 400 for a bad page argument."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.api.test_api_pagination import links
from tests.api.test_webhooks_api import PUBLIC_URL
from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import PublishedVersion, WebhookDelivery, WebhookEndpoint
from workflow.services import credentials, glossary
from workflow.services import users as user_service


def add_terms(editor, count: int) -> list[int]:
    """`count` terms in the Yoruba → Zulu pair, which no other test uses."""
    made = []
    for n in range(count):
        data = glossary.TermInput.parse(
            {"source_lang": "yo", "target_lang": "zu", "source": f"term {n:02d}", "target": f"rendering {n}"}
        )
        made.append(glossary.create_term(db.session, editor, data).id)
    db.session.commit()
    return made


def assert_second_of_three_pages(response, total: int) -> None:
    """A middle page of a three-page list: its place in the list and links to every neighbour."""
    assert response.status_code == 200, response.json
    assert (response.json["page"], response.json["pages"], response.json["total"]) == (2, 3, total)
    assert response.headers["X-Total-Count"] == str(total)
    found = links(response)
    assert set(found) == {"next", "prev", "first", "last"}
    assert "?page=3" in found["next"] or "&page=3" in found["next"]
    assert "?page=3" in found["last"] or "&page=3" in found["last"]
    assert not re.search(r"[?&]page=", found["first"] + found["prev"]) and "per_page" in found["prev"]


def test_the_glossary_is_listed_a_page_at_a_time(api, editor):
    made = add_terms(editor, 5)
    first = api.get("/api/v1/glossary?source_lang=yo&target_lang=zu&per_page=2", editor)
    assert_matches(first.json, "GlossaryList")
    assert [t["id"] for t in first.json["items"]] == made[:2]
    assert (first.json["total"], first.json["pages"], first.json["count"]) == (5, 3, 2)
    assert "source_lang=yo" in links(first)["next"]
    second = api.get(links(first)["next"], editor)
    assert [t["id"] for t in second.json["items"]] == made[2:4]
    assert_second_of_three_pages(second, 5)
    last = api.get(links(first)["last"], editor)
    assert [t["id"] for t in last.json["items"]] == made[4:]


def test_webhooks_and_their_deliveries_are_listed_a_page_at_a_time(api, session):
    admin = make_user(Role.ADMIN)
    endpoints = [
        api.post(
            "/api/v1/webhooks", admin, json={"url": PUBLIC_URL, "events": ["adaptation.published"]}
        ).json["id"]
        for _ in range(5)
    ]
    listed = api.get("/api/v1/webhooks?per_page=2&page=2", admin)
    assert_matches(listed.json, "WebhookList")
    assert [w["id"] for w in listed.json["webhooks"]] == endpoints[2:4]
    assert_second_of_three_pages(listed, 5)

    endpoint = db.session.get(WebhookEndpoint, endpoints[0])
    for _ in range(5):
        db.session.add(
            WebhookDelivery(
                guid=str(uuid.uuid4()), endpoint=endpoint, event="adaptation.published", body=b"{}"
            )
        )
    db.session.commit()
    log = api.get(f"/api/v1/webhooks/{endpoints[0]}/deliveries?per_page=2&page=2", admin)
    assert_matches(log.json, "WebhookDeliveryList")
    assert len(log.json["deliveries"]) == 2
    assert_second_of_three_pages(log, 5)
    older = api.get(
        f"/api/v1/webhooks/{endpoints[0]}/deliveries?limit=4", admin
    )  # the older name of per_page
    assert (older.json["per_page"], older.json["pages"]) == (4, 2)


def test_a_persons_tokens_are_listed_a_page_at_a_time(api, reporter):
    for n in range(4):
        credentials.issue_token(db.session, reporter, f"script {n}")
    db.session.commit()
    listed = api.get("/api/v1/tokens?per_page=2&page=2", reporter)  # then the api's own, the newest
    assert_matches(listed.json, "TokenList")
    assert [t["name"] for t in listed.json["tokens"]] == ["script 2", "script 1"]  # newest first
    assert_second_of_three_pages(listed, 5)


def test_a_storys_versions_are_listed_a_page_at_a_time(api, editor):
    adaptation = drive(make_article().adaptations[0], State.PUBLISHED, editor=editor)
    for number in (2, 3):
        db.session.add(
            PublishedVersion(
                adaptation_id=adaptation.id,
                number=number,
                title=f"Corrected {number}",
                body="Body.",
                approved_by_id=editor.id,
                correction_note="A name was misspelt.",
            )
        )
    db.session.commit()
    listed = api.get(f"/api/v1/adaptations/{adaptation.id}/versions?per_page=1&page=2", editor)
    assert_matches(listed.json, "Versions")
    assert [v["number"] for v in listed.json["items"]] == [2]
    assert listed.json["adaptation_id"] == adaptation.id
    assert_second_of_three_pages(listed, 3)


def test_the_audit_log_is_listed_a_page_at_a_time(api, session):
    admin = make_user(Role.ADMIN)
    for n in range(5):
        user_service.create_user(
            db.session, f"paged{n}", f"Paged {n}", {Role.REPORTER}, "a long enough password", actor=admin
        )
    db.session.commit()
    everything = api.get("/api/v1/audit?action=user_created&per_page=200", admin).json
    listed = api.get("/api/v1/audit?action=user_created&per_page=2&page=2", admin)
    assert_matches(listed.json, "AuditLog")
    assert listed.json["total"] == everything["total"] >= 5
    assert [e["id"] for e in listed.json["entries"]] == [e["id"] for e in everything["entries"][2:4]]
    assert "action=user_created" in links(listed)["next"]
    older = api.get("/api/v1/audit?action=user_created&limit=2", admin)  # the older name of per_page
    assert older.json["per_page"] == 2


@pytest.mark.parametrize("query", ["page=0", "page=two", "per_page=201", "per_page=0"])
@pytest.mark.parametrize(
    "address",
    ["/api/v1/glossary", "/api/v1/webhooks", "/api/v1/tokens", "/api/v1/audit", "versions", "deliveries"],
)
def test_a_bad_page_argument_is_a_400_naming_it(api, session, address, query):
    admin = make_user(Role.ADMIN, Role.EDITOR)
    if address == "versions":
        address = f"/api/v1/adaptations/{make_article().adaptations[0].id}/versions"
    elif address == "deliveries":
        made = api.post(
            "/api/v1/webhooks", admin, json={"url": PUBLIC_URL, "events": ["adaptation.published"]}
        )
        address = f"/api/v1/webhooks/{made.json['id']}/deliveries"
    response = api.get(f"{address}?{query}", admin)
    assert_error(response, 400)
    assert response.json["field"] == query.split("=")[0]
