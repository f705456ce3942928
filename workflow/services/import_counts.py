"""What an import of another tool's file did (TMX into the memory, TBX or CSV into the glossary): the counts the
API reports and one sentence for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..domain.languages import language_name
from ..domain.messages import N_, Listing, Message

#: Why entries were skipped, in words for people (`%(count)s` of them).
REASONS = {
    "duplicate": N_("%(count)s duplicate"),
    "empty": N_("%(count)s empty"),
    "exists": N_("%(count)s exists"),
    "incomplete": N_("%(count)s incomplete"),
    "invalid": N_("%(count)s invalid"),
    "missing_language": N_("%(count)s missing language"),
    "other_pair": N_("%(count)s other pair"),
    "too_long": N_("%(count)s too long"),
}


@dataclass
class ImportCounts:
    """Entries added, and entries skipped with why (each importer names its reasons)."""

    source_lang: str = ""
    target_lang: str = ""
    added: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: The sentence for people, without and with the reasons for skipping (each kind of import says its noun).
    SENTENCE: ClassVar[Message] = N_("%(pair)s: %(added)s entry(ies) added, %(skipped)s skipped.")
    SENTENCE_WITH_REASONS: ClassVar[Message] = N_(
        "%(pair)s: %(added)s entry(ies) added, %(skipped)s skipped (%(reasons)s)."
    )

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
    def summary(self) -> Message:
        """One sentence for people (the web edge says it in the reader's language)."""
        reasons = [
            Message(REASONS[why].msgid, count=n) if why in REASONS else f"{n} {why.replace('_', ' ')}"
            for why, n in self.skipped.items()
            if n
        ]
        pair = N_(
            "%(source)s → %(target)s",
            source=language_name(self.source_lang),
            target=language_name(self.target_lang),
        )
        sentence = self.SENTENCE_WITH_REASONS if reasons else self.SENTENCE
        params = {"pair": pair, "added": self.added, "skipped": self.skipped_total}
        if reasons:
            params["reasons"] = Listing(reasons)
        return Message(sentence.msgid, **params)
