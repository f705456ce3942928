"""How credits read on a published page."""

from __future__ import annotations

from .languages import language_name


def join_names(names: list[str]) -> str:
    """Join names as a newsroom would: "A", "A and B", "A, B and C"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def credit_line(reporters: list[str], adaptors: list[str], target_language: str) -> str:
    """The byline: "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"."""
    parts = []
    if reporters:
        parts.append(f"A report by {join_names(reporters)}")
    if adaptors:
        adaptation = f"{language_name(target_language)} adaptation by {join_names(adaptors)}"
        parts.append(adaptation if parts else adaptation[0].upper() + adaptation[1:])
    return ", ".join(parts)
