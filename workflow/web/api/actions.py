"""Workflow actions through the API (claim, release, reassign, submit, request-changes, approve, reject,
withdraw): what each needs and does is declared once, in `domain.actions`.

URL map:
    POST /api/v1/adaptations/<id>/actions/<action>    api.take_action    as the action's declaration allows
"""

from __future__ import annotations

from typing import Any

from ...domain.actions import ACTIONS
from ...extensions import db
from ...services import adaptations
from ...services.inputs import ActionRequest, parse_action
from ..forms import input_limits
from .adaptations import adaptation_response
from .inputs import api_person, json_object, load_adaptation
from .openapi import ADAPTATION_ID, JSON, TIME, Route, errors, json_body, obj, ok, op, ref


def take_action(adaptation_id: int, action: str):
    """Take one workflow action (claim, release, reassign, submit, request-changes, approve, …)."""
    person = api_person()
    declared = parse_action(action)
    asked = ActionRequest.parse(declared, json_object(optional=True), input_limits())
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    adaptations.perform_action(
        db.session,
        person,
        adaptation,
        declared.name,
        comment=asked.comment,
        assignee=asked.assignee,
        publish_at=asked.publish_at,
        version=asked.version,
    )
    db.session.commit()
    return adaptation_response(adaptation, person)


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


ROUTES = (
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/actions/<action>",
        "POST",
        take_action,
        op(
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
        (*ADAPTATION_ID, {"$ref": "#/components/parameters/Action"}),
    ),
)

SCHEMAS: dict[str, Any] = {
    "ActionRequest": obj(
        {
            "comment": {
                "type": "string",
                "description": "Required for "
                + _listed([a.name for a in ACTIONS.values() if a.needs_comment])
                + ".",
            },
            "assignee": {"type": "string", "description": "Username of an adaptor (reassign)."},
            "publish_at": {**TIME, "description": "approve: a future time schedules publication."},
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "The version you read; required for "
                + _listed([a.name for a in ACTIONS.values() if a.names_version])
                + ". Refused (409) if the adaptation changed since.",
            },
        },
        required=[],
    ),
}
