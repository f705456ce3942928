"""Glossary terms: the original's terms appear in the adaptation as their approved renderings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..glossary import find_terms, normalize_term
from .findings import ERROR, MAX_PER_CHECK, Finding


class GlossaryHit(Protocol):
    """What the glossary check reads from a term found in the original (a glossary `TermHit` fits)."""

    source: str
    target: str


@dataclass(frozen=True)
class _Rendering:
    """An approved rendering posing as a glossary term, to find it with the glossary's own matcher."""

    source: str
    target: str
    id: int = 0
    note: str = ""
    source_key: str = field(default="")


def rendering_in(text: str, rendering: str, lang: str) -> bool:
    """Whether `rendering` is written in `text` as a whole word or phrase (Arabic clitics allowed)."""
    term = _Rendering(source=rendering, target=rendering, source_key=normalize_term(rendering, lang))
    return bool(term.source_key) and bool(find_terms(text, lang, [term]))


def check_glossary(hits: Sequence[GlossaryHit], adaptation: str, lang: str) -> list[Finding]:
    """Every glossary term of the original appears in the adaptation as its approved rendering."""
    findings = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        if (hit.source, hit.target) in seen:
            continue
        seen.add((hit.source, hit.target))
        if rendering_in(adaptation, hit.target, lang):
            continue
        findings.append(
            Finding(
                "glossary",
                ERROR,
                hit.source[:200],
                (
                    f"The original has the glossary term {hit.source}; its approved rendering is {hit.target}, "
                    "which the adaptation does not use. Use it, or ask an editor to override (for instance when "
                    "the passage was cut)."
                ),
            )
        )
    return findings[:MAX_PER_CHECK]
