"""Glossary terms: the original's terms appear in the adaptation as an accepted rendering, and no rendering
the house style forbids appears at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..glossary import find_terms, normalize_term
from ..messages import N_
from .findings import ERROR, MAX_PER_CHECK, Finding


class GlossaryHit(Protocol):
    """What the glossary check reads from a term found in the original (a glossary `TermHit` fits)."""

    source: str
    target: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class ForbiddenRendering:
    """A rendering the house style avoids, with the term it renders and the preferred rendering."""

    rendering: str
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
        accepted = (hit.target, *getattr(hit, "alternatives", ()))
        if any(rendering_in(adaptation, rendering, lang) for rendering in accepted):
            continue
        if len(accepted) > 1:
            message = N_(
                "The original has the glossary term %(term)s; its approved rendering is %(rendering)s (or "
                "%(alternatives)s), which the adaptation does not use. Use it, or ask an editor to override "
                "(for instance when the passage was cut).",
                term=hit.source,
                rendering=hit.target,
                alternatives=", ".join(accepted[1:]),
            )
        else:
            message = N_(
                "The original has the glossary term %(term)s; its approved rendering is %(rendering)s, which "
                "the adaptation does not use. Use it, or ask an editor to override (for instance when the "
                "passage was cut).",
                term=hit.source,
                rendering=hit.target,
            )
        findings.append(Finding("glossary", ERROR, hit.source[:200], message))
    return findings[:MAX_PER_CHECK]


def check_forbidden(forbidden: Sequence[ForbiddenRendering], adaptation: str, lang: str) -> list[Finding]:
    """No rendering the glossary forbids (house-style "avoid" words) appears in the adaptation."""
    findings: dict[str, Finding] = {}
    for item in forbidden:
        key = normalize_term(item.rendering, lang)[:200]
        if key in findings or not rendering_in(adaptation, item.rendering, lang):
            continue
        findings[key] = Finding(
            "forbidden",
            ERROR,
            key,
            N_(
                "The adaptation uses “%(rendering)s”, which the house style avoids (glossary: %(source)s → "
                "%(target)s). Write %(target)s instead, or ask an editor to override (for instance in a quote).",
                rendering=item.rendering,
                source=item.source,
                target=item.target,
            ),
        )
    return list(findings.values())[:MAX_PER_CHECK]
