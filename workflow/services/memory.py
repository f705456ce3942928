"""The translation memory: fed by every published adaptation, read when drafts are made, shown and searched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import combinations

import numpy as np
from sqlalchemy import Row, bindparam, column, delete, func, literal, or_, select, table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer, Text

from ..domain import memory
from ..domain.segment import segment_text
from ..models import Adaptation, Draft, DraftState, MemoryGeneration, StoredMatches, TranslationUnit, utcnow

#: Most units read as fuzzy candidates when the trigram index cannot help (a key under 3 characters).
MAX_CANDIDATES = 5000
#: Most candidates one segment hands over for rapidfuzz to rank: the units sharing most of its probe words (then
#: the newest). A unit matching it shares much of it, so only where more than this many units share more of the
#: segment than a match does could a match be passed over.
CANDIDATES_PER_SEGMENT = 100
#: SQLite: most units (those the FTS5 word table ranks first) one segment's probe words hand over to have their
#: shared words counted.
SQLITE_CANDIDATES = 2000
#: SQLite's FTS5 word table over tm_units' source keys (migration 0016; not a model).
_WORDS_FTS = table("tm_words_fts", column("rowid"), column("rank"))
#: Most candidates the trigram index hands over for a memory search.
CANDIDATES_PER_SEARCH = 500
#: Lowest pg_trgm word similarity a memory-search candidate needs.
SEARCH_WORD_SIMILARITY = "0.3"
#: Shortest key the trigram indexes can look up.
MIN_TRIGRAM_KEY = 3
#: SQLite's FTS5 trigram table over tm_units (migration 0011; not a model).
_FTS = table("tm_units_fts", column("rowid"), column("rank"))
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


def _postings_counts(session: Session, source_lang: str, target_lang: str, words: set[str]) -> dict[str, int]:
    """How many units hold each word (words no unit holds are left out).

    PostgreSQL: the lengths of the word's posting lists (exact for the pair); SQLite: the FTS5 vocabulary (units of
    every pair holding it).
    """
    if not words:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        stmt = text(
            "SELECT word, sum(octet_length(unit_ids)) / 4 FROM tm_word_postings "
            "WHERE source_lang = :source_lang AND target_lang = :target_lang AND word = ANY(:words) GROUP BY word"
        ).bindparams(bindparam("words", type_=ARRAY(Text)))
        params = {"source_lang": source_lang, "target_lang": target_lang, "words": sorted(words)}
    else:
        stmt = text("SELECT term, doc FROM tm_words_vocab WHERE term IN :words").bindparams(
            bindparam("words", expanding=True)
        )
        params = {"words": sorted(words)}
    return {word: int(units) for word, units in session.execute(stmt, params)}


def _postings(
    session: Session, source_lang: str, target_lang: str, words: list[str]
) -> dict[str, np.ndarray]:
    """PostgreSQL: each word's units (ids), its posting lists joined, read as binary (four bytes an id)."""
    if not words:
        return {}
    driver = session.connection().connection.driver_connection
    with driver.cursor(binary=True) as cursor:
        cursor.execute(
            "SELECT word, string_agg(unit_ids, ''::bytea) FROM tm_word_postings "
            "WHERE source_lang = %s AND target_lang = %s AND word = ANY(%s) GROUP BY word",
            (source_lang, target_lang, words),
        )
        return {word: np.frombuffer(ids, dtype=">i4").astype(np.int64) for word, ids in cursor}


def _shared_by_postings(
    session: Session, source_lang: str, target_lang: str, probes: list[memory.Probe], limit: int
) -> list[list[int]]:
    """PostgreSQL: for each probe, the units sharing enough of its words, counted over the words' posting lists.

    At most `limit` a probe: those sharing most, then the newest.
    """
    postings = _postings(session, source_lang, target_lang, sorted({w for p in probes for w in p.mass}))
    if not postings:
        return [[] for _ in probes]
    low = min(int(units.min()) for units in postings.values())
    postings = {w: units - low for w, units in postings.items()}
    # One tally for every probe, wiped where each one wrote: a probe costs its postings, not the id range.
    shared = np.zeros(max(int(units.max()) for units in postings.values()) + 1, np.int32)
    found = []
    for probe in probes:
        lists = [(postings[w], m) for w, m in probe.mass.items() if w in postings]
        if not lists:
            found.append([])
            continue
        # A unit is in a word's lists once (the triggers add each unit's words once), so indexing adds it once.
        for units, mass in lists:
            shared[units] += mass
        touched = np.concatenate([units for units, _ in lists])
        ids = np.unique(touched[shared[touched] >= probe.need - 1e-9])
        order = np.lexsort((-ids, -shared[ids]))[:limit]
        found.append((ids[order] + low).tolist())
        shared[touched] = 0
    return found


def _fts5_any(words: Sequence[str]) -> str:
    """An FTS5 query finding texts holding any of `words` (each quoted, quotes doubled)."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def _shared_by_fts5(
    session: Session,
    source_lang: str,
    target_lang: str,
    keys: list[str],
    probes: list[memory.Probe],
    exclude_article_id: int | None,
    limit: int,
) -> list[list[int]]:
    """SQLite: for each probe, the units sharing enough of its words, found through the FTS5 word table.

    The table finds the units holding one probe word (or two, when the need is more than any one word carries),
    the `SQLITE_CANDIDATES` it ranks first (bm25) in the key's length window are read, and their shared words
    counted here.
    """
    found = []
    for key, probe in zip(keys, probes, strict=True):
        if not probe.mass:
            found.append([])
            continue
        words = probe.words
        match = (
            " OR ".join(f"({_fts5_any([a])} AND {_fts5_any([b])})" for a, b in combinations(words, 2))
            if probe.need > max(probe.mass.values()) and len(words) > 1
            else _fts5_any(words)
        )
        stmt = (
            select(TranslationUnit.id, TranslationUnit.source_key)
            .join(_WORDS_FTS, _WORDS_FTS.c.rowid == TranslationUnit.id)
            .where(text("tm_words_fts MATCH :match").bindparams(match=match))
            .where(func.length(TranslationUnit.source_key).between(*memory.length_window(len(key))))
            # bm25 first: the units sharing most (and rarer) probe words; the newest of them were a worse pick
            # at a million units (6 lookups in 10 missed a match a full scan finds, against none by rank).
            .order_by(_WORDS_FTS.c.rank, TranslationUnit.id.desc())
            .limit(SQLITE_CANDIDATES)
        )
        shared = []
        for unit_id, source_key in session.execute(
            _filtered(stmt, source_lang, target_lang, exclude_article_id)
        ):
            mass = sum(probe.mass.get(w, 0) for w in memory.key_words(source_key))
            if mass >= probe.need - 1e-9:
                shared.append((-mass, -unit_id))
        found.append([-unit_id for _, unit_id in sorted(shared)[:limit]])
    return found


def _similar_by_segment(
    session: Session, source_lang: str, target_lang: str, keys: list[str], exclude_article_id: int | None
) -> list[list[Row]]:
    """For each key with words, the units in its length window sharing enough of its words to match it.

    A unit matching a segment keeps words carrying a share of it (`memory.probe_words`): the units sharing that
    much of the segment's probe words are counted over the words' posting lists (PostgreSQL) or the FTS5 word
    table (SQLite), and the `CANDIDATES_PER_SEGMENT` sharing most (then the newest) are read for rapidfuzz to rank.
    """
    words = [memory.key_words(k) for k in keys]
    units = _postings_counts(session, source_lang, target_lang, set().union(*words))
    probes = [memory.probe_words(w, units) for w in words]
    if session.get_bind().dialect.name == "postgresql":
        ids = _shared_by_postings(session, source_lang, target_lang, probes, CANDIDATES_PER_SEGMENT)
    else:
        ids = _shared_by_fts5(
            session, source_lang, target_lang, keys, probes, exclude_article_id, CANDIDATES_PER_SEGMENT
        )
    wanted = sorted(set().union(*ids))
    rows: dict[int, Row] = {}
    if wanted:
        if session.get_bind().dialect.name == "postgresql":  # one array, not thousands of parameters
            among = TranslationUnit.id == func.any(bindparam("ids", type_=ARRAY(Integer)))
        else:
            among = TranslationUnit.id.in_(bindparam("ids", expanding=True))
        stmt = _filtered(select(*_UNIT_COLUMNS).where(among), source_lang, target_lang, exclude_article_id)
        rows = {row.id: row for row in session.execute(stmt, {"ids": wanted})}
    found = []
    for key, segment_ids in zip(keys, ids, strict=True):
        low, high = memory.length_window(len(key))
        found.append([rows[i] for i in segment_ids if i in rows and low <= len(rows[i].source_key) <= high])
    return found


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
