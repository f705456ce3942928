"""The caller: who they are, and changing their own password.

URL map:
    GET  /api/v1/me             api.show_me             anyone signed in
    PUT  /api/v1/me             api.update_me           anyone signed in (their own e-mail and language pairs)
    POST /api/v1/me/password    api.change_my_password  the caller, with a bearer token
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...domain.languages import INTERFACE_LANGUAGES
from ...domain.notifications import Event
from ...extensions import db
from ...services import users
from ..access import bearer_token
from .bodies import MeUpdate, PasswordChange
from .inputs import api_person, json_object
from .openapi import INT, ROLES, TEXT, Route, errors, json_body, obj, ok, op, ref
from .presenters import me_json


def show_me():
    """Who the caller is and which roles they hold."""
    return jsonify(me_json(api_person()))


def update_me():
    """Set the caller's e-mail address, language pairs, mailed events and interface language (what is left
    out stays as it is)."""
    person = api_person()
    sent = MeUpdate.parse(json_object()).given()
    changing = frozenset(sent) & {"email", "language_pairs", "mail_events", "mail_digest"}
    pairs = sent.get("language_pairs")
    if isinstance(pairs, list):
        pairs = " ".join(pairs)
    if "interface_language" in sent:
        users.set_interface_language(db.session, person, sent["interface_language"])
    users.update_settings(
        db.session,
        person,
        person,
        email=sent.get("email"),
        language_pairs=pairs,
        mail_events=sent.get("mail_events"),
        mail_digest=sent.get("mail_digest"),
        changing=changing,
    )
    db.session.commit()
    return jsonify(me_json(person))


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
        "/api/v1/me",
        "PUT",
        update_me,
        op(
            "updateMe",
            "Set the caller's e-mail address and language pairs",
            {"200": ok(ref("Me"), "The caller, as now."), **errors(400, 401, 413, 415)},
            tags=["auth"],
            requestBody=json_body(ref("MeUpdate")),
            description="400 naming `email` when it is not an address, `language_pairs` when a pair is not two "
            "ISO 639-1 codes. Adaptors hear of drafts ready or failed in their pairs only (in every pair when "
            "they name none).",
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

#: Which notification events are mailed (with an address, when the newsroom has a mail server).
MAIL_EVENTS = {
    "type": "array",
    "items": {"type": "string", "enum": [e.value for e in Event]},
    "description": "The notification events mailed to the person (all of them unless they chose).",
}

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
            "email": {"anyOf": [TEXT, {"type": "null"}], "description": "Where notifications are mailed."},
            "language_pairs": {
                "type": "array",
                "items": TEXT,
                "description": "Pairs the person adapts (e.g. ar-en); empty: every pair.",
            },
            "mail_events": MAIL_EVENTS,
            "mail_digest": {
                "type": "boolean",
                "description": "One mail a day (at the newsroom's digest hour) listing the day's notifications "
                "of the mailed events, instead of one mail per event.",
            },
            "interface_language": {
                "anyOf": [{"type": "string", "enum": list(INTERFACE_LANGUAGES)}, {"type": "null"}],
                "description": "The language of the person's pages; null: their browser's.",
            },
        }
    ),
    "PasswordChanged": obj(
        {"changed": {"type": "boolean", "const": True}, "sessions_ended": INT, "tokens_revoked": INT}
    ),
}
