"""QA checks through the API: the findings on an adaptation's text, and an editor's override of one.

URL map:
    GET    /api/v1/adaptations/<id>/qa              api.show_qa           whoever may see the adaptation
    POST   /api/v1/adaptations/<id>/qa/overrides    api.override_qa       editors
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...domain.messages import N_
from ...domain.qa import CHECKS
from ...domain.rules import can_override_qa, can_see_workings
from ...extensions import db
from ...models import Adaptation
from ...services import qa
from ...services.errors import NotAllowed
from ..access import self_approval_allowed
from .inputs import api_person, json_object, load_adaptation, text_field
from .openapi import (
    ADAPTATION_ID,
    INT,
    TEXT,
    TIME,
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
from .presenters import qa_json


def qa_response(adaptation: Adaptation, results: list[qa.QaResult], status: int = 200):
    """The adaptation's QA findings as JSON, their messages in the reader's language."""
    response = jsonify(
        {
            "adaptation_id": adaptation.id,
            "version": adaptation.version,
            "blocking": sum(1 for r in results if r.blocking),
            "qa": qa_json(results),
        }
    )
    response.vary.add("Accept-Language")
    return response, status


def show_qa(adaptation_id: int):
    """The QA findings on the adaptation's current text, overrides applied."""
    person = api_person()
    adaptation = load_adaptation(person, adaptation_id)
    if not can_see_workings(person.actor, adaptation.subject):
        raise NotAllowed(
            N_(
                "Once a story is published, its QA findings are for editors and the people credited on "
                "it; its public text is at GET /api/v1/adaptations/{id}."
            )
        )
    return qa_response(adaptation, qa.findings_for(db.session, adaptation))


def override_qa(adaptation_id: int):
    """An editor overrides one finding with a reason, so it no longer blocks submission."""
    person = api_person()
    if not can_override_qa(person.actor):
        raise NotAllowed(N_("Only editors may override a QA finding; ask an editor to look at it."))
    data = json_object()
    check = text_field(data, "check")
    key = text_field(data, "key", required=False) or ""
    reason = text_field(data, "reason")
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    qa.override_finding(
        db.session, person, adaptation, check, key, reason, allow_self_approval=self_approval_allowed()
    )
    db.session.commit()
    return qa_response(adaptation, qa.findings_for(db.session, adaptation), 201)


CHECK = {
    "type": "string",
    "enum": list(CHECKS),
    "description": "Which check: "
    + ", ".join(f"{name} ({label.lower()})" for name, label in CHECKS.items())
    + ".",
}
SEVERITY = {
    "type": "string",
    "enum": ["error", "warning"],
    "description": "An error blocks submission until an editor overrides it; a warning only informs.",
}
MESSAGE = text(
    "What is wrong and what to do, for people, in the caller's language (the person's choice, else "
    "Accept-Language); go by `check` and `key`, which are the same in every language."
)
KEY = text(
    "Which finding of its check (the missing number, the glossary term, the name…); stable across "
    "saves. Empty for a check with one finding."
)

ROUTES = (
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/qa",
        "GET",
        show_qa,
        op(
            "showQa",
            "QA findings on the adaptation's current text",
            {
                "200": ok(
                    ref("QaReport"), "Errors first; overridden findings stay listed with the override."
                ),
                **errors(401, 403, 404),
            },
            tags=["adaptations"],
            description="403 once the story is published, for anyone but editors and the people credited on "
            "it. Checks run on the saved text against the newest revision of the original: numbers and "
            "dates, glossary terms, untranslated text and empty title (errors); names, quotes and "
            "brackets, length (warnings). Reads also accept the newsroom login cookie.",
        ),
        ADAPTATION_ID,
    ),
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/qa/overrides",
        "POST",
        override_qa,
        op(
            "overrideQa",
            "Override one QA finding with a reason (editors)",
            {
                "201": ok(ref("QaReport"), "The findings with the override applied."),
                **errors(400, 401, 403, 404, 409, 413, 415),
            },
            tags=["adaptations"],
            requestBody=json_body(ref("QaOverrideInput")),
            description="403 for anyone but an editor, and (`self_approval`) for an editor who adapted the "
            "story, unless ADAPTDESK_ALLOW_SELF_APPROVAL is set; 400 naming `check`, `key` or `reason` (a reason is "
            "required); 404 for an unknown check or adaptation; 409 `no_such_finding` when the "
            "current text has no such finding, `already_overridden`, or `invalid_state` once the "
            "adaptation is published, rejected or withdrawn. The reason is recorded in the history "
            "(action `qa-override`).",
        ),
        ADAPTATION_ID,
    ),
)

SCHEMAS: dict[str, Any] = {
    "QaOverride": obj(
        {"reason": TEXT, "editor": ref("Person"), "at": TIME},
        description="Who overrode the finding, when and why.",
    ),
    "QaFinding": obj(
        {
            "check": CHECK,
            "severity": SEVERITY,
            "key": KEY,
            "message": MESSAGE,
            "overridden": nullable(ref("QaOverride")),
        }
    ),
    "QaFindingBrief": obj({"check": CHECK, "severity": SEVERITY, "key": KEY, "message": MESSAGE}),
    "QaReport": obj(
        {
            "adaptation_id": INT,
            "version": {
                "type": "integer",
                "description": "The adaptation version the findings were computed on.",
            },
            "blocking": {
                "type": "integer",
                "minimum": 0,
                "description": "Errors nobody overrode: submit is refused while this is above 0.",
            },
            "qa": {"type": "array", "items": ref("QaFinding")},
        }
    ),
    "QaOverrideInput": obj(
        {
            "check": CHECK,
            "key": {**KEY, "maxLength": qa.MAX_KEY_CHARS},
            "reason": {
                "type": "string",
                "minLength": 1,
                "maxLength": qa.MAX_REASON_CHARS,
                "description": "Why the finding does not block publication; recorded in the history.",
            },
        },
        required=["check", "reason"],
    ),
    "QaFailedError": obj(
        {
            "error": {"type": "string", "const": "qa_failed"},
            "message": text("Which checks block the submission, and that an editor can override them."),
            "findings": {"type": "array", "items": ref("QaFindingBrief")},
        },
        description="Submit refused: QA errors nobody overrode.",
    ),
}
