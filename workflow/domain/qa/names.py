"""Names: runs of capitalised words in the machine draft (or a Latin-script original) the adaptation keeps."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ..messages import N_
from .findings import MAX_PER_CHECK, WARNING, Finding
from .scripts import LATIN, script_of

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
#: What may stand right before the first word of a sentence.
_OPENERS = frozenset('.!?؟…:"“«(')
#: Capitalised words that are not names by themselves (sentence openers, titles, days, months).
_NOT_NAMES = """
a an the this that these those he she it they we i you his her its their our my your in on at of for from
to by with as but and or nor so yet if when while after before since during until because although though
there here what which who whom whose where why how all some any many most more no not one two three also
however meanwhile according mr mrs ms dr president minister prime king queen prince princess sheikh emir
general gen foreign secretary sir lord state deputy chief leader spokesman spokeswoman ambassador
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december
"""
NOT_NAMES = frozenset(_NOT_NAMES.split())


def _sentence_start(paragraph: str, start: int) -> bool:
    tail = paragraph[max(0, start - 24) : start].rstrip()
    return not tail or tail[-1] in _OPENERS


def _runs(paragraph: str) -> list[tuple[list[str], bool]]:
    """Runs of adjacent capitalised words, each with whether it opens a sentence."""
    runs: list[tuple[list[str], bool]] = []
    run: list[str] = []
    at_start, last_end = False, 0
    for match in _WORD.finditer(paragraph):
        word = match.group(0)
        if run and (paragraph[last_end : match.start()].strip() or not word[0].isupper()):
            runs.append((run, at_start))
            run = []
        last_end = match.end()
        if word[0].isupper():
            if not run:
                at_start = _sentence_start(paragraph, match.start())
            run.append(word)
    if run:
        runs.append((run, at_start))
    return runs


def candidate_names(text: str) -> list[str]:
    """Runs of capitalised words that look like names, in a Latin-script text.

    A lone capitalised word that opens a sentence counts only if the text also capitalises it
    mid-sentence: "Officials said" is not a name, "Putin said ... met Putin" is.
    """
    runs = [run for paragraph in (text or "").split("\n") for run in _runs(paragraph)]
    mid_sentence = {w for words, at_start in runs for w in (words[1:] if at_start else words)}
    names: list[str] = []
    for words, at_start in runs:
        if at_start and len(words) == 1 and words[0] not in mid_sentence:
            continue
        # "Russian President Vladimir Putin" holds two names: a word that is not a name splits the run.
        part: list[str] = []
        for word in [*words, ""]:
            if word and word.casefold().strip("'’-") not in NOT_NAMES:
                part.append(word)
            elif part:
                names.append(" ".join(part))
                part = []
    return list(dict.fromkeys(names))


def _name_present(name: str, words: set[str]) -> bool:
    """A name is kept if one of its significant words (≥ 3 letters) is there, spelled alike (≥ 80 %)."""
    significant = [re.sub(r"['’]s$", "", w.casefold()).strip("'’-") for w in name.split() if len(w) >= 3]
    significant = significant or [name.casefold()]
    if any(word in words for word in significant):
        return True
    return any(
        process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=80) is not None
        for word in significant
    )


def check_names(source: str, source_lang: str, mt_text: str, adaptation: str, lang: str) -> list[Finding]:
    """Names of the original (read from the machine draft, or the original itself in Latin script) are kept."""
    if script_of(lang) != LATIN:
        return []
    candidates = candidate_names(mt_text) if mt_text else []
    if script_of(source_lang) == LATIN:
        candidates += candidate_names(source)
    words = {re.sub(r"['’]s$", "", w.casefold()).strip("'’-") for w in _WORD.findall(adaptation)}
    findings = []
    for name in dict.fromkeys(candidates):
        if not words or not _name_present(name, words):
            findings.append(
                Finding(
                    "names",
                    WARNING,
                    name[:200],
                    N_(
                        "The original names %(name)s (as the machine draft renders it); the adaptation does not. "
                        "Check the name was not lost or misspelled.",
                        name=name,
                    ),
                )
            )
    return findings[:MAX_PER_CHECK]
