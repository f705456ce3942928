"""The webhooks API: admins only, clear 400s, the SSRF guard at registration, secrets shown once, the delivery
log and redelivery; every answer matches the OpenAPI document."""

from __future__ import annotations

import dataclasses

import pytest

from tests.api.helpers import assert_error, schema_problems
from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State
from workflow.domain.webhooks import parse_networks
from workflow.extensions import db
from workflow.models import WebhookDelivery

PUBLIC_URL = "https://93.184.216.34/hooks/adaptdesk"  # a public address: no name to resolve


@pytest.fixture()
def admin(session):
    return make_user(Role.ADMIN, name="Rania Admin")


@pytest.fixture()
def allow_loopback(app, monkeypatch):
    """The server lists 127.0.0.1/32 in ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS for this test."""
    settings = dataclasses.replace(
        app.config["ADAPTDESK"], webhook_allowed_networks=parse_networks("127.0.0.1/32")
    )
    monkeypatch.setitem(app.config, "ADAPTDESK", settings)


def create(api, admin, **body):
    return api.post(
        "/api/v1/webhooks", admin, json={"url": PUBLIC_URL, "events": ["adaptation.published"], **body}
    )


def test_an_admin_registers_lists_and_removes_a_webhook(api, admin):
    created = create(api, admin, events=["draft.failed", "adaptation.published"])
    assert created.status_code == 201, created.json
    assert schema_problems(created.json, {"$ref": "#/components/schemas/NewWebhook"}) == []
    assert created.json["events"] == ["adaptation.published", "draft.failed"]
    assert len(created.json["secret"]) >= 32 and created.json["created_by"] == admin.username

    listed = api.get("/api/v1/webhooks", admin)
    assert listed.status_code == 200
    assert schema_problems(listed.json, {"$ref": "#/components/schemas/WebhookList"}) == []
    assert created.json["secret"] not in listed.get_data(as_text=True)
    shown = api.get(f"/api/v1/webhooks/{created.json['id']}", admin)
    assert shown.status_code == 200 and "secret" not in shown.json

    assert api.delete(f"/api/v1/webhooks/{created.json['id']}", admin).status_code == 204
    assert_error(api.get(f"/api/v1/webhooks/{created.json['id']}", admin), 404, "not_found")
    assert api.get("/api/v1/webhooks", admin).json["webhooks"] == []
    logged = api.get("/api/v1/audit", admin).json["entries"]
    assert [(e["action"], e["details"]["webhook_id"]) for e in logged[:2]] == [
        ("webhook_removed", created.json["id"]),
        ("webhook_added", created.json["id"]),
    ]
    assert created.json["secret"] not in str(logged)


def test_a_secret_the_admin_gives_is_used_and_never_echoed_later(api, admin):
    created = create(api, admin, secret="my-own-secret-0123456789")
    assert created.status_code == 201 and created.json["secret"] == "my-own-secret-0123456789"
    assert "my-own-secret" not in api.get("/api/v1/webhooks", admin).get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR])
def test_only_admins_manage_webhooks(api, admin, role):
    person = make_user(role)
    webhook = create(api, admin).json["id"]
    calls = [
        ("post", "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["draft.ready"]}),
        ("get", "/api/v1/webhooks", None),
        ("get", f"/api/v1/webhooks/{webhook}", None),
        ("delete", f"/api/v1/webhooks/{webhook}", None),
        ("get", f"/api/v1/webhooks/{webhook}/deliveries", None),
        ("post", f"/api/v1/webhooks/{webhook}/deliveries/1/redeliver", {}),
    ]
    for method, url, body in calls:
        response = api.call(method.upper(), url, person, body)
        assert_error(response, 403, "forbidden")
        assert_error(api.call(method.upper(), url, None, body), 401)
    assert api.get(f"/api/v1/webhooks/{webhook}", admin).status_code == 200


@pytest.mark.parametrize(
    "body,field,says",
    [
        ({"events": ["draft.ready"]}, "url", "url"),
        ({"url": 5, "events": ["draft.ready"]}, "url", "url"),
        ({"url": "ftp://93.184.216.34/x", "events": ["draft.ready"]}, "url", "https://"),
        ({"url": "https://user:pw@93.184.216.34/", "events": ["draft.ready"]}, "url", "credentials"),
        ({"url": PUBLIC_URL}, "events", "events"),
        ({"url": PUBLIC_URL, "events": []}, "events", "one or more"),
        ({"url": PUBLIC_URL, "events": "draft.ready"}, "events", "list"),
        ({"url": PUBLIC_URL, "events": ["story.printed"]}, "events", "Unknown event 'story.printed'"),
        ({"url": PUBLIC_URL, "events": ["draft.ready"], "secret": "short"}, "secret", "16 to 200"),
        ({"url": PUBLIC_URL, "events": ["draft.ready"], "secret": 12345678901234567}, "secret", "16 to 200"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, admin, body, field, says):
    body = assert_error(api.post("/api/v1/webhooks", admin, json=body), 400, "invalid", field)
    assert says in body["message"]


def test_a_body_that_is_not_json_is_refused(api, admin):
    headers = api.headers(admin)
    assert_error(api.client.post("/api/v1/webhooks", data="url=x", headers=headers), 415)
    not_json = api.client.post("/api/v1/webhooks", data="{", headers=headers, content_type="application/json")
    assert_error(not_json, 400, "invalid", "body")


@pytest.mark.parametrize(
    "url,says",
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost:8080/hook", "resolves to"),
    ],
)
def test_targets_that_are_not_public_are_refused_at_registration(api, admin, url, says):
    body = assert_error(
        api.post("/api/v1/webhooks", admin, json={"url": url, "events": ["draft.ready"]}),
        400,
        "invalid",
        "url",
    )
    assert says in body["message"] and "ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS" in body["message"]


def test_a_listed_network_may_be_registered(api, admin, allow_loopback):
    assert create(api, admin, url="http://127.0.0.1:8080/hook").status_code == 201
    assert_error(create(api, admin, url="http://10.0.0.5/hook"), 400, "invalid", "url")


def test_the_delivery_log_and_redelivery(api, admin, session):
    webhook = create(api, admin, events=["adaptation.published"]).json["id"]
    adaptation = drive(make_article().adaptations[0], State.PUBLISHED)
    log = api.get(f"/api/v1/webhooks/{webhook}/deliveries", admin)
    assert log.status_code == 200
    assert schema_problems(log.json, {"$ref": "#/components/schemas/WebhookDeliveryList"}) == []
    [entry] = log.json["deliveries"]
    assert entry["event"] == "adaptation.published" and entry["state"] == "pending" and entry["attempts"] == 0
    redeliver = f"/api/v1/webhooks/{webhook}/deliveries/{entry['id']}/redeliver"
    assert_error(api.post(redeliver, admin, json={}), 409, "conflict")  # still being attempted

    delivery = db.session.get(WebhookDelivery, entry["id"])
    delivery.state, delivery.attempts, delivery.response_code, delivery.error = (
        "failed",
        8,
        500,
        "Answered 500.",
    )
    session.commit()
    again = api.post(redeliver, admin, json={})
    assert again.status_code == 202, again.json
    assert schema_problems(again.json, {"$ref": "#/components/schemas/WebhookDelivery"}) == []
    assert (again.json["state"], again.json["attempts"], again.json["redeliveries"]) == ("pending", 0, 1)
    assert again.json["delivery"] == entry["delivery"]  # the same id: receivers can drop the duplicate
    assert adaptation.id

    other = create(api, admin).json["id"]
    assert_error(
        api.post(f"/api/v1/webhooks/{other}/deliveries/{entry['id']}/redeliver", admin, json={}), 404
    )
    assert_error(api.get(f"/api/v1/webhooks/{2**40}/deliveries", admin), 404)
    assert_error(api.get(f"/api/v1/webhooks/{webhook}/deliveries?limit=0", admin), 400, "invalid", "limit")
