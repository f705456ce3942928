"""The admin audit log through the API.

URL map:
    GET /api/v1/audit?action=&before=&limit=    api.list_audit    admins
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...extensions import db
from ...models import AuditAction, AuditEntry
from ...services import audit
from .inputs import MAX_ID, api_person, query_int
from .openapi import INT, TIME, Route, errors, nullable, obj, ok, op, ref, text
from .presenters import iso


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
    """Administrative acts, newest first (admins only)."""
    person = api_person()
    action = audit.parse_action(request.args.get("action"))
    limit = query_int("limit", 100, 1, audit.MAX_PAGE)
    before = query_int("before", 0, 1, MAX_ID) or None
    found = audit.entries(db.session, person, limit=limit, before=before, action=action)
    return jsonify({"entries": [audit_json(entry) for entry in found]})


ROUTES = (
    Route(
        "/api/v1/audit",
        "GET",
        list_audit,
        op(
            "listAudit",
            "The admin audit log, newest first (admins)",
            {"200": ok(ref("AuditLog"), "At most `limit` entries."), **errors(400, 401, 403)},
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
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
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
    "AuditLog": obj({"entries": {"type": "array", "items": ref("AuditEntry")}}),
}
