"""Published stories through the API: every version that went out, and what a reader who did not work on a
story sees of it.

URL map:
    GET  /api/v1/adaptations/<id>/versions    api.list_versions    whoever may see the adaptation
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from .inputs import api_person, load_adaptation
from .openapi import (
    ADAPTATION_ID,
    DIRECTION,
    INT,
    LANGUAGE,
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
    ref,
)
from .presenters import version_json


def list_versions(adaptation_id: int):
    """Every version of the story that went out, oldest first: number, time, who approved it, its note."""
    person = api_person()
    adaptation = load_adaptation(person, adaptation_id)
    items = [version_json(v) for v in adaptation.versions]
    return jsonify({"adaptation_id": adaptation.id, "items": items, "count": len(items)})


ROUTES = (
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/versions",
        "GET",
        list_versions,
        op(
            "listVersions",
            "Every published version of the story",
            {
                "200": ok(ref("Versions"), "Oldest first; empty before the first publication."),
                **errors(401, 404),
            },
            tags=["adaptations"],
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
        {"adaptation_id": INT, "items": {"type": "array", "items": ref("PublishedVersion")}, "count": INT}
    ),
}
