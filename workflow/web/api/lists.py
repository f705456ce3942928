"""Work lists through the API: the queue for adaptors and editors, and the public list of published work.

URL map:
    GET /api/v1/queue[?state=&language=&mine=&source_changed=&page=&per_page=] api.work_queue  adaptors, editors
    GET /api/v1/published[?section=&tag=&language=&limit=&offset=]   api.published    everyone (no token)
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ...domain.messages import N_
from ...domain.rules import can_view_work_queue
from ...domain.states import FINAL_STATES, State
from ...extensions import db
from ...services import queries
from ...services.errors import NotAllowed
from ..paging import page_args, page_json, with_link_header
from .inputs import api_person, query_flag, query_int, query_language, query_states, query_text
from .openapi import (
    DIRECTION,
    DRAFT_STATES,
    INT,
    LANGUAGE,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    PUBLIC,
    TAGS,
    TEXT,
    TIME,
    URGENCY,
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
from .presenters import published_json, queue_json

DEFAULT_PAGE, MAX_PAGE, MAX_OFFSET = 20, 100, 100_000


def work_queue():
    """Work lists for adaptors and editors: adaptations by state, language and holder, the most urgent first
    (priority, then deadline, then age)."""
    person = api_person()
    states = query_states() or [s.value for s in State if s not in FINAL_STATES]
    language = query_language()
    mine = query_flag("mine")
    flagged = query_flag("source_changed")
    number, size = page_args()
    if "limit" in request.args and "per_page" not in request.args:  # the older name of per_page
        size = query_int("limit", size, 1, 200)
    if not can_view_work_queue(person.actor):
        raise NotAllowed(
            N_(
                "The work queue is for adaptors and editors; reporters find their originals under GET "
                "/api/v1/articles/{id}."
            )
        )
    stmt = queries.work_queue_select(
        states=states, language=language, holder_id=person.id if mine else None, source_changed=flagged
    )
    found = queries.page_of(db.session, stmt, number, size)
    return with_link_header(jsonify(page_json(found, queue_json(db.session, found.items))), found)


def published():
    """Published adaptations, newest first, by section, tag and language (public, no token needed)."""
    section, tag = query_text("section"), query_text("tag")
    language = query_language()
    limit = query_int("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = query_int("offset", 0, 0, MAX_OFFSET)
    found = queries.published(
        db.session, section=section, tag=tag, language=language, limit=limit, offset=offset
    )
    total = queries.published_count(db.session, section=section, tag=tag, language=language)
    response = jsonify(
        {"items": published_json(db.session, found), "limit": limit, "offset": offset, "total": total}
    )
    return _with_offset_links(response, limit, offset, total)


def _with_offset_links(response, limit: int, offset: int, total: int):
    """RFC 8288 `Link` header (next, prev, first, last) for a list paged by limit and offset."""
    args = {k: v for k, v in request.args.items() if k not in ("offset", "limit")}

    def address(at: int) -> str:
        return url_for(request.endpoint or "", **args, limit=limit, offset=at, _external=True)

    last = max(0, (total - 1) // limit * limit)
    links = []
    if offset + limit < total:
        links.append((address(offset + limit), "next"))
    if offset > 0:
        links.append((address(max(0, min(offset - limit, last))), "prev"))
    links += [(address(0), "first"), (address(last), "last")]
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)
    response.headers["X-Total-Count"] = str(total)
    return response


ROUTES = (
    Route(
        "/api/v1/queue",
        "GET",
        work_queue,
        op(
            "workQueue",
            "Work list for adaptors and editors",
            {
                "200": ok(
                    ref("Queue"),
                    "Adaptations by priority (urgent first), then deadline (soonest first, none last), then age.",
                    headers=PAGE_HEADERS,
                ),
                **errors(400, 401, 403),
            },
            tags=["lists"],
            parameters=[
                {
                    "name": "state",
                    "in": "query",
                    "schema": TEXT,
                    "description": "Comma-separated states; default: all but published, rejected, withdrawn.",
                },
                {"$ref": "#/components/parameters/LanguageFilter"},
                {
                    "name": "mine",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["1", "0"]},
                    "description": "1: only adaptations the caller holds.",
                },
                {
                    "name": "source_changed",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["1", "0"]},
                    "description": "1: only adaptations whose original was revised since they were written "
                    "(with state=scheduled,published: stories held, or revised after publication).",
                },
                *PAGE_PARAMETERS,
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                    "description": "The older name of per_page (used when per_page is not given).",
                },
            ],
        ),
    ),
    Route(
        "/api/v1/published",
        "GET",
        published,
        op(
            "listPublished",
            "Published adaptations, newest first",
            {
                "200": ok(ref("Published"), "A page of published adaptations.", headers=PAGE_HEADERS),
                **errors(400),
            },
            tags=["lists"],
            security=PUBLIC,
            parameters=[
                {"name": "section", "in": "query", "schema": TEXT},
                {"name": "tag", "in": "query", "schema": TEXT},
                {"$ref": "#/components/parameters/LanguageFilter"},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
            ],
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "QueueItem": obj(
        {
            "id": INT,
            "article_id": INT,
            "language": LANGUAGE,
            "state": ref("State"),
            "version": INT,
            "title": TEXT,
            "source_title": TEXT,
            "source_language": LANGUAGE,
            "section": TEXT,
            "reporter": ref("Person"),
            "holder": nullable(ref("Person")),
            **URGENCY,
            "source_changed": {"type": "boolean"},
            "source_revision": nullable(INT),
            "original_revision": INT,
            "draft": nullable(
                obj(
                    {
                        "state": {"type": "string", "enum": DRAFT_STATES},
                        "progress": obj({"done": INT, "total": INT}),
                    }
                )
            ),
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "Queue": page_schema("QueueItem"),
    "PublishedItem": obj(
        {
            "id": INT,
            "language": LANGUAGE,
            "direction": DIRECTION,
            "title": TEXT,
            "excerpt": TEXT,
            "body": TEXT,
            "section": TEXT,
            "tags": TAGS,
            "source_language": LANGUAGE,
            "published_at": TIME,
            "updated_at": {**TIME, "description": "When the version shown went out (a correction)."},
            "version": INT,
            "credit_line": TEXT,
            "credits": {"type": "array", "items": ref("Credit")},
            "url": nullable(URL),
        }
    ),
    "Published": obj(
        {
            "items": {"type": "array", "items": ref("PublishedItem")},
            "limit": INT,
            "offset": INT,
            "total": {**INT, "description": "Published adaptations matching the filters."},
        }
    ),
}
