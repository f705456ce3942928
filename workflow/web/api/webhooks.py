"""Webhooks through the API: registering receivers, their delivery log, and redelivering one (admins only).

URL map:
    POST   /api/v1/webhooks                                      api.create_webhook   register (secret shown once)
    GET    /api/v1/webhooks[?page=&per_page=]                    api.list_webhooks    every endpoint (no secrets)
    GET    /api/v1/webhooks/<id>                                 api.show_webhook     one endpoint
    DELETE /api/v1/webhooks/<id>                                 api.delete_webhook   remove it and its log
    GET    /api/v1/webhooks/<id>/deliveries[?page=&per_page=]    api.list_deliveries  newest first
    POST   /api/v1/webhooks/<id>/deliveries/<delivery_id>/redeliver  api.redeliver   send it again, same id
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from ...domain.messages import N_
from ...domain.webhooks import MAX_ATTEMPTS, DeliveryState, WebhookEvent
from ...extensions import db
from ...models import WebhookDelivery, WebhookEndpoint
from ...services import webhooks
from ...services.errors import NotFound
from ..paging import page_args, page_json, with_link_header
from .inputs import MAX_ID, api_person, json_object, query_int
from .openapi import (
    INT,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TEXT,
    TIME,
    URL,
    Route,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
    text,
)
from .presenters import iso

EVENTS = [e.value for e in WebhookEvent]


def webhook_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """An endpoint as admins see it: never its secret."""
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events or []),
        "created_at": iso(endpoint.created_at),
        "created_by": endpoint.created_by.username if endpoint.created_by else None,
    }


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    """One delivery and how its last attempt went."""
    return {
        "id": delivery.id,
        "delivery": delivery.guid,
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "latency_ms": delivery.latency_ms,
        "error": delivery.error or None,
        "created_at": iso(delivery.created_at),
        "last_attempt_at": iso(delivery.last_attempt_at),
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.state == DeliveryState.PENDING else None,
        "delivered_at": iso(delivery.delivered_at),
        "redeliveries": delivery.redeliveries,
    }


def _id(value: int, what: str) -> int:
    if value > MAX_ID:
        raise NotFound(N_("No %(what)s %(value)s.", what=what, value=value))
    return value


def create_webhook():
    """Register a receiver; the answer holds its secret, this once."""
    person = api_person()
    data = json_object()
    settings = current_app.config["ADAPTDESK"]
    endpoint, secret = webhooks.register_endpoint(
        db.session,
        person,
        url=data.get("url"),
        events=data.get("events"),
        secret=data.get("secret"),
        allowed=settings.webhook_allowed_networks,
    )
    db.session.commit()
    return jsonify({**webhook_json(endpoint), "secret": secret}), 201


def list_webhooks():
    """Registered endpoints, oldest first, a page at a time (admins)."""
    person = api_person()
    number, size = page_args()
    found = webhooks.page_of_endpoints(db.session, person, number, size)
    items = [webhook_json(e) for e in found.items]
    return with_link_header(jsonify(page_json(found, items, key="webhooks")), found)


def show_webhook(webhook_id: int):
    """One endpoint (admins)."""
    person = api_person()
    return jsonify(webhook_json(webhooks.get_endpoint(db.session, person, _id(webhook_id, N_("webhook")))))


def delete_webhook(webhook_id: int):
    """Remove an endpoint and its delivery log (admins)."""
    person = api_person()
    webhooks.delete_endpoint(db.session, person, _id(webhook_id, N_("webhook")))
    db.session.commit()
    return "", 204


def list_deliveries(webhook_id: int):
    """The endpoint's deliveries, newest first (admins)."""
    person = api_person()
    number, size = page_args()
    if "limit" in request.args and "per_page" not in request.args:  # the older name of per_page
        size = query_int("limit", size, 1, 500)
    found = webhooks.page_of_deliveries(db.session, person, _id(webhook_id, N_("webhook")), number, size)
    items = [delivery_json(d) for d in found.items]
    return with_link_header(jsonify(page_json(found, items, key="deliveries")), found)


def redeliver(webhook_id: int, delivery_id: int):
    """Send a delivery again with the same body and id (admins); it is queued after commit."""
    person = api_person()
    delivery = webhooks.redeliver(
        db.session, person, _id(webhook_id, N_("webhook")), _id(delivery_id, N_("delivery"))
    )
    db.session.commit()
    return jsonify(delivery_json(delivery)), 202


WEBHOOK_ID = ({"name": "webhook_id", "in": "path", "required": True, "schema": INT},)
DELIVERY_ID = (
    *WEBHOOK_ID,
    {"name": "delivery_id", "in": "path", "required": True, "schema": INT},
)

ROUTES = (
    Route(
        "/api/v1/webhooks",
        "POST",
        create_webhook,
        op(
            "createWebhook",
            "Register a webhook receiver (admins)",
            {
                "201": ok(ref("NewWebhook"), "Registered; `secret` is shown this once."),
                **errors(400, 401, 403, 413, 415),
            },
            tags=["admin"],
            requestBody=json_body(ref("WebhookRequest")),
            description="The URL's host must resolve only to public addresses, or to addresses inside the "
            "server's ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS (checked now and before every delivery). Each delivery "
            "is a JSON POST with X-Adaptdesk-Event, X-Adaptdesk-Delivery (the same on every retry) and "
            "X-Adaptdesk-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>.",
        ),
    ),
    Route(
        "/api/v1/webhooks",
        "GET",
        list_webhooks,
        op(
            "listWebhooks",
            "Registered webhook receivers (admins)",
            {
                "200": ok(ref("WebhookList"), "Oldest first; secrets are never shown.", headers=PAGE_HEADERS),
                **errors(400, 401, 403),
            },
            tags=["admin"],
            parameters=PAGE_PARAMETERS,
        ),
    ),
    Route(
        "/api/v1/webhooks/<int:webhook_id>",
        "GET",
        show_webhook,
        op(
            "showWebhook",
            "One webhook receiver (admins)",
            {"200": ok(ref("Webhook"), "The endpoint, without its secret."), **errors(401, 403, 404)},
            tags=["admin"],
        ),
        parameters=WEBHOOK_ID,
    ),
    Route(
        "/api/v1/webhooks/<int:webhook_id>",
        "DELETE",
        delete_webhook,
        op(
            "deleteWebhook",
            "Remove a webhook receiver and its delivery log (admins)",
            {"204": {"description": "Removed; nothing more is sent to it."}, **errors(401, 403, 404)},
            tags=["admin"],
        ),
        parameters=WEBHOOK_ID,
    ),
    Route(
        "/api/v1/webhooks/<int:webhook_id>/deliveries",
        "GET",
        list_deliveries,
        op(
            "listWebhookDeliveries",
            "A receiver's delivery log, newest first (admins)",
            {
                "200": ok(ref("WebhookDeliveryList"), "A page of deliveries.", headers=PAGE_HEADERS),
                **errors(400, 401, 403, 404),
            },
            tags=["admin"],
            parameters=[
                *PAGE_PARAMETERS,
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    "description": "The older name of per_page (used when per_page is not given).",
                },
            ],
        ),
        parameters=WEBHOOK_ID,
    ),
    Route(
        "/api/v1/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver",
        "POST",
        redeliver,
        op(
            "redeliverWebhook",
            "Send a delivery again, same body and delivery id (admins)",
            {
                "202": ok(ref("WebhookDelivery"), "Queued for a fresh series of attempts."),
                **errors(401, 403, 404, 409),
            },
            tags=["admin"],
        ),
        parameters=DELIVERY_ID,
    ),
)

EVENT_LIST = {"type": "array", "items": {"type": "string", "enum": EVENTS}, "minItems": 1}
WEBHOOK_FIELDS = {
    "id": INT,
    "url": URL,
    "events": EVENT_LIST,
    "created_at": TIME,
    "created_by": nullable(text("The admin who registered it.")),
}

SCHEMAS: dict[str, Any] = {
    "WebhookRequest": obj(
        {
            "url": {**URL, "description": "Where deliveries are POSTed (https:// or http://)."},
            "events": EVENT_LIST,
            "secret": {
                "type": "string",
                "minLength": 16,
                "maxLength": 200,
                "description": "Signs every body; leave it out to have one generated (shown once).",
            },
        },
        required=["url", "events"],
    ),
    "Webhook": obj(WEBHOOK_FIELDS),
    "NewWebhook": obj({**WEBHOOK_FIELDS, "secret": text("The signing secret; shown this once only.")}),
    "WebhookList": page_schema("Webhook", key="webhooks"),
    "WebhookDelivery": obj(
        {
            "id": INT,
            "delivery": text("X-Adaptdesk-Delivery: the same on every attempt and redelivery."),
            "event": {"type": "string", "enum": EVENTS},
            "state": {"type": "string", "enum": [s.value for s in DeliveryState]},
            "attempts": {**INT, "description": f"Attempts in the current series (at most {MAX_ATTEMPTS})."},
            "response_code": nullable(INT),
            "latency_ms": nullable(INT),
            "error": nullable(TEXT),
            "created_at": TIME,
            "last_attempt_at": nullable(TIME),
            "next_attempt_at": nullable(TIME),
            "delivered_at": nullable(TIME),
            "redeliveries": INT,
        }
    ),
    "WebhookDeliveryList": page_schema("WebhookDelivery", key="deliveries"),
}
