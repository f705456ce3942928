"""Workflow actions through the API (claim, release, reassign, acknowledge-source, submit, request-changes,
approve, reject, correct, unpublish, republish, withdraw): what each needs and does is declared once, in
`domain.actions`.

URL map:
    POST /api/v1/adaptations/<id>/actions/<action>    api.take_action    as the action's declaration allows
"""

from __future__ import annotations

from typing import Any

from ...extensions import db
from ...services import adaptations
from ...services.inputs import ActionRequest, parse_action
from ..access import self_approval_allowed
from ..forms import input_limits
from .adaptations import adaptation_response
from .bodies import action_request
from .inputs import api_person, json_object, load_adaptation
from .openapi import ADAPTATION_ID, JSON, WORKFLOW_LINKS, Route, errors, json_body, ok, op, ref


def take_action(adaptation_id: int, action: str):
    """Take one workflow action (claim, release, reassign, submit, request-changes, approve, …)."""
    person = api_person()
    declared = parse_action(action)
    limits = input_limits()
    sent = action_request(limits).parse(json_object(optional=True)).given()
    asked = ActionRequest.parse(declared, sent, limits)
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
        correction_note=asked.correction_note,
        revision=asked.revision,
        priority=asked.priority,
        deadline=asked.deadline,
        deadline_sent=asked.deadline_sent,
        allow_self_approval=self_approval_allowed(),
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
                "200": ok(
                    ref("Adaptation"),
                    "The adaptation after the action.",
                    links={name: WORKFLOW_LINKS[name] for name in ("SaveIt", "ApproveIt")},
                ),
                **errors(400, 401, 404, 413, 415),
                "403": {
                    "description": "The role or the relation to the adaptation does not allow it; "
                    "`self_approval`: an editor who adapted the story may not approve it (four eyes) "
                    "unless ADAPTDESK_ALLOW_SELF_APPROVAL is set.",
                    "content": {JSON: {"schema": ref("Error")}},
                },
                "409": {
                    "description": "The state does not allow the action (`invalid_state`), someone else holds it, "
                    "the version is stale, the original was revised since the adaptation was written "
                    "(`source_changed`: submit and approve; acknowledge-source first), nothing to acknowledge "
                    "(`up_to_date`), a published story cannot be withdrawn (`published`), or (submit) QA "
                    "errors nobody overrode remain (`qa_failed`, with `findings`).",
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
            description="claim, release, reassign (assignee), acknowledge-source (optional note, revision), "
            "submit, request-changes (comment), approve (publish_at to schedule, within a minute past and "
            "a year ahead; correction_note when the story is already published), reject (comment; a "
            "rejected correction leaves the story as published), correct (optional assignee), unpublish "
            "(reason), republish, withdraw, prioritize (priority and/or deadline; editors). "
            "An unknown action is 404. Submit runs the QA checks first: "
            "errors that no editor overrode refuse it with 409 `qa_failed`.",
        ),
        (*ADAPTATION_ID, {"$ref": "#/components/parameters/Action"}),
    ),
)

SCHEMAS: dict[str, Any] = {}  # ActionRequest: `bodies.action_request`
