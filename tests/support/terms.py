"""A glossary term without a database row, for the pure glossary and QA tests."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.domain.glossary import normalize_term


@dataclass(frozen=True)
class Term:
    """What `find_terms` reads of a `GlossaryTerm`: id, source, target, note, and the key of the source."""

    id: int
    source: str
    target: str
    note: str = ""
    lang: str = "ar"

    @property
    def source_key(self) -> str:
        return normalize_term(self.source, self.lang)
