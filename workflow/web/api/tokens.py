"""API tokens: exchanging a password for one, listing one's tokens and revoking them one by one.

URL map:
    POST   /api/v1/tokens              api.create_token         anyone with a username and password
    GET    /api/v1/tokens[?page=&per_page=]  api.list_tokens    one's own tokens that still work
    DELETE /api/v1/tokens/current      api.revoke_current_token the token this request is made with
    DELETE /api/v1/tokens/<id>         api.revoke_token         one of one's own tokens (admins: anyone's)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, jsonify

from ...domain.messages import N_
from ...extensions import db
from ...models import ApiToken
from ...services import credentials, queries, users
from ...services.errors import ServiceError
from ..access import bearer_token
from ..paging import page_args, page_json, with_link_header
from ..throttle import login_throttled
from .inputs import api_person, json_object, text_field
from .openapi import (
    INT,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    PUBLIC,
    TEXT,
    TIME,
    Route,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
)
from .presenters import iso


@login_throttled
def create_token():
    """Exchange a username and password for a named bearer token (shown once)."""
    data = json_object()
    username = text_field(data, "username")
    password = text_field(data, "password")
    name = text_field(data, "name", required=False) or text_field(data, "label", required=False)
    person = users.authenticate(db.session, username, password)
    if person is None:
        raise ServiceError(N_("Wrong username or password."), code="invalid_credentials", status=401)
    settings = current_app.config["ADAPTDESK"]
    token = credentials.issue_token(
        db.session, person, name or "api", lifetime=timedelta(seconds=settings.token_lifetime_seconds)
    )
    row = credentials.token_row(db.session, token)
    db.session.commit()
    return jsonify(
        {"token": token, "token_type": "Bearer", "username": person.username, **token_json(row, current=True)}
    ), 201


def token_json(row: ApiToken, *, current: bool) -> dict[str, Any]:
    """A token as its owner sees it (never the token itself)."""
    return {
        "id": row.id,
        "name": row.name,
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
        "expires_at": iso(row.expires_at),
        "current": current,
    }


def list_tokens():
    """The caller's tokens that still work, newest first; `current` marks the one making this request."""
    person = api_person()
    number, size = page_args()
    in_use = credentials.token_row(db.session, bearer_token())
    found = queries.page_of(db.session, credentials.live_tokens_select(person), number, size)
    items = [token_json(row, current=in_use is not None and row.id == in_use.id) for row in found.items]
    return with_link_header(jsonify(page_json(found, items, key="tokens")), found)


def revoke_current_token():
    """Revoke the token this request was made with."""
    person = api_person()
    row = credentials.token_row(db.session, bearer_token())
    credentials.revoke_token(db.session, person, row.id)
    db.session.commit()
    return "", 204


def revoke_token(token_id: int):
    """Revoke one of the caller's tokens (an admin may revoke anyone's)."""
    person = api_person()
    credentials.revoke_token(db.session, person, token_id)
    db.session.commit()
    return "", 204


TOKEN_ID = ({"name": "token_id", "in": "path", "required": True, "schema": INT},)

ROUTES = (
    Route(
        "/api/v1/tokens",
        "POST",
        create_token,
        op(
            "createToken",
            "Exchange username and password for a bearer token",
            {"201": ok(ref("Token"), "The new token."), **errors(400, 401, 413, 415, 429)},
            tags=["auth"],
            security=PUBLIC,
            requestBody=json_body(ref("TokenRequest")),
            description="Failed attempts share one budget with the login form: 10 a minute per account "
            "and client address, 100 an hour per account.",
        ),
    ),
    Route(
        "/api/v1/tokens",
        "GET",
        list_tokens,
        op(
            "listTokens",
            "The caller's tokens that still work",
            {"200": ok(ref("TokenList"), "Newest first.", headers=PAGE_HEADERS), **errors(400, 401, 403)},
            tags=["auth"],
            parameters=PAGE_PARAMETERS,
        ),
    ),
    Route(
        "/api/v1/tokens/current",
        "DELETE",
        revoke_current_token,
        op(
            "revokeCurrentToken",
            "Revoke the token used for this request",
            {"204": {"description": "Revoked; the token no longer works."}, **errors(401)},
            tags=["auth"],
        ),
    ),
    Route(
        "/api/v1/tokens/<int:token_id>",
        "DELETE",
        revoke_token,
        op(
            "revokeToken",
            "Revoke one of the caller's tokens (admins: anyone's)",
            {"204": {"description": "Revoked (or already revoked)."}, **errors(401, 403, 404)},
            tags=["auth"],
        ),
        parameters=TOKEN_ID,
    ),
)

TOKEN_FIELDS = {
    "id": INT,
    "name": {"type": "string", "description": "What the token is for."},
    "created_at": TIME,
    "last_used_at": nullable(TIME),
    "expires_at": TIME,
    "current": {"type": "boolean", "description": "Whether this request is made with it."},
}

SCHEMAS: dict[str, Any] = {
    "TokenRequest": obj(
        {
            "username": TEXT,
            "password": TEXT,
            "name": {"type": "string", "description": "What the token is for (default: api)."},
            "label": {"type": "string", "description": "Older name of `name`."},
        },
        required=["username", "password"],
    ),
    "Token": obj(
        {
            "token": {"type": "string", "description": "Shown once; only its hash is stored."},
            "token_type": {"type": "string", "const": "Bearer"},
            "username": TEXT,
            **TOKEN_FIELDS,
        }
    ),
    "ApiToken": obj(TOKEN_FIELDS),
    "TokenList": page_schema("ApiToken", key="tokens"),
}
