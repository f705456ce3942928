"""Building blocks of the API's OpenAPI 3.1 document, written by hand as Python dicts.

Each resource module of the API declares its routes as `Route`s, each with its operation's description,
and the schemas it adds; `document` puts them together with the shared pieces below. Enumerations (states,
actions, roles, draft states) are read from the domain so the document cannot drift from the action table.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ...domain.actions import ACTIONS
from ...domain.states import Role, State
from ...models import DraftError, DraftState
from .bodies import language_schema

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


def ok(
    schema: dict[str, Any],
    description: str,
    headers: dict[str, Any] | None = None,
    links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON success response (with OpenAPI links to the operations its values lead to)."""
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    if links:
        response["links"] = links
    return response


def link(operation_id: str, description: str, body: dict[str, Any] | None = None, **parameters: str) -> dict:
    """An OpenAPI link: which operation a response leads to, with which of its values (runtime expressions
    such as `$response.body#/id`, or constants such as an action's name)."""
    target: dict[str, Any] = {
        "operationId": operation_id,
        "description": description,
        "parameters": parameters,
    }
    if body:
        target["requestBody"] = body
    return target


def action_operation_id(name: str) -> str:
    """The operationId of the action `name`'s operation: claim → claimAction, request-changes →
    requestChangesAction."""
    head, *rest = name.split("-")
    return head + "".join(part.capitalize() for part in rest) + "Action"


#: The adaptation a response describes, and its version, for the next step of the workflow.
THIS_ADAPTATION = "$response.body#/id"
THIS_VERSION = "$response.body#/version"
#: Links from a response that describes an adaptation to the workflow's next steps: after an action (a claim),
#: save the text or (after a submission) approve it; after a save, submit it.
WORKFLOW_LINKS = {
    "SaveIt": link(
        "saveAdaptation",
        "Save the adaptation's text (its holder), based on the version just read.",
        {"version": THIS_VERSION},
        adaptation_id=THIS_ADAPTATION,
        **{"header.If-Match": "$response.header.ETag"},
    ),
    "SubmitIt": link(
        action_operation_id("submit"),
        "Submit it for review (its holder), based on the version just read.",
        {"version": THIS_VERSION},
        adaptation_id=THIS_ADAPTATION,
    ),
    "ApproveIt": link(
        action_operation_id("approve"),
        "Approve it (an editor who did not adapt it), based on the version just read.",
        {"version": THIS_VERSION},
        adaptation_id=THIS_ADAPTATION,
    ),
}


def errors(*statuses: int) -> dict[str, Any]:
    """References to the shared error responses for these statuses."""
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        412: "PreconditionFailed",
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
#: The `ETag` header of an adaptation: its version as an entity tag.
ETAG_HEADER = {
    "ETag": {
        "description": 'The version as an entity tag, e.g. "v3"; send it back in If-Match.',
        "schema": {"type": "string"},
    }
}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (ends in Z)."}
URL = {"type": "string", "format": "uri"}
#: How urgent an adaptation is and when it is due (adaptations and work-list items).
URGENCY: dict[str, Any] = {
    "priority": {
        "type": "string",
        "enum": ["urgent", "high", "normal", "low"],
        "description": "Work lists sort by priority, then deadline, then age.",
    },
    "deadline": {"anyOf": [TIME, {"type": "null"}], "description": "When it is due; null when none was set."},
    "overdue": {"type": "boolean", "description": "The deadline has passed and it is not yet approved."},
    "due_soon": {"type": "boolean", "description": "The deadline is within the hour."},
}
DIRECTION = {"type": "string", "enum": ["rtl", "ltr"], "description": "Writing direction of the language."}
LANGUAGE = {"type": "string", "pattern": "^[a-z]{2}$", "description": "ISO 639-1 code, e.g. ar, en."}
#: A language code a client sends: one of the codes the service knows (what the API checks it against).
LANGUAGE_CODE = {"$ref": "#/components/schemas/Language"}
TAGS = {"type": "array", "items": TEXT}

#: Schemas more than one resource refers to.
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
    "State": {"type": "string", "enum": STATES},
    "Action": {"type": "string", "enum": ACTION_NAMES},
    "Credit": obj({"role": {"type": "string", "enum": CREDIT_ROLES}, "username": TEXT, "name": TEXT}),
    "Language": language_schema(),
}

RESPONSES: dict[str, Any] = {
    name: {"description": description, "content": {JSON: {"schema": ref("Error")}}}
    for name, description in (
        ("BadRequest", "Invalid input; `field` names the field (`body` for malformed or non-object JSON)."),
        (
            "Unauthorized",
            "No token, an unknown, expired or revoked token, or (for changes) only a login cookie.",
        ),
        ("Forbidden", "The caller's role may not do this."),
        ("NotFound", "No such thing, or not one the caller may see."),
        ("PreconditionFailed", "`If-Match` names another version than the stored one; read it again."),
        ("TooLarge", "The request body is larger than the server accepts."),
        ("UnsupportedMediaType", "The body is not sent as application/json."),
        ("TooManyRequests", "Too many failed logins to this account; wait a minute (see Retry-After)."),
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
    "LanguageFilter": {"name": "language", "in": "query", "schema": LANGUAGE_CODE},
    "Page": {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
        "description": "Which page, from 1.",
    },
    "PerPage": {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
        "description": "Items per page.",
    },
}
#: The query arguments of a paginated list.
PAGE_PARAMETERS = [{"$ref": "#/components/parameters/Page"}, {"$ref": "#/components/parameters/PerPage"}]
#: The headers of a paginated list's answer.
PAGE_HEADERS = {
    "Link": {
        "description": 'RFC 8288 links to the other pages: rel="next", "prev" (when they exist), "first", "last".',
        "schema": TEXT,
    },
    "X-Total-Count": {"description": "How many items the whole list has.", "schema": INT},
}


def page_schema(item: str, key: str = "items") -> dict[str, Any]:
    """A page of a list of `item`s (under `key`), with where it sits in the whole list."""
    return obj(
        {
            key: {"type": "array", "items": ref(item)},
            "count": {**INT, "description": "Items on this page."},
            "total": {**INT, "description": "Items in the whole list."},
            "page": INT,
            "per_page": INT,
            "pages": {**INT, "description": "Number of the last page (1 for an empty list)."},
        }
    )


BEARER = [{"bearerAuth": []}]
PUBLIC: list = []
ADAPTATION_ID = ({"$ref": "#/components/parameters/AdaptationId"},)
ARTICLE_ID = ({"$ref": "#/components/parameters/ArticleId"},)


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


@dataclass(frozen=True)
class Route:
    """One API operation: its URL rule and method, the view that answers it, and its OpenAPI description."""

    rule: str
    method: str
    view: Callable[..., Any]
    operation: dict[str, Any]
    #: Parameters of the OpenAPI path item (shared by every method on the path).
    parameters: tuple[dict[str, Any], ...] = ()
    #: Where one rule serves several operations, each one's values of the rule's variables (an action's
    #: name): the document shows one path per operation with these filled in; the rule is registered once.
    values: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        """The rule as an OpenAPI path: `<int:adaptation_id>` → `{adaptation_id}`, `<action>` → `claim` when
        `values` fills it in."""
        filled = dict(self.values)

        def variable(match: re.Match[str]) -> str:
            name = match.group(1)
            return filled.get(name, f"{{{name}}}")

        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", variable, self.rule)


DOCUMENT_TAGS = (
    "auth",
    "originals",
    "adaptations",
    "lists",
    "notifications",
    "glossary",
    "memory",
    "search",
    "reports",
    "admin",
    "meta",
)


def document(routes: Iterable[Route], schemas: dict[str, Any]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of these routes, with these schemas beside the shared ones (a fresh copy)."""
    paths: dict[str, Any] = {}
    for route in routes:
        item = paths.setdefault(route.path, {})
        if route.parameters:
            item["parameters"] = list(route.parameters)
        item[route.method.lower()] = route.operation
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
            "tags": [{"name": name} for name in DOCUMENT_TAGS],
            "paths": paths,
            "components": {
                "schemas": {**SCHEMAS, **schemas},
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
