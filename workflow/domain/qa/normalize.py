"""Text as the checks compare it: digits in Western form, words folded as the glossary folds them."""

from __future__ import annotations

from ..glossary import normalize_term

#: Arabic-Indic and Persian digits, and the Arabic decimal and thousands separators, in Western form.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ".",
        "\u066c": ",",
    }
)


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and the Arabic separators (٫ decimal, ٬ thousands) in Western form."""
    return (text or "").translate(_DIGITS)


def fold(text: str) -> str:
    """Text folded for matching words: the glossary's folding (case, tashkeel, tatweel, alef and yaa forms)."""
    return (
        normalize_term(text, "")
        if "\n" not in text
        else "\n".join(normalize_term(p, "") for p in text.split("\n"))
    )
