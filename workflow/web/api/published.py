"""One published story through the API, as Adaptdesk's own JSON or as an IPTC ninjs 2.2 news item.

URL map:
    GET /api/v1/published/<id>          api.show_published         everyone (no token); ninjs when `Accept`
                                                                   prefers application/ninjs+json
    GET /api/v1/published/<id>/ninjs    api.show_published_ninjs   everyone (no token)
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...extensions import db
from ...services import publishing, queries
from .openapi import JSON, PUBLIC, Route, errors, op, ref
from .presenters import NINJS, ninjs_json, published_item_json


def _story_and_credits(adaptation_id: int):
    story = publishing.published_story(db.session, adaptation_id)
    return story, queries.credits_for_many(db.session, [story.adaptation])[story.id]


def _ninjs_response(adaptation_id: int):
    response = jsonify(ninjs_json(*_story_and_credits(adaptation_id)))
    response.mimetype = NINJS
    return response


def show_published(adaptation_id: int):
    """One story on the public site (its published text); ninjs when the client's `Accept` prefers it."""
    if request.accept_mimetypes.best_match([JSON, NINJS], default=JSON) == NINJS:
        response = _ninjs_response(adaptation_id)
    else:
        response = jsonify(published_item_json(*_story_and_credits(adaptation_id)))
    response.vary.add("Accept")
    return response


def show_published_ninjs(adaptation_id: int):
    """One story on the public site as an IPTC ninjs 2.2 news item."""
    return _ninjs_response(adaptation_id)


PUBLISHED_ID = ({"name": "adaptation_id", "in": "path", "required": True, "schema": {"type": "integer"}},)
NINJS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["uri"],
    "description": "An IPTC ninjs 2.2 news item (http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json): "
    "`version` counts published versions (each correction adds one), `by` is the credit line, `people` "
    "the reporter, adaptor and editor with `rel` naming their role, `subjects` the tags, and `altids` and "
    "`associations` name the original.",
}

ROUTES = (
    Route(
        "/api/v1/published/<int:adaptation_id>",
        "GET",
        show_published,
        op(
            "showPublished",
            "One published story (JSON, or ninjs on request)",
            {
                "200": {
                    "description": "The story's published text (never a correction in progress).",
                    "content": {JSON: {"schema": ref("PublishedItem")}, NINJS: {"schema": NINJS_SCHEMA}},
                },
                **errors(404),
            },
            tags=["lists"],
            security=PUBLIC,
            description="Send `Accept: application/ninjs+json` for the IPTC ninjs 2.2 form "
            "(as /api/v1/published/{id}/ninjs). 404 when the story is not on the site.",
        ),
        PUBLISHED_ID,
    ),
    Route(
        "/api/v1/published/<int:adaptation_id>/ninjs",
        "GET",
        show_published_ninjs,
        op(
            "showPublishedNinjs",
            "One published story as IPTC ninjs 2.2",
            {
                "200": {"description": "The news item.", "content": {NINJS: {"schema": NINJS_SCHEMA}}},
                **errors(404),
            },
            tags=["lists"],
            security=PUBLIC,
        ),
        PUBLISHED_ID,
    ),
)

SCHEMAS: dict[str, Any] = {}
