"""The admin audit log through the API.

URL map:
    GET /api/v1/audit?action=&before=&page=&per_page=    api.list_audit    admins
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...extensions import db
from ...models import AuditAction, AuditEntry
from ...services import audit, queries
from ..paging import page_args, page_json, with_link_header
from .inputs import MAX_ID, api_person, query_int
from .openapi import (
    INT,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TIME,
    Route,
    errors,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
    text,
)
from .presenters import iso

#: Entries per page unless `per_page` (or its older name `limit`) says otherwise.
DEFAULT_PAGE = 100


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    """One entry: when, who (null: the command line), what, to whom, the details, and where from."""
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "action": entry.action,
        "actor": entry.actor.username if entry.actor else None,
        "subject": entry.subject.username if entry.subject else None,
        "details": entry.details or {},
        "origin": entry.origin,
    }


def list_audit():
    """Administrative acts, newest first, a page at a time (admins only)."""
    person = api_person()
    action = audit.parse_action(request.args.get("action"))
    number, size = page_args(DEFAULT_PAGE)
    if "limit" in request.args and "per_page" not in request.args:  # the older name of per_page
        size = query_int("limit", size, 1, audit.MAX_PAGE)
    before = query_int("before", 0, 1, MAX_ID) or None
    stmt = audit.entries_select(person, before=before, action=action)
    found = queries.page_of(db.session, stmt, number, size)
    items = [audit_json(entry) for entry in found.items]
    return with_link_header(jsonify(page_json(found, items, key="entries")), found)


ROUTES = (
    Route(
        "/api/v1/audit",
        "GET",
        list_audit,
        op(
            "listAudit",
            "The admin audit log, newest first (admins)",
            {"200": ok(ref("AuditLog"), "A page of entries.", headers=PAGE_HEADERS), **errors(400, 401, 403)},
            tags=["admin"],
            parameters=[
                {
                    "name": "action",
                    "in": "query",
                    "schema": {"type": "string", "enum": [a.value for a in AuditAction]},
                },
                {
                    "name": "before",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "description": "Only entries with a smaller id (the next page: the last id you got).",
                },
                PAGE_PARAMETERS[0],
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": DEFAULT_PAGE},
                    "description": "Entries per page.",
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    "description": "The older name of per_page (used when per_page is not given).",
                },
            ],
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "AuditEntry": obj(
        {
            "id": INT,
            "at": TIME,
            "action": {"type": "string", "enum": [a.value for a in AuditAction]},
            "actor": nullable(
                text("The admin's username; null for the command line when no admin was named.")
            ),
            "subject": nullable(text("The person acted on (null for model imports).")),
            "details": {"type": "object", "description": "Roles before and after, token id and name, …"},
            "origin": nullable(
                text(
                    'Where it was done from: "command line (user@host)" for adaptdesk commands; null: the pages '
                    "or the API."
                )
            ),
        }
    ),
    "AuditLog": page_schema("AuditEntry", key="entries"),
}
