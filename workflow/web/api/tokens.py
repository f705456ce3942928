"""API tokens and the caller.

URL map:
    POST   /api/v1/tokens            api.create_token         anyone with a username and password
    DELETE /api/v1/tokens/current    api.revoke_current_token the token's owner
    GET    /api/v1/me                api.show_me              anyone signed in
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from ...extensions import db, limiter
from ...models import ApiToken
from ...services import users
from ...services.errors import ServiceError
from ..access import bearer_token
from .inputs import api_person, json_object, text_field
from .openapi import PUBLIC, ROLES, TEXT, Route, errors, json_body, obj, ok, op, ref
from .presenters import me_json


@limiter.limit(
    "10 per minute",
    deduct_when=lambda response: response.status_code != 201,
    error_message="Too many failed attempts; wait a minute and try again.",
)
def create_token():
    """Exchange a username and password for a bearer token (shown once)."""
    data = json_object()
    username = text_field(data, "username")
    password = text_field(data, "password")
    label = text_field(data, "label", required=False) or "api"
    person = users.authenticate(db.session, username, password)
    if person is None:
        raise ServiceError("Wrong username or password.", code="invalid_credentials", status=401)
    token = users.issue_token(db.session, person, label)
    db.session.commit()
    return jsonify({"token": token, "token_type": "Bearer", "username": person.username}), 201


def revoke_current_token():
    """Revoke the token this request was made with."""
    person = api_person()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(bearer_token())))
    users.revoke_token(db.session, person, row.id)
    db.session.commit()
    return "", 204


def show_me():
    """Who the caller is and which roles they hold."""
    return jsonify(me_json(api_person()))


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
            description="Limited to 10 failed attempts per minute per address.",
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
        "/api/v1/me",
        "GET",
        show_me,
        op(
            "showMe", "Who the caller is", {"200": ok(ref("Me"), "The caller."), **errors(401)}, tags=["auth"]
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
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
}
