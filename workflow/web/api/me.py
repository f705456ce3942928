"""The caller: who they are, and changing their own password.

URL map:
    GET  /api/v1/me             api.show_me             anyone signed in
    POST /api/v1/me/password    api.change_my_password  the caller, with a bearer token
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...extensions import db
from ...services import users
from ..access import bearer_token
from .bodies import PasswordChange
from .inputs import api_person, json_object
from .openapi import INT, ROLES, TEXT, Route, errors, json_body, obj, ok, op, ref
from .presenters import me_json


def show_me():
    """Who the caller is and which roles they hold."""
    return jsonify(me_json(api_person()))


def change_my_password():
    """Change the caller's password; every login session ends and every other token is revoked."""
    person = api_person()
    sent = PasswordChange.parse(json_object())
    current, new = sent.current_password, sent.new_password
    sessions, tokens = users.change_own_password(db.session, person, current, new, keep_token=bearer_token())
    db.session.commit()
    return jsonify({"changed": True, "sessions_ended": sessions, "tokens_revoked": tokens})


ROUTES = (
    Route(
        "/api/v1/me",
        "GET",
        show_me,
        op(
            "showMe", "Who the caller is", {"200": ok(ref("Me"), "The caller."), **errors(401)}, tags=["auth"]
        ),
    ),
    Route(
        "/api/v1/me/password",
        "POST",
        change_my_password,
        op(
            "changeMyPassword",
            "Change the caller's password",
            {
                "200": ok(ref("PasswordChanged"), "Changed; the token of this request keeps working."),
                **errors(400, 401, 413, 415),
            },
            tags=["auth"],
            requestBody=json_body(ref("PasswordChange")),
            description="400 with field `current_password` when it is wrong, `new_password` when the new one "
            "is shorter than 8 characters or the same as now. Every login session of the caller ends and every "
            "token but this one is revoked.",
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "Me": obj(
        {
            "username": TEXT,
            "name": TEXT,
            "roles": {"type": "array", "items": {"type": "string", "enum": ROLES}},
            "must_change_password": {
                "type": "boolean",
                "description": "An admin reset the password: change it before anything else (403 until then).",
            },
        }
    ),
    "PasswordChanged": obj(
        {"changed": {"type": "boolean", "const": True}, "sessions_ended": INT, "tokens_revoked": INT}
    ),
}
