"""The action table and the service's changes cover each other, and the states hang together.

Every declared action has changes the service knows how to apply and a message for every state it may
lead to; every change the service knows belongs to a declared action; every state is reached and left
as the table (with the system's events) says.
"""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from workflow.domain.actions import ACTIONS, Change, GoesOn, Story
from workflow.domain.states import DRAFT_STATES, FINAL_STATES, SYSTEM_EVENTS, Relation, State
from workflow.services.adaptations import CHANGES
from workflow.services.errors import InvalidInput, NotFound
from workflow.services.inputs import ActionRequest, Limits, parse_action

STORIES = [
    Story(draft_state, rounds, scheduled)
    for draft_state, rounds, scheduled in itertools.product([None, *State], [0, 1, 3], [False, True])
]


def test_every_change_has_an_implementation_and_nothing_else_does():
    assert set(CHANGES) == set(Change)


def test_every_change_belongs_to_a_declared_action():
    used = {change for action in ACTIONS.values() for change in action.changes}
    assert used == set(Change)


@pytest.mark.parametrize("name", ACTIONS)
def test_every_action_has_changes_a_target_and_a_message(name):
    action = ACTIONS[name]
    assert action.name == name
    assert action.changes and len(set(action.changes)) == len(action.changes)
    assert action.from_states and action.roles and action.target.states
    assert set(action.done_when) <= action.target.states
    for state in action.target.states:
        message = action.done_message(state, rounds=2, publish_at=datetime(2026, 5, 1, 9, 30))
        assert message and "{" not in message, (name, state)


@pytest.mark.parametrize("name", ACTIONS)
def test_the_target_rule_picks_only_declared_states(name):
    target = ACTIONS[name].target
    picked = {target.pick(story) for story in STORIES}
    assert picked == target.states


def test_what_an_action_needs_matches_what_it_changes():
    for action in ACTIONS.values():
        assert action.needs_assignee == (Change.HOLD_BY_ASSIGNEE in action.changes), action.name
        assert (Change.PUBLISH in action.changes) == (State.PUBLISHED in action.target.states), action.name
        assert action.comment_says is None or action.comment_says.strip(), action.name
        if action.ends_editing:
            assert action.relation in (Relation.HOLDER, Relation.HOLDER_OR_EDITOR), action.name
        # An editor's decision names the version it was taken on and closes the round.
        decides = Change.CLOSE_ROUND in action.changes
        assert action.names_version == decides, action.name
        assert (action.goes_on is GoesOn.REVIEW_QUEUE) == decides, action.name


def test_every_state_is_reached_and_every_unfinished_state_left():
    steps = [(a.from_states, a.target.states) for a in ACTIONS.values()]
    steps += [(from_states, {to}) for from_states, to in SYSTEM_EVENTS.values()]
    reached, frontier = {State.QUEUED}, [State.QUEUED]  # a new adaptation starts queued
    while frontier:
        state = frontier.pop()
        for from_states, targets in steps:
            if state in from_states:
                for target in set(targets) - reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(State)
    left = {state for from_states, targets in steps for state in from_states if set(targets) - {state}}
    assert left == set(State) - FINAL_STATES
    assert all(not (a.from_states & FINAL_STATES) for a in ACTIONS.values())


def test_release_falls_back_within_the_draft_states_or_to_changes_requested():
    assert ACTIONS["release"].target.states == DRAFT_STATES | {State.CHANGES_REQUESTED}


def test_done_messages_fill_in_the_outcome():
    approve, release, submit = ACTIONS["approve"], ACTIONS["release"], ACTIONS["submit"]
    when = datetime(2026, 5, 1, 9, 30)
    assert (
        approve.done_message(State.SCHEDULED, rounds=1, publish_at=when)
        == "Approved; it will be published at 2026-05-01 09:30 UTC."
    )
    assert approve.done_message(State.PUBLISHED, rounds=1, publish_at=None) == "Approved and published."
    assert (
        release.done_message(State.DRAFT_READY, rounds=0, publish_at=None)
        == "Released; it is back in the queue (draft ready)."
    )
    assert (
        submit.done_message(State.IN_REVIEW, rounds=3, publish_at=None) == "Submitted for review (round 3)."
    )


@pytest.mark.parametrize("name", ACTIONS)
def test_a_request_names_the_version_read_where_the_action_says_so(name):
    """The same rule for a page's form and an API body: parsed once, in `ActionRequest.parse`."""
    action = ACTIONS[name]
    for sent in ({}, {"version": ""}):
        if action.names_version:
            with pytest.raises(InvalidInput) as refused:
                ActionRequest.parse(action, sent, Limits())
            assert refused.value.field == "version"
        else:
            assert ActionRequest.parse(action, sent, Limits()).version is None
    for sent in ({"version": 7}, {"version": "7"}):
        assert ActionRequest.parse(action, sent, Limits()).version == 7


def test_an_unknown_action_is_not_found():
    with pytest.raises(NotFound, match="Actions are: claim, release"):
        parse_action("publish-now")
