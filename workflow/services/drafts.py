"""Machine-translation drafts as the workers see them: take a job, store progress, finish or fail;
queue failed ones again.

Each function flushes inside one short transaction that its caller commits (the draft task, through the
drafting service's checkpoints), so progress is visible to the pages while a long article is translated.

Leases and fencing: taking a job counts an attempt and starts a lease the worker renews (`heartbeat_at`)
while it translates. When the heartbeat lapses (the worker's machine died), the relay sends the job again and
another worker takes it over as the next attempt. Every write of a job's work names its attempt
(`attempt=`), and is refused with LeaseLost once a newer attempt holds the draft, so a late result from a
lost worker never overwrites the newer one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, lazyload

from ..domain.messages import N_
from ..domain.rules import can_retry_drafts
from ..domain.states import DRAFT_STATES, FINAL_STATES, SYSTEM_EVENTS, State
from ..domain.webhooks import WebhookEvent
from ..models import (
    Adaptation,
    Article,
    AuditAction,
    Draft,
    DraftError,
    DraftSegment,
    DraftState,
    User,
    utcnow,
)
from . import audit, webhooks
from .errors import NotAllowed
from .history import transition


class LeaseLost(Exception):
    """A newer attempt holds the draft (this one's lease lapsed): this attempt's writes are refused."""

    def __init__(self, draft_id: int, attempt: int) -> None:
        super().__init__(f"draft {draft_id}: attempt {attempt} no longer holds the job")


@dataclass(frozen=True)
class DraftJob:
    """What a worker needs to translate one draft, detached from the database."""

    draft_id: int
    adaptation_id: int
    revision_number: int
    source_language: str
    target_language: str
    title: str
    body: str
    attempt: int = 0  #: this attempt's number: the fencing token every write of its work names


def lease_lapsed(now: datetime, lease_seconds: int):
    """SQL condition: the draft's last heartbeat (or its start) is older than the lease."""
    return func.coalesce(Draft.heartbeat_at, Draft.started_at) < now - timedelta(seconds=lease_seconds)


def renew_lease(
    session: Session, draft_id: int, attempt: int | None, now: datetime | None = None, **values
) -> bool:
    """Renew this attempt's lease on the draft (and set `values` on it in the same statement); False when a
    newer attempt (or a finish) took it."""
    if attempt is None:
        if values:
            session.execute(update(Draft).where(Draft.id == draft_id).values(**values))
        return True
    held = session.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.attempts == attempt, Draft.state == DraftState.TRANSLATING.value)
        .values(heartbeat_at=now or utcnow(), **values)
        # A draft loaded in this session sees the values set (RETURNING); a lease alone needs no syncing.
        .execution_options(synchronize_session="fetch" if values else False)
    ).rowcount
    return bool(held)


def hold_lease(session: Session, draft_id: int, attempt: int | None, **values) -> None:
    """Renew the lease before writing this attempt's work (locking the row until commit), or raise LeaseLost;
    `values` are set on the draft by the same statement."""
    if not renew_lease(session, draft_id, attempt, **values):
        raise LeaseLost(draft_id, attempt)


def _lock_adaptation(session: Session, adaptation_id: int) -> Adaptation:
    """The adaptation, its row locked until commit; its relationships load when used (a draft's transition
    needs none of the collections the adaptation's pages load with it)."""
    return session.scalar(
        select(Adaptation)
        .where(Adaptation.id == adaptation_id)
        .with_for_update(of=Adaptation)
        .options(lazyload("*"))
    )


def _system_transition(session: Session, adaptation: Adaptation, event: str, **details) -> None:
    from_states, to_state = SYSTEM_EVENTS[event]
    if State(adaptation.state) in from_states:
        transition(session, adaptation, event, to_state.value, actor=None, **details)


def newest_draft_for(session: Session, draft: Draft) -> Draft:
    """The draft of the newest revision of the same adaptation (the job drafts the newest text)."""
    newest = session.scalar(
        select(Draft)
        .where(Draft.adaptation_id == draft.adaptation_id)
        .order_by(Draft.revision_number.desc())
        .limit(1)
    )
    return newest or draft


def take_job(
    session: Session, draft_id: int, task_id: str, *, lease_seconds: int, now: datetime | None = None
) -> DraftJob | None:
    """Mark the draft `translating` for this task as a new attempt, unless it is done, superseded or held by
    a live task.

    A redelivery of the same task (same id, after a worker died) may take the job over, and so may
    any task once the previous holder's heartbeat is older than `lease_seconds`.
    """
    now = now or utcnow()
    draft = session.get(Draft, draft_id)
    if draft is None:
        return None
    draft = newest_draft_for(session, draft)
    taken = session.execute(
        update(Draft)
        .where(
            Draft.id == draft.id,
            or_(
                Draft.state == DraftState.QUEUED.value,
                (Draft.state == DraftState.TRANSLATING.value)
                & or_(Draft.request_id == task_id, lease_lapsed(now, lease_seconds)),
            ),
        )
        .values(
            state=DraftState.TRANSLATING.value,
            started_at=now,
            heartbeat_at=now,
            request_id=task_id,
            attempts=Draft.attempts + 1,
            segments_done=0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return None
    session.refresh(draft)
    adaptation = _lock_adaptation(session, draft.adaptation_id)
    article = session.get(Article, adaptation.article_id)
    revision = article.revision(draft.revision_number)
    _system_transition(session, adaptation, "draft-started", revision=draft.revision_number)
    session.flush()
    return DraftJob(
        draft.id,
        adaptation.id,
        draft.revision_number,
        article.language,
        adaptation.language,
        revision.title,
        revision.body,
        draft.attempts,
    )


def store_segments(
    session: Session, draft_id: int, segments: list[tuple[int, int, str]], *, attempt: int | None = None
) -> None:
    """Write the draft's source segments (index, paragraph, source), replacing any from an earlier attempt."""
    hold_lease(session, draft_id, attempt, segments_total=len(segments), segments_done=0)
    session.execute(delete(DraftSegment).where(DraftSegment.draft_id == draft_id))
    session.add_all(
        DraftSegment(draft_id=draft_id, index=i, paragraph=p, source=s, mt=None) for i, p, s in segments
    )
    session.flush()


def set_progress(session: Session, draft_id: int, done: int, *, attempt: int | None = None) -> None:
    """Record how many segments are translated so far (renewing the attempt's lease)."""
    hold_lease(session, draft_id, attempt, segments_done=done)
    session.flush()


def store_translations(
    session: Session,
    draft_id: int,
    translations: dict[int, str],
    from_memory: frozenset[int] | set[int] = frozenset(),
    *,
    attempt: int | None = None,
) -> None:
    """Store the translation of each segment, by segment index (one batched UPDATE).

    Indexes in `from_memory` were filled from an exact translation-memory match (origin "tm"), not the model.
    """
    hold_lease(session, draft_id, attempt)
    ids = dict(
        session.execute(
            select(DraftSegment.index, DraftSegment.id).where(DraftSegment.draft_id == draft_id)
        ).all()
    )
    rows = [
        {"id": ids[index], "mt": text, "origin": "tm" if index in from_memory else "mt"}
        for index, text in translations.items()
        if index in ids
    ]
    if rows:
        session.execute(update(DraftSegment), rows)
    session.flush()


def finish_draft(
    session: Session,
    draft_id: int,
    *,
    title: str,
    body: str,
    model: str,
    now: datetime | None = None,
    attempt: int | None = None,
) -> bool:
    """Mark the draft ready with its assembled text; the adaptation moves to `draft_ready` if it waits for it.

    Returns False when there was nothing to do (another delivery of the same job finished first); raises
    LeaseLost when `attempt` no longer holds the draft.
    """
    adaptation_id = session.scalar(select(Draft.adaptation_id).where(Draft.id == draft_id))
    if adaptation_id is None:
        return False
    adaptation = _lock_adaptation(session, adaptation_id)
    draft = session.get(Draft, draft_id, populate_existing=True)
    if draft.state == DraftState.READY.value:
        return False
    if attempt is not None and (draft.attempts != attempt or draft.state != DraftState.TRANSLATING.value):
        raise LeaseLost(draft_id, attempt)
    draft.title, draft.body, draft.model = title, body, model
    draft.segments_done = draft.segments_total
    draft.finished_at = now or utcnow()
    is_newest = newest_draft_for(session, draft).id == draft.id
    draft.state = DraftState.READY.value if is_newest else DraftState.SUPERSEDED.value
    if is_newest:
        _system_transition(session, adaptation, "draft-ready", revision=draft.revision_number, model=model)
        if _unclaimed_draft_only(adaptation) and adaptation.based_on_revision is not None:
            # Flagged while waiting with an older draft: a claim now takes this one, of the newest revision.
            adaptation.based_on_revision = draft.revision_number
        webhooks.announce(session, WebhookEvent.DRAFT_READY, webhooks.draft_data(adaptation, draft), now)
    session.flush()
    return True


def _unclaimed_draft_only(adaptation: Adaptation) -> bool:
    """Whether the adaptation is nothing but its machine draft yet: ready, held by nobody, no text of its own."""
    return (
        adaptation.state == State.DRAFT_READY.value
        and adaptation.holder_id is None
        and not adaptation.title
        and not adaptation.body
    )


def fail_draft(
    session: Session,
    draft_id: int,
    error: str,
    *,
    code: DraftError = DraftError.TRANSLATION,
    now: datetime | None = None,
    attempt: int | None = None,
) -> None:
    """Mark the draft failed with a message for people and a code for programs; the adaptation moves to
    `mt_failed` if it waits for it. Raises LeaseLost when `attempt` no longer holds the draft."""
    adaptation_id = session.scalar(select(Draft.adaptation_id).where(Draft.id == draft_id))
    if adaptation_id is None:
        return
    adaptation = _lock_adaptation(session, adaptation_id)
    draft = session.get(Draft, draft_id, populate_existing=True)
    if draft.state in (DraftState.READY.value, DraftState.SUPERSEDED.value):
        return
    if attempt is not None and (draft.attempts != attempt or draft.state != DraftState.TRANSLATING.value):
        raise LeaseLost(draft_id, attempt)
    draft.state, draft.error, draft.finished_at = DraftState.FAILED.value, error, now or utcnow()
    draft.error_code = code.value
    if newest_draft_for(session, draft).id == draft.id:
        _system_transition(session, adaptation, "draft-failed", revision=draft.revision_number, error=error)
        webhooks.announce(session, WebhookEvent.DRAFT_FAILED, webhooks.draft_data(adaptation, draft), now)
    session.flush()


def release_job(session: Session, draft_id: int, *, attempt: int | None = None) -> bool:
    """Put a draft back in the queue (after a transient failure, or as its worker stops), so a new delivery
    can take it at once; False when this attempt no longer held it."""
    stmt = update(Draft).where(Draft.id == draft_id, Draft.state == DraftState.TRANSLATING.value)
    if attempt is not None:
        stmt = stmt.where(Draft.attempts == attempt)
    released = session.execute(
        stmt.values(state=DraftState.QUEUED.value, request_id="", heartbeat_at=None)
    ).rowcount
    session.flush()
    return bool(released)


def retry_failed_drafts(
    session: Session, actor: User, *, source: str | None = None, target: str | None = None
) -> list[int]:
    """Queue again every failed newest draft (of one language pair, or all), e.g. after a model was installed.

    Adaptations still waiting for their draft go back to `queued`; claimed ones keep their state and
    text, and the new draft appears beside the adaptor's work when it is ready.
    """
    if not can_retry_drafts(actor.actor):
        raise NotAllowed(N_("Only admins may retry failed drafts."))
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .where(Adaptation.state.not_in([s.value for s in FINAL_STATES]))
    )
    if source:
        stmt = stmt.where(Article.language == source)
    if target:
        stmt = stmt.where(Adaptation.language == target)
    retried = []
    for adaptation in session.scalars(stmt).unique():
        draft = adaptation.draft
        if draft is None or draft.state != DraftState.FAILED.value:
            continue
        _queue_again(session, adaptation, draft, actor)
        retried.append(draft.id)
    if retried:
        audit.record(
            session, actor, AuditAction.DRAFTS_RETRIED, source=source, target=target, drafts=len(retried)
        )
    session.flush()
    return retried


def requeue_drafts_with_models(session: Session, can_translate: Callable[[str, str], bool]) -> list[int]:
    """Queue again every newest draft that failed for want of a model, once `can_translate(source, target)`
    says a model serving its pair is installed (by any path); the system does it, no person."""
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .join(Draft, Draft.adaptation_id == Adaptation.id)
        .where(
            Adaptation.state.not_in([s.value for s in FINAL_STATES]),
            Draft.state == DraftState.FAILED.value,
            Draft.error_code == DraftError.MISSING_MODEL.value,
        )
    )
    covered: dict[tuple[str, str], bool] = {}
    retried = []
    for adaptation in session.scalars(stmt).unique():
        draft = adaptation.draft  # the newest: an older failed draft of a revised original does not count
        pair = (adaptation.article.language, adaptation.language)
        if draft.state != DraftState.FAILED.value or draft.error_code != DraftError.MISSING_MODEL.value:
            continue
        if pair not in covered:
            covered[pair] = can_translate(*pair)
        if covered[pair]:
            _queue_again(session, adaptation, draft, None, reason="model installed")
            retried.append(draft.id)
    session.flush()
    return retried


def _queue_again(
    session: Session, adaptation: Adaptation, draft: Draft, actor: User | None, **details
) -> None:
    """Put a failed draft back in the queue; an adaptation still waiting for it goes back to `queued`."""
    draft.state, draft.error, draft.error_code, draft.request_id = DraftState.QUEUED.value, "", "", ""
    draft.dispatched_at = draft.started_at = draft.heartbeat_at = draft.finished_at = None
    draft.segments_done = 0
    if State(adaptation.state) in DRAFT_STATES:
        transition(
            session,
            adaptation,
            "redraft",
            State.QUEUED.value,
            actor=actor,
            revision=draft.revision_number,
            retry=True,
            **details,
        )
