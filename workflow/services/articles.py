"""Submitting and revising originals; each submission opens one adaptation per target language."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.messages import N_
from ..domain.rules import can_revise_article, can_submit_article, can_view_article
from ..domain.states import DRAFT_STATES, FINAL_STATES, Role, State
from ..models import Adaptation, Article, ArticleRevision, Draft, DraftState, SubmissionKey, User, utcnow
from .adaptations import check_deadline, latest_ready_draft
from .errors import InvalidInput, NotAllowed, NotFound, ServiceError
from .history import add_credit, record, transition
from .inputs import ArticleInput, Limits, parse_body, parse_title


def submit_article(session: Session, actor: User, data: ArticleInput) -> Article:
    """A reporter submits an original; adaptations, draft jobs and the reporter's credit are written with it."""
    if not can_submit_article(actor.actor):
        raise NotAllowed(N_("Only reporters may submit originals."))
    now = utcnow()
    for code in data.targets:
        check_deadline(data.timing(code).deadline, now)
    article = Article(reporter_id=actor.id, language=data.language, section=data.section, current_revision=1)
    article.set_tags(data.tags)
    article.revisions.append(ArticleRevision(number=1, title=data.title, body=data.body, author_id=actor.id))
    session.add(article)
    session.flush()
    for code in data.targets:
        timing = data.timing(code)
        adaptation = Adaptation(
            article=article,
            language=code,
            state=State.QUEUED.value,
            priority=timing.priority.value,
            deadline=timing.deadline,
        )
        session.add(adaptation)
        session.flush()
        adaptation.drafts.append(Draft(revision_number=1, state=DraftState.QUEUED.value))
        add_credit(session, adaptation, Role.REPORTER.value, actor)
        record(
            session,
            adaptation,
            "create",
            from_state=None,
            to_state=State.QUEUED.value,
            actor=actor,
            revision=1,
            priority=timing.priority.value,
            deadline=timing.deadline.isoformat() if timing.deadline else None,
        )
    session.flush()
    return article


def get_article(session: Session, actor: User | None, article_id: int) -> Article:
    """The original, if the actor may see it (otherwise NotFound, so its existence does not leak)."""
    article = session.get(Article, article_id)
    if article is None or not can_view_article(actor.actor if actor else None, article.reporter_id):
        raise NotFound(N_("No article %(article_id)s.", article_id=article_id))
    return article


#: No draft was made yet (or it failed): a revised original is drafted again, the newest revision.
WAITING_FOR_A_DRAFT = DRAFT_STATES - {State.DRAFT_READY}


def revise_article(
    session: Session, actor: User, article: Article, data: dict, limits: Limits, note: str = ""
) -> ArticleRevision:
    """The reporter adds a revision: adaptations still waiting for a draft wait for one of it; those with a draft
    (from `draft_ready` on, published too) are flagged until someone acknowledges it."""
    if not can_revise_article(actor.actor, article.reporter_id):
        raise NotAllowed(N_("Only the reporter who submitted this original may revise it."))
    title = parse_title(data, limits) if data.get("title") is not None else article.latest.title
    body = parse_body(data, limits) if data.get("body") is not None else article.latest.body
    if title == article.latest.title and body == article.latest.body:
        raise InvalidInput("body", N_("Nothing changed: the revision is the same as the current text."))
    number = article.current_revision + 1
    revision = ArticleRevision(number=number, title=title, body=body, author_id=actor.id, note=note[:500])
    article.revisions.append(revision)
    article.current_revision = number
    for adaptation in article.adaptations:
        state = State(adaptation.state)
        if state in (State.REJECTED, State.WITHDRAWN):
            continue
        if state not in FINAL_STATES:  # a published story is flagged; a correction starts from its text
            for old in adaptation.drafts:
                if old.state in (DraftState.QUEUED.value, DraftState.TRANSLATING.value):
                    old.state = DraftState.SUPERSEDED.value
            adaptation.drafts.append(Draft(revision_number=number, state=DraftState.QUEUED.value))
        if state in WAITING_FOR_A_DRAFT:
            transition(session, adaptation, "redraft", State.QUEUED.value, actor=actor, revision=number)
        else:
            if adaptation.based_on_revision is None:
                # Unclaimed: its ready draft was made from an older revision; it stays claimable, flagged, and
                # a claim takes the newest draft ready by then (the one just queued, once done).
                ready = latest_ready_draft(adaptation)
                adaptation.based_on_revision = ready.revision_number if ready else number - 1
            record(
                session,
                adaptation,
                "source-revised",
                from_state=adaptation.state,
                to_state=adaptation.state,
                actor=actor,
                revision=number,
            )
    session.flush()
    return revision


#: How long an `Idempotency-Key` (or a form's one-time token) stands for the original first sent with it.
SUBMISSION_KEY_TTL = timedelta(hours=24)
MAX_KEY_CHARS = 255


def parse_submission_key(value: str | None, field: str) -> str | None:
    """An idempotency key as sent (None when none was): 1–255 visible ASCII characters, else 400 naming it."""
    if value is None or value == "":
        return None
    if len(value) > MAX_KEY_CHARS or not all("!" <= ch <= "~" for ch in value):
        raise InvalidInput(
            field,
            N_(
                "%(field)s must be 1 to %(max_key_chars)s visible ASCII characters (a UUID is a good "
                "choice).",
                field=field,
                max_key_chars=MAX_KEY_CHARS,
            ),
        )
    return value


def fingerprint(sent: Mapping[str, Any]) -> str:
    """What was sent, as a SHA-256 that does not depend on the order of its fields."""
    canonical = json.dumps(sent, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_article_once(
    session: Session,
    actor: User,
    data: ArticleInput,
    *,
    key: str,
    fingerprint: str,
    now: datetime | None = None,
) -> tuple[Article, bool]:
    """Submit an original under a key: the same key from the same person within a day gives back the original
    it first made (and True: replayed); the same key with other content is refused (422)."""
    if not can_submit_article(actor.actor):
        raise NotAllowed(N_("Only reporters may submit originals."))
    now = now or utcnow()
    for code in data.targets:
        check_deadline(data.timing(code).deadline, now)
    session.execute(
        delete(SubmissionKey).where(
            SubmissionKey.user_id == actor.id,
            SubmissionKey.key == key,
            SubmissionKey.created_at < now - SUBMISSION_KEY_TTL,
        )
    )
    claim = SubmissionKey(user_id=actor.id, key=key, fingerprint=fingerprint, created_at=now)
    try:
        # A request with the same key running at the same moment holds the row: this waits for it.
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        earlier = session.scalar(
            select(SubmissionKey).where(SubmissionKey.user_id == actor.id, SubmissionKey.key == key)
        )
        if earlier is None or earlier.article_id is None:
            raise ServiceError(
                N_("A submission with this key is still being processed; try again in a moment."),
                code="idempotency_in_progress",
                status=409,
            ) from None
        if earlier.fingerprint != fingerprint:
            raise ServiceError(
                N_(
                    "This Idempotency-Key was already used, within the last 24 hours, to submit a different "
                    "original (article %(article_id)s). Use a new key for a new submission.",
                    article_id=earlier.article_id,
                ),
                code="idempotency_key_reused",
                status=422,
                details={"field": "Idempotency-Key", "article_id": earlier.article_id},
            ) from None
        return session.get(Article, earlier.article_id), True
    article = submit_article(session, actor, data)
    claim.article_id = article.id
    session.flush()
    return article, False
