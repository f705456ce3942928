"""The admin webhooks page through the test client: access, registering (secret shown once), refusals with
their reason, the delivery log with its redeliver button, removing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.factories import drive, login, make_article, make_user, post_form
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import WebhookDelivery, WebhookEndpoint

PUBLIC_URL = "https://93.184.216.34/hooks/adaptdesk"


@pytest.fixture()
def admin(client):
    person = make_user(Role.ADMIN, username="root", name="Rania Admin")
    login(client, person)
    return person


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/admin/webhooks"),
        ("post", "/admin/webhooks"),
        ("post", "/admin/webhooks/1/delete"),
        ("post", "/admin/webhooks/1/deliveries/1/redeliver"),
    ],
)
@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR])
def test_other_roles_are_refused(client, role, method, url):
    login(client, make_user(role))
    data = {"url": PUBLIC_URL, "events": ["draft.ready"]}
    response = post_form(client, url, data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert endpoints() == []


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/admin/webhooks")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_an_admin_registers_a_webhook_and_sees_its_generated_secret_once(client, admin):
    response = post_form(
        client, "/admin/webhooks", {"url": PUBLIC_URL, "events": ["draft.ready", "draft.failed"]}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [endpoint] = endpoints()
    assert endpoint.events == ["draft.ready", "draft.failed"]
    html = response.get_data(as_text=True)
    assert f'<code class="secret">{endpoint.secret}</code>' in html and "shown this once" in html
    later = client.get("/admin/webhooks").get_data(as_text=True)
    assert endpoint.secret not in later and PUBLIC_URL in later
    assert " style=" not in later


@pytest.mark.parametrize(
    "data,says",
    [
        ({"url": "http://127.0.0.1/hook", "events": ["draft.ready"]}, "loopback"),
        ({"url": "http://169.254.169.254/", "events": ["draft.ready"]}, "link-local"),
        ({"url": PUBLIC_URL}, "one or more"),
        ({"url": PUBLIC_URL, "events": ["draft.ready"], "secret": "short"}, "16 to 200"),
    ],
)
def test_refused_forms_say_why_and_keep_what_was_typed(client, admin, data, says):
    response = post_form(client, "/admin/webhooks", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="error" role="alert" id="webhook-error">(.*?)</p>', html, re.S)
    assert error and says in error.group(1)
    assert f'value="{data["url"]}"' in html
    assert endpoints() == []


def test_the_delivery_log_shows_attempts_and_redelivers(client, admin):
    post_form(client, "/admin/webhooks", {"url": PUBLIC_URL, "events": ["adaptation.published"]})
    [endpoint] = endpoints()
    drive(make_article().adaptations[0], State.PUBLISHED)
    delivery = db.session.scalar(select(WebhookDelivery))
    html = client.get("/admin/webhooks").get_data(as_text=True)
    row = re.search(rf'<tr id="delivery-{delivery.id}">.*?</tr>', html, re.S).group(0)
    assert delivery.guid in row and "pending" in row and "Redeliver" not in row

    delivery.state, delivery.attempts, delivery.response_code, delivery.latency_ms = "failed", 8, 503, 42
    delivery.error = "Answered 503."
    db.session.commit()
    row = re.search(
        rf'<tr id="delivery-{delivery.id}">.*?</tr>',
        client.get("/admin/webhooks").get_data(as_text=True),
        re.S,
    ).group(0)
    assert (
        "failed" in row
        and "503" in row
        and "42 ms" in row
        and "Answered 503." in row
        and ">Redeliver<" in row
    )

    url = f"/admin/webhooks/{endpoint.id}/deliveries/{delivery.id}/redeliver"
    response = post_form(client, url)
    assert response.status_code == 302
    db.session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.redeliveries) == ("pending", 0, 1)
    assert "queued again" in client.get("/admin/webhooks").get_data(as_text=True)
    assert (
        post_form(client, f"/admin/webhooks/{endpoint.id + 1}/deliveries/{delivery.id}/redeliver").status_code
        == 404
    )


def test_an_admin_removes_a_webhook(client, admin):
    post_form(client, "/admin/webhooks", {"url": PUBLIC_URL, "events": ["draft.ready"]})
    [endpoint] = endpoints()
    response = post_form(client, f"/admin/webhooks/{endpoint.id}/delete")
    assert response.status_code == 302
    assert endpoints() == []
    assert post_form(client, f"/admin/webhooks/{endpoint.id}/delete").status_code == 404
