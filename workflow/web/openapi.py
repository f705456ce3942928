"""The OpenAPI 3.1 document of the JSON API, written by hand as a Python dict.

Enumerations (states, actions, roles, draft states) are read from the domain so the document cannot
drift from the transition table; everything else is spelled out here, next to nothing else.
"""

from __future__ import annotations

import copy
from typing import Any

from ..domain.effort import MAX_SECONDS_PER_SAVE
from ..domain.states import ACTIONS, Role, State
from ..models import DraftError, DraftState

JSON = "application/json"
STATES = [s.value for s in State]
ACTION_NAMES = list(ACTIONS)
ROLES = [r.value for r in Role]
CREDIT_ROLES = [Role.REPORTER.value, Role.ADAPTOR.value, Role.EDITOR.value]
DRAFT_STATES = [s.value for s in DraftState]
ERROR_CODE = {
    "anyOf": [{"type": "string", "enum": [e.value for e in DraftError]}, {"type": "null"}],
    "description": "Why the draft failed: missing_model (install the pair, then retry), timeout, "
    "translation_failed; null unless failed.",
}


def ref(name: str) -> dict[str, str]:
    """A reference to a schema in `components`."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or JSON null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(
    properties: dict[str, Any], required: list[str] | str = "all", description: str = ""
) -> dict[str, Any]:
    """An object schema; every property is required unless a list says otherwise."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required == "all" else required,
    }
    if description:
        schema["description"] = description
    return schema


def json_body(schema: dict[str, Any], description: str = "", required: bool = True) -> dict[str, Any]:
    """A JSON request body."""
    body: dict[str, Any] = {"required": required, "content": {JSON: {"schema": schema}}}
    if description:
        body["description"] = description
    return body


def ok(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON success response."""
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def errors(*statuses: int) -> dict[str, Any]:
    """References to the shared error responses for these statuses."""
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        413: "TooLarge",
        415: "UnsupportedMediaType",
        429: "TooManyRequests",
        503: "Unavailable",
    }
    return {str(s): {"$ref": f"#/components/responses/{names[s]}"} for s in statuses}


TEXT = {"type": "string"}


def text(description: str) -> dict[str, str]:
    """A string with a description."""
    return {"type": "string", "description": description}


INT = {"type": "integer"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (ends in Z)."}
URL = {"type": "string", "format": "uri"}
DIRECTION = {"type": "string", "enum": ["rtl", "ltr"], "description": "Writing direction of the language."}
LANGUAGE = {"type": "string", "pattern": "^[a-z]{2}$", "description": "ISO 639-1 code, e.g. ar, en."}
TAGS = {"type": "array", "items": TEXT}

SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": text("A stable code, e.g. invalid, unauthorized, invalid_state."),
            "message": {"type": "string", "description": "What happened and what to do next, for people."},
            "field": {"type": "string", "description": "The input field at fault (400 only)."},
            "state": {
                "type": "string",
                "enum": STATES,
                "description": "The adaptation's state (refused actions).",
            },
        },
        required=["error", "message"],
    ),
    "TextVersion": obj({"version": INT, "title": TEXT, "body": TEXT}),
    "StaleVersionError": obj(
        {
            "error": {"type": "string", "const": "stale_version"},
            "message": TEXT,
            "current": ref("TextVersion"),
            "yours": ref("TextVersion"),
        },
        required=["error", "message", "current"],
        description="A save or decision based on an older version; `current` is the stored text, "
        "`yours` what was sent (saves only).",
    ),
    "Person": obj({"username": TEXT, "name": text("Display name, as credited.")}),
    "TokenRequest": obj(
        {
            "username": TEXT,
            "password": TEXT,
            "label": {"type": "string", "description": "What the token is for."},
        },
        required=["username", "password"],
    ),
    "Token": obj(
        {
            "token": {"type": "string", "description": "Shown once; only its hash is stored."},
            "token_type": {"type": "string", "const": "Bearer"},
            "username": TEXT,
        }
    ),
    "Me": obj(
        {
            "username": TEXT,
            "name": TEXT,
            "roles": {"type": "array", "items": {"type": "string", "enum": ROLES}},
        }
    ),
    "ArticleInput": obj(
        {
            "title": {"type": "string", "description": "One line, no direction-control characters."},
            "body": {"type": "string", "description": "Paragraphs separated by line breaks."},
            "language": LANGUAGE,
            "section": {"type": "string", "default": "News"},
            "tags": {"anyOf": [TAGS, {"type": "string", "description": "Comma-separated."}]},
            "targets": {
                "anyOf": [{"type": "array", "items": LANGUAGE}, {"type": "string"}],
                "default": ["en"],
                "description": "Languages to adapt into; one adaptation is opened per target.",
            },
        },
        required=["title", "body", "language"],
    ),
    "ArticleRevisionInput": obj(
        {"title": TEXT, "body": TEXT, "note": text("What changed, for the adaptors.")},
        required=[],
        description="At least one of title and body must change.",
    ),
    "Revision": obj({"number": INT, "title": TEXT, "note": TEXT, "at": TIME, "author": ref("Person")}),
    "ArticleAdaptation": obj({"id": INT, "language": LANGUAGE, "state": ref("State"), "url": nullable(URL)}),
    "Article": obj(
        {
            "id": INT,
            "title": TEXT,
            "body": TEXT,
            "language": LANGUAGE,
            "direction": DIRECTION,
            "section": TEXT,
            "tags": TAGS,
            "reporter": ref("Person"),
            "revision": {"type": "integer", "description": "Number of the newest revision."},
            "revisions": {"type": "array", "items": ref("Revision")},
            "adaptations": {"type": "array", "items": ref("ArticleAdaptation")},
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "State": {"type": "string", "enum": STATES},
    "Action": {"type": "string", "enum": ACTION_NAMES},
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
    "Credit": obj({"role": {"type": "string", "enum": CREDIT_ROLES}, "username": TEXT, "name": TEXT}),
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
            "source_changed": {"type": "boolean", "description": "The original has a newer revision."},
            "based_on_revision": nullable(INT),
            "source_revision": INT,
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
            "url": nullable({**URL, "description": "The public page once published."}),
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
    "AdaptationSave": obj(
        {
            "title": TEXT,
            "body": TEXT,
            "version": {"type": "integer", "minimum": 1, "description": "The version you read."},
            "active_seconds": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_SECONDS_PER_SAVE,
                "description": "Seconds of active editing since your previous save. Refused (400) "
                "beyond the time that passed since then (or since the adaptation "
                "was taken).",
            },
        },
        required=["title", "body", "version"],
    ),
    "ActionRequest": obj(
        {
            "comment": {"type": "string", "description": "Required for request-changes and reject."},
            "assignee": {"type": "string", "description": "Username of an adaptor (reassign)."},
            "publish_at": {**TIME, "description": "approve: a future time schedules publication."},
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "The version you read; required for approve, reject and request-changes. "
                "Refused (409) if the adaptation changed since.",
            },
        },
        required=[],
    ),
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
            "source_changed": {"type": "boolean"},
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
    "Queue": obj({"items": {"type": "array", "items": ref("QueueItem")}, "count": INT}),
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
            "credit_line": TEXT,
            "credits": {"type": "array", "items": ref("Credit")},
            "url": nullable(URL),
        }
    ),
    "Published": obj(
        {"items": {"type": "array", "items": ref("PublishedItem")}, "limit": INT, "offset": INT}
    ),
    "Health": obj(
        {
            "status": {"type": "string", "enum": ["ok", "error"]},
            "database": text("`ok`, or why the database is unavailable."),
        }
    ),
}

RESPONSES: dict[str, Any] = {
    name: {"description": description, "content": {JSON: {"schema": ref("Error")}}}
    for name, description in (
        ("BadRequest", "Invalid input; `field` names the field (`body` for malformed or non-object JSON)."),
        ("Unauthorized", "No token, an unknown or revoked token, or (for changes) only a login cookie."),
        ("Forbidden", "The caller's role may not do this."),
        ("NotFound", "No such thing, or not one the caller may see."),
        ("TooLarge", "The request body is larger than the server accepts."),
        ("UnsupportedMediaType", "The body is not sent as application/json."),
        ("TooManyRequests", "Too many failed attempts; wait a minute."),
    )
}
RESPONSES["Conflict"] = {
    "description": "The adaptation's state does not allow this (`invalid_state`, with `state` and the "
    "actions allowed now in `message`), it is held by someone else, or the version is stale.",
    "content": {JSON: {"schema": {"anyOf": [ref("Error"), ref("StaleVersionError")]}}},
}
RESPONSES["Unavailable"] = {
    "description": "The database does not answer.",
    "content": {JSON: {"schema": ref("Health")}},
}

PARAMETERS: dict[str, Any] = {
    "ArticleId": {"name": "article_id", "in": "path", "required": True, "schema": INT},
    "AdaptationId": {"name": "adaptation_id", "in": "path", "required": True, "schema": INT},
    "Action": {"name": "action", "in": "path", "required": True, "schema": ref("Action")},
    "LanguageFilter": {"name": "language", "in": "query", "schema": LANGUAGE},
}

BEARER = [{"bearerAuth": []}]
PUBLIC: list = []
ADAPTATION_ID = [{"$ref": "#/components/parameters/AdaptationId"}]
ARTICLE_ID = [{"$ref": "#/components/parameters/ArticleId"}]


def op(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    tags: list[str],
    security: list = BEARER,
    description: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """One operation."""
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": tags,
        "security": security,
        "responses": responses,
        **extra,
    }
    if description:
        operation["description"] = description
    return operation


PATHS: dict[str, Any] = {
    "/api/v1/tokens": {
        "post": op(
            "createToken",
            "Exchange username and password for a bearer token",
            {"201": ok(ref("Token"), "The new token."), **errors(400, 401, 413, 415, 429)},
            tags=["auth"],
            security=PUBLIC,
            requestBody=json_body(ref("TokenRequest")),
            description="Limited to 10 failed attempts per minute per address.",
        ),
    },
    "/api/v1/tokens/current": {
        "delete": op(
            "revokeCurrentToken",
            "Revoke the token used for this request",
            {"204": {"description": "Revoked; the token no longer works."}, **errors(401)},
            tags=["auth"],
        ),
    },
    "/api/v1/me": {
        "get": op(
            "showMe", "Who the caller is", {"200": ok(ref("Me"), "The caller."), **errors(401)}, tags=["auth"]
        ),
    },
    "/api/v1/articles": {
        "post": op(
            "createArticle",
            "Submit an original (reporters)",
            {
                "201": ok(
                    ref("Article"),
                    "The original with one adaptation per target language.",
                    headers={"Location": {"description": "The original's address.", "schema": TEXT}},
                ),
                **errors(400, 401, 403, 413, 415),
            },
            tags=["originals"],
            requestBody=json_body(ref("ArticleInput")),
        ),
    },
    "/api/v1/articles/{article_id}": {
        "parameters": ARTICLE_ID,
        "get": op(
            "showArticle",
            "An original with revisions and adaptations",
            {"200": ok(ref("Article"), "The original."), **errors(401, 404)},
            tags=["originals"],
        ),
        "put": op(
            "reviseArticle",
            "Add a revision to an original (its reporter, until published)",
            {
                "200": ok(ref("Article"), "The original with its new revision."),
                **errors(400, 401, 403, 404, 413, 415),
            },
            tags=["originals"],
            requestBody=json_body(ref("ArticleRevisionInput")),
        ),
    },
    "/api/v1/adaptations/{adaptation_id}": {
        "parameters": ADAPTATION_ID,
        "get": op(
            "showAdaptation",
            "One adaptation with draft, credits, history and allowed actions",
            {"200": ok(ref("Adaptation"), "The adaptation."), **errors(401, 404)},
            tags=["adaptations"],
            description="Reads also accept the newsroom login cookie.",
        ),
        "put": op(
            "saveAdaptation",
            "Save the adaptation's title and body",
            {
                "200": ok(ref("Adaptation"), "Saved; `version` is the new version."),
                **errors(400, 401, 403, 404, 409, 413, 415),
            },
            tags=["adaptations"],
            requestBody=json_body(ref("AdaptationSave")),
            description="409 `stale_version` carries `current` (stored) and `yours` (sent) texts.",
        ),
    },
    "/api/v1/adaptations/{adaptation_id}/progress": {
        "parameters": ADAPTATION_ID,
        "get": op(
            "showProgress",
            "Where the adaptation and its machine draft stand (cheap, for polling)",
            {"200": ok(ref("Progress"), "State, version and draft progress."), **errors(401, 404)},
            tags=["adaptations"],
            description="Reads also accept the newsroom login cookie.",
        ),
    },
    "/api/v1/adaptations/{adaptation_id}/actions/{action}": {
        "parameters": [*ADAPTATION_ID, {"$ref": "#/components/parameters/Action"}],
        "post": op(
            "takeAction",
            "Take a workflow action",
            {
                "200": ok(ref("Adaptation"), "The adaptation after the action."),
                **errors(400, 401, 403, 404, 413, 415),
                "409": {
                    "description": "The state does not allow the action (`invalid_state`), someone else holds it, "
                    "the version is stale, or (submit) QA errors nobody overrode remain "
                    "(`qa_failed`, with `findings`).",
                    "content": {
                        JSON: {
                            "schema": {
                                "anyOf": [ref("Error"), ref("StaleVersionError"), ref("QaFailedError")]
                            }
                        }
                    },
                },
            },
            tags=["adaptations"],
            requestBody=json_body(ref("ActionRequest"), required=False),
            description="claim, release, reassign (assignee), submit, request-changes (comment), approve "
            "(publish_at to schedule), reject (comment), withdraw. An unknown action is 404. Submit "
            "runs the QA checks first: errors that no editor overrode refuse it with 409 "
            "`qa_failed`.",
        ),
    },
    "/api/v1/adaptations/{adaptation_id}/acknowledge-source": {
        "parameters": ADAPTATION_ID,
        "post": op(
            "acknowledgeSource",
            "Mark the adaptation as following the newest original",
            {
                "200": ok(ref("Adaptation"), "The adaptation, now based on the newest revision."),
                **errors(401, 403, 404, 409),
            },
            tags=["adaptations"],
        ),
    },
    "/api/v1/queue": {
        "get": op(
            "workQueue",
            "Work list for adaptors and editors",
            {"200": ok(ref("Queue"), "Adaptations, oldest first."), **errors(400, 401, 403)},
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
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
        ),
    },
    "/api/v1/published": {
        "get": op(
            "listPublished",
            "Published adaptations, newest first",
            {"200": ok(ref("Published"), "A page of published adaptations."), **errors(400)},
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
    },
    "/api/v1/openapi.json": {
        "get": op(
            "openapi",
            "This document",
            {"200": ok({"type": "object"}, "The OpenAPI document.")},
            tags=["meta"],
            security=PUBLIC,
        ),
    },
    "/healthz": {
        "get": op(
            "healthz",
            "Whether the service and its database answer",
            {"200": ok(ref("Health"), "Healthy."), **errors(503)},
            tags=["meta"],
            security=PUBLIC,
        ),
    },
}


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (a fresh copy each call)."""
    from . import api_memory, api_qa, api_reports

    paths, schemas = dict(PATHS), dict(SCHEMAS)
    for module in (api_memory, api_qa, api_reports):
        paths.update(module.OPENAPI_PATHS)
        schemas.update(module.OPENAPI_SCHEMAS)
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Adaptdesk API",
                "version": "1.0.0",
                "summary": "Originals in, machine drafts, adaptation, review and publication with credits.",
                "description": "Authenticate with `Authorization: Bearer TOKEN` (POST /api/v1/tokens). "
                "Requests that change anything need the token; reads also accept the newsroom "
                'login cookie. Errors are JSON `{"error": code, "message": text}`.',
            },
            "servers": [{"url": "/"}],
            "security": BEARER,
            "tags": [
                {"name": n}
                for n in (
                    "auth",
                    "originals",
                    "adaptations",
                    "lists",
                    "glossary",
                    "memory",
                    "reports",
                    "meta",
                )
            ],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "responses": RESPONSES,
                "parameters": PARAMETERS,
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A token from POST /api/v1/tokens.",
                    }
                },
            },
        }
    )
