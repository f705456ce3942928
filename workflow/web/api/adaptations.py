"""Adaptations through the API: reading one (in full, or only its progress) and saving its text. Workflow
actions are in `actions.py`, published versions in `versions.py`.

URL map:
    GET  /api/v1/adaptations/<id>                       api.show_adaptation    whoever may see it
    GET  /api/v1/adaptations/<id>/progress              api.show_progress      whoever may see it
    PUT  /api/v1/adaptations/<id>                       api.save_adaptation    the holder, or an editor
    POST /api/v1/adaptations/<id>/acknowledge-source    api.acknowledge_source the holder, or an editor: the
                                                        action `acknowledge-source` at its first address
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...domain.actions import ACTIONS
from ...domain.messages import N_
from ...extensions import db
from ...models import Adaptation, User
from ...services import adaptations, effort
from ...services.adaptation_view import adaptation_view
from ...services.errors import ServiceError
from ...services.inputs import ActionRequest, parse_body, parse_title
from ..access import self_approval_allowed
from ..forms import input_limits
from .bodies import action_input, action_model_name, adaptation_save
from .inputs import api_person, json_object, load_adaptation
from .openapi import (
    ADAPTATION_ID,
    DIRECTION,
    DRAFT_STATES,
    ERROR_CODE,
    ETAG_HEADER,
    INT,
    LANGUAGE,
    TAGS,
    TEXT,
    TIME,
    URGENCY,
    URL,
    WORKFLOW_LINKS,
    Route,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    op,
    ref,
    text,
)
from .presenters import adaptation_json, progress_json


def entity_tag(adaptation: Adaptation) -> str:
    """The adaptation's version as an entity tag (unquoted): what `ETag` carries and `If-Match` names."""
    return f"v{adaptation.version}"


def adaptation_response(adaptation: Adaptation, person: User | None, status: int = 200):
    """The adaptation as JSON, as the caller may act on it, with its version as `ETag`."""
    view = adaptation_view(db.session, person, adaptation, allow_self_approval=self_approval_allowed())
    response = jsonify(adaptation_json(view))
    response.set_etag(entity_tag(adaptation))
    response.vary.add("Accept-Language")  # QA findings' messages are in the reader's language
    return response, status


def check_if_match(adaptation: Adaptation) -> int | None:
    """The version `If-Match` names when it matches the stored one (None without the header); 412 if not."""
    if not request.headers.get("If-Match"):
        return None
    if request.if_match.contains(entity_tag(adaptation)):
        return adaptation.version
    raise ServiceError(
        N_(
            "The adaptation changed since you read it: it is at version %(version)s (ETag "
            '"%(entity_tag)s"). Read it again, merge your changes and save with the new ETag.',
            version=adaptation.version,
            entity_tag=entity_tag(adaptation),
        ),
        code="precondition_failed",
        status=412,
        details={"version": adaptation.version},
    )


def show_adaptation(adaptation_id: int):
    """One adaptation: text, draft progress, credits, history and what the caller may do now."""
    person = api_person()
    response = adaptation_response(load_adaptation(person, adaptation_id), person)
    db.session.commit()  # keeps memory matches computed for this read: the next one reads them
    return response


def show_progress(adaptation_id: int):
    """Where the adaptation and its draft stand, without the text, memory matches or QA: for polling pages."""
    person = api_person()
    return jsonify(progress_json(load_adaptation(person, adaptation_id)))


def save_adaptation(adaptation_id: int):
    """Save the adaptation's title and body, based on the `version` last read (409 with both texts if not) or
    on the `If-Match` entity tag (412 if it is not the stored one)."""
    person = api_person()
    limits = input_limits()
    data = (
        adaptation_save(limits).parse(json_object(), if_match=bool(request.headers.get("If-Match"))).given()
    )
    title = data["title"]
    if title.strip():
        title = parse_title(data, limits)
    body = parse_body(data, limits, required=False)
    sent_version = data.get("version")
    active_seconds = data.get("active_seconds")
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    matched_version = check_if_match(adaptation)
    version = sent_version if sent_version is not None else matched_version
    adaptations.save_adaptation(
        db.session, person, adaptation, title=title.strip(), body=body, version=version, limits=limits
    )
    if active_seconds:
        effort.record_editing_time(db.session, person, adaptation, active_seconds)
    db.session.commit()
    return adaptation_response(adaptation, person)


def acknowledge_source(adaptation_id: int):
    """The action `acknowledge-source` at its first address (same body: optional `note` and `revision`)."""
    person = api_person()
    limits = input_limits()
    action = ACTIONS["acknowledge-source"]
    sent = action_input(action.name, limits).parse(json_object(optional=True)).given()
    asked = ActionRequest.parse(action, sent, limits)
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    adaptations.acknowledge_source_change(
        db.session, person, adaptation, note=asked.comment, revision=asked.revision
    )
    db.session.commit()
    return adaptation_response(adaptation, person)


ROUTES = (
    Route(
        "/api/v1/adaptations/<int:adaptation_id>",
        "GET",
        show_adaptation,
        op(
            "showAdaptation",
            "One adaptation with draft, credits, history and allowed actions",
            {
                "200": ok(
                    {"anyOf": [ref("Adaptation"), ref("PublicAdaptation")]},
                    "The adaptation; once published, its public fields only for a reader who neither worked "
                    "on it nor edits.",
                    headers=ETAG_HEADER,
                ),
                **errors(401, 404),
            },
            tags=["adaptations"],
            description="Reads also accept the newsroom login cookie.",
        ),
        ADAPTATION_ID,
    ),
    Route(
        "/api/v1/adaptations/<int:adaptation_id>",
        "PUT",
        save_adaptation,
        op(
            "saveAdaptation",
            "Save the adaptation's title and body",
            {
                "200": ok(
                    ref("Adaptation"),
                    "Saved; `version` is the new version.",
                    headers=ETAG_HEADER,
                    links={"SubmitIt": WORKFLOW_LINKS["SubmitIt"]},
                ),
                **errors(400, 401, 403, 404, 409, 412, 413, 415),
            },
            tags=["adaptations"],
            requestBody=json_body(ref("AdaptationSave")),
            parameters=[
                {
                    "name": "If-Match",
                    "in": "header",
                    "schema": {"type": "string"},
                    "description": 'The ETag last read (e.g. "v3"): 412 `precondition_failed` when the stored '
                    "version is another. Stands for `version` when the body leaves it out.",
                }
            ],
            description="409 `stale_version` carries `current` (stored) and `yours` (sent) texts; 412 when "
            "`If-Match` does not name the stored version.",
        ),
        ADAPTATION_ID,
    ),
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/progress",
        "GET",
        show_progress,
        op(
            "showProgress",
            "Where the adaptation and its machine draft stand (cheap, for polling)",
            {"200": ok(ref("Progress"), "State, version and draft progress."), **errors(401, 404)},
            tags=["adaptations"],
            description="Reads also accept the newsroom login cookie.",
        ),
        ADAPTATION_ID,
    ),
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/acknowledge-source",
        "POST",
        acknowledge_source,
        op(
            "acknowledgeSource",
            "Mark the adaptation as following the newest original",
            {
                "200": ok(ref("Adaptation"), "The adaptation, now based on the newest revision."),
                **errors(400, 401, 403, 404, 409, 413, 415),
            },
            tags=["adaptations"],
            requestBody=json_body(ref(action_model_name(ACTIONS["acknowledge-source"])), required=False),
            description="The same as POST /api/v1/adaptations/{id}/actions/acknowledge-source (kept for "
            "clients of this first address). 409 `up_to_date` when the original has not changed.",
        ),
        ADAPTATION_ID,
    ),
)

SCHEMAS: dict[str, Any] = {
    "Segment": obj(
        {
            "index": INT,
            "paragraph": INT,
            "source": TEXT,
            "mt": nullable(TEXT),
            "origin": {
                "type": "string",
                "enum": ["mt", "tm"],
                "description": "mt: the model; tm: filled from an exact memory match.",
            },
            "tm": {
                "type": "array",
                "items": ref("MemoryMatch"),
                "description": "Closest memory units from other articles, best first.",
            },
        }
    ),
    "Draft": obj(
        {
            "id": INT,
            "state": {"type": "string", "enum": DRAFT_STATES},
            "model": nullable({"type": "string", "description": "Model(s) that made the draft, e.g. ar→en."}),
            "revision": {"type": "integer", "description": "Revision of the original being translated."},
            "progress": obj({"done": INT, "total": INT}),
            "error": nullable(TEXT),
            "error_code": ERROR_CODE,
            "title": TEXT,
            "body": TEXT,
            "segments": {"type": "array", "items": ref("Segment")},
        },
        description="The newest machine-translation draft.",
    ),
    "HistoryEntry": obj(
        {
            "action": TEXT,
            "from_state": nullable(ref("State")),
            "to_state": nullable(ref("State")),
            "actor": nullable(ref("Person")),
            "at": TIME,
            "comment": TEXT,
            "details": {
                "type": "object",
                "description": "Extra facts of the step (round, assignee, revision…).",
            },
        },
        description="One step; `actor` is null for steps the system took (drafts, timed publication).",
    ),
    "ReviewRound": obj(
        {
            "number": INT,
            "adaptor": ref("Person"),
            "submitted_at": TIME,
            "source_revision": nullable(INT),
            "decision": nullable({"type": "string", "enum": ["request-changes", "approve", "reject"]}),
            "editor": nullable(ref("Person")),
            "decided_at": nullable(TIME),
            "comment": TEXT,
            "correction_note": nullable(text("An approved correction's public note.")),
        }
    ),
    "Source": obj(
        {
            "language": LANGUAGE,
            "direction": DIRECTION,
            "revision": INT,
            "title": TEXT,
            "body": TEXT,
            "section": TEXT,
            "tags": TAGS,
            "reporter": ref("Person"),
        },
        description="The newest revision of the original.",
    ),
    "Adaptation": obj(
        {
            "id": INT,
            "article_id": INT,
            "language": LANGUAGE,
            "direction": DIRECTION,
            "state": ref("State"),
            "version": {"type": "integer", "description": "Send it back with saves and decisions."},
            "title": TEXT,
            "body": TEXT,
            "holder": nullable(ref("Person")),
            **URGENCY,
            "source_changed": {
                "type": "boolean",
                "description": "The original has a revision newer than `source_revision`: submit and approve "
                "answer 409 `source_changed` until the action acknowledge-source.",
            },
            "source_revision": nullable(
                {
                    "type": "integer",
                    "description": "Revision of the original the adaptation was written against.",
                }
            ),
            "original_revision": {"type": "integer", "description": "The newest revision of the original."},
            "based_on_revision": nullable(
                {"type": "integer", "description": "The same as `source_revision`."}
            ),
            "source": ref("Source"),
            "draft": nullable(ref("Draft")),
            "rounds": {"type": "array", "items": ref("ReviewRound")},
            "credits": {"type": "array", "items": ref("Credit")},
            "credit_line": {"type": "string", "description": "e.g. A report by A, English adaptation by B."},
            "history": {"type": "array", "items": ref("HistoryEntry")},
            "publish_at": nullable(TIME),
            "published_at": nullable(TIME),
            "created_at": TIME,
            "updated_at": TIME,
            "url": nullable({**URL, "description": "The public page while the story is on the site."}),
            "published": nullable(ref("PublicStory")),
            "versions": {"type": "integer", "description": "How many versions went out (GET …/versions)."},
            "actions": {
                "type": "array",
                "items": ref("Action"),
                "description": "What the caller may do now.",
            },
            "can_edit": {"type": "boolean", "description": "Whether the caller may save title and body now."},
            "qa": {
                "type": "array",
                "items": ref("QaFinding"),
                "description": "QA findings on the current text.",
            },
            "effort": ref("Effort"),
        }
    ),
    "Progress": obj(
        {
            "id": INT,
            "state": ref("State"),
            "version": INT,
            "draft": nullable(
                obj(
                    {
                        "id": INT,
                        "state": {"type": "string", "enum": DRAFT_STATES},
                        "revision": INT,
                        "progress": obj({"done": INT, "total": INT}),
                        "error": nullable(TEXT),
                        "error_code": ERROR_CODE,
                    }
                )
            ),
        },
        description="The adaptation's state and its newest draft's progress, without text.",
    ),
    "Effort": obj(
        {
            "score": {
                "anyOf": [{"type": "integer", "minimum": 0, "maximum": 100}, {"type": "null"}],
                "description": "Post-editing effort of the latest submission against the machine "
                "draft: 0 the draft was kept, 100 it was rewritten; null before a "
                "submission or without a draft.",
            },
            "seconds": {
                "type": "integer",
                "minimum": 0,
                "description": "Active editing time recorded by everyone.",
            },
            "rounds": {"type": "integer", "minimum": 0, "description": "Submissions for review so far."},
        }
    ),
}
