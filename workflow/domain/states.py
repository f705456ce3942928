"""The adaptation state machine: states, actions, and who may take each action from where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where an adaptation stands between the original report and publication."""

    QUEUED = "queued"  #: waiting for a machine-translation worker
    TRANSLATING = "translating"  #: a worker is producing the machine-translation draft
    DRAFT_READY = "draft_ready"  #: the machine-translation draft is ready to be claimed
    MT_FAILED = "mt_failed"  #: no draft could be made; an adaptor may still write from scratch
    IN_ADAPTATION = "in_adaptation"  #: an adaptor holds it and is adapting
    IN_REVIEW = "in_review"  #: submitted; waiting for an editor
    CHANGES_REQUESTED = "changes_requested"  #: an editor sent it back with a comment
    SCHEDULED = "scheduled"  #: approved, to be published at a set time
    PUBLISHED = "published"  #: on the public site
    REJECTED = "rejected"  #: an editor decided it will not run
    WITHDRAWN = "withdrawn"  #: the reporter or an editor pulled it


class Role(StrEnum):
    """What a person does in the newsroom; one person may hold several."""

    REPORTER = "reporter"  #: writes and revises originals
    ADAPTOR = "adaptor"  #: claims drafts and adapts them
    EDITOR = "editor"  #: reviews, requests changes, approves or rejects
    ADMIN = "admin"  #: manages people and models


class Relation(StrEnum):
    """How the actor must relate to the adaptation, beyond holding a role."""

    ANY = "any"  #: the role is enough
    FREE_OR_HOLDER = "free_or_holder"  #: nobody else may hold it (claim)
    HOLDER = "holder"  #: only the person holding it
    HOLDER_OR_EDITOR = "holder_or_editor"  #: the holder, or any editor
    REPORTER_OR_EDITOR = "reporter_or_editor"  #: the article's own reporter, or any editor


DRAFT_STATES = frozenset({State.QUEUED, State.TRANSLATING, State.DRAFT_READY, State.MT_FAILED})
FINAL_STATES = frozenset({State.PUBLISHED, State.REJECTED, State.WITHDRAWN})
EDITABLE_STATES = frozenset({State.IN_ADAPTATION, State.IN_REVIEW, State.CHANGES_REQUESTED})


@dataclass(frozen=True)
class Action:
    """One row of the transition table."""

    name: str
    from_states: frozenset[State]
    to_state: State | None  # None: derived at run time (see `resolve_target`)
    roles: frozenset[Role]
    relation: Relation = Relation.ANY
    needs_comment: bool = False
    needs_assignee: bool = False
    label: str = ""


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


CLAIMABLE = _states(*DRAFT_STATES, State.CHANGES_REQUESTED)
WITHDRAWABLE = frozenset(State) - FINAL_STATES

#: The whole table of actions people take. System events (drafting, timed publication) follow below.
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # An adaptor takes the adaptation; it becomes theirs alone.
        Action(
            "claim",
            CLAIMABLE,
            State.IN_ADAPTATION,
            _states(Role.ADAPTOR),
            Relation.FREE_OR_HOLDER,
            label="Claim",
        ),
        # The holder gives it back (an editor may too); the state falls back to where the draft stands.
        Action(
            "release",
            _states(State.IN_ADAPTATION, State.CHANGES_REQUESTED),
            None,
            _states(Role.ADAPTOR, Role.EDITOR),
            Relation.HOLDER_OR_EDITOR,
            label="Release",
        ),
        # An editor hands it to a named adaptor.
        Action(
            "reassign",
            _states(*CLAIMABLE, State.IN_ADAPTATION),
            State.IN_ADAPTATION,
            _states(Role.EDITOR),
            needs_assignee=True,
            label="Reassign",
        ),
        # The holder sends the adaptation for review.
        Action(
            "submit",
            _states(State.IN_ADAPTATION),
            State.IN_REVIEW,
            _states(Role.ADAPTOR),
            Relation.HOLDER,
            label="Submit for review",
        ),
        # An editor sends it back with a comment saying what to change.
        Action(
            "request-changes",
            _states(State.IN_REVIEW),
            State.CHANGES_REQUESTED,
            _states(Role.EDITOR),
            needs_comment=True,
            label="Request changes",
        ),
        # An editor approves it: published now, or scheduled when a future publish time is given.
        Action("approve", _states(State.IN_REVIEW), None, _states(Role.EDITOR), label="Approve"),
        # An editor decides it will not run, with a reason.
        Action(
            "reject",
            _states(State.IN_REVIEW),
            State.REJECTED,
            _states(Role.EDITOR),
            needs_comment=True,
            label="Reject",
        ),
        # The reporter of the original, or an editor, pulls it.
        Action(
            "withdraw",
            WITHDRAWABLE,
            State.WITHDRAWN,
            _states(Role.REPORTER, Role.EDITOR),
            Relation.REPORTER_OR_EDITOR,
            label="Withdraw",
        ),
    )
}

#: Events the system records: (name, from-states, to-state).
SYSTEM_EVENTS: dict[str, tuple[frozenset[State], State]] = {
    "draft-started": (_states(State.QUEUED), State.TRANSLATING),
    "draft-ready": (_states(State.QUEUED, State.TRANSLATING), State.DRAFT_READY),
    "draft-failed": (_states(State.QUEUED, State.TRANSLATING), State.MT_FAILED),
    "redraft": (DRAFT_STATES, State.QUEUED),
    "publish": (_states(State.SCHEDULED), State.PUBLISHED),
}


def resolve_target(
    action: Action, *, draft_state: State | None, review_rounds: int, scheduled: bool
) -> State:
    """The state an action leads to, for actions whose target depends on the adaptation's story."""
    if action.to_state is not None:
        return action.to_state
    if action.name == "approve":
        return State.SCHEDULED if scheduled else State.PUBLISHED
    if action.name == "release":
        if review_rounds > 0:
            return State.CHANGES_REQUESTED
        return draft_state if draft_state in DRAFT_STATES else State.QUEUED
    raise ValueError(f"action {action.name} has no target rule")
