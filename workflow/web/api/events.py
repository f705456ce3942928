"""The live desk: one Server-Sent Events stream per open page (see services/live.py for what it carries).

URL map:
    GET /api/v1/events[?adaptation=&desk=&since=]   api.stream_events   anyone signed in (token or login cookie)
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from ...domain.messages import N_
from ...domain.states import Role
from ...extensions import db
from ...services import live
from ...services.adaptations import get_adaptation
from ...services.errors import InvalidInput, NotAllowed, NotFound
from .inputs import api_person, query_flag
from .openapi import INT, Route, errors, op

#: Ids are 32-bit integers in the database: a larger one names nothing (and must not reach the query).
MAX_ID = 2**31 - 1


def _positive_int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 18:
        raise InvalidInput(name, N_("'%(name)s' must be a positive whole number.", name=name))
    return int(raw)


def stream_events():
    """The caller's live events as text/event-stream: their notifications, the watched adaptation's saves,
    actions and viewers (`adaptation=`), and the desk's state changes (`desk=1`)."""
    person = api_person()
    adaptation_id = _positive_int_arg("adaptation")
    if adaptation_id is not None:
        if adaptation_id > MAX_ID:
            raise NotFound(N_("No adaptation %(adaptation_id)s.", adaptation_id=adaptation_id))
        get_adaptation(db.session, person, adaptation_id)  # 404 for what the caller may not see
    desk = query_flag("desk")
    if desk and not person.roles & {Role.ADAPTOR, Role.EDITOR}:
        raise NotAllowed(N_("The desk stream (desk=1) is for adaptors and editors, who see the queues."))
    since = _positive_int_arg("since")
    asked = live.StreamRequest(
        person_id=person.id,
        person_name=person.display_name,
        adaptation_id=adaptation_id,
        desk=desk,
        last_event_id=request.headers.get("Last-Event-ID", "").strip(),
        since_ms=since,
    )
    settings = current_app.config["ADAPTDESK"]
    lines = live.event_stream(
        live.bus_of(current_app),
        asked,
        seconds=settings.live_stream_seconds,
        heartbeat=settings.live_heartbeat_seconds,
    )
    # The generator needs no request, app context or database: the session is removed when this view returns
    # (before the first byte is sent), so a stream holds a web thread but never a database connection.
    response = Response(lines, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


ROUTES = (
    Route(
        "/api/v1/events",
        "GET",
        stream_events,
        op(
            "streamEvents",
            "The caller's live events (Server-Sent Events)",
            {
                "200": {
                    "description": "A text/event-stream: `hello` (the cursor), then `notification` "
                    "(id, event, message, adaptation_id, unread), `unread` (unread), `mine` and `desk` "
                    "(adaptation_id, action, state), `adaptation` (change: saved | action | source, version, "
                    "actor) and `presence` (people), with comment heartbeats. Each event's id is the cursor "
                    "to send back as Last-Event-ID. The stream ends after ADAPTDESK_LIVE_STREAM_SECONDS with "
                    "`retry:` set, so EventSource reconnects and resumes.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                **errors(400, 401, 403, 404),
            },
            tags=["notifications"],
            parameters=[
                {
                    "name": "adaptation",
                    "in": "query",
                    "schema": {**INT, "minimum": 1},
                    "description": "Watch this adaptation: its saves, actions and who else has it open.",
                },
                {
                    "name": "desk",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["1", "0"]},
                    "description": "1: every adaptation's state changes too (adaptors and editors).",
                },
                {
                    "name": "since",
                    "in": "query",
                    "schema": {**INT, "minimum": 1},
                    "description": "Milliseconds since 1970: replay what was published from then on (a page "
                    "passes its render time, so nothing between rendering and connecting is missed). "
                    "Last-Event-ID wins over it.",
                },
                {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "The id of the last event received: the stream resumes after it.",
                },
            ],
            description="One stream per open page. Authenticate with a bearer token or the login cookie. "
            "Example: `curl -N -H 'Authorization: Bearer TOKEN' https://desk.example.org/api/v1/events`.",
        ),
    ),
)

SCHEMAS: dict[str, Any] = {}
