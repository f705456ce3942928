"""What an import of another tool's file did (TMX into the memory, TBX or CSV into the glossary): the counts the
API reports and one sentence for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..domain.languages import language_name


@dataclass
class ImportCounts:
    """Entries added, and entries skipped with why (each importer names its reasons)."""

    source_lang: str = ""
    target_lang: str = ""
    added: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: What the file's entries become, for the sentence ("unit", "term").
    noun: ClassVar[str] = "entry"

    @property
    def skipped_total(self) -> int:
        """Entries not added, for every reason."""
        return sum(self.skipped.values())

    def as_json(self) -> dict:
        """The counts as the API reports them."""
        return {
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "added": self.added,
            "skipped": self.skipped_total,
            "skipped_by_reason": dict(self.skipped),
        }

    @property
    def summary(self) -> str:
        """One sentence for people."""
        reasons = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in self.skipped.items() if n)
        pair = f"{language_name(self.source_lang)} → {language_name(self.target_lang)}"
        return f"{pair}: {self.added} {self.noun}(s) added, {self.skipped_total} skipped" + (
            f" ({reasons})." if reasons else "."
        )
