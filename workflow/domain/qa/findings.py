"""What a check reports: findings, their severities, and the registry of checks by stable name."""

from __future__ import annotations

from dataclasses import dataclass

from ..messages import N_, Message

ERROR, WARNING = "error", "warning"

#: Check names (stable: overrides and API clients use them) and how pages title them.
CHECKS: dict[str, str] = {
    "empty_title": N_("Empty title"),
    "numbers": N_("Numbers"),
    "dates": N_("Dates"),
    "glossary": N_("Glossary terms"),
    "forbidden": N_("Forbidden terms"),
    "untranslated": N_("Untranslated text"),
    "names": N_("Names"),
    "punctuation": N_("Quotes and brackets"),
    "length": N_("Length"),
}
#: The same names inside a sentence ("1 QA error blocks it (numbers, glossary terms)").
CHECK_WORDS: dict[str, Message] = {
    "empty_title": N_("empty title"),
    "numbers": N_("numbers"),
    "dates": N_("dates"),
    "glossary": N_("glossary terms"),
    "forbidden": N_("forbidden terms"),
    "untranslated": N_("untranslated text"),
    "names": N_("names"),
    "punctuation": N_("quotes and brackets"),
    "length": N_("length"),
}


#: At most this many findings per check, so a pasted original does not bury the rest.
MAX_PER_CHECK = 12


@dataclass(frozen=True)
class Finding:
    """One problem found: which check, how serious, which instance (`key`) and words for people.

    `message` is a catalog `Message` (`N_`): its English text, with the msgid and the values (numbers, names,
    terms: data, shown as they are) the web edge translates it with into the reader's language. A plain `str`
    (a finding kept from before the checks spoke through the catalog) is shown as it is."""

    check: str
    severity: str  #: "error" blocks submission until an editor overrides it; "warning" only informs
    key: str
    message: str

    @property
    def label(self) -> str:
        """The check's name for people."""
        return CHECKS.get(self.check, self.check)
