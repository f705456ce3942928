"""Checks of the adaptation's form rather than its content: a title, paired quotes and brackets, a length."""

from __future__ import annotations

from ..messages import N_, Message
from .findings import ERROR, WARNING, Finding

# --- title ---------------------------------------------------------------------------------------------


def check_title(title: str) -> list[Finding]:
    """An adaptation needs a title."""
    if (title or "").strip():
        return []
    return [
        Finding("empty_title", ERROR, "", N_("The adaptation has no title. Write one before submitting."))
    ]


# --- quotes and brackets -------------------------------------------------------------------------------

_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "«": "»", "‹": "›", "﴾": "﴿"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def _opened(mark: str) -> Message:
    return N_("%(mark)s is opened but never closed", mark=mark)


def _balance(text: str) -> dict[str, Message]:
    """Problems with paired marks in one text, by the pair they concern."""
    problems: dict[str, Message] = {}
    stack: list[str] = []
    for char in text:
        if char in _PAIRS:
            stack.append(char)
        elif char in _CLOSERS:
            opener = _CLOSERS[char]
            if stack and stack[-1] == opener:
                stack.pop()
            elif opener in stack:
                while stack and stack[-1] != opener:
                    unclosed = stack.pop()
                    problems.setdefault(unclosed + _PAIRS[unclosed], _opened(unclosed))
                stack.pop()
            else:
                problems.setdefault(opener + char, N_("%(mark)s closes nothing that was opened", mark=char))
    for unclosed in stack:
        problems.setdefault(unclosed + _PAIRS[unclosed], _opened(unclosed))
    if text.count('"') % 2:
        problems['""'] = N_('there is an odd number of straight quotes " (%(count)s)', count=text.count('"'))
    return problems


def check_punctuation(title: str, body: str) -> list[Finding]:
    """Quotes and brackets come in pairs (straight single quotes are apostrophes: not checked)."""
    findings = []
    for part, text in (("title", title), ("text", body)):
        for pair, problem in _balance(text or "").items():
            if part == "title":
                message = N_("In the title, %(problem)s. Check the quotes and brackets.", problem=problem)
            else:
                message = N_("In the text, %(problem)s. Check the quotes and brackets.", problem=problem)
            findings.append(Finding("punctuation", WARNING, f"{part} {pair}", message))
    return findings


# --- length --------------------------------------------------------------------------------------------

#: Characters of adaptation per character of original (spaces not counted), by language pair.
EXPANSION = {("ar", "en"): 1.1, ("en", "ar"): 0.9, ("ar", "fr"): 1.2, ("ar", "es"): 1.2, ("ar", "de"): 1.2}
#: The length check warns outside [LOW, HIGH] × the expected length, and only for originals this long.
LENGTH_LOW, LENGTH_HIGH, LENGTH_MIN_SOURCE = 0.35, 2.5, 300


def _chars(text: str) -> int:
    return sum(1 for c in text or "" if not c.isspace())


def expected_ratio(source_lang: str, lang: str) -> float:
    """How many characters of adaptation one character of the original usually becomes."""
    return EXPANSION.get((source_lang.split("-")[0], lang.split("-")[0]), 1.0)


def check_length(source_body: str, source_lang: str, body: str, lang: str) -> list[Finding]:
    """The body is not several times shorter or longer than the language pair predicts (adaptations condense)."""
    source_chars = _chars(source_body)
    if source_chars < LENGTH_MIN_SOURCE:
        return []
    expected = source_chars * expected_ratio(source_lang, lang)
    ratio = _chars(body) / expected
    if ratio < LENGTH_LOW:
        return [
            Finding(
                "length",
                WARNING,
                "short",
                N_(
                    "The text is %(percent)s of the length the original suggests (about %(expected)s "
                    "characters). Condensing is fine; check nothing essential was dropped.",
                    percent=f"{ratio:.0%}",
                    expected=f"{round(expected):,}",
                ),
            )
        ]
    if ratio > LENGTH_HIGH:
        return [
            Finding(
                "length",
                WARNING,
                "long",
                N_(
                    "The text is %(times)s times the length the original suggests (about %(expected)s "
                    "characters). Check nothing was pasted twice or added by mistake.",
                    times=f"{ratio:.1f}",
                    expected=f"{round(expected):,}",
                ),
            )
        ]
    return []
