"""Read-only questions the pages and the API ask: work lists, credits, the public site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal_column, select
from sqlalchemy.orm import Session, defaultload, defer, lazyload, selectinload

from ..domain.credits import credit_line, credit_segments
from ..domain.priority import Priority
from ..domain.states import Role, State
from ..models import (
    Adaptation,
    Article,
    ArticleRevision,
    ArticleTag,
    Credit,
    Draft,
    HistoryEntry,
    PublishedVersion,
    ReviewRound,
    RoleGrant,
    User,
)
from .publishing import on_site


@dataclass(frozen=True)
class Credits:
    """The people credited on an adaptation, by role, in the order they earned it."""

    reporters: list[User]
    adaptors: list[User]
    editors: list[User]
    language: str

    @property
    def line(self) -> str:
        """The byline printed on the published page."""
        return credit_line(
            [u.display_name for u in self.reporters], [u.display_name for u in self.adaptors], self.language
        )

    @property
    def segments(self) -> list[tuple[str, User | None]]:
        """The byline in pieces: each credited name with its person, the words between with None."""
        return credit_segments(self.reporters, self.adaptors, self.language, name=lambda u: u.display_name)

    def as_list(self) -> list[dict]:
        """Credits as `[{role, username, name}]`, reporters first, then adaptors, then editors."""
        rows = []
        for role, users in (
            ("reporter", self.reporters),
            ("adaptor", self.adaptors),
            ("editor", self.editors),
        ):
            rows.extend({"role": role, "username": u.username, "name": u.display_name} for u in users)
        return rows


def credits_for_many(session: Session, adaptations: list[Adaptation]) -> dict[int, Credits]:
    """The credits of many adaptations in one query, by adaptation id."""
    by_id: dict[int, dict[str, list[User]]] = {
        a.id: {r.value: [] for r in (Role.REPORTER, Role.ADAPTOR, Role.EDITOR)} for a in adaptations
    }
    if by_id:
        rows = session.scalars(
            select(Credit)
            .where(Credit.adaptation_id.in_(by_id))
            .order_by(Credit.id)
            .options(defaultload(Credit.user).options(lazyload(User.role_grants)))
        )
        for row in rows:
            by_id[row.adaptation_id].setdefault(row.role, []).append(row.user)
    return {
        a.id: Credits(by_id[a.id]["reporter"], by_id[a.id]["adaptor"], by_id[a.id]["editor"], a.language)
        for a in adaptations
    }


def credits_for(adaptation: Adaptation) -> Credits:
    """The recorded credits of one adaptation, from its `credits` (loaded with it, and kept in step by
    `history.add_credit`, which appends there)."""
    by_role: dict[str, list[User]] = {r.value: [] for r in (Role.REPORTER, Role.ADAPTOR, Role.EDITOR)}
    for row in adaptation.credits:
        by_role.setdefault(row.role, []).append(row.user)
    return Credits(by_role["reporter"], by_role["adaptor"], by_role["editor"], adaptation.language)


def history_for(session: Session, adaptation: Adaptation) -> list[HistoryEntry]:
    """The adaptation's history, oldest first."""
    return list(
        session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.adaptation_id == adaptation.id)
            .order_by(HistoryEntry.id)
            .options(defaultload(HistoryEntry.actor).options(lazyload(User.role_grants)))  # names, not roles
        )
    )


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, the page number (from 1), the page size, and how many there are in all."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        """The number of the last page (1 for an empty list)."""
        return max(1, -(-self.total // self.size))


def page_of(session: Session, stmt: Select, number: int, size: int) -> Page:
    """Page `number` of `size` rows of an ordered select, with the total count (two statements)."""
    # Counted over the rows' FROM and WHERE alone: a row's columns (texts among them) are no part of a count.
    counted = stmt.order_by(None).with_only_columns(literal_column("1"), maintain_column_froms=True)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    items = list(session.scalars(stmt.limit(size).offset((number - 1) * size)).unique())
    return Page(items, number, size, total)


def work_queue_select(
    *,
    states: list[str] | None = None,
    language: str | None = None,
    holder_id: int | None = None,
    source_changed: bool = False,
    state_order: list[str] | None = None,
) -> Select:
    """Adaptations in the given states (and language, and holder; flagged ones only), in `state_order` (states
    not in it last), then by priority, then deadline (soonest first, none last), then oldest first, with their
    originals, drafts and review rounds loaded alongside.

    The originals are joined only to filter on them, and loaded for the page's rows alone (not joined into the
    page's query, where PostgreSQL would hash every original in the archive before sorting): counting and
    sorting the list read the adaptations alone."""
    stmt = select(Adaptation).options(*work_list_loads())
    if source_changed:
        stmt = stmt.join(Adaptation.article).where(Adaptation.based_on_revision < Article.current_revision)
    if states:
        stmt = stmt.where(Adaptation.state.in_(states))
    if language:
        stmt = stmt.where(Adaptation.language == language)
    if holder_id is not None:
        stmt = stmt.where(Adaptation.holder_id == holder_id)
    order = []
    if state_order:
        order.append(
            case({s: i for i, s in enumerate(state_order)}, value=Adaptation.state, else_=len(state_order))
        )
    return stmt.order_by(*order, *urgency_order(), Adaptation.created_at, Adaptation.id)


def work_list_loads() -> tuple:
    """What a work list's rows read, loaded alongside in a statement each; and what they never read left out.

    A row shows the original's newest title and its length, who reported and who holds it, its draft's progress,
    its review rounds' count and times, and the credits' ids (the rules' four eyes): not the texts of the
    adaptation, the original's revisions, drafts, rounds and published versions (a length is the stored word
    count), nor tags, nor anyone's roles, which the models load with every row by default (the adaptor queue
    read them in four more statements, fourteen in all)."""
    no_roles = (lazyload(User.role_grants),)
    return (
        defer(Adaptation.body),
        lazyload(Adaptation.versions),
        defaultload(Adaptation.holder).options(*no_roles),
        selectinload(Adaptation.drafts).options(defer(Draft.body), defer(Draft.error)),
        selectinload(Adaptation.credits).options(lazyload(Credit.user)),
        selectinload(Adaptation.rounds).options(
            defer(ReviewRound.title),
            defer(ReviewRound.body),
            defer(ReviewRound.comment),
            lazyload(ReviewRound.draft),
            defaultload(ReviewRound.adaptor).options(*no_roles),
            defaultload(ReviewRound.editor).options(*no_roles),
        ),
        selectinload(Adaptation.article).options(
            lazyload(Article.tag_rows),
            defaultload(Article.reporter).options(*no_roles),
            selectinload(Article.revisions).options(
                lazyload(ArticleRevision.author), defer(ArticleRevision.body)
            ),
        ),
    )


def urgency_order() -> tuple:
    """Sort keys putting the more urgent first: by priority, then by deadline, soonest first and none last."""
    rank = case({p.value: p.rank for p in Priority}, value=Adaptation.priority, else_=len(Priority))
    return rank, Adaptation.deadline.is_(None), Adaptation.deadline


def work_queue(
    session: Session,
    *,
    states: list[str] | None = None,
    language: str | None = None,
    holder_id: int | None = None,
    source_changed: bool = False,
    limit: int = 200,
) -> list[Adaptation]:
    """Adaptations in the given states (and language, and holder; flagged ones only), the most urgent first."""
    stmt = work_queue_select(
        states=states, language=language, holder_id=holder_id, source_changed=source_changed
    )
    return list(session.scalars(stmt.limit(limit)).unique())


def articles_select(reporter_id: int | None = None) -> Select:
    """Originals (one reporter's, or everyone's), newest first, with what their lists show loaded alongside."""
    stmt = select(Article).options(
        selectinload(Article.adaptations).selectinload(Adaptation.drafts),
        selectinload(Article.revisions),
    )
    if reporter_id is not None:
        stmt = stmt.where(Article.reporter_id == reporter_id)
    return stmt.order_by(Article.created_at.desc(), Article.id.desc())


def articles_by_reporter(session: Session, reporter_id: int, limit: int = 200) -> list[Article]:
    """A reporter's originals, newest first."""
    return list(session.scalars(articles_select(reporter_id).limit(limit)).unique())


def _published_select(section: str | None, tag: str | None, language: str | None) -> Select:
    stmt = select(Adaptation).join(Adaptation.article).where(on_site())
    if section:
        stmt = stmt.where(Article.section == section)
    if tag:
        stmt = stmt.where(Article.id.in_(select(ArticleTag.article_id).where(ArticleTag.tag == tag)))
    if language:
        stmt = stmt.where(Adaptation.language == language)
    return stmt


def published(
    session: Session,
    *,
    section: str | None = None,
    tag: str | None = None,
    language: str | None = None,
    limit: int = 50,
    offset: int = 0,
    loads: tuple = (),
) -> list[Adaptation]:
    """Stories on the public site (published, or being corrected), newest first, by section, tag and language;
    `loads` are loader options (`teaser_loads()` for a list of teasers)."""
    stmt = _published_select(section, tag, language).options(*loads)
    stmt = stmt.order_by(Adaptation.published_at.desc(), Adaptation.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt).unique())


def teaser_loads() -> tuple:
    """What a list of teasers reads, and no more: each story's published versions (its text on the site, its
    corrections) and its original's section. Not its holder, credits (`credits_for_many` reads them in one
    statement), tags, reporter or anyone's roles, which the models load with every row by default (a page of
    twenty teasers read them in five more statements and built four hundred objects it never showed)."""
    return (
        lazyload(Adaptation.holder),
        lazyload(Adaptation.credits),
        selectinload(Adaptation.versions).options(lazyload(PublishedVersion.approved_by)),
        defaultload(Adaptation.article).options(lazyload(Article.reporter), lazyload(Article.tag_rows)),
    )


def tag_on_site(session: Session, tag: str) -> bool:
    """Whether any story on the public site carries `tag`."""
    stmt = (
        select(Adaptation.id)
        .join(Adaptation.article)
        .where(on_site(), Article.id.in_(select(ArticleTag.article_id).where(ArticleTag.tag == tag)))
        .limit(1)
    )
    return session.scalar(stmt) is not None


def published_since(session: Session, since: datetime, limit: int = 1000) -> list[Adaptation]:
    """Stories on the public site first published at or after `since`, newest first."""
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .where(on_site(), Adaptation.published_at >= since)
        .order_by(Adaptation.published_at.desc(), Adaptation.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


#: The roles a people page lists stories for: the people who wrote them.
BYLINE_ROLES = (Role.REPORTER.value, Role.ADAPTOR.value)


def credited_stories(
    session: Session, user_id: int, number: int = 1, size: int = 200
) -> tuple[Page, list[tuple[Adaptation, list[str]]]]:
    """Page `number` of the stories on the public site a person reported or adapted, newest first, each with
    those roles (three statements, whatever the page size)."""
    credited = select(Credit.adaptation_id).where(Credit.user_id == user_id, Credit.role.in_(BYLINE_ROLES))
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .where(on_site(), Adaptation.id.in_(credited))
        .order_by(Adaptation.published_at.desc(), Adaptation.id.desc())
    )
    page = page_of(session, stmt, number, size)
    roles: dict[int, list[str]] = {a.id: [] for a in page.items}
    if roles:
        for adaptation_id, role in session.execute(
            select(Credit.adaptation_id, Credit.role)
            .where(
                Credit.user_id == user_id,
                Credit.role.in_(BYLINE_ROLES),
                Credit.adaptation_id.in_(list(roles)),
            )
            .order_by(Credit.role.desc())
        ):
            if role not in roles[adaptation_id]:
                roles[adaptation_id].append(role)
    return page, [(a, roles[a.id]) for a in page.items]


def published_by_ids(session: Session, adaptation_ids: list[int], loads: tuple = ()) -> list[Adaptation]:
    """The stories with these ids that are on the public site now (in no particular order), with `loads`."""
    if not adaptation_ids:
        return []
    stmt = select(Adaptation).where(Adaptation.id.in_(adaptation_ids), on_site()).options(*loads)
    return list(session.scalars(stmt).unique())


def published_count(
    session: Session, *, section: str | None = None, tag: str | None = None, language: str | None = None
) -> int:
    """How many stories `published` would list with these filters, on all pages."""
    stmt = _published_select(section, tag, language).with_only_columns(func.count(Adaptation.id))
    return session.scalar(stmt) or 0


def published_sections(session: Session) -> list[str]:
    """Sections that have at least one published adaptation, in one statement whose cost follows the number of
    sections, not of articles: the distinct sections are walked through the `articles.section` index (a
    recursive "skip scan"), and each is kept when one story of it is on the site."""
    walk = select(func.min(Article.section).label("section")).cte("sections", recursive=True)
    following = select(func.min(Article.section)).where(Article.section > walk.c.section).scalar_subquery()
    walk = walk.union_all(select(following).where(walk.c.section.is_not(None)))
    # A scalar subquery with LIMIT 1 (not EXISTS, which PostgreSQL may turn into a join over every published
    # story) stops at the section's first story on the site.
    one_on_site = (
        select(Adaptation.id)
        .join(Adaptation.article)
        .where(Article.section == walk.c.section, on_site())
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(walk.c.section)
        .where(walk.c.section.is_not(None), one_on_site.is_not(None))
        .order_by(walk.c.section)
    )
    return list(session.scalars(stmt))


def neighbours(session: Session, adaptation: Adaptation) -> tuple[Adaptation | None, Adaptation | None]:
    """The published adaptations just before and just after this one (same language)."""
    base = select(Adaptation).where(
        on_site(),
        Adaptation.language == adaptation.language,
        Adaptation.id != adaptation.id,
    )
    key = (Adaptation.published_at, Adaptation.id)
    previous = session.scalar(
        base.where(
            (Adaptation.published_at < adaptation.published_at)
            | ((Adaptation.published_at == adaptation.published_at) & (Adaptation.id < adaptation.id))
        )
        .order_by(key[0].desc(), key[1].desc())
        .limit(1)
    )
    following = session.scalar(
        base.where(
            (Adaptation.published_at > adaptation.published_at)
            | ((Adaptation.published_at == adaptation.published_at) & (Adaptation.id > adaptation.id))
        )
        .order_by(key[0], key[1])
        .limit(1)
    )
    return previous, following


def related(session: Session, adaptation: Adaptation, limit: int = 3) -> list[Adaptation]:
    """Published adaptations sharing the most tags with this one, then the same section, newest first."""
    tags = adaptation.article.tags
    shared = (
        select(ArticleTag.article_id, func.count().label("n"))
        .where(ArticleTag.tag.in_(tags))
        .group_by(ArticleTag.article_id)
        .subquery()
    )
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .outerjoin(shared, shared.c.article_id == Article.id)
        .where(
            on_site(),
            Adaptation.language == adaptation.language,
            Adaptation.article_id != adaptation.article_id,
        )
        .where((shared.c.n > 0) | (Article.section == adaptation.article.section))
        .order_by(func.coalesce(shared.c.n, 0).desc(), Adaptation.published_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


#: States in which a revision of the original holds a story for an editor: it waits to go out, or is out.
HELD_FOR_SOURCE = (State.SCHEDULED, State.PUBLISHED, State.CORRECTING, State.UNPUBLISHED)


def source_changed_stories(session: Session, limit: int = 200) -> list[Adaptation]:
    """Scheduled and published stories whose original was revised since they were approved, oldest first."""
    # The list names each story and its revisions: no texts (the story's, its drafts') are read for it.
    stmt = (
        select(Adaptation)
        .join(Adaptation.article)
        .options(defer(Adaptation.body), selectinload(Adaptation.drafts).options(defer(Draft.body)))
        .where(
            Adaptation.state.in_([s.value for s in HELD_FOR_SOURCE]),
            Adaptation.based_on_revision < Article.current_revision,
        )
        .order_by(Adaptation.publish_at, Adaptation.published_at, Adaptation.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


def users(session: Session) -> list[User]:
    """Everyone, by username."""
    return list(session.scalars(users_select()))


def active_adaptors(session: Session) -> list[User]:
    """People who may log in and hold the adaptor role, by username (the database picks them, not Python)."""
    held = select(RoleGrant.user_id).where(RoleGrant.role == Role.ADAPTOR.value)
    stmt = users_select().where(User.active.is_(True), User.id.in_(held)).options(lazyload(User.role_grants))
    return list(session.scalars(stmt))


def users_select() -> Select:
    """Everyone, by username (for `page_of`)."""
    return select(User).order_by(User.username, User.id)
