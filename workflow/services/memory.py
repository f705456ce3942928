"""The translation memory: fed by every published adaptation, read when drafts are made, shown and searched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, delete, func, select
from sqlalchemy.orm import Session

from ..domain import memory
from ..domain.segment import segment_text
from ..models import Adaptation, Draft, DraftState, TranslationUnit

#: Most units read as fuzzy candidates for one draft or search (the newest first), so a page stays fast.
MAX_CANDIDATES = 5000
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


def feed(session: Session, adaptation: Adaptation) -> int:
    """Store the aligned segments of a published adaptation (replacing any it stored before); returns how many."""
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


def _candidates(
    session: Session,
    source_lang: str | None,
    target_lang: str | None,
    *,
    lengths: tuple[int, int] | None = None,
    exclude_article_id: int | None = None,
) -> list[Row]:
    """The newest units of a pair (or of all), as plain rows: pages read thousands of them."""
    unit = TranslationUnit
    stmt = (
        select(
            unit.id,
            unit.source,
            unit.target,
            unit.source_hash,
            unit.article_id,
            unit.adaptation_id,
            unit.source_lang,
            unit.target_lang,
            unit.origin,
        )
        .order_by(unit.id.desc())
        .limit(MAX_CANDIDATES)
    )
    if source_lang:
        stmt = stmt.where(TranslationUnit.source_lang == source_lang)
    if target_lang:
        stmt = stmt.where(TranslationUnit.target_lang == target_lang)
    if lengths is not None:
        stmt = stmt.where(func.length(TranslationUnit.source).between(*lengths))
    if exclude_article_id is not None:
        stmt = stmt.where(func.coalesce(TranslationUnit.article_id, 0) != exclude_article_id)
    units, seen = [], set()
    for unit in session.execute(stmt):
        # The same rendering of the same sentence from several articles is shown once (the newest).
        if (unit.source_hash, unit.target) not in seen:
            seen.add((unit.source_hash, unit.target))
            units.append(unit)
    return units


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

    Units from the article itself (`exclude_article_id`) are left out: they would only echo it.
    """
    keys = [memory.segment_key(s) for s in sources]
    if not any(keys):
        return [[] for _ in sources]
    windows = [memory.length_window(len(s)) for s in sources if s]
    units = _candidates(
        session,
        source_lang,
        target_lang,
        exclude_article_id=exclude_article_id,
        lengths=(min(w[0] for w in windows), max(w[1] for w in windows)),
    )
    choices = [memory.segment_key(u.source) for u in units]
    results = []
    for key in keys:
        ranked = memory.rank(key, choices, limit=limit) if key else []
        results.append([_match(units[i], score) for i, score in ranked])
    return results


def search(
    session: Session,
    query: str,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    limit: int = 20,
) -> list[Match]:
    """Memory units whose source or target holds something close to `query` (a word, a phrase, a sentence)."""
    units = _candidates(session, source_lang, target_lang)
    if not units:
        return []
    sources = [memory.segment_key(u.source) for u in units]
    targets = [memory.segment_key(u.target) for u in units]
    scores: dict[int, int] = {}
    for choices in (sources, targets):
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
