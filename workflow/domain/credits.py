"""How credits read on a published page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .languages import language_name

Person = TypeVar("Person")


@dataclass(frozen=True)
class BylineWords:
    """The words of a byline in one language, around the names."""

    report: str  #: before the reporters
    adaptation: str  #: before the adaptors, the byline's first words (the language's name is {language})
    then_adaptation: str  #: before the adaptors, after the reporters
    comma: str  #: between names
    last: str  #: before the last name

    def lead(self, target_language: str) -> str:
        return self.adaptation.format(language=language_name(target_language))

    def then(self, target_language: str) -> str:
        return self.then_adaptation.format(language=language_name(target_language))


#: Bylines in the adaptation's own language: English for every language without words of its own here.
BYLINE_WORDS = {
    "en": BylineWords(
        "A report by ", "{language} adaptation by ", ", {language} adaptation by ", ", ", " and "
    ),
    # «تقرير: أحمد عبد الله، ترجمة وتحرير: نادين ساسين»; "و" (and) is written joined to the name after it.
    "ar": BylineWords("تقرير: ", "ترجمة وتحرير: ", "، ترجمة وتحرير: ", "، ", " و"),
}


def byline_words(target_language: str) -> BylineWords:
    """The byline's words for a story in `target_language`."""
    return BYLINE_WORDS.get((target_language or "").split("-")[0].lower(), BYLINE_WORDS["en"])


def join_names(names: list[str], target_language: str = "en") -> str:
    """Join names as a newsroom would: "A", "A and B", "A, B and C" (in the story's language)."""
    return "".join(text for text, _ in _named(names, str, byline_words(target_language)))


def credit_line(reporters: list[str], adaptors: list[str], target_language: str) -> str:
    """The byline: "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"."""
    return "".join(text for text, _ in credit_segments(reporters, adaptors, target_language, name=str))


def _named(
    people: Sequence[Person], name: Callable[[Person], str], words: BylineWords
) -> list[tuple[str, Person | None]]:
    """People as byline pieces: each name, with the language's ", " and " and " between them."""
    people = [p for p in people if name(p)]
    pieces: list[tuple[str, Person | None]] = []
    for index, person in enumerate(people):
        if index:
            pieces.append((words.last if index == len(people) - 1 else words.comma, None))
        pieces.append((name(person), person))
    return pieces


def credit_segments(
    reporters: Sequence[Person],
    adaptors: Sequence[Person],
    target_language: str,
    *,
    name: Callable[[Person], str],
) -> list[tuple[str, Person | None]]:
    """The byline in pieces, each name with its person (to link it) and the words between with None; in the
    story's language where it has words here, else in English."""
    words = byline_words(target_language)
    pieces: list[tuple[str, Person | None]] = []
    if any(name(p) for p in reporters):
        pieces += [(words.report, None), *_named(reporters, name, words)]
    if any(name(p) for p in adaptors):
        pieces += [(words.then(target_language), None)] if pieces else [(words.lead(target_language), None)]
        pieces += _named(adaptors, name, words)
    return pieces
