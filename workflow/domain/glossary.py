"""Glossary matching: normalize terms and find them in text, Arabic clitics and spelling variants included.

Matching runs on a normalized copy of the text (case folded, diacritics and tashkeel dropped, tatweel and
invisible format marks removed, alef and yaa variants folded) that keeps, for every character, its offset in
the original, so hits point into the text as written. In Arabic a term is also found behind the proclitics
و ف (and), ب ل ك (prepositions) and the article ال, including ل + ال written لل.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

#: Languages whose words take the Arabic proclitics.
CLITIC_LANGUAGES = frozenset({"ar"})
#: Letters folded to one form: hamza-less alef for alef variants (wasla; the hamza ones decompose), yaa.
_FOLD = {"\u0671": "\u0627", "\u0649": "\u064a", "\u06cc": "\u064a"}
_TATWEEL = "\u0640"
_SPACE = re.compile(r"\s+")
#: Conjunction, then a preposition and/or the article (lazy: the longest term wins, not the longest prefix).
_PREFIX = "(?:[وف]??(?:[بك]??(?:ال)??|لل??))"


class Term(Protocol):
    """What `find_terms` reads from a glossary entry (a `GlossaryTerm` row fits)."""

    id: int
    source: str
    source_key: str
    target: str
    note: str


@dataclass(frozen=True)
class TermHit:
    """One occurrence of a glossary term in a text; `start`/`end` are offsets into that text."""

    start: int
    end: int
    matched: str  #: the text as written there, clitics included
    term_id: int
    source: str
    target: str
    note: str
    alternatives: tuple[str, ...] = ()  #: other renderings the house style accepts


def _fold_char(char: str) -> str:
    """The normalized form of one character ("" when it is dropped)."""
    if char.isspace():
        return " "
    if char == _TATWEEL:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", char):
        category = unicodedata.category(part)
        if category in ("Mn", "Me", "Cf"):
            continue  # tashkeel, accents, hamza marks, bidi and joiner controls
        out.append(_FOLD.get(part, part))
    return "".join(out).casefold()


def _normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the offset of the character it came from."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            offsets.append(index)
    return "".join(chars), offsets


def normalize_term(text: str, lang: str) -> str:
    """The matching key of a term: folded as `find_terms` folds text, whitespace collapsed, trimmed.

    `lang` is part of the interface (a language may one day fold differently); today one folding serves all.
    """
    return _SPACE.sub(" ", "".join(_fold_char(c) for c in text or "")).strip()


def _key_pattern(key: str) -> str:
    return r"\s+".join(re.escape(word) for word in key.split(" "))


@lru_cache(maxsize=64)
def _compile(keys: tuple[str, ...], clitics: bool) -> re.Pattern[str]:
    """One pattern for all keys (longest first, so "الأمم المتحدة" beats "الأمم"); group `k` or `l` names the key."""
    ordered = sorted(keys, key=len, reverse=True)
    plain = "|".join(_key_pattern(k) for k in ordered)
    if not clitics:
        return re.compile(rf"(?<!\w)(?P<k>{plain})(?!\w)")
    # ل + ال loses the alef: "للرئيس" holds "الرئيس".
    with_article = [k for k in ordered if k.startswith("ال") and len(k) > 2]
    alternatives = [rf"{_PREFIX}(?P<k>{plain})"]
    if with_article:
        stripped = "|".join(_key_pattern(k[2:]) for k in with_article)
        alternatives.append(rf"[وف]??لل(?P<l>{stripped})")
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def find_terms(text: str, lang: str, terms: Iterable[Term]) -> list[TermHit]:
    """Every occurrence of the glossary terms in `text` (written in `lang`), in reading order, never overlapping."""
    by_key: dict[str, Term] = {}
    for term in terms:
        key = term.source_key or normalize_term(term.source, lang)
        if key:
            by_key.setdefault(key, term)
    if not text or not by_key:
        return []
    normalized, offsets = _normalize_with_offsets(text)
    pattern = _compile(tuple(sorted(by_key)), lang.split("-")[0].lower() in CLITIC_LANGUAGES)
    hits = []
    for match in pattern.finditer(normalized):
        found = match.group("k")
        key = _SPACE.sub(" ", found) if found is not None else "ال" + _SPACE.sub(" ", match.group("l"))
        term = by_key.get(key)
        if term is None:
            continue
        start, end = offsets[match.start()], _end_offset(text, offsets[match.end() - 1])
        hits.append(
            TermHit(
                start=start,
                end=end,
                matched=text[start:end],
                term_id=term.id,
                source=term.source,
                target=term.target,
                note=term.note or "",
                # Terms read from the database list them; renderings posing as terms have none.
                alternatives=tuple(getattr(term, "alternatives", None) or ()),
            )
        )
    return hits


def _end_offset(text: str, last: int) -> int:
    """One past the last matched character, taking the marks and tatweel written after it."""
    end = last + 1
    while end < len(text) and _fold_char(text[end]) == "" and not text[end].isspace():
        end += 1
    return end


def rendering_present(text: str, rendering: str, lang: str) -> bool:
    """Whether `rendering` (an approved target) is written in `text`, as a whole word or phrase."""
    key = normalize_term(rendering, lang)
    if not key or not text:
        return False
    normalized, _ = _normalize_with_offsets(text)
    return _compile((key,), lang.split("-")[0].lower() in CLITIC_LANGUAGES).search(normalized) is not None


def split_by_hits(text: str, hits: Sequence[TermHit]) -> list[tuple[str, TermHit | None]]:
    """The text cut into pieces: plain runs paired with None and term occurrences paired with their hit."""
    pieces: list[tuple[str, TermHit | None]] = []
    position = 0
    for hit in hits:
        if hit.start > position:
            pieces.append((text[position : hit.start], None))
        pieces.append((text[hit.start : hit.end], hit))
        position = hit.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


@dataclass(frozen=True)
class _Rendering:
    """A machine rendering of a term to look for, as `find_terms` reads a term."""

    id: int
    source: str
    source_key: str
    target: str
    note: str = ""


#: Punctuation a model adds around a term translated alone ("Putin." for "بوتين").
_EDGE_PUNCTUATION = " .,;:!?؟،؛\"'«»“”‘’()[]"


def apply_terms(text: str, renderings: Iterable[tuple[str, str]]) -> str:
    """`text` with each `(machine rendering, approved rendering)` replaced, whole words only, ignoring case.

    The machine rendering is how the model translates the term on its own; where the same words stand in
    its translation of the sentence, the approved rendering takes their place.
    """
    wanted = []
    for index, (machine, approved) in enumerate(renderings):
        machine = (machine or "").strip(_EDGE_PUNCTUATION)
        key = normalize_term(machine, "")
        if key and approved and key != normalize_term(approved, ""):
            wanted.append(_Rendering(index, machine, key, approved))
    hits = find_terms(text, "", wanted)
    for hit in reversed(hits):
        text = text[: hit.start] + hit.target + text[hit.end :]
    return text
