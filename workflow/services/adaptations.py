"""Workflow actions on adaptations (claim … approve) and saving their text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defaultload, lazyload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.actions import STATE_WORDS, Action, Change, Story
from ..domain.messages import N_
from ..domain.priority import Priority
from ..domain.rules import can_edit, can_view_adaptation, refusal_for
from ..domain.states import EDITABLE_STATES, Role, State
from ..domain.text import normalize_body, slugify
from ..domain.webhooks import WebhookEvent
from ..models import Adaptation, Article, Credit, Draft, DraftState, ReviewRound, User, utcnow
from . import live, webhooks
from .effort import measure_round
from .errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceError, StaleVersion
from .history import add_credit, transition
from .inputs import Limits, parse_action
from .publishing import correction_holder, record_version, restore_published_text, source_current
from .qa import check_before_submit

#: How far back a publish time may lie (it is then published now), and how far ahead it may be scheduled.
PUBLISH_AT_GRACE = timedelta(minutes=1)
PUBLISH_AT_HORIZON = timedelta(days=365)

DRAFT_TO_STATE = {
    DraftState.QUEUED.value: State.QUEUED,
    DraftState.TRANSLATING.value: State.TRANSLATING,
    DraftState.READY.value: State.DRAFT_READY,
    DraftState.FAILED.value: State.MT_FAILED,
}

#: The field a required comment is sent in, as a word for people.
COMMENT_FIELD_WORDS = {"comment": N_("comment"), "reason": N_("reason"), "note": N_("note")}


def get_adaptation(
    session: Session, actor: User | None, adaptation_id: int, *, for_update: bool = False
) -> Adaptation:
    """The adaptation, if the actor may see it (NotFound otherwise, so its existence does not leak)."""
    # The people it names (reporter, holder, credits) are read for their names: their roles only if asked for.
    no_roles = lazyload(User.role_grants)
    stmt = (
        select(Adaptation)
        .where(Adaptation.id == adaptation_id)
        .options(
            defaultload(Adaptation.holder).options(no_roles),
            defaultload(Adaptation.article).defaultload(Article.reporter).options(no_roles),
            defaultload(Adaptation.credits).defaultload(Credit.user).options(no_roles),
        )
    )
    if for_update:
        stmt = stmt.with_for_update(of=Adaptation).execution_options(populate_existing=True)
    adaptation = session.scalar(stmt)
    if adaptation is None or not can_view_adaptation(actor.actor if actor else None, adaptation.subject):
        raise NotFound(N_("No adaptation %(adaptation_id)s.", adaptation_id=adaptation_id))
    return adaptation


def latest_ready_draft(adaptation: Adaptation) -> Draft | None:
    """The newest draft whose translation finished."""
    return next((d for d in reversed(adaptation.drafts) if d.state == DraftState.READY.value), None)


def _refuse_if_needed(actor: User, adaptation: Adaptation, action: Action, allow_self_approval: bool) -> None:
    refusal = refusal_for(action, actor.actor, adaptation.subject, allow_self_approval=allow_self_approval)
    if refusal is not None:
        raise ServiceError(
            refusal.message, code=refusal.code, status=refusal.status, details={"state": adaptation.state}
        )


def _active_adaptor(session: Session, username: str | None) -> User:
    adaptor = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if adaptor is None or Role.ADAPTOR not in adaptor.roles or not adaptor.active:
        raise InvalidInput("assignee", N_("%(username)s is not an active adaptor.", username=repr(username)))
    return adaptor


@dataclass
class Step:
    """One action being taken: what its changes work on, and the facts they add to its history entry."""

    session: Session
    actor: User
    adaptation: Adaptation
    action: Action
    target: State
    now: datetime
    comment: str = ""
    assignee: User | None = None
    publish_at: datetime | None = None
    correction_note: str = ""
    revision: int | None = None  #: the revision of the original an acknowledgement names
    priority: Priority | None = None  #: prioritize: the new priority (None: unchanged)
    deadline: datetime | None = None  #: prioritize: the new deadline (with `deadline_sent`; None clears it)
    deadline_sent: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def _hold_by_actor(step: Step) -> None:
    step.adaptation.holder = step.actor


def _hold_by_assignee(step: Step) -> None:
    holder = step.adaptation.holder
    step.details["from"] = holder.username if holder else None
    step.details["to"] = step.assignee.username
    step.adaptation.holder = step.assignee


def _release_holder(step: Step) -> None:
    holder = step.adaptation.holder
    step.details["released"] = holder.username if holder else None
    step.adaptation.holder = None


def _clear_holder(step: Step) -> None:
    step.adaptation.holder = None


def _seed_text(step: Step) -> None:
    """Give an adaptation with no text of its own the machine draft's text."""
    adaptation = step.adaptation
    if adaptation.title or adaptation.body or adaptation.rounds:
        return
    draft = latest_ready_draft(adaptation)
    if draft is not None:
        adaptation.title, adaptation.body = draft.title, draft.body
        adaptation.based_on_revision = draft.revision_number
    else:
        adaptation.based_on_revision = adaptation.article.current_revision


def _open_round(step: Step) -> None:
    adaptation = step.adaptation
    if not adaptation.title.strip() or not adaptation.body.strip():
        raise InvalidInput("body", N_("Write a title and a body before submitting for review."))
    check_before_submit(step.session, adaptation)
    number = len(adaptation.rounds) + 1
    adaptation.rounds.append(
        ReviewRound(
            number=number,
            adaptor_id=step.actor.id,
            title=adaptation.title,
            body=adaptation.body,
            source_revision=adaptation.based_on_revision,
            submitted_at=step.now,
        )
    )
    measure_round(step.session, adaptation, adaptation.rounds[-1])
    add_credit(step.session, adaptation, Role.ADAPTOR.value, step.actor)
    step.details["round"] = number


def _close_round(step: Step) -> None:
    rounds = step.adaptation.rounds
    if not rounds:
        return
    current = rounds[-1]
    current.decision = step.action.name
    current.editor_id = step.actor.id
    current.decided_at = step.now
    current.comment = step.comment
    current.correction_note = step.correction_note
    step.details["round"] = current.number


def _publish(step: Step) -> None:
    adaptation = step.adaptation
    add_credit(step.session, adaptation, Role.EDITOR.value, step.actor)
    adaptation.slug = adaptation.slug or slugify(adaptation.title)  # the address outlives corrections
    if step.target == State.SCHEDULED:
        adaptation.publish_at = step.publish_at
        step.details["publish_at"] = step.publish_at.isoformat()
    else:
        step.details["version"] = record_version(step.session, adaptation, step.now).number
        if step.correction_note:
            step.details["correction_note"] = step.correction_note


def _return_to_submitter(step: Step) -> None:
    rounds = step.adaptation.rounds
    if rounds:
        step.adaptation.holder = rounds[-1].adaptor
        step.details["to"] = rounds[-1].adaptor.username


def _hold_for_correction(step: Step) -> None:
    holder = correction_holder(step.adaptation, step.assignee)
    step.adaptation.holder = holder
    step.details.update(to=holder.username, version=len(step.adaptation.versions))


def _keep_published_text(step: Step) -> None:
    if step.target == State.PUBLISHED:
        restore_published_text(step.adaptation)
        step.details["version"] = len(step.adaptation.versions)


def _acknowledge_source(step: Step) -> None:
    adaptation = step.adaptation
    newest = adaptation.article.current_revision
    if step.revision is not None and step.revision != newest:
        raise Conflict(
            N_(
                "The original was revised again (you read revision %(revision)s, the newest is "
                "%(newest)s). Reload, read what changed, and acknowledge again.",
                revision=step.revision,
                newest=newest,
            ),
            code="stale_revision",
            details={"revision": newest},
        )
    step.details.update(revision=newest, previous=adaptation.based_on_revision)
    adaptation.based_on_revision = newest


def _take_down(step: Step) -> None:
    step.details["version"] = len(step.adaptation.versions)
    webhooks.announce(
        step.session,
        WebhookEvent.ADAPTATION_UNPUBLISHED,
        webhooks.adaptation_data(step.adaptation, reason=step.comment),
        step.now,
    )


def _put_back(step: Step) -> None:
    step.details["version"] = len(step.adaptation.versions)
    webhooks.announce(
        step.session,
        WebhookEvent.ADAPTATION_PUBLISHED,
        webhooks.adaptation_data(step.adaptation, republished=True),
        step.now,
    )


def check_deadline(deadline: datetime | None, now: datetime, field: str = "deadline") -> None:
    """A deadline lies ahead (a minute's grace), within the coming year."""
    if deadline is None:
        return
    if deadline < now - PUBLISH_AT_GRACE:
        raise InvalidInput(
            field,
            N_(
                "The %(field)s (%(deadline)s UTC) is in the past: give a time to come, or none.",
                field=field,
                deadline=format(deadline, "%Y-%m-%d %H:%M"),
            ),
        )
    if deadline > now + PUBLISH_AT_HORIZON:
        raise InvalidInput(
            field,
            N_("The %(field)s is more than a year ahead: give a time within the coming year.", field=field),
        )


def _set_priority(step: Step) -> None:
    adaptation = step.adaptation
    priority = step.priority or adaptation.urgency
    deadline = step.deadline if step.deadline_sent else adaptation.deadline
    if step.deadline_sent and deadline != adaptation.deadline:
        check_deadline(deadline, step.now)
    if priority == adaptation.urgency and deadline == adaptation.deadline:
        raise InvalidInput(
            "priority", N_("Nothing changed: the priority and the deadline are already what you sent.")
        )
    step.details["priority"] = {"from": adaptation.priority, "to": priority.value}
    step.details["deadline"] = {
        "from": adaptation.deadline.isoformat() if adaptation.deadline else None,
        "to": deadline.isoformat() if deadline else None,
    }
    if priority is Priority.URGENT and adaptation.urgency is not Priority.URGENT:
        # A draft job already waiting in the normal line is sent again, to the urgent one (whichever copy a
        # worker takes first makes the draft; the other finds it taken and does nothing).
        draft = adaptation.draft
        if draft is not None and draft.state == DraftState.QUEUED.value:
            draft.dispatched_at = None
    if deadline != adaptation.deadline:
        adaptation.deadline_warned_at = None  # a new deadline is warned about afresh
    adaptation.priority, adaptation.deadline = priority.value, deadline


#: How each declared change is applied (tests/unit/test_action_table.py checks both sides match).
CHANGES: dict[Change, Callable[[Step], None]] = {
    Change.HOLD_BY_ACTOR: _hold_by_actor,
    Change.HOLD_BY_ASSIGNEE: _hold_by_assignee,
    Change.RELEASE_HOLDER: _release_holder,
    Change.CLEAR_HOLDER: _clear_holder,
    Change.SEED_TEXT: _seed_text,
    Change.OPEN_ROUND: _open_round,
    Change.CLOSE_ROUND: _close_round,
    Change.PUBLISH: _publish,
    Change.RETURN_TO_SUBMITTER: _return_to_submitter,
    Change.HOLD_FOR_CORRECTION: _hold_for_correction,
    Change.KEEP_PUBLISHED_TEXT: _keep_published_text,
    Change.ACKNOWLEDGE_SOURCE: _acknowledge_source,
    Change.TAKE_DOWN: _take_down,
    Change.PUT_BACK: _put_back,
    Change.SET_PRIORITY: _set_priority,
}


def _check_publish_at(publish_at: datetime | None, now: datetime, *, correction: bool) -> None:
    """A publish time is within a minute past and a year ahead; a correction goes out when approved."""
    if publish_at is None:
        return
    if correction:
        raise InvalidInput(
            "publish_at", N_("A correction goes out when it is approved: leave publish_at empty.")
        )
    if publish_at < now - PUBLISH_AT_GRACE:
        raise InvalidInput(
            "publish_at",
            N_(
                "publish_at (%(publish_at)s UTC) is in the past: leave it empty to publish now, or give "
                "a time to come.",
                publish_at=format(publish_at, "%Y-%m-%d %H:%M"),
            ),
        )
    if publish_at > now + PUBLISH_AT_HORIZON:
        raise InvalidInput(
            "publish_at", N_("publish_at is more than a year ahead: give a time within the coming year.")
        )


def perform_action(
    session: Session,
    actor: User,
    adaptation: Adaptation,
    name: str,
    *,
    comment: str = "",
    assignee: str | None = None,
    publish_at: datetime | None = None,
    version: int | None = None,
    correction_note: str = "",
    revision: int | None = None,
    priority: Priority | None = None,
    deadline: datetime | None = None,
    deadline_sent: bool = False,
    allow_self_approval: bool = False,
    now: datetime | None = None,
) -> Adaptation:
    """Take one workflow action on the adaptation, as its declaration in `domain.actions` says."""
    action = parse_action(name)
    _refuse_if_needed(actor, adaptation, action, allow_self_approval)
    now = now or utcnow()
    if version is not None and version != adaptation.version:
        raise StaleVersion(
            N_(
                "The adaptation changed since you opened it (your version %(version)s, now "
                "%(current)s). Reload it and look again before you decide.",
                version=version,
                current=adaptation.version,
            ),
            details={
                "current": {"version": adaptation.version, "title": adaptation.title, "body": adaptation.body}
            },
        )
    if action.needs_comment and not comment:
        raise InvalidInput(
            action.comment_field,
            N_(
                "A %(field)s saying %(says)s is required to %(action)s.",
                field=COMMENT_FIELD_WORDS.get(action.comment_field, action.comment_field),
                says=action.comment_says,
                action=action.word,
            ),
        )
    published = adaptation.published_at is not None
    if action.needs_correction_note and published and not correction_note:
        raise InvalidInput(
            "correction_note",
            N_(
                "This approves a correction of a published story: write the public correction note (what "
                "was wrong and what it says now); readers see it, dated, at the foot of the story."
            ),
        )
    if Change.PUBLISH in action.changes:
        _check_publish_at(publish_at, now, correction=published)
    draft = adaptation.draft
    story = Story(
        draft_state=DRAFT_TO_STATE.get(draft.state) if draft else None,
        review_rounds=len(adaptation.rounds),
        scheduled=bool(publish_at and publish_at > now),
        published=published,
        state=adaptation.status,
    )
    named = action.needs_assignee or (action.may_name_assignee and assignee)
    step = Step(
        session,
        actor,
        adaptation,
        action,
        target=action.target.pick(story),
        now=now,
        comment=comment,
        assignee=_active_adaptor(session, assignee) if named else None,
        publish_at=publish_at,
        correction_note=correction_note if action.needs_correction_note and published else "",
        revision=revision,
        priority=priority,
        deadline=deadline,
        deadline_sent=deadline_sent,
    )
    for change in action.changes:
        CHANGES[change](step)
    transition(session, adaptation, name, step.target.value, actor=actor, comment=comment, **step.details)
    session.flush()
    return adaptation


def save_adaptation(
    session: Session,
    actor: User,
    adaptation: Adaptation,
    *,
    title: str,
    body: str,
    version: int,
    limits: Limits,
) -> Adaptation:
    """Store a new title and body if the save is based on the current version; 409 with both texts otherwise."""
    subject = adaptation.subject
    if not can_edit(actor.actor, subject):
        if subject.state not in EDITABLE_STATES:
            raise Conflict(
                N_(
                    "The adaptation is %(state)s; it cannot be edited now.",
                    state=STATE_WORDS[State(adaptation.state)],
                ),
                code="invalid_state",
                details={"state": adaptation.state},
            )
        if subject.holder_id == actor.id:
            raise NotAllowed(
                N_(
                    "The adaptation is %(state)s: it is with the editor, and you can edit it again if they "
                    "send it back.",
                    state=STATE_WORDS[State(adaptation.state)],
                )
            )
        holder = subject.holder_name or "nobody"
        raise NotAllowed(
            N_(
                "Only the adaptor holding it (%(holder)s) or an editor may edit this adaptation.",
                holder=holder,
            )
        )
    title, body = " ".join(title.split()), normalize_body(body)
    if len(title) > limits.max_title_chars:
        raise InvalidInput(
            "title",
            N_(
                "The title is limited to %(max_title_chars)s characters.",
                max_title_chars=limits.max_title_chars,
            ),
        )
    if len(body) > limits.max_body_chars:
        raise InvalidInput(
            "body",
            N_("The body is limited to %(max_body_chars)s characters.", max_body_chars=limits.max_body_chars),
        )
    if version != adaptation.version:
        raise _stale(adaptation, version, title, body)
    adaptation.title, adaptation.body = title, body
    try:
        session.flush()
    except StaleDataError:
        # Someone else's save landed between our read and our write.
        session.rollback()
        fresh = session.get(Adaptation, adaptation.id, populate_existing=True)
        raise _stale(fresh, version, title, body) from None
    live.note_saved(session, adaptation, actor)  # "saved by X as version N", once the caller commits
    return adaptation


def _stale(adaptation: Adaptation, version: int, title: str, body: str) -> StaleVersion:
    return StaleVersion(
        N_(
            "Someone saved this adaptation after you opened it (you started from version "
            "%(version)s, it is now at version %(current)s). Nothing was overwritten: compare both "
            "texts, merge what you need and save again.",
            version=version,
            current=adaptation.version,
        ),
        details={
            "current": {"version": adaptation.version, "title": adaptation.title, "body": adaptation.body},
            "yours": {"version": version, "title": title, "body": body},
        },
    )


def acknowledge_source_change(
    session: Session, actor: User, adaptation: Adaptation, *, note: str = "", revision: int | None = None
) -> Adaptation:
    """The action `acknowledge-source`, for the older address that took it (POST …/acknowledge-source)."""
    return perform_action(session, actor, adaptation, "acknowledge-source", comment=note, revision=revision)


def publish_due(session: Session, now: datetime | None = None) -> list[int]:
    """Publish every scheduled adaptation whose time has come; one whose original was revised since waits,
    flagged, for an editor. Returns the ids published."""
    now = now or utcnow()
    due = session.scalars(
        select(Adaptation)
        .join(Adaptation.article)
        .where(Adaptation.state == State.SCHEDULED.value, Adaptation.publish_at <= now, source_current())
    ).all()
    for adaptation in due:
        version = record_version(session, adaptation, adaptation.publish_at)
        transition(session, adaptation, "publish", State.PUBLISHED.value, actor=None, version=version.number)
    session.flush()
    return [a.id for a in due]
