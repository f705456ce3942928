"""The domain transition table against the hand-written matrix: every action × state × actor."""

from __future__ import annotations

import pytest

from tests.state_matrix import ACTIONS, ACTORS, ALL_STATES, HELD_STATES, expected
from workflow.domain.actions import ACTIONS as TABLE
from workflow.domain.actions import Action, Story
from workflow.domain.rules import Actor, Subject, available_actions, can_edit, refusal_for
from workflow.domain.states import Role, State

IDS = {"own_reporter": 1, "other_reporter": 2, "holder": 3, "other_adaptor": 4, "editor": 5, "admin": 6}
ROLES = {
    "own_reporter": {"reporter"},
    "other_reporter": {"reporter"},
    "holder": {"adaptor"},
    "other_adaptor": {"adaptor"},
    "editor": {"editor"},
    "admin": {"admin"},
}


def actor(kind: str) -> Actor:
    return Actor(IDS[kind], frozenset(Role(r) for r in ROLES[kind]), kind)


def subject(state: str) -> Subject:
    holder = IDS["holder"] if state in HELD_STATES else None
    return Subject(
        State(state),
        reporter_id=IDS["own_reporter"],
        holder_id=holder,
        holder_name="Holder" if holder else None,
    )


def resolve_target(
    action: Action, *, draft_state: State | None, review_rounds: int, scheduled: bool
) -> State:
    """The state the action leads to, for this story."""
    return action.target.pick(Story(draft_state, review_rounds, scheduled))


def test_table_covers_exactly_the_actions_of_the_issue():
    assert list(TABLE) == ACTIONS


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("kind", ACTORS)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_state_actor(action, kind, state):
    refusal = refusal_for(TABLE[action], actor(kind), subject(state))
    got = 200 if refusal is None else refusal.status
    assert got == expected(action, state, kind)


def test_invalid_state_message_names_state_and_allowed_actions():
    refusal = refusal_for(TABLE["approve"], actor("editor"), subject("in_adaptation"))
    assert refusal.status == 409
    assert "in_adaptation" in refusal.message
    assert "release" in refusal.message and "reassign" in refusal.message


def test_available_actions_match_the_matrix():
    for state in ALL_STATES:
        for kind in ACTORS:
            allowed = [a for a in ACTIONS if expected(a, state, kind) == 200]
            assert available_actions(actor(kind), subject(state)) == allowed, (state, kind)


@pytest.mark.parametrize(
    "draft_state,rounds,target",
    [
        (State.DRAFT_READY, 0, State.DRAFT_READY),
        (State.MT_FAILED, 0, State.MT_FAILED),
        (State.TRANSLATING, 0, State.TRANSLATING),
        (None, 0, State.QUEUED),
        (State.DRAFT_READY, 1, State.CHANGES_REQUESTED),
    ],
)
def test_release_falls_back_to_where_the_draft_stands(draft_state, rounds, target):
    assert (
        resolve_target(TABLE["release"], draft_state=draft_state, review_rounds=rounds, scheduled=False)
        == target
    )


def test_approve_publishes_or_schedules():
    assert (
        resolve_target(TABLE["approve"], draft_state=None, review_rounds=1, scheduled=False)
        == State.PUBLISHED
    )
    assert (
        resolve_target(TABLE["approve"], draft_state=None, review_rounds=1, scheduled=True) == State.SCHEDULED
    )


@pytest.mark.parametrize("state", ALL_STATES)
def test_who_may_edit(state):
    editable = {"in_adaptation", "in_review", "changes_requested"}
    assert can_edit(actor("editor"), subject(state)) == (state in editable)
    assert can_edit(actor("holder"), subject(state)) == (state == "in_adaptation")
    assert not can_edit(actor("other_adaptor"), subject(state))
    assert not can_edit(actor("own_reporter"), subject(state))
