"""Quality checks of an adaptation against its original: pure functions over the two texts.

Adaptors restructure freely, so every check compares the whole text (title and body together), never
sentence by sentence: a number counts as kept wherever it appears, a name counts as kept if any of its
words does, and the length check only speaks when the adaptation is several times off what the language
pair predicts. Each finding carries a `key` that identifies it within its check (the missing number, the
glossary term, the name...) and stays the same across saves, so an editor's override sticks to it.

The checks live one concern to a module (numbers, dates, glossary terms, untranslated text, names, form);
this package puts them together and keeps every public name importable from `workflow.domain.qa`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .dates import AMBIGUOUS_ARABIC, ARABIC_MONTHS, ENGLISH_MONTHS, check_dates, months_in
from .findings import CHECK_WORDS, CHECKS, ERROR, MAX_PER_CHECK, WARNING, Finding
from .form import (
    EXPANSION,
    LENGTH_HIGH,
    LENGTH_LOW,
    LENGTH_MIN_SOURCE,
    check_length,
    check_punctuation,
    check_title,
    expected_ratio,
)
from .names import NOT_NAMES, candidate_names, check_names
from .normalize import normalize_digits
from .numbers import Quantity, check_numbers, extract_quantities
from .scripts import LATIN, SCRIPTS, foreign_runs, script_of
from .terms import ForbiddenRendering, GlossaryHit, check_forbidden, check_glossary, rendering_in
from .untranslated import GLOSS_MAX_WORDS, LATIN_PHRASE_WORDS, UNTRANSLATED_ERROR_LETTERS, check_untranslated

__all__ = [
    "AMBIGUOUS_ARABIC",
    "ARABIC_MONTHS",
    "CHECKS",
    "CHECK_WORDS",
    "ENGLISH_MONTHS",
    "ERROR",
    "EXPANSION",
    "GLOSS_MAX_WORDS",
    "LATIN",
    "LATIN_PHRASE_WORDS",
    "LENGTH_HIGH",
    "LENGTH_LOW",
    "LENGTH_MIN_SOURCE",
    "MAX_PER_CHECK",
    "NOT_NAMES",
    "SCRIPTS",
    "UNTRANSLATED_ERROR_LETTERS",
    "WARNING",
    "Finding",
    "ForbiddenRendering",
    "GlossaryHit",
    "QaInput",
    "Quantity",
    "candidate_names",
    "check_dates",
    "check_forbidden",
    "check_glossary",
    "check_length",
    "check_names",
    "check_numbers",
    "check_punctuation",
    "check_title",
    "check_untranslated",
    "expected_ratio",
    "extract_quantities",
    "foreign_runs",
    "months_in",
    "normalize_digits",
    "rendering_in",
    "run_checks",
    "script_of",
]


@dataclass(frozen=True)
class QaInput:
    """Everything the checks look at."""

    source_title: str
    source_body: str
    source_lang: str
    title: str
    body: str
    lang: str
    terms: Sequence[GlossaryHit] = ()  #: glossary terms found in the original, with approved renderings
    mt_text: str = ""  #: the machine draft's title and body, if there is one (names are read from it)
    forbidden: Sequence[ForbiddenRendering] = ()  #: renderings the pair's glossary forbids


def run_checks(data: QaInput) -> list[Finding]:
    """Every finding of every check, errors and warnings, in the order of `CHECKS`."""
    source = f"{data.source_title}\n\n{data.source_body}"
    adaptation = f"{data.title}\n\n{data.body}"
    findings: list[Finding] = []
    findings += check_title(data.title)
    findings += check_numbers(source, data.source_lang, adaptation, data.lang)
    findings += check_dates(source, data.source_lang, adaptation, data.lang)
    findings += check_glossary(data.terms, adaptation, data.lang)
    findings += check_forbidden(data.forbidden, adaptation, data.lang)
    findings += check_untranslated(adaptation, data.source_lang, data.lang)
    findings += check_names(source, data.source_lang, data.mt_text, adaptation, data.lang)
    findings += check_punctuation(data.title, data.body)
    findings += check_length(data.source_body, data.source_lang, data.body, data.lang)
    return findings
