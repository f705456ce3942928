"""The action table and the service's changes cover each other, and the states hang together.

Every declared action has changes the service knows how to apply and a message for every state it may
lead to; every change the service knows belongs to a declared action; every state is reached and left
as the table (with the system's events) says.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from workflow.domain.actions import ACTIONS, Change, GoesOn, Story
from workflow.domain.states import CLOSED_STATES, DRAFT_STATES, SYSTEM_EVENTS, Relation, State
from workflow.services.adaptations import CHANGES
from workflow.services.errors import InvalidInput, NotFound
from workflow.services.inputs import ActionRequest, Limits, parse_action

STORIES = [
    Story(draft_state, rounds, scheduled, published, state)
    for draft_state, rounds, scheduled, published, state in itertools.product(
        [None, *State], [0, 1, 3], [False, True], [False, True], list(State)
    )
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
    action = ACTIONS[name]
    stories = [story for story in STORIES if story.state in action.from_states]
    picked = {action.target.pick(story) for story in stories}
    assert picked == action.target.states


def test_what_an_action_needs_matches_what_it_changes():
    for action in ACTIONS.values():
        assert action.needs_assignee == (Change.HOLD_BY_ASSIGNEE in action.changes), action.name
        assert action.may_name_assignee == (Change.HOLD_FOR_CORRECTION in action.changes), action.name
        if Change.PUBLISH in action.changes:
            assert State.PUBLISHED in action.target.states, action.name
        elif State.PUBLISHED in action.target.states - action.from_states:
            # Back on the site without a new version: a rejected correction, or republishing.
            assert {Change.KEEP_PUBLISHED_TEXT, Change.PUT_BACK} & set(action.changes), action.name
        assert action.comment_says is None or action.comment_says.strip(), action.name
        if action.ends_editing:
            assert action.relation in (Relation.HOLDER, Relation.HOLDER_OR_EDITOR), action.name
        # An editor's decision names the version it was taken on and closes the round.
        decides = Change.CLOSE_ROUND in action.changes
        assert action.names_version == decides, action.name
        assert (action.goes_on is GoesOn.REVIEW_QUEUE) == decides, action.name
        assert action.needs_correction_note <= (Change.PUBLISH in action.changes), action.name
        assert not (action.needs_current_source and action.needs_changed_source), action.name


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
    # Rejected and withdrawn are never left; a published story is corrected or unpublished, and republished.
    assert left == set(State) - CLOSED_STATES
    assert all(not (a.from_states & CLOSED_STATES) for a in ACTIONS.values())


def test_only_editors_reopen_a_published_story():
    reopening = {name for name, a in ACTIONS.items() if a.from_states & {State.PUBLISHED, State.UNPUBLISHED}}
    assert reopening == {"acknowledge-source", "correct", "unpublish", "republish"}
    for name in reopening - {"acknowledge-source"}:
        assert [r.value for r in ACTIONS[name].roles] == ["editor"], name


def test_a_correction_round_works_on_correcting_and_a_rejected_one_keeps_the_story_published():
    published = Story(None, 1, False, True, State.PUBLISHED)
    first = Story(State.DRAFT_READY, 0, False, False, State.DRAFT_READY)
    assert ACTIONS["correct"].target.pick(published) == State.CORRECTING
    assert ACTIONS["reassign"].target.pick(published) == State.CORRECTING
    assert ACTIONS["claim"].target.pick(first) == State.IN_ADAPTATION
    assert ACTIONS["reject"].target.pick(Story(None, 2, False, True, State.IN_REVIEW)) == State.PUBLISHED
    assert ACTIONS["reject"].target.pick(Story(None, 1, False, False, State.IN_REVIEW)) == State.REJECTED
    for state in ACTIONS["acknowledge-source"].from_states:
        story = Story(None, 1, False, state in (State.PUBLISHED, State.CORRECTING), state)
        assert ACTIONS["acknowledge-source"].target.pick(story) == state


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
    needed = {"priority": "high"}  # what prioritize must be sent with; the other actions ignore it
    for sent in ({}, {"version": ""}):
        if action.names_version:
            with pytest.raises(InvalidInput) as refused:
                ActionRequest.parse(action, {**needed, **sent}, Limits())
            assert refused.value.field == "version"
        else:
            assert ActionRequest.parse(action, {**needed, **sent}, Limits()).version is None
    for sent in ({"version": 7}, {"version": "7"}):
        assert ActionRequest.parse(action, {**needed, **sent}, Limits()).version == 7


def test_an_unknown_action_is_not_found():
    with pytest.raises(NotFound, match="Actions are: claim, release"):
        parse_action("publish-now")


@pytest.mark.parametrize(
    "name,field", [("unpublish", "reason"), ("acknowledge-source", "note"), ("reject", "comment")]
)
def test_a_comment_comes_under_the_name_the_action_gives_it(name, field):
    action = ACTIONS[name]
    sent = {field: "  Said so.  ", "version": 3}
    assert ActionRequest.parse(action, sent, Limits()).comment == "Said so."
    with pytest.raises(InvalidInput) as refused:
        ActionRequest.parse(action, {field: "x" * 10_001, "version": 3}, Limits())
    assert refused.value.field == field


def test_an_approval_carries_its_correction_note_and_an_acknowledgement_its_revision():
    approve = ActionRequest.parse(ACTIONS["approve"], {"version": 2, "correction_note": " Fixed. "}, Limits())
    assert approve.correction_note == "Fixed."
    ack = ActionRequest.parse(ACTIONS["acknowledge-source"], {"revision": "4"}, Limits())
    assert ack.revision == 4
    with pytest.raises(InvalidInput) as refused:
        ActionRequest.parse(ACTIONS["acknowledge-source"], {"revision": "four"}, Limits())
    assert refused.value.field == "revision"


def test_prioritize_needs_a_priority_or_a_deadline_and_tells_keeping_from_clearing_the_deadline():
    """A deadline left out stays; one sent empty is removed; sending neither is refused naming priority."""
    prioritize = ACTIONS["prioritize"]
    with pytest.raises(InvalidInput) as refused:
        ActionRequest.parse(prioritize, {}, Limits())
    assert refused.value.field == "priority"
    kept = ActionRequest.parse(prioritize, {"priority": " URGENT "}, Limits())
    assert (kept.priority, kept.deadline_sent) == ("urgent", False)
    cleared = ActionRequest.parse(prioritize, {"deadline": ""}, Limits())
    assert (cleared.priority, cleared.deadline, cleared.deadline_sent) == (None, None, True)
    due = ActionRequest.parse(prioritize, {"deadline": "2026-12-05T10:00"}, Limits())
    assert due.deadline == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    for field, sent in (("priority", {"priority": "asap"}), ("deadline", {"deadline": "tomorrow"})):
        with pytest.raises(InvalidInput) as refused:
            ActionRequest.parse(prioritize, sent, Limits())
        assert refused.value.field == field
