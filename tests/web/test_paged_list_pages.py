"""The people, glossary, webhook, audit and public byline pages: a page at a time with a pager and a total, a
message (400) for a bad page argument on the newsroom's pages, and the statements of a page bounded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.api.test_webhooks_api import PUBLIC_URL
from tests.support.factories import make_user
from tests.web.test_desk_support import get, person_client
from tests.web.test_list_pages import statements_for
from tests.web.test_public_site import publish
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import User, WebhookDelivery
from workflow.services import credentials, glossary, webhooks
from workflow.services import users as user_service


def add_terms(editor, count: int) -> None:
    """`count` terms in the Yoruba → Zulu pair, which no other test uses."""
    for n in range(count):
        data = glossary.TermInput.parse(
            {"source_lang": "yo", "target_lang": "zu", "source": f"term {n:02d}", "target": f"rendering {n}"}
        )
        glossary.create_term(db.session, editor, data)
    db.session.commit()


def add_webhooks(admin, count: int, deliveries: int = 0) -> None:
    """`count` receivers, each with `deliveries` deliveries in its log."""
    for _ in range(count):
        endpoint, _secret = webhooks.register_endpoint(
            db.session, admin, url=PUBLIC_URL, events=["adaptation.published"]
        )
        for _ in range(deliveries):
            db.session.add(
                WebhookDelivery(
                    guid=str(uuid.uuid4()), endpoint=endpoint, event="adaptation.published", body=b"{}"
                )
            )
    db.session.commit()


def test_the_people_page_shows_one_page_and_a_pager(app, session):
    client, _ = person_client(app, Role.ADMIN)
    for _ in range(4):
        make_user(Role.REPORTER)
    everyone = db.session.scalar(select(func.count()).select_from(User))
    first = get(client, "/admin/users?per_page=2")
    assert first.status == 200
    assert len(first.find("table", class_="people").find("tbody").find_all("tr")) == 2
    pages = -(-everyone // 2)
    assert f"Page 1 of {pages} · {everyone} in all" in first.text
    second = get(client, first.find("a", rel="next").get("href"))
    assert f"Page 2 of {pages}" in second.text and "per_page=2" in first.find("a", rel="next").get("href")
    usernames = {a.text for a in first.find("table", class_="people").find_all("a")}
    assert usernames.isdisjoint(a.text for a in second.find("table", class_="people").find_all("a"))


def test_the_glossary_page_shows_one_page_and_a_pager(app, session):
    client, editor = person_client(app, Role.EDITOR)
    add_terms(editor, 5)
    first = get(client, "/desk/glossary?from=yo&to=zu&per_page=2")
    assert first.status == 200
    assert "Page 1 of 3 · 5 in all" in first.text and "5 terms" in first.text
    following = first.find("a", rel="next").get("href")
    assert "from=yo" in following and "page=2" in following
    last = get(client, first.find("a", rel="last").get("href"))
    assert "Page 3 of 3" in last.text and "term 04" in last.text and "term 00" not in last.text


def test_the_webhooks_page_shows_one_page_of_receivers_and_a_pager(app, session):
    client, admin = person_client(app, Role.ADMIN)
    add_webhooks(admin, 3, deliveries=2)
    first = get(client, "/admin/webhooks?per_page=2")
    assert first.status == 200
    assert len(first.find_all("article", class_="webhook")) == 2
    assert "Page 1 of 2 · 3 in all" in first.text
    last = get(client, first.find("a", rel="next").get("href"))
    assert len(last.find_all("article", class_="webhook")) == 1
    assert len(last.find("table", class_="deliveries").find("tbody").find_all("tr")) == 2


def test_the_webhooks_page_runs_as_many_statements_for_twenty_receivers_as_for_two(app, session):
    client, admin = person_client(app, Role.ADMIN)
    add_webhooks(admin, 2, deliveries=3)
    client.get("/admin/webhooks")  # first request warms what is loaded once per process
    two = statements_for(client, "/admin/webhooks")
    add_webhooks(admin, 18, deliveries=3)
    assert statements_for(client, "/admin/webhooks") == two


def test_the_audit_page_shows_one_page_and_a_pager(app, session):
    client, admin = person_client(app, Role.ADMIN)
    for n in range(5):
        user_service.create_user(
            db.session, f"audited{n}", f"Audited {n}", {Role.REPORTER}, "a long enough password", actor=admin
        )
    db.session.commit()
    first = get(client, "/admin/audit?action=user_created&per_page=2")
    assert first.status == 200
    assert len(first.find("table", class_="audit").find("tbody").find_all("tr")) == 2
    assert "Page 1 of" in first.text
    following = first.find("a", rel="next").get("href")
    assert "action=user_created" in following and "page=2" in following
    assert get(client, following).status == 200


@pytest.mark.parametrize("address", ["/admin/users", "/admin/webhooks", "/admin/audit", "/desk/glossary"])
@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=500", "per_page=0"])
def test_a_bad_page_argument_shows_a_message(app, session, address, query):
    client, _ = person_client(app, Role.ADMIN, Role.EDITOR)
    page = get(client, f"{address}?{query}")
    assert page.status == 400
    assert "must be a whole number from 1 to" in page.alert()


def test_a_persons_public_page_lists_twenty_stories_a_page(client):
    adaptor, editor = make_user(Role.ADAPTOR, name="Nadine Sassine"), make_user(Role.EDITOR)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(21):
        publish(f"Story number {n:02d}", at=base + timedelta(hours=n), editor=editor, adaptor=adaptor)
    address = f"/people/nadine-sassine-{adaptor.id}"
    first = client.get(address).get_data(as_text=True)
    assert "21 published stories" in first and "Page 1 of 2" in first
    assert "Story number 20" in first and "Story number 01" in first and "Story number 00" not in first
    assert f'href="{address}?page=2"' in first
    second = client.get(f"{address}?page=2").get_data(as_text=True)
    assert "Story number 00" in second and "Story number 01" not in second
    assert client.get(f"{address}?page=3").status_code == 404
    assert client.get(f"{address}?page=0").status_code == 404


def test_tokens_on_the_account_page_and_a_persons_admin_page_come_a_page_at_a_time(app, session):
    client, person = person_client(app, Role.ADMIN)
    for n in range(5):
        credentials.issue_token(db.session, person, f"script {n}")
    db.session.commit()
    for address in ("/account", f"/admin/users/{person.id}"):
        first = get(client, f"{address}?per_page=2")
        assert first.status == 200
        assert len(first.find("table", class_="tokens").find("tbody").find_all("tr")) == 2
        assert "Page 1 of 3 · 5 in all" in first.text
        last = get(client, first.find("a", rel="last").get("href"))
        assert "script 0" in last.text and "script 4" not in last.text
        assert get(client, f"{address}?page=0").status == 400
