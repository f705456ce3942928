"""Webhooks through the services on the real database: events written in the transaction of the change they
announce, and attempts against a real HTTP receiver on 127.0.0.1 (signature, headers, the checked address,
DNS rebinding, redirects, retries)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket

import pytest
from sqlalchemy import select

from tests.support.factories import drive, make_article, make_user
from tests.support.receiver import Receiver
from workflow.domain.states import Role, State
from workflow.domain.webhooks import MAX_ATTEMPTS, parse_networks
from workflow.models import WebhookDelivery
from workflow.services import drafts, webhooks
from workflow.services.adaptations import perform_action
from workflow.services.outbox import OUTBOX

#: The networks these tests allow: only the loopback receiver they start.
LOOPBACK = parse_networks("127.0.0.1/32")
SECRET = "receiver-shared-secret-0001"


def resolving(mapping: dict[str, str]):
    """A resolver answering `mapping` (name → address), as getaddrinfo would."""

    def resolve(host, port, **_kwargs):
        if host not in mapping:
            raise socket.gaierror(f"unknown host {host}")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (mapping[host], port))]

    return resolve


@pytest.fixture()
def admin(session):
    return make_user(Role.ADMIN)


@pytest.fixture()
def receiver():
    with Receiver() as running:
        yield running


def register(session, admin, url: str, events: list[str], resolver=socket.getaddrinfo, allowed=LOOPBACK):
    endpoint, _ = webhooks.register_endpoint(
        session, admin, url=url, events=events, secret=SECRET, allowed=allowed, resolver=resolver
    )
    session.commit()
    return endpoint


def deliveries(session, event: str | None = None) -> list[WebhookDelivery]:
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if event:
        stmt = stmt.where(WebhookDelivery.event == event)
    return list(session.scalars(stmt))


def test_each_event_is_written_in_the_transaction_of_its_change_and_handed_to_the_outbox(app, session, admin):
    everything = register(session, admin, "http://127.0.0.1:9/all", list(webhooks.WebhookEvent))
    register(session, admin, "http://127.0.0.1:9/published", ["adaptation.published"])
    held = app.extensions[OUTBOX]
    before = len(held.held_deliveries)
    editor = make_user(Role.EDITOR)
    adaptation = make_article().adaptations[0]
    with app.app_context():  # the outbox sends after a commit made inside the app
        drive(adaptation, State.PUBLISHED, editor=editor)
    assert [d.event for d in deliveries(session)] == [
        "draft.ready",
        "adaptation.published",
        "adaptation.published",
    ]
    assert {d.endpoint_id for d in deliveries(session, "draft.ready")} == {everything.id}
    assert held.held_deliveries[before:] == [d.id for d in deliveries(session)]  # sent after the commit

    perform_action(session, editor, adaptation, "unpublish", comment="Legal asked us to take it down.")
    session.rollback()  # the change is undone: so is its announcement
    assert len(deliveries(session)) == 3
    perform_action(session, editor, adaptation, "unpublish", comment="Legal asked us to take it down.")
    session.commit()
    [unpublished] = deliveries(session, "adaptation.unpublished")
    data = json.loads(unpublished.body)
    assert data["event"] == "adaptation.unpublished" and data["delivery"] == unpublished.guid
    assert data["data"]["adaptation"]["id"] == adaptation.id
    assert data["data"]["adaptation"]["reason"] == "Legal asked us to take it down."


def test_a_correction_and_a_failed_draft_are_announced(session, admin):
    register(session, admin, "http://127.0.0.1:9/x", ["adaptation.corrected", "draft.failed"])
    editor = make_user(Role.EDITOR)
    adaptor = make_user(Role.ADAPTOR)
    corrected = drive(make_article().adaptations[0], State.CORRECTING, editor=editor, adaptor=adaptor)
    corrected.body = "Corrected body."
    perform_action(session, adaptor, corrected, "submit")
    perform_action(session, editor, corrected, "approve", correction_note="The date was wrong.")
    session.commit()
    [event] = deliveries(session, "adaptation.corrected")
    story = json.loads(event.body)["data"]["adaptation"]
    assert story["version"] == 2 and story["correction_note"] == "The date was wrong."

    draft = make_article().adaptations[0].draft
    job = drafts.take_job(session, draft.id, "t-1", lease_seconds=60)
    drafts.fail_draft(session, draft.id, "No model.", attempt=job.attempt)
    session.commit()
    [failed] = deliveries(session, "draft.failed")
    assert json.loads(failed.body)["data"]["draft"]["error"] == "No model."


def attempt(session, delivery_id: int, allowed=LOOPBACK, resolver=socket.getaddrinfo):
    """One attempt as the task makes it: take, POST, record."""
    job = webhooks.take_delivery(session, delivery_id)
    result = webhooks.post_delivery(job, allowed, resolver=resolver, timeout=5)
    outcome = webhooks.record_attempt(session, job, result)
    session.commit()
    return outcome


def test_an_attempt_posts_the_signed_body_with_its_headers(session, admin, receiver):
    register(session, admin, receiver.url(), ["draft.ready"])
    drive(make_article().adaptations[0], State.DRAFT_READY)
    [delivery] = deliveries(session)
    assert attempt(session, delivery.id).state == "delivered"
    [got] = receiver.to("/hook")
    assert got.headers["X-Adaptdesk-Event"] == "draft.ready"
    assert got.headers["X-Adaptdesk-Delivery"] == delivery.guid
    expected = hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-Adaptdesk-Signature"], f"sha256={expected}")
    assert got.headers["Content-Type"] == "application/json" and got.body == delivery.body
    session.refresh(delivery)
    assert (delivery.attempts, delivery.response_code) == (1, 200) and delivery.latency_ms is not None
    assert webhooks.take_delivery(session, delivery.id) is None  # delivered: a second job does nothing


def test_the_attempt_connects_to_the_address_it_checked_and_keeps_the_name(session, admin, receiver):
    name = "hooks.example.test"
    resolver = resolving({name: "127.0.0.1"})
    register(session, admin, receiver.url(host=name), ["draft.ready"], resolver=resolver)
    drive(make_article().adaptations[0], State.DRAFT_READY)
    [delivery] = deliveries(session)
    assert attempt(session, delivery.id, resolver=resolver).state == "delivered"
    assert receiver.to("/hook")[0].headers["Host"] == f"{name}:{receiver.port}"


def test_a_name_that_resolves_elsewhere_at_delivery_time_is_refused(session, admin, receiver):
    name = "rebinding.example.test"
    register(
        session, admin, receiver.url(host=name), ["draft.ready"], resolver=resolving({name: "93.184.216.34"})
    )
    drive(make_article().adaptations[0], State.DRAFT_READY)
    [delivery] = deliveries(session)
    outcome = attempt(session, delivery.id, allowed=(), resolver=resolving({name: "127.0.0.1"}))
    assert outcome.state == "failed" and outcome.retry_in is None
    session.refresh(delivery)
    assert "loopback" in delivery.error and delivery.response_code is None
    assert receiver.received == []


def test_redirects_are_not_followed_and_failures_are_retried_until_the_attempts_run_out(
    session, admin, receiver
):
    receiver.answer("/hook", *[302] * MAX_ATTEMPTS)
    receiver.redirects["/hook"] = receiver.url("/elsewhere")
    register(session, admin, receiver.url(), ["draft.ready"])
    drive(make_article().adaptations[0], State.DRAFT_READY)
    [delivery] = deliveries(session)
    waits = []
    for _ in range(MAX_ATTEMPTS):
        outcome = attempt(session, delivery.id)
        waits.append(outcome.retry_in)
    assert waits[:3] == [5, 10, 20] and waits[-1] is None and outcome.state == "failed"
    session.refresh(delivery)
    assert delivery.attempts == MAX_ATTEMPTS and delivery.response_code == 302
    assert "redirects are not followed" in delivery.error
    assert receiver.to("/elsewhere") == []
    assert {r.headers["X-Adaptdesk-Delivery"] for r in receiver.to("/hook")} == {delivery.guid}


def test_registration_checks_every_address_a_name_resolves_to(session, admin):
    def both(host, port, **_kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    with pytest.raises(webhooks.InvalidInput, match=r"10\.0\.0\.7"):
        register(
            session, admin, "https://mixed.example.test/hook", ["draft.ready"], resolver=both, allowed=()
        )
    assert ipaddress.ip_address("10.0.0.7") in parse_networks("10.0.0.0/8")[0]
    endpoint = register(
        session,
        admin,
        "https://mixed.example.test/hook",
        ["draft.ready"],
        resolver=both,
        allowed=parse_networks("10.0.0.0/8"),
    )
    assert endpoint.id
