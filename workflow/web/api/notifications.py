"""The caller's notifications: what concerns them, newest first, and marking them read.

URL map:
    GET  /api/v1/notifications[?unread=&page=&per_page=]   api.list_notifications   anyone signed in
    POST /api/v1/notifications/read                        api.read_notifications   anyone signed in
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from ...domain.notifications import Event
from ...domain.states import Role
from ...extensions import db
from ...models import Notification, User
from ...services import notifications, queries
from ..paging import page_args, page_json, with_link_header
from .inputs import api_person, json_object, query_flag
from .openapi import (
    INT,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TEXT,
    TIME,
    Route,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
)
from .presenters import iso, person_json


def _desk_url(notification: Notification, person: User) -> str | None:
    """Where the person works on what the notification is about: the workbench, or a reporter's report page."""
    adaptation = notification.adaptation
    if adaptation is None:
        return None
    if person.roles & {Role.ADAPTOR, Role.EDITOR}:
        return url_for("adaptation.workbench", adaptation_id=adaptation.id, _external=True)
    return url_for("reporter.report", article_id=adaptation.article_id, _external=True)


def notification_json(notification: Notification, person: User) -> dict[str, Any]:
    """One notification as the API shows it to its owner."""
    adaptation = notification.adaptation
    return {
        "id": notification.id,
        "event": notification.event,
        "message": notifications.message(notification),
        "adaptation_id": notification.adaptation_id,
        "title": (adaptation.title or adaptation.article.latest.title) if adaptation else None,
        "url": _desk_url(notification, person),
        "actor": person_json(notification.actor),
        "created_at": iso(notification.created_at),
        "read": notification.read_at is not None,
    }


def list_notifications():
    """The caller's notifications, newest first (only the unread ones with unread=1), and the unread count."""
    person = api_person()
    number, size = page_args()
    stmt = notifications.notifications_select(person, unread_only=query_flag("unread"))
    found = queries.page_of(db.session, stmt, number, size)
    body = {
        **page_json(found, [notification_json(n, person) for n in found.items]),
        "unread": notifications.unread_count(db.session, person),
    }
    return with_link_header(jsonify(body), found)


def read_notifications():
    """Mark some of the caller's notifications read (`ids`), or all of them (`all: true`)."""
    person = api_person()
    ids = notifications.parse_read_request(json_object())
    marked = notifications.mark_read(db.session, person, ids)
    db.session.commit()
    return jsonify({"marked": marked, "unread": notifications.unread_count(db.session, person)})


ROUTES = (
    Route(
        "/api/v1/notifications",
        "GET",
        list_notifications,
        op(
            "listNotifications",
            "The caller's notifications",
            {
                "200": ok(ref("Notifications"), "Newest first, with the unread count.", headers=PAGE_HEADERS),
                **errors(400, 401),
            },
            tags=["notifications"],
            parameters=[
                {
                    "name": "unread",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["1", "0"]},
                    "description": "1: only unread notifications.",
                },
                *PAGE_PARAMETERS,
            ],
            description="What concerns the caller: drafts ready or failed in their language pairs (adaptors), "
            "their adaptations claimed, sent back, approved, published or corrected (reporters and adaptors), "
            "submissions for review and revised originals (editors), adaptations handed to them, and deadlines "
            "within the hour.",
        ),
    ),
    Route(
        "/api/v1/notifications/read",
        "POST",
        read_notifications,
        op(
            "readNotifications",
            "Mark notifications read",
            {
                "200": ok(ref("NotificationsRead"), "How many were marked, and how many stay unread."),
                **errors(400, 401, 413, 415),
            },
            tags=["notifications"],
            requestBody=json_body(ref("NotificationsReadRequest")),
            description='`{"ids": [1, 2]}` marks those (other people\'s ids are ignored); `{"all": true}` marks '
            "every one.",
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "Notification": obj(
        {
            "id": INT,
            "event": {"type": "string", "enum": [e.value for e in Event]},
            "message": TEXT,
            "adaptation_id": nullable(INT),
            "title": nullable(TEXT),
            "url": nullable({"type": "string", "format": "uri"}),
            "actor": nullable(ref("Person")),
            "created_at": TIME,
            "read": {"type": "boolean"},
        }
    ),
    "Notifications": {
        **page_schema("Notification"),
        "properties": {
            **page_schema("Notification")["properties"],
            "unread": {**INT, "description": "Unread notifications in all."},
        },
        "required": [*page_schema("Notification")["required"], "unread"],
    },
    "NotificationsReadRequest": obj(
        {
            "ids": {"type": "array", "items": INT, "minItems": 1, "maxItems": 1000},
            "all": {"type": "boolean", "const": True},
        },
        required=[],
    ),
    "NotificationsRead": obj({"marked": INT, "unread": INT}),
}
