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

from .messages import N_, Message
from .states import DRAFT_STATES, FINAL_STATES, Relation, Role, State

#: Each state as words for people (the pages' badges say the same).
STATE_WORDS: dict[State, Message] = {
    State.QUEUED: N_("queued"),
    State.TRANSLATING: N_("translating"),
    State.DRAFT_READY: N_("draft ready"),
    State.MT_FAILED: N_("mt failed"),
    State.IN_ADAPTATION: N_("in adaptation"),
    State.IN_REVIEW: N_("in review"),
    State.CHANGES_REQUESTED: N_("changes requested"),
    State.SCHEDULED: N_("scheduled"),
    State.PUBLISHED: N_("published"),
    State.REJECTED: N_("rejected"),
    State.WITHDRAWN: N_("withdrawn"),
    State.CORRECTING: N_("correcting"),
    State.UNPUBLISHED: N_("unpublished"),
}

#: Each action's name as people read it in a sentence (the English is the name the API takes).
ACTION_WORDS: dict[str, Message] = {
    "claim": N_("claim"),
    "release": N_("release"),
    "reassign": N_("reassign"),
    "acknowledge-source": N_("acknowledge-source"),
    "submit": N_("submit"),
    "request-changes": N_("request-changes"),
    "approve": N_("approve"),
    "reject": N_("reject"),
    "correct": N_("correct"),
    "unpublish": N_("unpublish"),
    "republish": N_("republish"),
    "prioritize": N_("prioritize"),
    "withdraw": N_("withdraw"),
}

#: Each role, in the plural, as words for people ("Only editors may …").
ROLE_PLURALS: dict[Role, Message] = {
    Role.REPORTER: N_("reporters"),
    Role.ADAPTOR: N_("adaptors"),
    Role.EDITOR: N_("editors"),
    Role.ADMIN: N_("admins"),
}


@dataclass(frozen=True)
class Story:
    """What a target rule may look at: the newest draft's state, review rounds so far, a future publish time,
    and whether a version of the story is (or was) on the public site."""

    draft_state: State | None
    review_rounds: int
    scheduled: bool
    published: bool = False
    state: State | None = None  #: the state the action is taken in


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
#: Claim, reassign: the holder adapts it, or, once the story is published, corrects it.
TO_WORK = Target(
    frozenset({State.IN_ADAPTATION, State.CORRECTING}),
    lambda story: State.CORRECTING if story.published else State.IN_ADAPTATION,
)
#: Reject: the adaptation will not run; a rejected correction leaves the published story as it was.
REJECTED_OR_KEPT = Target(
    frozenset({State.REJECTED, State.PUBLISHED}),
    lambda story: State.PUBLISHED if story.published else State.REJECTED,
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
    RETURN_TO_SUBMITTER = "return_to_submitter"  #: the adaptor who submitted the round holds it and may save
    HOLD_FOR_CORRECTION = "hold_for_correction"  #: the adaptor who adapted it (or the one named) holds it
    KEEP_PUBLISHED_TEXT = "keep_published_text"  #: a rejected correction: the text is the published one again
    ACKNOWLEDGE_SOURCE = "acknowledge_source"  #: the adaptation follows the newest revision of the original
    TAKE_DOWN = "take_down"  #: off the public site: its address answers 410 Gone (history: which version)
    PUT_BACK = "put_back"  #: the newest published version is on the public site again
    SET_PRIORITY = "set_priority"  #: the priority and deadline sent replace the old (history: from and to)


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
    #: What the person is told afterwards (marked for the catalog); %(state)s, %(round)s and %(publish_at)s
    #: are filled in.
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
    #: The field the comment is sent in ("reason" to unpublish, "note" to acknowledge a source change).
    comment_field: str = "comment"
    #: An adaptor may be named (optional) to hold it instead of the one the change picks.
    may_name_assignee: bool = False
    #: Only before the story first went out: a published story is unpublished by an editor instead.
    before_publication: bool = False
    #: Nobody credited as the adaptor may take it (four eyes), unless the newsroom allows self-approval.
    four_eyes: bool = False
    #: Refused while the original has a revision the adaptation has not been checked against.
    needs_current_source: bool = False
    #: Only while the original has such a revision (acknowledging it).
    needs_changed_source: bool = False
    #: On a story already published, a public `correction_note` saying what was corrected is required.
    needs_correction_note: bool = False

    @property
    def needs_comment(self) -> bool:
        """Whether the action is refused without a comment."""
        return self.comment_says is not None

    @property
    def word(self) -> Message:
        """The action's name for people: the name API clients send ("request-changes"), translated with the
        sentence it is in."""
        return ACTION_WORDS[self.name]

    def done_message(self, state: State, *, rounds: int, publish_at: datetime | None) -> Message:
        """What the person is told once the action led to `state` (a catalog message, filled in)."""
        template = self.done_when.get(state, self.done)
        values = {"state": STATE_WORDS[state], "round": rounds, "publish_at": ""}
        if publish_at:
            values["publish_at"] = f"{publish_at:%Y-%m-%d %H:%M}"
        wanted = {k: v for k, v in values.items() if f"%({k})" in template}
        return Message(template, **wanted)


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


CLAIMABLE = _states(*DRAFT_STATES, State.CHANGES_REQUESTED)
WITHDRAWABLE = frozenset(State) - FINAL_STATES - {State.CORRECTING}
#: An editor's decision on a submitted round.
DECIDABLE = _states(State.IN_REVIEW)
#: Where the holder works on the text and may submit it.
SUBMITTABLE = _states(State.IN_ADAPTATION, State.CHANGES_REQUESTED, State.CORRECTING)
#: States in which a revision of the original is flagged, from the first draft to publication and after.
ACKNOWLEDGEABLE = _states(
    State.DRAFT_READY,
    State.MT_FAILED,
    State.IN_ADAPTATION,
    State.IN_REVIEW,
    State.CHANGES_REQUESTED,
    State.SCHEDULED,
    State.PUBLISHED,
    State.CORRECTING,
)
#: Where the work is still to be done, so how urgent it is and when it is due may change.
PRIORITIZABLE = frozenset(State) - FINAL_STATES

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
            TO_WORK,
            (Change.HOLD_BY_ACTOR, Change.SEED_TEXT),
            N_("You hold this adaptation now; nobody else can edit it until you submit or release it."),
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
            N_("Released; it is back in the queue (%(state)s)."),
            relation=Relation.HOLDER_OR_EDITOR,
            ends_editing=N_("releasing it"),
            goes_on=GoesOn.ADAPTOR_QUEUE,
        ),
        # An editor hands it to a named adaptor.
        Action(
            "reassign",
            _states(*CLAIMABLE, State.IN_ADAPTATION, State.CORRECTING),
            _states(Role.EDITOR),
            TO_WORK,
            (Change.HOLD_BY_ASSIGNEE, Change.SEED_TEXT),
            N_("Reassigned; the adaptor you chose holds it now."),
            needs_assignee=True,
        ),
        # The holder (or an editor) has read what changed in the original and takes it into account.
        Action(
            "acknowledge-source",
            ACKNOWLEDGEABLE,
            _states(Role.ADAPTOR, Role.EDITOR),
            Target(ACKNOWLEDGEABLE, lambda story: story.state),  # it stays where it is
            (Change.ACKNOWLEDGE_SOURCE,),
            N_("Noted: the adaptation now follows the newest revision of the original."),
            relation=Relation.HOLDER_OR_EDITOR,
            comment_field="note",
            needs_changed_source=True,
        ),
        # The holder sends the adaptation (or its correction) for review.
        Action(
            "submit",
            SUBMITTABLE,
            _states(Role.ADAPTOR),
            to(State.IN_REVIEW),
            (Change.OPEN_ROUND,),
            N_("Submitted for review (round %(round)s)."),
            relation=Relation.HOLDER,
            ends_editing=N_("submitting it for review"),
            goes_on=GoesOn.MY_ADAPTATIONS,
            needs_current_source=True,
        ),
        # An editor sends it back, with a comment saying what to change, to the adaptor who submitted it.
        Action(
            "request-changes",
            DECIDABLE,
            _states(Role.EDITOR),
            to(State.CHANGES_REQUESTED),
            (Change.CLOSE_ROUND, Change.RETURN_TO_SUBMITTER),
            N_("Sent back to the adaptor with your comment; they can work on it at once."),
            comment_says=N_("what to change"),
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
            N_("Approved and published."),
            names_version=True,
            goes_on=GoesOn.REVIEW_QUEUE,
            done_when={State.SCHEDULED: N_("Approved; it will be published at %(publish_at)s UTC.")},
            four_eyes=True,
            needs_current_source=True,
            needs_correction_note=True,
        ),
        # An editor decides it will not run, with a reason; a rejected correction leaves the story as published.
        Action(
            "reject",
            DECIDABLE,
            _states(Role.EDITOR),
            REJECTED_OR_KEPT,
            (Change.CLOSE_ROUND, Change.KEEP_PUBLISHED_TEXT),
            N_("Rejected; the reason is recorded in its history."),
            comment_says=N_("why"),
            names_version=True,
            goes_on=GoesOn.REVIEW_QUEUE,
            done_when={State.PUBLISHED: N_("Correction rejected; the published text stays as it was.")},
        ),
        # An editor opens a correction round on a published story; its page keeps the published text.
        Action(
            "correct",
            _states(State.PUBLISHED),
            _states(Role.EDITOR),
            to(State.CORRECTING),
            (Change.HOLD_FOR_CORRECTION,),
            N_("Correction opened; the published text stays up until a corrected version is approved."),
            may_name_assignee=True,
        ),
        # An editor takes a published story off the site, with a reason.
        Action(
            "unpublish",
            _states(State.PUBLISHED),
            _states(Role.EDITOR),
            to(State.UNPUBLISHED),
            (Change.TAKE_DOWN,),
            N_("Unpublished; its address answers 410 Gone and it has left the lists and the feed."),
            comment_says=N_("why it comes down"),
            comment_field="reason",
        ),
        # An editor puts an unpublished story back, as it was last published.
        Action(
            "republish",
            _states(State.UNPUBLISHED),
            _states(Role.EDITOR),
            to(State.PUBLISHED),
            (Change.PUT_BACK,),
            N_("Republished; it is back on the site as last published."),
        ),
        # An editor changes how urgent it is and when it is due (the reporter sets both when submitting).
        Action(
            "prioritize",
            PRIORITIZABLE,
            _states(Role.EDITOR),
            Target(PRIORITIZABLE, lambda story: story.state),  # it stays where it is
            (Change.SET_PRIORITY,),
            N_("Priority and deadline saved; the queues are sorted by them."),
        ),
        # The reporter of the original, or an editor, pulls it before it is published.
        Action(
            "withdraw",
            WITHDRAWABLE,
            _states(Role.REPORTER, Role.EDITOR),
            to(State.WITHDRAWN),
            (Change.CLEAR_HOLDER,),
            N_("Withdrawn; it will not be published."),
            relation=Relation.REPORTER_OR_EDITOR,
            before_publication=True,
        ),
    )
}
