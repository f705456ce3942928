"""Submitting and revising originals; each submission opens one adaptation per target language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.rules import can_revise_article, can_submit_article, can_view_article
from ..domain.states import DRAFT_STATES, Role, State
from ..models import Adaptation, Article, ArticleRevision, Draft, DraftState, User
from .errors import InvalidInput, NotAllowed, NotFound
from .history import add_credit, record, transition
from .inputs import ArticleInput, Limits, parse_body, parse_title


def submit_article(session: Session, actor: User, data: ArticleInput) -> Article:
    """A reporter submits an original; adaptations, draft jobs and the reporter's credit are written with it."""
    if not can_submit_article(actor.actor):
        raise NotAllowed("Only reporters may submit originals.")
    article = Article(reporter_id=actor.id, language=data.language, section=data.section, current_revision=1)
    article.set_tags(data.tags)
    article.revisions.append(ArticleRevision(number=1, title=data.title, body=data.body, author_id=actor.id))
    session.add(article)
    session.flush()
    for code in data.targets:
        adaptation = Adaptation(article=article, language=code, state=State.QUEUED.value)
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
        )
    session.flush()
    return article


def get_article(session: Session, actor: User | None, article_id: int) -> Article:
    """The original, if the actor may see it (otherwise NotFound, so its existence does not leak)."""
    article = session.get(Article, article_id)
    if article is None or not can_view_article(actor.actor if actor else None, article.reporter_id):
        raise NotFound(f"No article {article_id}.")
    return article


def revise_article(
    session: Session, actor: User, article: Article, data: dict, limits: Limits, note: str = ""
) -> ArticleRevision:
    """The reporter adds a revision; drafts are redone and adaptations in progress are flagged."""
    any_published = any(a.state == State.PUBLISHED.value for a in article.adaptations)
    if not can_revise_article(actor.actor, article.reporter_id, any_published):
        if any_published:
            raise NotAllowed("An adaptation of this original is published; it can no longer be revised.")
        raise NotAllowed("Only the reporter who submitted this original may revise it.")
    title = parse_title(data, limits) if data.get("title") is not None else article.latest.title
    body = parse_body(data, limits) if data.get("body") is not None else article.latest.body
    if title == article.latest.title and body == article.latest.body:
        raise InvalidInput("body", "Nothing changed: the revision is the same as the current text.")
    number = article.current_revision + 1
    revision = ArticleRevision(number=number, title=title, body=body, author_id=actor.id, note=note[:500])
    article.revisions.append(revision)
    article.current_revision = number
    for adaptation in article.adaptations:
        if State(adaptation.state) in (State.REJECTED, State.WITHDRAWN):
            continue
        for old in adaptation.drafts:
            if old.state in (DraftState.QUEUED.value, DraftState.TRANSLATING.value):
                old.state = DraftState.SUPERSEDED.value
        adaptation.drafts.append(Draft(revision_number=number, state=DraftState.QUEUED.value))
        if State(adaptation.state) in DRAFT_STATES:
            transition(session, adaptation, "redraft", State.QUEUED.value, actor=actor, revision=number)
        else:
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
