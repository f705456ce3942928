"""The translation memory: fed by every published adaptation, read when drafts are made, shown and searched."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Row, bindparam, column, delete, func, literal, or_, select, table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Text

from ..domain import memory
from ..domain.segment import segment_text
from ..models import Adaptation, Draft, DraftState, MemoryGeneration, StoredMatches, TranslationUnit, utcnow

#: Most units read as fuzzy candidates when the trigram index cannot help (a key under 3 characters).
MAX_CANDIDATES = 5000
#: Most candidates (the newest) one segment's probe words hand over for rapidfuzz to rank: only a segment made of
#: common words alone comes near it.
CANDIDATES_PER_SEGMENT = 2000
#: How long a process trusts the word statistics it read from PostgreSQL (seconds).
WORD_STATISTICS_TTL = 300.0
#: The statistics read, by database address: when, and each common word's share of units.
_word_statistics: dict[str, tuple[float, dict[str, float]]] = {}
#: Most candidates the trigram index hands over for a memory search.
CANDIDATES_PER_SEARCH = 500
#: Lowest pg_trgm word similarity a memory-search candidate needs.
SEARCH_WORD_SIMILARITY = "0.3"
#: Shortest key the trigram indexes can look up.
MIN_TRIGRAM_KEY = 3
#: SQLite's FTS5 trigram table over tm_units (migration 0011; not a model).
_FTS = table("tm_units_fts", column("rowid"), column("rank"))
#: SQLite's FTS5 word table over tm_units' source keys (migration 0016; not a model).
_WORDS_FTS = table("tm_words_fts", column("rowid"), column("rank"))
#: Matches shown per segment.
MATCHES_PER_SEGMENT = 3


@dataclass(frozen=True)
class Match:
    """A memory unit found for a text: how similar (0–100), the unit's source and target, where it came from."""

    score: int
    source: str
    target: str
    article_id: int | None
    adaptation_id: int | None
    source_lang: str
    target_lang: str
    origin: str = "published"  #: a `UnitOrigin` value: published here, or imported from a TMX file

    def as_json(self) -> dict:
        """The match as the API shows it beside a segment."""
        return {
            "score": self.score,
            "source": self.source,
            "target": self.target,
            "article_id": self.article_id,
        }

    def as_stored(self) -> dict:
        """Every field, as `StoredMatches` keeps it."""
        return asdict(self)


def _match(unit: Row | TranslationUnit, score: int) -> Match:
    return Match(
        score,
        unit.source,
        unit.target,
        unit.article_id,
        unit.adaptation_id,
        unit.source_lang,
        unit.target_lang,
        unit.origin,
    )


def _published_draft(adaptation: Adaptation) -> Draft | None:
    return next(
        (d for d in reversed(adaptation.drafts) if d.state == DraftState.READY.value and d.segments), None
    )


def _upsert(session: Session, model):
    """An INSERT of `model` that can take ON CONFLICT (PostgreSQL's or SQLite's)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def changed(session: Session, source_lang: str, target_lang: str) -> None:
    """Note that a pair's memory changed (units added or removed): matches stored before it are stale."""
    stmt = _upsert(session, MemoryGeneration).values(
        source_lang=source_lang, target_lang=target_lang, generation=1
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["source_lang", "target_lang"],
            set_={"generation": MemoryGeneration.__table__.c.generation + 1},
        )
    )


def generation(session: Session, source_lang: str, target_lang: str) -> int:
    """How many times the pair's memory changed."""
    stmt = select(MemoryGeneration.generation).where(
        MemoryGeneration.source_lang == source_lang, MemoryGeneration.target_lang == target_lang
    )
    return session.scalar(stmt) or 0


def feed(session: Session, adaptation: Adaptation) -> int:
    """Store the aligned segments of a published adaptation (replacing any it stored before); returns how many."""
    changed(session, adaptation.article.language, adaptation.language)
    session.execute(delete(TranslationUnit).where(TranslationUnit.adaptation_id == adaptation.id))
    draft = _published_draft(adaptation)
    if draft is None:
        return 0
    article = adaptation.article
    published = segment_text(adaptation.body, adaptation.language)
    pairs = memory.align_by_shape(
        [(s.source, s.paragraph) for s in draft.segments], [(s.source, s.paragraph) for s in published]
    ) or memory.align([(s.source, s.mt) for s in draft.segments], [s.source for s in published])
    revision = article.revision(draft.revision_number)
    if revision is not None and adaptation.title:
        pairs.append(memory.AlignedPair(revision.title, adaptation.title, 100))
    units: dict[str, TranslationUnit] = {}
    for pair in pairs:
        digest = memory.source_hash(pair.source)
        if digest in units and units[digest].alignment_score >= pair.score:
            continue  # the same sentence twice in one article: keep its surest alignment
        units[digest] = TranslationUnit(
            source_lang=article.language,
            target_lang=adaptation.language,
            source=pair.source,
            target=pair.target,
            source_hash=digest,
            alignment_score=pair.score,
            article_id=article.id,
            adaptation_id=adaptation.id,
        )
    session.add_all(units.values())
    session.flush()
    return len(units)


def exact_matches(
    session: Session,
    source_lang: str,
    target_lang: str,
    sources: Sequence[str],
    *,
    min_alignment: int = 0,
    exclude_article_id: int | None = None,
) -> dict[str, TranslationUnit]:
    """The best unit whose source equals each text (after folding), by that text's hash, in one query.

    Best: the surest alignment, then the newest. Units weaker than `min_alignment` are ignored.
    """
    hashes = {memory.source_hash(s) for s in sources if memory.segment_key(s)}
    if not hashes:
        return {}
    stmt = (
        select(TranslationUnit)
        .where(
            TranslationUnit.source_lang == source_lang,
            TranslationUnit.target_lang == target_lang,
            TranslationUnit.source_hash.in_(hashes),
            TranslationUnit.alignment_score >= min_alignment,
        )
        .order_by(TranslationUnit.alignment_score.desc(), TranslationUnit.id.desc())
    )
    if exclude_article_id is not None:
        stmt = stmt.where(func.coalesce(TranslationUnit.article_id, 0) != exclude_article_id)
    best: dict[str, TranslationUnit] = {}
    for unit in session.scalars(stmt):
        best.setdefault(unit.source_hash, unit)
    return best


def prefill(session: Session, source_lang: str, target_lang: str, sources: Sequence[str]) -> dict[int, str]:
    """Translations for the sources memory knows exactly and surely (by position in `sources`)."""
    found = exact_matches(session, source_lang, target_lang, sources, min_alignment=memory.PREFILL_ALIGNMENT)
    return {i: found[h].target for i, s in enumerate(sources) if (h := memory.source_hash(s)) in found}


_UNIT_COLUMNS = (
    TranslationUnit.id,
    TranslationUnit.source,
    TranslationUnit.target,
    TranslationUnit.source_hash,
    TranslationUnit.source_key,
    TranslationUnit.target_key,
    TranslationUnit.article_id,
    TranslationUnit.adaptation_id,
    TranslationUnit.source_lang,
    TranslationUnit.target_lang,
    TranslationUnit.origin,
)


def _filtered(stmt, source_lang: str | None, target_lang: str | None, exclude_article_id: int | None):
    if source_lang:
        stmt = stmt.where(TranslationUnit.source_lang == source_lang)
    if target_lang:
        stmt = stmt.where(TranslationUnit.target_lang == target_lang)
    if exclude_article_id is not None:
        stmt = stmt.where(func.coalesce(TranslationUnit.article_id, 0) != exclude_article_id)
    return stmt


def _distinct_newest_first(rows) -> list[Row]:
    """Rows newest first, the same rendering of the same sentence from several articles once (the newest)."""
    units, seen = [], set()
    for unit in sorted(rows, key=lambda u: -u.id):
        if (unit.source_hash, unit.target) not in seen:
            seen.add((unit.source_hash, unit.target))
            units.append(unit)
    return units


def _newest(
    session: Session,
    source_lang: str | None,
    target_lang: str | None,
    *,
    lengths: tuple[int, int] | None = None,
    exclude_article_id: int | None = None,
) -> list[Row]:
    """The newest units of a pair (or of all): the candidates for keys too short for the trigram indexes."""
    stmt = select(*_UNIT_COLUMNS).order_by(TranslationUnit.id.desc()).limit(MAX_CANDIDATES)
    if lengths is not None:
        stmt = stmt.where(func.length(TranslationUnit.source).between(*lengths))
    return _distinct_newest_first(
        session.execute(_filtered(stmt, source_lang, target_lang, exclude_article_id))
    )


def _fts5_trigrams(key: str) -> str:
    """An FTS5 trigram query finding texts that share any trigram with `key` (each quoted, quotes doubled)."""
    grams = dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2))
    return " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _word_frequencies(session: Session, words: set[str]) -> dict[str, float]:
    """How common each word is among unit sources (units holding it; words not known to be common are left out).

    PostgreSQL: the most common elements ANALYZE keeps for the word index (shares of units, read at most every
    `WORD_STATISTICS_TTL` seconds per database); SQLite: the FTS5 vocabulary (counts of units, exact).
    """
    if not words:
        return {}
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        address = (bind.engine if hasattr(bind, "engine") else bind).url.render_as_string(hide_password=True)
        read_at, common = _word_statistics.get(address, (float("-inf"), {}))
        if time.monotonic() - read_at > WORD_STATISTICS_TTL:
            row = session.execute(
                text(
                    "SELECT most_common_elems::text::text[] AS words, most_common_elem_freqs AS shares "
                    "FROM pg_stats WHERE tablename = 'tm_units' AND attname = 'source_words'"
                )
            ).first()
            common = dict(zip(row.words, row.shares, strict=False)) if row and row.words else {}
            _word_statistics[address] = (time.monotonic(), common)
        return {w: common[w] for w in words if w in common}
    stmt = text("SELECT term, doc FROM tm_words_vocab WHERE term IN :words").bindparams(
        bindparam("words", expanding=True)
    )
    return {term: float(doc) for term, doc in session.execute(stmt, {"words": sorted(words)})}


def _fts5_any(words: Sequence[str]) -> str:
    """An FTS5 query finding texts holding any of `words` (each quoted, quotes doubled)."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def _similar_by_segment(
    session: Session, source_lang: str, target_lang: str, keys: list[str], exclude_article_id: int | None
) -> list[list[Row]]:
    """For each key with words, the units in its length window that share one of its probe words.

    The probe words are the key's rarest (`memory.probe_words`): any unit sharing the share of words a match
    has holds one (or two) of them, and rare words keep the candidates few at any size of memory. Past
    `CANDIDATES_PER_SEGMENT` (a segment of common words only), the newest come first.
    """
    words = [memory.key_words(k) for k in keys]
    frequency = _word_frequencies(session, set().union(*words))
    probes = [memory.probe_words(w, frequency) for w in words]
    windows = [memory.length_window(len(k)) for k in keys]
    if session.get_bind().dialect.name == "postgresql":
        # A statement per segment (planned for its own words), through the GIN index on the key's words: a
        # bitmap OR of one index scan per pair of probe words, each the intersection of two posting lists.
        found_by_key: list[list[Row]] = []
        for probe, (low, high) in zip(probes, windows, strict=True):
            if probe.need == 1:
                found, params = "t.source_words && :p", {"p": probe.words}
            else:
                found = " OR ".join(f"t.source_words @> :p{j}" for j in range(len(probe.pairs)))
                params = {f"p{j}": list(pair) for j, pair in enumerate(probe.pairs)}
            stmt = text(
                f"""SELECT t.id, t.source, t.target, t.source_hash, t.source_key, t.target_key, t.article_id,
                       t.adaptation_id, t.source_lang, t.target_lang, t.origin
                FROM tm_units t
                WHERE ({found})
                  AND t.source_lang = :source_lang AND t.target_lang = :target_lang
                  AND length(t.source_key) BETWEEN :low AND :high
                  AND coalesce(t.article_id, 0) != :exclude
                ORDER BY t.id + 0 DESC  -- not by the primary key's index: filtering it row by row is slower
                LIMIT :per_segment"""
            ).bindparams(*(bindparam(name, type_=ARRAY(Text)) for name in params))
            params.update(
                low=low,
                high=high,
                source_lang=source_lang,
                target_lang=target_lang,
                exclude=exclude_article_id if exclude_article_id is not None else -1,
                per_segment=CANDIDATES_PER_SEGMENT,
            )
            found_by_key.append(list(session.execute(stmt, params)))
        return found_by_key
    # SQLite: the FTS5 word table (a statement per segment: the embedded, smaller case).
    results = []
    for probe, (low, high) in zip(probes, windows, strict=True):
        match = (
            _fts5_any(probe.words)
            if probe.need == 1
            else " OR ".join(f"({_fts5_any([a])} AND {_fts5_any([b])})" for a, b in probe.pairs)
        )
        hits = select(_WORDS_FTS.c.rowid).where(text("tm_words_fts MATCH :match").bindparams(match=match))
        stmt = (
            select(*_UNIT_COLUMNS)
            .where(TranslationUnit.id.in_(hits), func.length(TranslationUnit.source_key).between(low, high))
            .order_by(TranslationUnit.id.desc())
            .limit(CANDIDATES_PER_SEGMENT)
        )
        results.append(list(session.execute(_filtered(stmt, source_lang, target_lang, exclude_article_id))))
    return results


def matches_for(
    session: Session,
    source_lang: str,
    target_lang: str,
    sources: Sequence[str],
    *,
    exclude_article_id: int | None = None,
    limit: int = MATCHES_PER_SEGMENT,
) -> list[list[Match]]:
    """For each source segment, the closest memory units (exact ones score 100), best first.

    Every unit can match: the word index picks the candidates sharing a segment's rarest words, rapidfuzz ranks
    them as it always has. Units from the article itself (`exclude_article_id`) are left out: they would only
    echo it. A segment without a word (punctuation alone) is compared with the newest units.
    """
    keys = [memory.segment_key(s) for s in sources]
    if not any(keys):
        return [[] for _ in sources]
    indexed = list(dict.fromkeys(k for k in keys if memory.key_words(k)))
    found = (
        _similar_by_segment(session, source_lang, target_lang, indexed, exclude_article_id) if indexed else []
    )
    similar = dict(zip(indexed, found, strict=True))
    short = [s for s, k in zip(sources, keys, strict=True) if k and k not in similar]
    newest: list[Row] = []
    if short:
        windows = [memory.length_window(len(s)) for s in short]
        newest = _newest(
            session,
            source_lang,
            target_lang,
            exclude_article_id=exclude_article_id,
            lengths=(min(w[0] for w in windows), max(w[1] for w in windows)),
        )
    results = []
    for key in keys:
        units = _distinct_newest_first(similar[key]) if key in similar else newest
        ranked = memory.rank(key, [u.source_key for u in units], limit=limit) if key else []
        results.append([_match(units[i], score) for i, score in ranked])
    return results


def _search_candidates(
    session: Session, key: str, source_lang: str | None, target_lang: str | None
) -> list[Row]:
    """Units whose source or target holds something like `key`, from the trigram indexes."""
    if len(key) < MIN_TRIGRAM_KEY:
        return _newest(session, source_lang, target_lang)
    if session.get_bind().dialect.name == "postgresql":
        # `<%`: the query's trigrams are found within the text (word_similarity above the threshold, lowered for
        # this transaction from 0.6 so that loose partial matches, which rapidfuzz scores 70 and up, get through).
        session.execute(
            select(func.set_config("pg_trgm.word_similarity_threshold", SEARCH_WORD_SIMILARITY, True))
        )
        closeness = func.greatest(
            func.word_similarity(key, TranslationUnit.source_key),
            func.word_similarity(key, TranslationUnit.target_key),
        )
        probe = literal(key, Text)
        found = or_(probe.op("<%")(TranslationUnit.source_key), probe.op("<%")(TranslationUnit.target_key))
        stmt = select(*_UNIT_COLUMNS).where(found).order_by(closeness.desc(), TranslationUnit.id.desc())
        stmt = _filtered(stmt, source_lang, target_lang, None).limit(CANDIDATES_PER_SEARCH)
        return _distinct_newest_first(session.execute(stmt))
    stmt = (
        select(*_UNIT_COLUMNS)
        .join(_FTS, _FTS.c.rowid == TranslationUnit.id)
        .where(text("tm_units_fts MATCH :match").bindparams(match=_fts5_trigrams(key)))
        .order_by(_FTS.c.rank)
        .limit(CANDIDATES_PER_SEARCH)
    )
    return _distinct_newest_first(session.execute(_filtered(stmt, source_lang, target_lang, None)))


def search(
    session: Session,
    query: str,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    limit: int = 20,
) -> list[Match]:
    """Memory units whose source or target holds something close to `query` (a word, a phrase, a sentence)."""
    units = _search_candidates(session, memory.segment_key(query), source_lang, target_lang)
    if not units:
        return []
    scores: dict[int, int] = {}
    for choices in ([u.source_key for u in units], [u.target_key for u in units]):
        for index, score in memory.rank(query, choices, limit=limit, partial=True):
            scores[index] = max(score, scores.get(index, 0))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], -units[item[0]].id))[:limit]
    return [_match(units[i], score) for i, score in ranked]


def draft_matches(session: Session, adaptation: Adaptation, draft: Draft | None) -> dict[int, list[Match]]:
    """Memory matches for each segment of a draft, by segment index."""
    if draft is None or not draft.segments:
        return {}
    found = matches_for(
        session,
        adaptation.article.language,
        adaptation.language,
        [s.source for s in draft.segments],
        exclude_article_id=adaptation.article_id,
    )
    return {s.index: m for s, m in zip(draft.segments, found, strict=False)}


def stored_draft_matches(
    session: Session, adaptation: Adaptation, draft: Draft | None
) -> dict[int, list[Match]]:
    """`draft_matches`, computed once per draft and generation of the pair's memory and stored (flushed; the
    caller's commit keeps them): later reads take the stored ones until the memory changes."""
    if draft is None or not draft.segments:
        return {}
    current = generation(session, adaptation.article.language, adaptation.language)
    row = session.get(StoredMatches, draft.id, populate_existing=True)
    if row is not None and row.generation == current and row.segments == len(draft.segments):
        return {int(i): [Match(**m) for m in found] for i, found in row.matches.items()}
    found = draft_matches(session, adaptation, draft)
    values = {
        "generation": current,
        "segments": len(draft.segments),
        "matches": {str(i): [m.as_stored() for m in ms] for i, ms in found.items()},
        "computed_at": utcnow(),
    }
    stmt = _upsert(session, StoredMatches).values(draft_id=draft.id, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["draft_id"], set_=values))
    return found
