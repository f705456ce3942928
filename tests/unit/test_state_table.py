"""The domain transition table against the hand-written matrix: every action × state × actor."""

from __future__ import annotations

import itertools

import pytest

from tests.state_matrix import ACTIONS, ACTORS, ALL_STATES, HELD_STATES, PUBLISHED_STATES, expected
from workflow.config import Settings
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


def subject(state: str, *, source_changed: bool = False) -> Subject:
    holder = IDS["holder"] if state in HELD_STATES else None
    return Subject(
        State(state),
        reporter_id=IDS["own_reporter"],
        holder_id=holder,
        holder_name="Holder" if holder else None,
        published=state in PUBLISHED_STATES,
        source_changed=source_changed,
        adaptor_ids=frozenset({IDS["holder"]}) if holder else frozenset(),
        credited_ids=frozenset({IDS["own_reporter"], IDS["holder"]}),
    )


def resolve_target(
    action: Action, *, draft_state: State | None, review_rounds: int, scheduled: bool
) -> State:
    """The state the action leads to, for this story."""
    return action.target.pick(Story(draft_state, review_rounds, scheduled))


def test_table_covers_exactly_the_actions_of_the_issue():
    assert list(TABLE) == ACTIONS


@pytest.mark.parametrize("source_changed", [False, True])
@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("kind", ACTORS)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_state_actor(action, kind, state, source_changed):
    refusal = refusal_for(TABLE[action], actor(kind), subject(state, source_changed=source_changed))
    got = 200 if refusal is None else refusal.status
    assert got == expected(action, state, kind, source_changed=source_changed)


def test_invalid_state_message_names_state_and_allowed_actions():
    refusal = refusal_for(TABLE["approve"], actor("editor"), subject("in_adaptation"))
    assert refusal.status == 409
    assert "the adaptation is in adaptation." in refusal.message
    assert "release" in refusal.message and "reassign" in refusal.message


def test_available_actions_match_the_matrix():
    for state in ALL_STATES:
        for kind in ACTORS:
            for changed in (False, True):
                allowed = [a for a in ACTIONS if expected(a, state, kind, source_changed=changed) == 200]
                got = available_actions(actor(kind), subject(state, source_changed=changed))
                assert got == allowed, (state, kind, changed)


def test_available_actions_are_exactly_those_refusal_for_lets_through():
    """The list's shortcut (no messages built) agrees with refusal_for for every role set, relation and flag."""
    role_sets = [frozenset(c) for n in (1, 2) for c in itertools.combinations(Role, n)]
    for state, roles, who, published, changed, own_ok in itertools.product(
        State, role_sets, IDS.values(), (False, True), (False, True), (False, True)
    ):
        person = Actor(who, roles)
        story = Subject(
            state,
            reporter_id=IDS["own_reporter"],
            holder_id=IDS["holder"],
            published=published,
            source_changed=changed,
            adaptor_ids=frozenset({IDS["holder"], IDS["editor"]}),
        )
        allowed = [
            n for n, a in TABLE.items() if refusal_for(a, person, story, allow_self_approval=own_ok) is None
        ]
        assert available_actions(person, story, allow_self_approval=own_ok) == allowed


def test_a_changed_source_refuses_submit_and_approve_with_a_message_saying_what_to_do():
    for name, state, kind in (("submit", "in_adaptation", "holder"), ("approve", "in_review", "editor")):
        refusal = refusal_for(TABLE[name], actor(kind), subject(state, source_changed=True))
        assert (refusal.status, refusal.code) == (409, "source_changed")
        assert "acknowledge" in refusal.message and "what changed" in refusal.message


def test_four_eyes_nobody_approves_their_own_adaptation_unless_the_newsroom_allows_it():
    both = Actor(IDS["holder"], frozenset({Role.ADAPTOR, Role.EDITOR}), "both")
    refusal = refusal_for(TABLE["approve"], both, subject("in_review"))
    assert (refusal.status, refusal.code) == (403, "self_approval")
    assert refusal_for(TABLE["approve"], both, subject("in_review"), allow_self_approval=True) is None
    assert "approve" not in available_actions(both, subject("in_review"))
    assert "request-changes" in available_actions(both, subject("in_review"))
    # Credited on an earlier round but no longer holding it: still their own work.
    credited = Subject(State.IN_REVIEW, reporter_id=1, holder_id=99, adaptor_ids=frozenset({IDS["holder"]}))
    assert refusal_for(TABLE["approve"], both, credited).code == "self_approval"


def test_a_published_story_is_not_withdrawn_but_unpublished():
    refusal = refusal_for(TABLE["withdraw"], actor("editor"), subject("published"))
    assert refusal.status == 409 and "unpublish" in refusal.message
    in_review_again = Subject(State.IN_REVIEW, reporter_id=IDS["own_reporter"], published=True)
    refusal = refusal_for(TABLE["withdraw"], actor("own_reporter"), in_review_again)
    assert (refusal.status, refusal.code) == (409, "published")


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
    editable = {"in_adaptation", "in_review", "changes_requested", "correcting"}
    assert can_edit(actor("editor"), subject(state)) == (state in editable)
    # The hold survives review: the holder edits again as soon as changes are requested.
    holder_edits = {"in_adaptation", "changes_requested", "correcting"}
    assert can_edit(actor("holder"), subject(state)) == (state in holder_edits)
    assert not can_edit(actor("other_adaptor"), subject(state))
    assert not can_edit(actor("own_reporter"), subject(state))


def test_self_approval_is_off_unless_the_newsroom_turns_it_on():
    base = {"ADAPTDESK_DATA_DIR": "/tmp/adaptdesk-settings-test"}
    assert Settings.from_env(base).allow_self_approval is False
    assert Settings.from_env({**base, "ADAPTDESK_ALLOW_SELF_APPROVAL": "1"}).allow_self_approval is True
    assert Settings.from_env({**base, "ADAPTDESK_ALLOW_SELF_APPROVAL": "0"}).allow_self_approval is False
