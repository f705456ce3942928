"""The workflow actions people take on an adaptation, each declared once.

A row says from which states the action may be taken, by whom, what it must be sent with, the state
it leads to, what else it changes (`Change`, applied by `services.adaptations`), what the person is
told afterwards, and where they go on working. Events the system records (drafts, timed publication)
are in `states.SYSTEM_EVENTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .states import DRAFT_STATES, FINAL_STATES, Relation, Role, State


@dataclass(frozen=True)
class Story:
    """What a target rule may look at: the newest draft's state, review rounds so far, a future publish time."""

    draft_state: State | None
    review_rounds: int
    scheduled: bool


@dataclass(frozen=True)
class Target:
    """Where an action leads: every state it may lead to, and the rule that picks one from the story."""

    states: frozenset[State]
    pick: Callable[[Story], State]


def to(state: State) -> Target:
    """A target that is always `state`."""
    return Target(frozenset({state}), lambda _story: state)


def _back_to_where_it_stood(story: Story) -> State:
    # After a review round it goes back as "changes requested"; before one, to where its draft stands.
    if story.review_rounds > 0:
        return State.CHANGES_REQUESTED
    return story.draft_state if story.draft_state in DRAFT_STATES else State.QUEUED


#: Release: the state falls back to where the adaptation stood before anyone held it.
BACK_TO_WHERE_IT_STOOD = Target(DRAFT_STATES | {State.CHANGES_REQUESTED}, _back_to_where_it_stood)
#: Approve: published now, or scheduled when a future publish time is given.
PUBLISHED_OR_SCHEDULED = Target(
    frozenset({State.PUBLISHED, State.SCHEDULED}),
    lambda story: State.SCHEDULED if story.scheduled else State.PUBLISHED,
)


class Change(StrEnum):
    """Something an action changes besides the state; `services.adaptations` applies each, in declared order."""

    HOLD_BY_ACTOR = "hold_by_actor"  #: the actor holds the adaptation
    HOLD_BY_ASSIGNEE = "hold_by_assignee"  #: the named adaptor holds it (history: from whom, to whom)
    RELEASE_HOLDER = "release_holder"  #: nobody holds it (history: who held it)
    CLEAR_HOLDER = "clear_holder"  #: nobody holds it
    SEED_TEXT = "seed_text"  #: an adaptation with no text of its own starts from the newest ready draft
    OPEN_ROUND = "open_round"  #: a titled, written text that passes QA goes to review as a new round
    CLOSE_ROUND = "close_round"  #: the editor's decision and comment close the current round
    PUBLISH = "publish"  #: the editor is credited, the address fixed, and it is published or scheduled


class GoesOn(StrEnum):
    """Where the person goes on working after the action (the pages turn it into an address)."""

    WORKBENCH = "workbench"  #: the adaptation's workbench, to adapt it
    ADAPTOR_QUEUE = "adaptor_queue"  #: the adaptors' queue, to pick the next one
    MY_ADAPTATIONS = "my_adaptations"  #: the adaptor's own list
    REVIEW_QUEUE = "review_queue"  #: the next adaptation waiting for review
    SAME_PAGE = "same_page"  #: the page the action was taken on


@dataclass(frozen=True)
class Action:
    """One workflow action, declared once."""

    name: str
    from_states: frozenset[State]
    roles: frozenset[Role]
    target: Target
    changes: tuple[Change, ...]
    #: What the person is told afterwards; {state}, {round} and {publish_at} are filled in.
    done: str
    relation: Relation = Relation.ANY
    #: What a required comment must say ("why", "what to change"); None when no comment is needed.
    comment_says: str | None = None
    needs_assignee: bool = False
    #: The request must name the version it was decided on, so nothing unseen is decided.
    names_version: bool = False
    #: For actions that end the holder's editing: how they leave the text ("releasing it"). Unsaved
    #: text is refused rather than lost, and the editing time since the last save is counted.
    ends_editing: str = ""
    goes_on: GoesOn = GoesOn.SAME_PAGE
    #: Done-messages for particular target states, instead of `done`.
    done_when: Mapping[State, str] = field(default_factory=dict, hash=False)

    @property
    def needs_comment(self) -> bool:
        """Whether the action is refused without a comment."""
        return self.comment_says is not None

    def done_message(self, state: State, *, rounds: int, publish_at: datetime | None) -> str:
        """What the person is told once the action led to `state`."""
        template = self.done_when.get(state, self.done)
        when = f"{publish_at:%Y-%m-%d %H:%M}" if publish_at else ""
        return template.format(state=state.value.replace("_", " "), round=rounds, publish_at=when)


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


CLAIMABLE = _states(*DRAFT_STATES, State.CHANGES_REQUESTED)
WITHDRAWABLE = frozenset(State) - FINAL_STATES
#: An editor's decision on a submitted round.
DECIDABLE = _states(State.IN_REVIEW)

# Done-messages carry no names or titles: people's text needs its own lang and dir markup.
#: Every action people take, in the order pages and the API list them.
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # An adaptor takes the adaptation; it becomes theirs alone.
        Action(
            "claim",
            CLAIMABLE,
            _states(Role.ADAPTOR),
            to(State.IN_ADAPTATION),
            (Change.HOLD_BY_ACTOR, Change.SEED_TEXT),
            "You hold this adaptation now; nobody else can edit it until you submit or release it.",
            relation=Relation.FREE_OR_HOLDER,
            goes_on=GoesOn.WORKBENCH,
        ),
        # The holder gives it back (an editor may too).
        Action(
            "release",
            _states(State.IN_ADAPTATION, State.CHANGES_REQUESTED),
            _states(Role.ADAPTOR, Role.EDITOR),
            BACK_TO_WHERE_IT_STOOD,
            (Change.RELEASE_HOLDER,),
            "Released; it is back in the queue ({state}).",
            relation=Relation.HOLDER_OR_EDITOR,
            ends_editing="releasing it",
            goes_on=GoesOn.ADAPTOR_QUEUE,
        ),
        # An editor hands it to a named adaptor.
        Action(
            "reassign",
            _states(*CLAIMABLE, State.IN_ADAPTATION),
            _states(Role.EDITOR),
            to(State.IN_ADAPTATION),
            (Change.HOLD_BY_ASSIGNEE, Change.SEED_TEXT),
            "Reassigned; the adaptor you chose holds it now.",
            needs_assignee=True,
        ),
        # The holder sends the adaptation for review.
        Action(
            "submit",
            _states(State.IN_ADAPTATION),
            _states(Role.ADAPTOR),
            to(State.IN_REVIEW),
            (Change.OPEN_ROUND,),
            "Submitted for review (round {round}).",
            relation=Relation.HOLDER,
            ends_editing="submitting it for review",
            goes_on=GoesOn.MY_ADAPTATIONS,
        ),
        # An editor sends it back with a comment saying what to change.
        Action(
            "request-changes",
            DECIDABLE,
            _states(Role.EDITOR),
            to(State.CHANGES_REQUESTED),
            (Change.CLOSE_ROUND,),
            "Sent back to the adaptor with your comment.",
            comment_says="what to change",
            names_version=True,
            goes_on=GoesOn.REVIEW_QUEUE,
        ),
        # An editor approves it: published now, or scheduled when a future publish time is given.
        Action(
            "approve",
            DECIDABLE,
            _states(Role.EDITOR),
            PUBLISHED_OR_SCHEDULED,
            (Change.CLOSE_ROUND, Change.PUBLISH),
            "Approved and published.",
            names_version=True,
            goes_on=GoesOn.REVIEW_QUEUE,
            done_when={State.SCHEDULED: "Approved; it will be published at {publish_at} UTC."},
        ),
        # An editor decides it will not run, with a reason.
        Action(
            "reject",
            DECIDABLE,
            _states(Role.EDITOR),
            to(State.REJECTED),
            (Change.CLOSE_ROUND,),
            "Rejected; the reason is recorded in its history.",
            comment_says="why",
            names_version=True,
            goes_on=GoesOn.REVIEW_QUEUE,
        ),
        # The reporter of the original, or an editor, pulls it.
        Action(
            "withdraw",
            WITHDRAWABLE,
            _states(Role.REPORTER, Role.EDITOR),
            to(State.WITHDRAWN),
            (Change.CLEAR_HOLDER,),
            "Withdrawn; it will not be published.",
            relation=Relation.REPORTER_OR_EDITOR,
        ),
    )
}
