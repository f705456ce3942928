"""Archive search: the index of originals, adaptations and published stories, kept in step on every flush,
and the desk's and the public site's searches over it (PostgreSQL full text, or SQLite FTS5).

Every flush that adds or changes an original, a revision, tags, an adaptation, a credit or a published
version re-indexes the articles it touched (`track_changes`), in the same transaction: the index is never
behind what the transaction wrote, whichever service wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    column,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session, load_only, sessionmaker

from ..domain import search as rules
from ..domain.messages import N_
from ..domain.states import OFF_SITE_STATES, Role, State
from ..models import (
    Adaptation,
    Article,
    ArticleRevision,
    ArticleTag,
    Credit,
    PublishedVersion,
    SearchDocument,
    SearchKind,
    User,
)
from .errors import InvalidInput

#: Articles re-indexed per batch of statements.
INDEX_BATCH = 500
#: ts_headline's options: matches marked with private-use characters the page turns into <mark> (escaped).
HEADLINE_OPTIONS = (
    f"StartSel={rules.MARK_START}, StopSel={rules.MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2"
)
#: ts_headline reads the whole text it is given, about a millisecond for a 5,000-word investigation: a page of
#: such hits took 25 ms. It is given this many characters of the text, from HEADLINE_LEAD before the first place
#: a query word (as written, or its stem) appears, or from the start when none does as such (an English form).
HEADLINE_CHARS, HEADLINE_LEAD = 1500, 400
#: PostgreSQL ranks the newest this many matches of a search by relevance (a search engine's rescore window) and
#: lists the older ones after them, newest first: ranking reads each match's whole document, so ranking every
#: match of a common word would take ever longer as the archive grows; listing reads only its date.
RANK_WINDOW = 100
#: SQLite's FTS5 table over search_documents (migration 0011; not a model).
_FTS = table("search_fts", column("rowid"))
#: Desk search kinds.
DESK_KINDS = (SearchKind.ORIGINAL.value, SearchKind.ADAPTATION.value)


@dataclass(frozen=True)
class SearchFilters:
    """What a desk search is narrowed to."""

    states: tuple[str, ...] = ()
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its title, a snippet with the matches marked, and when it last changed."""

    kind: str
    article_id: int
    adaptation_id: int | None
    reporter_id: int
    language: str
    state: str
    title: str
    snippet: str
    dated_at: datetime

    @property
    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) runs, for a page to mark up."""
        return rules.snippet_parts(self.snippet)

    def as_json(self) -> dict[str, Any]:
        """The hit as the API gives it (`snippet_html`: escaped text, matches in <mark>)."""
        return {
            "kind": self.kind,
            "article_id": self.article_id,
            "adaptation_id": self.adaptation_id,
            "language": self.language,
            "state": self.state or None,
            "title": self.title,
            "snippet_html": rules.snippet_html(self.snippet),
            "dated_at": self.dated_at.isoformat().replace("+00:00", "Z"),
        }


@dataclass(frozen=True)
class SearchPage:
    """One page of hits, best first, and how many there are in all."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int


# --- the index -------------------------------------------------------------------------------------------


def _names(rows: Iterable) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for key, name in rows:
        if name not in found.setdefault(key, []):
            found[key].append(name)
    return found


def _documents(connection: Connection, article_ids: list[int], stems: bool = True) -> list[dict[str, Any]]:
    """The search documents of these articles as rows to insert, read through `connection` (`stems`: see
    `rules.index_text`)."""
    reporter = User.__table__.alias("reporter")
    articles = connection.execute(
        select(
            Article.id,
            Article.language,
            Article.reporter_id,
            Article.updated_at,
            ArticleRevision.title,
            ArticleRevision.body,
            reporter.c.display_name,
        )
        .join(
            ArticleRevision,
            (ArticleRevision.article_id == Article.id) & (ArticleRevision.number == Article.current_revision),
        )
        .join(reporter, reporter.c.id == Article.reporter_id)
        .where(Article.id.in_(article_ids))
    ).all()
    tags = _names(
        connection.execute(
            select(ArticleTag.article_id, ArticleTag.tag)
            .where(ArticleTag.article_id.in_(article_ids))
            .order_by(ArticleTag.article_id, ArticleTag.position)
        )
    )
    holder = User.__table__.alias("holder")
    adaptations = connection.execute(
        select(
            Adaptation.id,
            Adaptation.article_id,
            Adaptation.language,
            Adaptation.state,
            Adaptation.title,
            Adaptation.body,
            Adaptation.published_at,
            Adaptation.updated_at,
            holder.c.display_name,
        )
        .outerjoin(holder, holder.c.id == Adaptation.holder_id)
        .where(Adaptation.article_id.in_(article_ids))
    ).all()
    adaptation_ids = [a.id for a in adaptations]
    credited = _names(
        connection.execute(
            select(Credit.adaptation_id, User.display_name)
            .join(User, User.id == Credit.user_id)
            .where(Credit.adaptation_id.in_(adaptation_ids))
            .order_by(Credit.adaptation_id, Credit.id)
        )
    )
    newest = (
        select(PublishedVersion.adaptation_id, func.max(PublishedVersion.number).label("number"))
        .where(PublishedVersion.adaptation_id.in_(adaptation_ids))
        .group_by(PublishedVersion.adaptation_id)
        .subquery()
    )
    live = {
        v.adaptation_id: v
        for v in connection.execute(
            select(PublishedVersion.adaptation_id, PublishedVersion.title, PublishedVersion.body).join(
                newest,
                (newest.c.adaptation_id == PublishedVersion.adaptation_id)
                & (newest.c.number == PublishedVersion.number),
            )
        )
    }
    by_article = {a.id: a for a in articles}
    rows: list[dict[str, Any]] = []

    def row(kind: str, ref_id: int, article, **fields) -> dict[str, Any]:
        tag_text = " ".join(tags.get(article.id, []))
        return {
            "kind": kind,
            "ref_id": ref_id,
            "article_id": article.id,
            "reporter_id": article.reporter_id,
            "title_key": rules.index_text(fields["title"], stems=stems),
            "body_key": rules.index_text(fields.pop("body"), stems=stems),
            "tags": rules.index_text(tag_text, stems=stems),
            "people": rules.index_text(" ".join(fields.pop("people")), stems=stems),
            **fields,
        }

    for article in articles:
        rows.append(
            row(
                SearchKind.ORIGINAL.value,
                article.id,
                article,
                adaptation_id=None,
                language=article.language,
                state="",
                restricted=False,
                title=article.title,
                body=article.body,
                people=[article.display_name],
                dated_at=article.updated_at,
            )
        )
    off_site = {s.value for s in OFF_SITE_STATES}
    for adaptation in adaptations:
        article = by_article.get(adaptation.article_id)
        if article is None:
            continue
        people = [article.display_name, *credited.get(adaptation.id, [])]
        if adaptation.display_name:
            people.append(adaptation.display_name)
        published = adaptation.published_at is not None
        common = {
            "adaptation_id": adaptation.id,
            "language": adaptation.language,
            "state": adaptation.state,
            "people": list(dict.fromkeys(people)),
        }
        rows.append(
            row(
                SearchKind.ADAPTATION.value,
                adaptation.id,
                article,
                **common,
                restricted=published and adaptation.state in off_site,
                title=adaptation.title,
                body=adaptation.body,
                dated_at=adaptation.updated_at,
            )
        )
        version = live.get(adaptation.id)
        if published and adaptation.state not in off_site and version is not None:
            rows.append(
                row(
                    SearchKind.PUBLISHED.value,
                    adaptation.id,
                    article,
                    **{**common, "people": list(common["people"])},
                    restricted=False,
                    title=version.title,
                    body=version.body,
                    dated_at=adaptation.published_at,
                )
            )
    return rows


def index_articles(connection: Connection, article_ids: Iterable[int], *, stems: bool = True) -> int:
    """Rebuild the search documents of these articles (none for one that no longer exists); returns how many.

    `stems=False` writes the index text without Arabic stems, as before migration 0018 (its downgrade)."""
    ids = sorted({i for i in article_ids if i is not None})
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        batch = ids[start : start + INDEX_BATCH]
        connection.execute(delete(SearchDocument).where(SearchDocument.article_id.in_(batch)))
        rows = _documents(connection, batch, stems)
        if rows:
            connection.execute(insert(SearchDocument), rows)
        written += len(rows)
    return written


_BY_ARTICLE = {
    Article: "id",
    ArticleRevision: "article_id",
    ArticleTag: "article_id",
    Adaptation: "article_id",
}
_BY_ADAPTATION = (Credit, PublishedVersion)


#: Where a session keeps the articles and adaptations its flushes wrote since it last indexed them.
_PENDING = "adaptdesk.search_pending"


#: What an adaptation's search documents are made of, besides its state and time (workflow.services.search._documents).
_INDEXED_ADAPTATION = (
    "article_id",
    "article",
    "language",
    "title",
    "body",
    "published_at",
    "holder_id",
    "holder",
)


def _state_change_only(session: Session, adaptation: Adaptation) -> bool:
    """Whether the flush changed nothing of an unpublished adaptation's documents but its state and time (a
    draft started, ready or failed; a workflow step that moves no text): its one document is updated in place
    instead of the article's documents being rebuilt (the original's stems are its costliest part)."""
    if adaptation in session.new or adaptation in session.deleted:
        return False
    state = inspect(adaptation)
    if "published_at" not in state.dict or state.dict["published_at"] is not None:
        return False  # published (it has more documents) or not loaded: rebuild
    return not any(state.attrs[name].history.has_changes() for name in _INDEXED_ADAPTATION)


def _note_flushed(session: Session, _context) -> None:
    """After a flush: note the articles whose originals, tags, adaptations, credits or versions it wrote, and
    the adaptations whose state alone changed."""
    articles, adaptations, states = session.info.setdefault(_PENDING, (set(), set(), set()))
    for obj in (*session.new, *session.dirty, *session.deleted):
        attribute = _BY_ARTICLE.get(type(obj))
        if isinstance(obj, Adaptation) and _state_change_only(session, obj):
            states.add(obj.id)
        elif attribute is not None:
            articles.add(getattr(obj, attribute))
        elif isinstance(obj, _BY_ADAPTATION):
            adaptations.add(obj.adaptation_id)


def index_pending(session: Session) -> int:
    """Re-index the articles the session's flushes wrote since the last call; returns the documents written.

    Once per transaction, not per flush: a submission flushes several times (the original, its adaptations,
    their drafts, credits), and building an article's documents is its costliest statement. An unpublished
    adaptation whose state alone changed gets its document's state and time set in place."""
    articles, adaptations, states = session.info.pop(_PENDING, (set(), set(), set()))
    adaptations.discard(None)
    states.discard(None)
    if not articles and not adaptations and not states:
        return 0
    connection = session.connection()
    if adaptations:
        articles.update(
            connection.scalars(select(Adaptation.article_id).where(Adaptation.id.in_(adaptations)))
        )
    in_place = []
    if states:
        for row in connection.execute(
            select(
                Adaptation.id,
                Adaptation.article_id,
                Adaptation.state,
                Adaptation.updated_at,
                Adaptation.published_at,
            ).where(Adaptation.id.in_(states))
        ):
            if row.published_at is not None:
                articles.add(row.article_id)
            elif row.article_id not in articles:
                in_place.append(row)
    written = 0
    for row in in_place:
        updated = connection.execute(
            update(SearchDocument)
            .where(SearchDocument.kind == SearchKind.ADAPTATION.value, SearchDocument.ref_id == row.id)
            .values(state=row.state, dated_at=row.updated_at)
        ).rowcount
        if updated == 1:
            written += 1
        else:  # not indexed as expected: build its article's documents
            articles.add(row.article_id)
    articles.discard(None)
    return written + (index_articles(connection, articles) if articles else 0)


def index_now(session: Session) -> None:
    """Flush what is left and index what the transaction wrote so far: before a commit (whose own flush comes
    after this hook) and before a search (which finds what its own transaction wrote)."""
    session.flush()
    index_pending(session)


def track_changes(session_factory: sessionmaker) -> None:
    """Keep the search index in step with what sessions from `session_factory` commit (once per factory).

    Notes survive a rollback on purpose: a savepoint's rollback keeps the transaction's earlier writes, and
    indexing an article again only rebuilds its documents from what the database holds."""
    for name, listener in (("after_flush", _note_flushed), ("before_commit", index_now)):
        if not event.contains(session_factory, name, listener):
            event.listen(session_factory, name, listener)


# --- searching -----------------------------------------------------------------------------------------


def parse_date(raw: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date from a filter (None when empty); InvalidInput naming the field otherwise."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            field, N_("'%(field)s' must be a date written YYYY-MM-DD, e.g. 2026-12-05.", field=field)
        ) from None


def parse_query(raw: str | None, *, max_chars: int = 200) -> str:
    """The folded query text; InvalidInput when empty, too long or without any word."""
    query = rules.query_text(raw or "")
    if len(query) > max_chars:
        raise InvalidInput("q", N_("'q' must be at most %(max_chars)s characters.", max_chars=max_chars))
    if not rules.query_words(query):
        raise InvalidInput("q", N_("Give 'q': one or more words to search for."))
    return query


def _visible_to(actor: User):
    """SQL: the desk documents this person may find (as the pages would let them open)."""
    if actor.actor.has(Role.EDITOR):
        return literal_column("1") == 1
    if actor.actor.has(Role.ADAPTOR):
        return SearchDocument.restricted.is_(False)
    return (SearchDocument.reporter_id == actor.id) & SearchDocument.restricted.is_(False)


def _where(stmt, filters: SearchFilters, kinds: tuple[str, ...]):
    # The kinds are written into the SQL, not bound: PostgreSQL reads a search's own full-text index (one for the
    # desk's kinds, one for the site's, migration 0020) only where it can prove the query's kinds are the index's,
    # which it cannot for a prepared statement's parameter. They are SearchKind's names (the API checks `kind`).
    wanted = [filters.kind] if filters.kind else list(kinds)
    assert set(wanted) <= {k.value for k in SearchKind}, wanted
    stmt = stmt.where(SearchDocument.kind.in_([literal(k, literal_execute=True) for k in wanted]))
    if filters.states:
        stmt = stmt.where(SearchDocument.state.in_(filters.states))
    if filters.language:
        stmt = stmt.where(SearchDocument.language == filters.language)
    if filters.date_from:
        stmt = stmt.where(SearchDocument.dated_at >= datetime.combine(filters.date_from, time(), UTC))
    if filters.date_to:
        stmt = stmt.where(
            SearchDocument.dated_at < datetime.combine(filters.date_to + timedelta(days=1), time(), UTC)
        )
    return stmt


def _tsquery(query: str):
    """SQL: the PostgreSQL query — every word in its English forms, or every word as written or by its stem.

    A bind parameter per word (never tsquery syntax built from the query), the alternatives grouped by
    tsquery_or / tsquery_and (the functions behind || and &&, whose operators would need parentheses)."""
    english, simple = literal_column("'english'::regconfig"), literal_column("'simple'::regconfig")
    every_word = None
    for word, stem in rules.query_terms(query):
        either = func.plainto_tsquery(simple, word)
        if stem != word:
            either = func.tsquery_or(either, func.plainto_tsquery(simple, stem))
        every_word = either if every_word is None else func.tsquery_and(every_word, either)
    english_forms = func.plainto_tsquery(english, query)
    return english_forms if every_word is None else func.tsquery_or(english_forms, every_word)


#: What a hit shows of its document: not the index texts (a long investigation's is tens of kilobytes).
_HIT_COLUMNS = load_only(
    SearchDocument.kind,
    SearchDocument.article_id,
    SearchDocument.adaptation_id,
    SearchDocument.reporter_id,
    SearchDocument.language,
    SearchDocument.state,
    SearchDocument.title,
    SearchDocument.dated_at,
)


def _headline_window(query: str):
    """SQL: the part of a document's text its headline is made from (HEADLINE_CHARS around the first match)."""
    body = SearchDocument.body_key
    forms = dict.fromkeys(form for pair in rules.query_terms(query) for form in pair)
    first = func.least(*(func.nullif(func.strpos(body, form), 0) for form in forms))
    return func.substr(body, func.greatest(func.coalesce(first, 1) - HEADLINE_LEAD, 1), HEADLINE_CHARS)


def _run(session: Session, query: str, filters: SearchFilters, kinds, visible, page: int, per_page: int):
    """Count and fetch one page of matches, best first: two statements on either database."""
    if session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(query)
        document = literal_column("search_documents.document")
        matches = document.op("@@")(tsquery)
        newest = func.row_number().over(order_by=(SearchDocument.dated_at.desc(), SearchDocument.id.desc()))
        in_window = newest <= RANK_WINDOW
        found = _where(
            select(
                SearchDocument.id,
                SearchDocument.dated_at,
                in_window.label("ranked"),
                case((in_window, func.ts_rank_cd(document, tsquery)), else_=None).label("rank"),
                # Counted on the way (the matches are all read to find the newest), not in a statement of its own.
                func.count().over().label("total"),
            ).where(matches, visible),
            filters,
            kinds,
        ).subquery()
        order = (
            found.c.ranked.desc(),
            found.c.rank.desc().nulls_last(),
            found.c.dated_at.desc(),
            found.c.id.desc(),
        )
        best = (
            select(found.c.id, found.c.ranked, found.c.rank, found.c.total)
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .subquery()
        )
        config = case(
            (SearchDocument.language == "en", literal_column("'english'::regconfig")),
            else_=literal_column("'simple'::regconfig"),
        )
        snippet = func.ts_headline(config, _headline_window(query), tsquery, HEADLINE_OPTIONS)
        page_rows = session.execute(
            select(SearchDocument, snippet.label("snippet"), best.c.total)
            .options(_HIT_COLUMNS)
            .join(best, best.c.id == SearchDocument.id)
            .order_by(
                best.c.ranked.desc(),
                best.c.rank.desc().nulls_last(),
                SearchDocument.dated_at.desc(),
                SearchDocument.id.desc(),
            )
        ).all()
        rows = [(doc, snippet_text) for doc, snippet_text, _total in page_rows]
        if page_rows:
            total = page_rows[0].total
        elif page == 1:
            total = 0
        else:  # a page past the last: its count, for the pager
            total = session.scalar(_where(select(func.count()).where(matches, visible), filters, kinds))
    else:
        matches = text("search_fts MATCH :fts_query").bindparams(fts_query=rules.fts5_query(query))
        joined = SearchDocument.__table__.join(_FTS, _FTS.c.rowid == SearchDocument.id)
        total = session.scalar(
            _where(select(func.count()).select_from(joined).where(matches, visible), filters, kinds)
        )
        rank = literal_column("bm25(search_fts, 10.0, 1.0, 5.0, 5.0)")
        snippet = literal_column(
            f"snippet(search_fts, -1, '{rules.MARK_START}', '{rules.MARK_END}', '…', 30)"
        )
        rows = session.execute(
            _where(
                select(SearchDocument, snippet.label("snippet"))
                .options(_HIT_COLUMNS)
                .select_from(joined)
                .where(matches, visible),
                filters,
                kinds,
            )
            .order_by(rank, SearchDocument.dated_at.desc(), SearchDocument.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
    hits = [
        Hit(
            kind=doc.kind,
            article_id=doc.article_id,
            adaptation_id=doc.adaptation_id,
            reporter_id=doc.reporter_id,
            language=doc.language,
            state=doc.state,
            title=doc.title,
            snippet=rules.reveal_snippet(snippet_text or ""),
            dated_at=doc.dated_at,
        )
        for doc, snippet_text in rows
    ]
    return hits, total or 0


def search_desk(
    session: Session, actor: User, query: str, filters: SearchFilters, *, page: int = 1, per_page: int = 20
) -> SearchPage:
    """Originals and adaptations matching every word of `query` (folded), best first, that `actor` may see."""
    if filters.states and any(s not in {st.value for st in State} for s in filters.states):
        raise InvalidInput("state", N_("Unknown state."))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("from", N_("'from' must not be after 'to'."))
    index_now(session)
    hits, total = _run(session, query, filters, DESK_KINDS, _visible_to(actor), page, per_page)
    return SearchPage(hits, total, page, per_page)


def search_published(session: Session, query: str, *, page: int = 1, per_page: int = 20) -> SearchPage:
    """Stories on the public site matching every word of `query`, best first (their published text only)."""
    index_now(session)
    hits, total = _run(
        session,
        query,
        SearchFilters(),
        (SearchKind.PUBLISHED.value,),
        literal_column("1") == 1,
        page,
        per_page,
    )
    return SearchPage(hits, total, page, per_page)
