"""Untranslated text: words or digits of the original's script left in the adaptation."""

from __future__ import annotations

import re
import unicodedata

from ..messages import N_
from .findings import ERROR, MAX_PER_CHECK, WARNING, Finding
from .scripts import LATIN, foreign_runs, script_of

#: More letters than this in the original's script is an error; fewer is a warning (a stray letter).
UNTRANSLATED_ERROR_LETTERS = 3
#: A short run in parentheses or quotes is a gloss or a quotation ("the Shura Council (مجلس الشورى)",
#: "the crowd chanted «ارحل»"), not left-over text.
GLOSS_MAX_WORDS = 4
#: From a Latin-script original, a run of fewer words than this is likely a name or brand: only a warning.
LATIN_PHRASE_WORDS = 3
_EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]+")

_ENCLOSERS = {"(": ")", "«": "»", "“": "”", '"': '"', "‹": "›"}


def _is_gloss(text: str, start: int, end: int) -> bool:
    """A few words of the original in parentheses or quotation marks: a newsroom gloss or quotation."""
    before, after = text[max(0, start - 4) : start].rstrip(), text[end : end + 4].lstrip()
    opener = before[-1:]
    return (
        opener in _ENCLOSERS
        and after[:1] == _ENCLOSERS[opener]
        and len(text[start:end].split()) <= GLOSS_MAX_WORDS
    )


def check_untranslated(adaptation: str, source_lang: str, lang: str) -> list[Finding]:
    """No text left in the original's script (a short gloss or quotation aside), nor its digits."""
    source_scripts, target_scripts = script_of(source_lang), script_of(lang)
    if source_scripts & target_scripts:
        return []  # same script (Arabic → Persian, French → English): nothing to tell apart
    findings: list[Finding] = []
    for start, end in foreign_runs(adaptation, source_scripts):
        if _is_gloss(adaptation, start, end):
            continue
        run = adaptation[start:end]
        letters = sum(1 for c in run if unicodedata.category(c).startswith("L"))
        shown = run if len(run) <= 80 else run[:79] + "…"
        if source_scripts == LATIN and len(run.split()) < LATIN_PHRASE_WORDS:
            # Latin names, brands and acronyms (Reuters, NATO, iPhone) are routinely kept in other scripts.
            findings.append(
                Finding(
                    "untranslated",
                    WARNING,
                    run[:200],
                    N_(
                        "Latin-script text is left in the adaptation: %(text)s. Fine for a name or a brand; "
                        "otherwise translate it.",
                        text=shown,
                    ),
                )
            )
        elif letters > UNTRANSLATED_ERROR_LETTERS:
            findings.append(
                Finding(
                    "untranslated",
                    ERROR,
                    run[:200],
                    N_(
                        "Text in the original's script is left in the adaptation: %(text)s. Translate it; a few "
                        "words quoted in the original script may stay in quotation marks or in parentheses.",
                        text=shown,
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    "untranslated",
                    WARNING,
                    run[:200],
                    N_(
                        "Stray letters in the original's script: %(text)s. Remove or translate them.",
                        text=shown,
                    ),
                )
            )
    if "ARABIC" not in target_scripts and _EASTERN_DIGITS.search(adaptation):
        digits = _EASTERN_DIGITS.search(adaptation).group(0)
        findings.append(
            Finding(
                "untranslated",
                WARNING,
                "digits",
                N_(
                    "Arabic-Indic digits (%(digits)s) are left in the adaptation; write them as 0–9.",
                    digits=digits,
                ),
            )
        )
    return findings[:MAX_PER_CHECK]
