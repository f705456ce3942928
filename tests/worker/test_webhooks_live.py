"""Webhooks end to end: a real web process and Celery worker over the real Redis deliver to a real HTTP
receiver on 127.0.0.1 (the only network these tests list in ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import redis

from tests.conftest import database_kind
from tests.support.live import LiveStack, free_port, new_database, stack_env
from tests.support.receiver import Receiver
from tests.worker.conftest import REDIS_BASE, TEST_REDIS_DB

pytestmark = pytest.mark.worker

#: The receiver these tests start listens here; nothing else is allowed.
ALLOWED = "127.0.0.1/32"
SECRET = "live-receiver-secret-0123456789"


@pytest.fixture(scope="module")
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture(scope="module")
def hooks_stack(tmp_path_factory, argos_dir):
    """Web + one worker on Redis, allowing webhooks to 127.0.0.1 only; people: admin, reporter, adaptor,
    editor."""
    broker = f"{REDIS_BASE}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    data_dir = tmp_path_factory.mktemp("live-hooks")
    database_url, drop = new_database(database_kind(), data_dir)
    env = stack_env(data_dir, database_url, broker, argos_dir)
    env["ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS"] = ALLOWED
    stack = LiveStack(env, data_dir, free_port())
    try:
        stack.start_web()
        stack.start_worker()
        stack.people = {
            "admin": stack.user("admin", "Rania Admin", "admin"),
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
            "editor": stack.user("editor", "Rima Haddad", "editor"),
        }
        yield stack
    finally:
        stack.stop_all()
        client.flushdb()
        client.close()
        drop()


def register(stack, url: str, events: list[str]) -> dict:
    created = stack.people["admin"].post("/api/v1/webhooks", {"url": url, "events": events, "secret": SECRET})
    assert created.status == 201, created.json
    return created.json


def verified(received) -> dict:
    """The body, once its signature checks out with the shared secret (as a receiver would check it)."""
    expected = "sha256=" + hmac.new(SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["X-Adaptdesk-Signature"], expected)
    return json.loads(received.body)


def publish(stack) -> int:
    """Submit an original, adapt and approve it over the API; the adaptation's id."""
    _article, adaptation_id = stack.submit_and_draft(
        stack.people["reporter"],
        {"title": "خبر قصير", "body": "هذا نص قصير.", "language": "ar", "section": "News", "targets": ["en"]},
    )
    adaptor, editor = stack.people["adaptor"], stack.people["editor"]
    adaptor.act(adaptation_id, "claim")
    adaptor.save(adaptation_id, "A short story", "This is a short text.")
    adaptor.act(adaptation_id, "submit")
    assert editor.act(adaptation_id, "approve")["state"] == "published"
    return adaptation_id


def delivery_log(stack, webhook_id: int, until, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = stack.people["admin"].get(f"/api/v1/webhooks/{webhook_id}/deliveries").json["deliveries"]
        if until(log):
            return log
        time.sleep(0.25)
    raise AssertionError(f"delivery log of webhook {webhook_id}: {log}\n{stack.log('worker')[-3000:]}")


def test_published_story_is_delivered_signed_and_a_failing_receiver_gets_the_same_delivery_again(
    hooks_stack, receiver
):
    steady = register(hooks_stack, receiver.url("/steady"), ["draft.ready", "adaptation.published"])
    flaky = register(hooks_stack, receiver.url("/flaky"), ["adaptation.published"])
    receiver.answer("/flaky", 500)

    adaptation_id = publish(hooks_stack)

    got = receiver.wait_for("/steady", 2)
    events = [r.headers["X-Adaptdesk-Event"] for r in got]
    assert events == ["draft.ready", "adaptation.published"]
    ready, published = (verified(r) for r in got)
    assert ready["event"] == "draft.ready" and ready["data"]["draft"]["adaptation_id"] == adaptation_id
    assert published["data"]["adaptation"]["id"] == adaptation_id
    assert published["data"]["adaptation"]["title"] == "A short story"
    assert published["data"]["adaptation"]["version"] == 1
    assert published["delivery"] == got[1].headers["X-Adaptdesk-Delivery"]

    first, second = receiver.wait_for("/flaky", 2, timeout=90)
    assert first.headers["X-Adaptdesk-Delivery"] == second.headers["X-Adaptdesk-Delivery"]
    assert first.body == second.body and verified(second)["event"] == "adaptation.published"
    log = delivery_log(hooks_stack, flaky["id"], lambda log: log and log[0]["state"] == "delivered")
    assert (log[0]["attempts"], log[0]["response_code"]) == (2, 200)
    assert log[0]["delivery"] == first.headers["X-Adaptdesk-Delivery"] and log[0]["latency_ms"] is not None
    steady_log = delivery_log(
        hooks_stack, steady["id"], lambda log: {d["state"] for d in log} == {"delivered"}
    )
    assert [d["attempts"] for d in steady_log] == [1, 1]


def test_a_redelivery_arrives_with_the_same_delivery_id(hooks_stack, receiver):
    webhook = register(hooks_stack, receiver.url("/again"), ["adaptation.published"])
    publish(hooks_stack)
    [first] = receiver.wait_for("/again", 1)
    log = delivery_log(hooks_stack, webhook["id"], lambda log: log and log[0]["state"] == "delivered")
    redone = hooks_stack.people["admin"].post(
        f"/api/v1/webhooks/{webhook['id']}/deliveries/{log[0]['id']}/redeliver"
    )
    assert redone.status == 202, redone.json
    _, again = receiver.wait_for("/again", 2)
    assert again.headers["X-Adaptdesk-Delivery"] == first.headers["X-Adaptdesk-Delivery"]
    assert again.body == first.body


def test_an_address_outside_the_allowed_networks_is_refused(hooks_stack):
    # 127.0.0.2 is loopback too, but outside the one address listed.
    for url in (
        "http://127.0.0.2:9/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/",
    ):
        refused = hooks_stack.people["admin"].post(
            "/api/v1/webhooks", {"url": url, "events": ["draft.ready"]}
        )
        assert refused.status == 400 and refused.json["field"] == "url", (url, refused.json)
    denied = hooks_stack.people["editor"].get("/api/v1/webhooks")
    assert denied.status == 403
