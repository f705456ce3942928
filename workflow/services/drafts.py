"""Machine-translation drafts as the workers see them: take a job, store progress, finish or fail;
queue failed ones again; find the jobs the outbox's relay should send.

Each function flushes inside one short transaction that its caller commits (the draft task, through the
drafting service's checkpoints), so progress is visible to the pages while a long article is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..domain.rules import can_retry_drafts
from ..domain.states import DRAFT_STATES, FINAL_STATES, SYSTEM_EVENTS, State
from ..models import Adaptation, Article, Draft, DraftError, DraftSegment, DraftState, User, utcnow
from .errors import NotAllowed
from .history import transition


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
    """Mark the draft `translating` for this task, unless it is done, superseded or held by a live task.

    A redelivery of the same task (same id, after a worker died) may take the job over, and so may
    any task once the previous holder's lease has run out.
    """
    now = now or utcnow()
    draft = session.get(Draft, draft_id)
    if draft is None:
        return None
    draft = newest_draft_for(session, draft)
    stale_before = now - timedelta(seconds=lease_seconds)
    taken = session.execute(
        update(Draft)
        .where(
            Draft.id == draft.id,
            or_(
                Draft.state == DraftState.QUEUED.value,
                (Draft.state == DraftState.TRANSLATING.value)
                & or_(Draft.request_id == task_id, Draft.started_at < stale_before),
            ),
        )
        .values(
            state=DraftState.TRANSLATING.value,
            started_at=now,
            request_id=task_id,
            attempts=Draft.attempts + 1,
            segments_done=0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return None
    session.refresh(draft)
    adaptation = session.scalar(
        select(Adaptation).where(Adaptation.id == draft.adaptation_id).with_for_update(of=Adaptation)
    )
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
    )


def store_segments(session: Session, draft_id: int, segments: list[tuple[int, int, str]]) -> None:
    """Write the draft's source segments (index, paragraph, source), replacing any from an earlier attempt."""
    session.execute(delete(DraftSegment).where(DraftSegment.draft_id == draft_id))
    session.add_all(
        DraftSegment(draft_id=draft_id, index=i, paragraph=p, source=s, mt=None) for i, p, s in segments
    )
    session.execute(
        update(Draft).where(Draft.id == draft_id).values(segments_total=len(segments), segments_done=0)
    )
    session.flush()


def set_progress(session: Session, draft_id: int, done: int) -> None:
    """Record how many segments are translated so far."""
    session.execute(update(Draft).where(Draft.id == draft_id).values(segments_done=done))
    session.flush()


def store_translations(
    session: Session,
    draft_id: int,
    translations: dict[int, str],
    from_memory: frozenset[int] | set[int] = frozenset(),
) -> None:
    """Store the translation of each segment, by segment index (one batched UPDATE).

    Indexes in `from_memory` were filled from an exact translation-memory match (origin "tm"), not the model.
    """
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
    session: Session, draft_id: int, *, title: str, body: str, model: str, now: datetime | None = None
) -> bool:
    """Mark the draft ready with its assembled text; the adaptation moves to `draft_ready` if it waits for it.

    Returns False when there was nothing to do (another delivery of the same job finished first).
    """
    adaptation_id = session.scalar(select(Draft.adaptation_id).where(Draft.id == draft_id))
    if adaptation_id is None:
        return False
    adaptation = session.scalar(
        select(Adaptation).where(Adaptation.id == adaptation_id).with_for_update(of=Adaptation)
    )
    draft = session.get(Draft, draft_id, populate_existing=True)
    if draft.state == DraftState.READY.value:
        return False
    draft.title, draft.body, draft.model = title, body, model
    draft.segments_done = draft.segments_total
    draft.finished_at = now or utcnow()
    is_newest = newest_draft_for(session, draft).id == draft.id
    draft.state = DraftState.READY.value if is_newest else DraftState.SUPERSEDED.value
    if is_newest:
        _system_transition(session, adaptation, "draft-ready", revision=draft.revision_number, model=model)
    session.flush()
    return True


def fail_draft(
    session: Session,
    draft_id: int,
    error: str,
    *,
    code: DraftError = DraftError.TRANSLATION,
    now: datetime | None = None,
) -> None:
    """Mark the draft failed with a message for people and a code for programs; the adaptation moves to
    `mt_failed` if it waits for it."""
    adaptation_id = session.scalar(select(Draft.adaptation_id).where(Draft.id == draft_id))
    if adaptation_id is None:
        return
    adaptation = session.scalar(
        select(Adaptation).where(Adaptation.id == adaptation_id).with_for_update(of=Adaptation)
    )
    draft = session.get(Draft, draft_id, populate_existing=True)
    if draft.state in (DraftState.READY.value, DraftState.SUPERSEDED.value):
        return
    draft.state, draft.error, draft.finished_at = DraftState.FAILED.value, error, now or utcnow()
    draft.error_code = code.value
    if newest_draft_for(session, draft).id == draft.id:
        _system_transition(session, adaptation, "draft-failed", revision=draft.revision_number, error=error)
    session.flush()


def release_job(session: Session, draft_id: int) -> None:
    """Put a draft back in the queue after a transient failure, so a retry can take it."""
    session.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.state == DraftState.TRANSLATING.value)
        .values(state=DraftState.QUEUED.value, request_id="")
    )
    session.flush()


def retry_failed_drafts(
    session: Session, actor: User, *, source: str | None = None, target: str | None = None
) -> list[int]:
    """Queue again every failed newest draft (of one language pair, or all), e.g. after a model was installed.

    Adaptations still waiting for their draft go back to `queued`; claimed ones keep their state and
    text, and the new draft appears beside the adaptor's work when it is ready.
    """
    if not can_retry_drafts(actor.actor):
        raise NotAllowed("Only admins may retry failed drafts.")
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
        draft.state, draft.error, draft.error_code, draft.request_id = DraftState.QUEUED.value, "", "", ""
        draft.dispatched_at = draft.started_at = draft.finished_at = None
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
            )
        retried.append(draft.id)
    session.flush()
    return retried


#: A new draft is sent right after its commit; the relay leaves it alone this long so it is not sent twice.
DISPATCH_GRACE = timedelta(seconds=15)


def drafts_to_dispatch(
    session: Session,
    *,
    resend_after_seconds: int,
    lease_seconds: int,
    now: datetime | None = None,
    limit: int = 500,
) -> list[int]:
    """Drafts the relay should hand to Celery: never sent, sent but not started in time, or stalled."""
    now = now or utcnow()
    never_sent = Draft.dispatched_at.is_(None) & (Draft.created_at < now - DISPATCH_GRACE)
    stmt = (
        select(Draft.id)
        .where(
            or_(
                (Draft.state == DraftState.QUEUED.value)
                & or_(never_sent, Draft.dispatched_at < now - timedelta(seconds=resend_after_seconds)),
                (Draft.state == DraftState.TRANSLATING.value)
                & (Draft.started_at < now - timedelta(seconds=lease_seconds)),
            )
        )
        .order_by(Draft.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_dispatched(session: Session, draft_ids: list[int], now: datetime | None = None) -> None:
    """Record that these drafts were handed to the broker."""
    if draft_ids:
        session.execute(update(Draft).where(Draft.id.in_(draft_ids)).values(dispatched_at=now or utcnow()))
        session.flush()
