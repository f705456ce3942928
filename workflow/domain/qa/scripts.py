"""Writing systems: which script a language is written in, and where a text switches to one."""

from __future__ import annotations

import unicodedata

#: Writing systems by language (Unicode name prefixes); any language not listed is written in Latin.
SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ku", "ks", "dv"), frozenset({"ARABIC"})),
    **dict.fromkeys(("he", "yi"), frozenset({"HEBREW"})),
    **dict.fromkeys(("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "tg", "mn"), frozenset({"CYRILLIC"})),
    "el": frozenset({"GREEK"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL"}),
    "th": frozenset({"THAI"}),
    "hy": frozenset({"ARMENIAN"}),
    "ka": frozenset({"GEORGIAN"}),
    **dict.fromkeys(("hi", "mr", "ne"), frozenset({"DEVANAGARI"})),
    "bn": frozenset({"BENGALI"}),
    "am": frozenset({"ETHIOPIC"}),
}
LATIN = frozenset({"LATIN"})


def script_of(lang: str) -> frozenset[str]:
    """The Unicode script(s) a language is written in."""
    return SCRIPTS.get(lang.split("-")[0], LATIN)


def _in_script(char: str, scripts: frozenset[str]) -> bool:
    category = unicodedata.category(char)
    if not (category.startswith("L") or category == "Mn"):
        return False
    return unicodedata.name(char, "").split(" ", 1)[0] in scripts


def foreign_runs(text: str, scripts: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of text written in `scripts`: words of that script and the spaces and punctuation between them."""
    runs: list[tuple[int, int]] = []
    start = end = None
    for index, char in enumerate(text):
        if _in_script(char, scripts):
            if start is None:
                start = index
            end = index + 1
        elif start is not None and (unicodedata.category(char).startswith("L") or char == "\n"):
            runs.append((start, end))
            start = end = None
    if start is not None:
        runs.append((start, end))
    return runs
