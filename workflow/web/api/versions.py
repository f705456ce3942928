"""Published stories through the API: every version that went out, and what a reader who did not work on a
story sees of it.

URL map:
    GET  /api/v1/adaptations/<id>/versions[?page=&per_page=]    api.list_versions    whoever may see the adaptation
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from ...extensions import db
from ...models import PublishedVersion
from ...services import queries
from ..paging import page_args, page_json, with_link_header
from .inputs import api_person, load_adaptation
from .openapi import (
    ADAPTATION_ID,
    DIRECTION,
    INT,
    LANGUAGE,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TAGS,
    TEXT,
    TIME,
    URL,
    Route,
    errors,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
)
from .presenters import version_json


def list_versions(adaptation_id: int):
    """The versions of the story that went out, oldest first, a page at a time: number, time, approver, note."""
    person = api_person()
    number, size = page_args()
    adaptation = load_adaptation(person, adaptation_id)
    stmt = (
        select(PublishedVersion)
        .where(PublishedVersion.adaptation_id == adaptation.id)
        .order_by(PublishedVersion.number)
    )
    found = queries.page_of(db.session, stmt, number, size)
    body = {"adaptation_id": adaptation.id, **page_json(found, [version_json(v) for v in found.items])}
    return with_link_header(jsonify(body), found)


ROUTES = (
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/versions",
        "GET",
        list_versions,
        op(
            "listVersions",
            "Every published version of the story",
            {
                "200": ok(
                    ref("Versions"), "Oldest first; empty before the first publication.", headers=PAGE_HEADERS
                ),
                **errors(400, 401, 404),
            },
            tags=["adaptations"],
            parameters=PAGE_PARAMETERS,
            description="The first publication is version 1; each approved correction adds one, with its "
            "public `correction_note`. Reads also accept the newsroom login cookie.",
        ),
        ADAPTATION_ID,
    ),
)

SCHEMAS: dict[str, Any] = {
    "PublicStory": obj(
        {
            "version": INT,
            "title": TEXT,
            "body": TEXT,
            "published_at": TIME,
            "updated_at": {**TIME, "description": "When the version shown went out."},
            "corrections": {"type": "array", "items": obj({"text": TEXT, "at": TIME})},
        },
        description="What the public site shows: the newest published version, not a correction in progress.",
    ),
    "PublicAdaptation": obj(
        {
            "id": INT,
            "language": LANGUAGE,
            "direction": DIRECTION,
            "state": ref("State"),
            "title": TEXT,
            "body": TEXT,
            "section": TEXT,
            "tags": TAGS,
            "published": nullable(ref("PublicStory")),
            "published_at": nullable(TIME),
            "credits": {"type": "array", "items": ref("Credit")},
            "credit_line": TEXT,
            "url": nullable(URL),
            "actions": {"type": "array", "items": ref("Action")},
        },
        description="A published story for a reader who neither worked on it nor edits: its public fields; "
        "the review thread, QA and machine draft are private.",
    ),
    "PublishedVersion": obj(
        {
            "number": INT,
            "published_at": TIME,
            "approved_by": nullable(ref("Person")),
            "correction_note": nullable(TEXT),
            "source_revision": nullable(INT),
            "title": TEXT,
            "body": TEXT,
        }
    ),
    "Versions": obj(
        {"adaptation_id": INT, **page_schema("PublishedVersion")["properties"]},
    ),
}
