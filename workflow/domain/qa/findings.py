"""What a check reports: findings, their severities, and the registry of checks by stable name."""

from __future__ import annotations

from dataclasses import dataclass

from ..messages import N_

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


#: At most this many findings per check, so a pasted original does not bury the rest.
MAX_PER_CHECK = 12


@dataclass(frozen=True)
class Finding:
    """One problem found: which check, how serious, which instance (`key`) and words for people."""

    check: str
    severity: str  #: "error" blocks submission until an editor overrides it; "warning" only informs
    key: str
    message: str

    @property
    def label(self) -> str:
        """The check's name for people."""
        return CHECKS.get(self.check, self.check)
