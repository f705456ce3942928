"""How credits read on a published page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .languages import language_name

Person = TypeVar("Person")


def join_names(names: list[str]) -> str:
    """Join names as a newsroom would: "A", "A and B", "A, B and C"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def credit_line(reporters: list[str], adaptors: list[str], target_language: str) -> str:
    """The byline: "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"."""
    return "".join(text for text, _ in credit_segments(reporters, adaptors, target_language, name=str))


def _named(people: Sequence[Person], name: Callable[[Person], str]) -> list[tuple[str, Person | None]]:
    """People as byline pieces: each name, with ", " and " and " between them."""
    people = [p for p in people if name(p)]
    pieces: list[tuple[str, Person | None]] = []
    for index, person in enumerate(people):
        if index:
            pieces.append((" and " if index == len(people) - 1 else ", ", None))
        pieces.append((name(person), person))
    return pieces


def credit_segments(
    reporters: Sequence[Person],
    adaptors: Sequence[Person],
    target_language: str,
    *,
    name: Callable[[Person], str],
) -> list[tuple[str, Person | None]]:
    """The byline in pieces, each name with its person (to link it) and the words between with None."""
    pieces: list[tuple[str, Person | None]] = []
    if any(name(p) for p in reporters):
        pieces += [("A report by ", None), *_named(reporters, name)]
    if any(name(p) for p in adaptors):
        lead = f"{language_name(target_language)} adaptation by "
        pieces += [(", " + lead, None)] if pieces else [(lead[0].upper() + lead[1:], None)]
        pieces += _named(adaptors, name)
    return pieces
