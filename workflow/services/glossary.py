"""The glossary: approved renderings per language pair, kept by editors and read by everyone on the desk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.glossary import TermHit, find_terms, normalize_term, split_by_hits
from ..domain.languages import language_name
from ..domain.messages import N_
from ..domain.rules import can_edit_glossary
from ..domain.text import has_bidi_controls, paragraphs
from ..models import GlossaryTerm, User
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .inputs import parse_language, parse_text

MAX_TERM_CHARS = 200
MAX_NOTE_CHARS = 500
#: Most other accepted (or forbidden) renderings one term may list.
MAX_RENDERINGS = 20
#: Ids above this cannot exist (PostgreSQL `integer`).
MAX_ID = 2**31 - 1


def _one_line(data: Mapping[str, Any], field: str, limit: int, *, required: bool = True) -> str:
    value = " ".join((parse_text(data, field, required=required) or "").split())
    if required and not value:
        raise InvalidInput(field, N_("The field '%(field)s' must not be empty.", field=field))
    if len(value) > limit:
        raise InvalidInput(
            field,
            N_(
                "'%(field)s' is %(count)s characters; the limit is %(limit)s.",
                field=field,
                count=len(value),
                limit=limit,
            ),
        )
    if has_bidi_controls(value) or any(ch < " " for ch in value):
        raise InvalidInput(
            field, N_("'%(field)s' holds control characters; type the term as plain text.", field=field)
        )
    return value


def _renderings(data: Mapping[str, Any], field: str, lang: str) -> tuple[str, ...]:
    """A list of renderings: a JSON array of strings, or text with one per line or separated by `;` (forms)."""
    raw = data.get(field)
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        raw = [part for line in raw.splitlines() for part in line.split(";")]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise InvalidInput(
            field, N_("'%(field)s' must be a list of renderings (or, in a form, one per line).", field=field)
        )
    found: dict[str, str] = {}
    for item in raw:
        value = " ".join(item.split())
        if not value:
            continue
        if len(value) > MAX_TERM_CHARS:
            raise InvalidInput(
                field,
                N_(
                    "A rendering in '%(field)s' is %(count)s characters; the limit is %(max_term_chars)s.",
                    field=field,
                    count=len(value),
                    max_term_chars=MAX_TERM_CHARS,
                ),
            )
        if has_bidi_controls(value) or any(ch < " " for ch in value):
            raise InvalidInput(
                field,
                N_(
                    "A rendering in '%(field)s' holds control characters; type it as plain text.", field=field
                ),
            )
        found.setdefault(normalize_term(value, lang), value)
    if len(found) > MAX_RENDERINGS:
        raise InvalidInput(
            field,
            N_(
                "'%(field)s' lists %(count)s renderings; the limit is %(max_renderings)s.",
                field=field,
                count=len(found),
                max_renderings=MAX_RENDERINGS,
            ),
        )
    return tuple(v for k, v in found.items() if k)


@dataclass(frozen=True)
class TermInput:
    """A checked glossary entry as an editor sends it: the preferred rendering (`target`), the other
    renderings the house style accepts, and those it forbids."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    note: str
    alternatives: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> TermInput:
        """Check every field; the first problem found is raised, naming its field."""
        if not isinstance(data, Mapping):
            raise InvalidInput(
                "body", N_("Send an object with source_lang, target_lang, source, target and note.")
            )
        source_lang = parse_language(data.get("source_lang"), "source_lang")
        target_lang = parse_language(data.get("target_lang"), "target_lang")
        if source_lang == target_lang:
            raise InvalidInput(
                "target_lang",
                N_(
                    "Source and target are both %(language_name)s; a glossary pairs two different languages.",
                    language_name=language_name(source_lang),
                ),
            )
        source = _one_line(data, "source", MAX_TERM_CHARS)
        if not normalize_term(source, source_lang):
            raise InvalidInput(
                "source", N_("The source term holds only marks or punctuation; type the word itself.")
            )
        target = _one_line(data, "target", MAX_TERM_CHARS)
        note = _one_line(data, "note", MAX_NOTE_CHARS, required=False)
        target_key = normalize_term(target, target_lang)
        alternatives = tuple(
            a
            for a in _renderings(data, "alternatives", target_lang)
            if normalize_term(a, target_lang) != target_key
        )
        forbidden = _renderings(data, "forbidden", target_lang)
        accepted = {target_key} | {normalize_term(a, target_lang) for a in alternatives}
        clash = next((f for f in forbidden if normalize_term(f, target_lang) in accepted), None)
        if clash is not None:
            raise InvalidInput(
                "forbidden",
                N_("“%(clash)s” is both accepted and forbidden; keep it in one list.", clash=clash),
            )
        return cls(source_lang, target_lang, source, target, note, alternatives, forbidden)


def terms_for(session: Session, source_lang: str, target_lang: str) -> list[GlossaryTerm]:
    """Every term of one language pair, alphabetically by source."""
    return list(
        session.scalars(
            select(GlossaryTerm)
            .where(GlossaryTerm.source_lang == source_lang, GlossaryTerm.target_lang == target_lang)
            .order_by(GlossaryTerm.source_key, GlossaryTerm.id)
        )
    )


def list_terms(
    session: Session,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    limit: int | None = None,
) -> list[GlossaryTerm]:
    """Terms of every pair (or of one side or pair), by pair and then source."""
    return list(session.scalars(terms_select(source_lang, target_lang).limit(limit)))


def terms_select(source_lang: str | None = None, target_lang: str | None = None) -> Select:
    """Terms of every pair (or of one side or pair), by pair and then source (for `queries.page_of`)."""
    stmt = select(GlossaryTerm).order_by(
        GlossaryTerm.source_lang, GlossaryTerm.target_lang, GlossaryTerm.source_key, GlossaryTerm.id
    )
    if source_lang:
        stmt = stmt.where(GlossaryTerm.source_lang == source_lang)
    if target_lang:
        stmt = stmt.where(GlossaryTerm.target_lang == target_lang)
    return stmt


def language_pairs(session: Session) -> list[tuple[str, str]]:
    """The language pairs that have terms."""
    return [
        tuple(row)
        for row in session.execute(
            select(GlossaryTerm.source_lang, GlossaryTerm.target_lang)
            .distinct()
            .order_by(GlossaryTerm.source_lang, GlossaryTerm.target_lang)
        )
    ]


def get_term(session: Session, term_id: int) -> GlossaryTerm:
    """The term with that id (NotFound otherwise)."""
    term = session.get(GlossaryTerm, term_id) if 0 < term_id <= MAX_ID else None
    if term is None:
        raise NotFound(
            N_(
                "No glossary term %(term_id)s; it may have been deleted. Reload the glossary.",
                term_id=term_id,
            )
        )
    return term


def require_editor(actor: User, doing: str) -> None:
    """NotAllowed unless the person may change the glossary."""
    if not can_edit_glossary(actor.actor):
        raise NotAllowed(
            N_("Only editors may %(doing)s glossary terms; ask an editor to make the change.", doing=doing)
        )


def _duplicate(session: Session, data: TermInput, key: str, *, except_id: int | None = None) -> None:
    existing = session.scalar(
        select(GlossaryTerm).where(
            GlossaryTerm.source_lang == data.source_lang,
            GlossaryTerm.target_lang == data.target_lang,
            GlossaryTerm.source_key == key,
            GlossaryTerm.id != (except_id or 0),
        )
    )
    if existing is not None:
        raise _duplicate_error(data, existing)


def _duplicate_error(data: TermInput, existing: GlossaryTerm | None) -> Conflict:
    where = f" (term {existing.id}: {existing.source} → {existing.target})" if existing else ""
    return Conflict(
        N_(
            "The %(source_language)s → %(target_language)s glossary already has “%(source)s”%(where)s. "
            "Edit that term instead of adding another.",
            source_language=language_name(data.source_lang),
            target_language=language_name(data.target_lang),
            source=data.source,
            where=where,
        ),
        code="duplicate_term",
        details={"term_id": existing.id} if existing else {},
    )


def _flush_unique(session: Session, data: TermInput) -> None:
    """Flush, turning a duplicate written by someone else at the same moment into the same 409."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise _duplicate_error(data, None) from None


def create_term(session: Session, actor: User, data: TermInput) -> GlossaryTerm:
    """An editor adds a term to a pair's glossary (409 when the pair already has that source term)."""
    require_editor(actor, N_("add"))
    key = normalize_term(data.source, data.source_lang)
    _duplicate(session, data, key)
    term = GlossaryTerm(
        source_lang=data.source_lang,
        target_lang=data.target_lang,
        source=data.source,
        source_key=key,
        target=data.target,
        alternatives=list(data.alternatives),
        forbidden=list(data.forbidden),
        note=data.note,
        created_by=actor,
        updated_by=actor,
    )
    session.add(term)
    _flush_unique(session, data)
    return term


def update_term(session: Session, actor: User, term: GlossaryTerm, data: TermInput) -> GlossaryTerm:
    """An editor changes a term (its pair, source, rendering or note)."""
    require_editor(actor, N_("change"))
    key = normalize_term(data.source, data.source_lang)
    _duplicate(session, data, key, except_id=term.id)
    term.source_lang, term.target_lang = data.source_lang, data.target_lang
    term.source, term.source_key, term.target, term.note = data.source, key, data.target, data.note
    term.alternatives, term.forbidden = list(data.alternatives), list(data.forbidden)
    term.updated_by = actor
    _flush_unique(session, data)
    return term


def delete_term(session: Session, actor: User, term: GlossaryTerm) -> None:
    """An editor removes a term."""
    require_editor(actor, N_("delete"))
    session.delete(term)
    session.flush()


Pieces = list[tuple[str, TermHit | None]]


@dataclass(frozen=True)
class SourceTerms:
    """An original cut into plain text and glossary-term pieces, for highlighting, and the terms it holds."""

    title: Pieces
    paragraphs: list[Pieces]
    found: list[TermHit]  #: the first occurrence of each term, in reading order


def source_terms(session: Session, source_lang: str, target_lang: str, title: str, body: str) -> SourceTerms:
    """Where the pair's glossary terms stand in an original's title and body (paragraphs as the pages show them)."""
    terms = terms_for(session, source_lang, target_lang)
    title_hits = find_terms(title, source_lang, terms)
    body_hits = [(p, find_terms(p, source_lang, terms)) for p in paragraphs(body)]
    first: dict[int, TermHit] = {}
    for hit in title_hits + [h for _, hits in body_hits for h in hits]:
        first.setdefault(hit.term_id, hit)
    return SourceTerms(
        split_by_hits(title, title_hits),
        [split_by_hits(p, hits) for p, hits in body_hits],
        list(first.values()),
    )
