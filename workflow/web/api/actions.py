"""Workflow actions through the API (claim, release, reassign, acknowledge-source, submit, request-changes,
approve, reject, correct, unpublish, republish, withdraw): what each needs and does is declared once, in
`domain.actions`.

URL map:
    POST /api/v1/adaptations/<id>/actions/<action>    api.take_action    as the action's declaration allows

The document describes each action as its own operation (`claimAction` at …/actions/claim, `submitAction`, …)
with its own body model, both made from the action's declaration; the one rule above serves them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...domain.actions import ACTIONS, Action, Change
from ...domain.states import Relation, Role, State
from ...extensions import db
from ...services import adaptations
from ...services.inputs import ActionRequest, Limits, parse_action
from ..access import self_approval_allowed
from ..forms import input_limits
from .adaptations import adaptation_response
from .bodies import action_input, action_model_name
from .inputs import api_person, json_object, load_adaptation
from .openapi import (
    ADAPTATION_ID,
    ETAG_HEADER,
    JSON,
    WORKFLOW_LINKS,
    Route,
    action_operation_id,
    errors,
    json_body,
    ok,
    op,
    ref,
)


def take_action(adaptation_id: int, action: str):
    """Take one workflow action; the body is checked with that action's model (`bodies.action_input`)."""
    person = api_person()
    declared = parse_action(action)
    limits = input_limits()
    sent = action_input(declared.name, limits).parse(json_object(optional=True)).given()
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


def _listed(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def _states(states: Iterable[State]) -> str:
    return _listed(f"`{state.value}`" for state in State if state in states)


#: Changes after which someone holds the adaptation to work on its text (the response links to saving it).
HOLDS_TO_EDIT = {
    Change.HOLD_BY_ACTOR,
    Change.HOLD_BY_ASSIGNEE,
    Change.RETURN_TO_SUBMITTER,
    Change.HOLD_FOR_CORRECTION,
}


def _links(action: Action) -> dict[str, Any]:
    """Where the action's answer leads on the way to publication: to saving the text when someone now holds
    it to work on, to approving it when it now waits for a decision."""
    links = {}
    if HOLDS_TO_EDIT & set(action.changes):
        links["SaveIt"] = WORKFLOW_LINKS["SaveIt"]
    if action.target.states <= ACTIONS["approve"].from_states:
        links["ApproveIt"] = WORKFLOW_LINKS["ApproveIt"]
    return links


def _conflicts(action: Action) -> str:
    """What 409 may say to this action."""
    says = [
        "The state does not allow the action (`invalid_state`, with `state`)",
        "someone else holds it",
        "the version named is stale (`stale_version`)",
    ]
    if action.needs_current_source:
        says.append(
            "the original was revised since the adaptation was written (`source_changed`; acknowledge-"
            "source first)"
        )
    if action.needs_changed_source:
        says.append(
            "nothing to acknowledge (`up_to_date`), or the revision named is not the newest "
            "(`stale_revision`)"
        )
    if action.before_publication:
        says.append("the story was published (`published`): an editor unpublishes it instead")
    if Change.OPEN_ROUND in action.changes:
        says.append("QA errors nobody overrode remain (`qa_failed`, with `findings`)")
    return ", ".join(says[:-1]) + f", or {says[-1]}."


def _description(action: Action) -> str:
    """What the declaration says about the action, for the document."""
    roles = _listed(role.value for role in Role if role in action.roles)
    who = f"Roles: {roles}" + ("" if action.relation is Relation.ANY else f" ({action.relation.value})")
    text = f"{who}. From {_states(action.from_states)}; leads to {_states(action.target.states)}."
    if action.four_eyes:
        text += " Nobody credited as its adaptor may take it (four eyes, 403 `self_approval`)."
    if Change.OPEN_ROUND in action.changes:
        text += " Runs the QA checks first."
    return text


def _operation(action: Action) -> dict[str, Any]:
    """The action's own operation: its body model, its answers, its links."""
    schema = action_input(action.name, Limits()).schema()
    conflict = [ref("Error"), ref("StaleVersionError")]
    if Change.OPEN_ROUND in action.changes:
        conflict.append(ref("QaFailedError"))
    forbidden = "The role or the relation to the adaptation does not allow it."
    if action.four_eyes:
        forbidden += (
            " `self_approval`: an editor who adapted the story may not approve it (four eyes) unless "
            "ADAPTDESK_ALLOW_SELF_APPROVAL is set."
        )
    return op(
        action_operation_id(action.name),
        f"Workflow action: {action.name}",
        {
            "200": ok(
                ref("Adaptation"),
                "The adaptation after the action.",
                headers=ETAG_HEADER,
                links=_links(action) or None,
            ),
            **errors(400, 401, 404, 413, 415),
            "403": {"description": forbidden, "content": {JSON: {"schema": ref("Error")}}},
            "409": {"description": _conflicts(action), "content": {JSON: {"schema": {"anyOf": conflict}}}},
        },
        tags=["adaptations"],
        requestBody=json_body(
            ref(action_model_name(action)), required=bool(schema.get("required") or schema.get("anyOf"))
        ),
        description=_description(action),
    )


#: One documented operation per action, each at its own path; one rule serves them all (`api.take_action`)
#: and answers 404 to a name no action has.
ROUTES = tuple(
    Route(
        "/api/v1/adaptations/<int:adaptation_id>/actions/<action>",
        "POST",
        take_action,
        _operation(action),
        ADAPTATION_ID,
        values=(("action", action.name),),
    )
    for action in ACTIONS.values()
)

SCHEMAS: dict[str, Any] = {}  # each action's body: `bodies.action_input`
