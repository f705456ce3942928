"""Numbers: the quantities a text holds (digits, words, percentages, times) and the check that they stay."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..messages import N_
from .dates import NUMERIC_DATE, date_parts, is_year_of_date
from .findings import ERROR, MAX_PER_CHECK, WARNING, Finding
from .normalize import fold, normalize_digits
from .number_words import numbers_in_words

_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?")
_TIME = re.compile(r"(?<![\d.])(\d{1,2}):(\d{2})(?!\d)(\s*[ap]\.?\s?m\b\.?)?", re.IGNORECASE)
_TIME_12H = re.compile(r"(?<![\d.:])(\d{1,2})(?:\.(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_PERCENT = re.compile(
    r"\s*(?:%|٪|per\s*cent\b|percent\b|pc\b|pct\b|بالمئة|بالمائة|في\s*المئة|في\s*المائة|بالمية|بالماية|في\s*المية|في\s*الماية)",
    re.IGNORECASE,
)
#: Hijri years ("١٤٤٥ هـ"): English adaptations routinely give only the Gregorian date.
_HIJRI = re.compile(r"\s*(?:هـ|ه\b|هجري|للهجرة)")
#: A day of a Hijri month ("١٠ رمضان"), likewise.
_HIJRI_MONTH = re.compile(
    r"\s*(?:محرم|صفر|ربيع|جمادى|جمادي|رجب|شعبان|رمضان|شوال|ذو\s+القعدة|ذو\s+الحجة"
    r"|ذي\s+القعدة|ذي\s+الحجة)"
)
_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "bn": 10**9,
    "ألف": 10**3,
    "آلاف": 10**3,
    "الف": 10**3,
    "الاف": 10**3,
    "مليون": 10**6,
    "ملايين": 10**6,
    "مليار": 10**9,
    "مليارات": 10**9,
    "بليون": 10**9,
    "تريليون": 10**12,
}
_SCALE = re.compile(
    r"\s*-?\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Quantity:
    """A number as written (`shown`) and the values it may stand for ("3 million" is 3 and 3000000)."""

    shown: str
    key: str  #: the value that names it in findings: 3.5, 1000, 50%, 14:30
    values: frozenset[str]
    kind: str = "number"  #: "number", "percent", "time" or "year" (the year of a date: 19 June 2024)


def _canonical(integer: str, fraction: str | None = None) -> str:
    """One spelling per value: thousands separators and trailing decimal zeros dropped (3.50 → 3.5)."""
    raw = integer.replace(",", "") + (f".{fraction}" if fraction else "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    text = format(value.normalize(), "f")
    return text


def _time(shown: str, hour: int, minute: int, meridiem: str | None) -> Quantity:
    """A time of day; 14:30, 2:30 pm and 2.30pm are one time, and 10 am also stands for 10."""
    if meridiem:
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    values = {f"{hour}:{minute:02d}", f"{hour % 12 or 12}:{minute:02d}"}
    if minute == 0:
        values |= {str(hour), str(hour % 12 or 12)}
    return Quantity(shown.strip(), f"{hour}:{minute:02d}", frozenset(values), "time")


def extract_quantities(text: str, lang: str, *, adaptation: bool = False) -> list[Quantity]:
    """Numbers, percentages and times in `text`.

    Numbers written in words count too (in an original from two up, since "one" is rarely a figure; in an
    adaptation ordinals as well). In an adaptation every part of a numeric date counts; in an original a
    numeric date's month is left to the dates check (June need not be written as 6).
    """
    written, text = text, normalize_digits(text)  # one character for one: offsets hold in both
    found: list[Quantity] = []
    spans: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in spans)

    for match in NUMERIC_DATE.finditer(text):
        spans.append(match.span())
        day, month, year = date_parts(match)
        parts = (day, month, year) if adaptation else (day, year)
        typed = {match.group(i): written[slice(*match.span(i))] for i in (1, 3, 4)}
        found += [
            Quantity(typed[p], _canonical(p), frozenset({_canonical(p)}), "year" if p == year else "number")
            for p in parts
        ]
    for match in _TIME.finditer(text):
        if free(*match.span()):
            spans.append(match.span())
            meridiem = (match.group(3) or "").strip() or None
            found.append(
                _time(written[slice(*match.span())], int(match.group(1)), int(match.group(2)), meridiem)
            )
    for match in _TIME_12H.finditer(text):
        if free(*match.span()):
            spans.append(match.span())
            found.append(
                _time(
                    written[slice(*match.span())],
                    int(match.group(1)),
                    int(match.group(2) or 0),
                    match.group(3),
                )
            )
    for match in _NUMBER.finditer(text):
        if not free(*match.span()):
            continue
        after = text[match.end() : match.end() + 40]
        if _HIJRI.match(after) or _HIJRI_MONTH.match(after):
            continue
        value = _canonical(match.group(1), match.group(2))
        shown = written[slice(*match.span())]
        percent = _PERCENT.match(after)
        if percent:
            found.append(Quantity(shown + "%", value + "%", frozenset({value + "%"}), "percent"))
            continue
        values = {value}
        scale = _SCALE.match(after)
        if scale:
            values.add(_canonical(str(Decimal(value) * _SCALES[scale.group(1).lower()])))
        kind = "year" if is_year_of_date(text, match.start(), value) else "number"
        found.append(Quantity(shown, value, frozenset(values), kind))
    found += _number_words(text, lang, adaptation=adaptation)
    return found


def _number_words(text: str, lang: str, *, adaptation: bool) -> list[Quantity]:
    found, folded = [], fold(text)
    for number in numbers_in_words(text, lang, ordinals=adaptation):
        if number.value < 2 and not adaptation:
            continue
        if _PERCENT.match(folded[number.end : number.end + 40]):
            key = f"{number.value}%"
            found.append(Quantity(number.shown, key, frozenset({key}), "percent"))
            continue
        found.append(Quantity(number.shown, str(number.value), frozenset({str(number.value)})))
    return found


def _accepted(quantities: Iterable[Quantity]) -> set[str]:
    """Every value the adaptation's quantities stand for; a percentage also stands for its bare number."""
    accepted: set[str] = set()
    for quantity in quantities:
        accepted |= quantity.values
        if quantity.kind == "percent":
            accepted |= {v.rstrip("%") for v in quantity.values}
    return accepted


def _as_written(quantity: Quantity) -> str:
    """A quantity as written, with its value when written in words or in other digits: "twenty-five (25)"."""
    written = quantity.shown
    if normalize_digits(written) == written and any(c.isdigit() for c in written):
        return written
    return f"{written} ({quantity.key})"


def check_numbers(source: str, source_lang: str, adaptation: str, lang: str) -> list[Finding]:
    """Every number of the original (digits, percentages, times) is in the adaptation, in whatever form."""
    wanted = extract_quantities(source, source_lang)
    have = extract_quantities(adaptation, lang, adaptation=True)
    accepted = _accepted(have)
    source_values = set().union(*(q.values for q in wanted)) if wanted else set()
    # Numbers only the adaptation has, in digits or as cardinal words (not "first"): the likely replacement
    # of a missing one.
    in_digits = [q for q in have if any(c.isdigit() for c in q.shown)]
    in_words = [q for q in extract_quantities(adaptation, lang) if not any(c.isdigit() for c in q.shown)]
    extra = [_as_written(q) for q in in_digits + in_words if not q.values & source_values]
    findings: list[Finding] = []
    seen: set[str] = set()
    # A year only ever written as part of a date may go (readers know the year); written alone it may not.
    date_years = {q.key for q in wanted if q.kind == "year"} - {q.key for q in wanted if q.kind != "year"}
    for quantity in wanted:
        key = quantity.key
        if key in seen or quantity.values & accepted:
            continue
        seen.add(key)
        shown = _as_written(quantity)
        if key in date_years:
            findings.append(
                Finding(
                    "numbers",
                    WARNING,
                    key,
                    N_(
                        "The original's date has the year %(year)s; the adaptation gives no year. Fine if readers "
                        "know which year it is; otherwise add it.",
                        year=shown,
                    ),
                )
            )
            continue
        if extra:
            message = N_(
                "The original has %(number)s; the adaptation does not, but has %(other)s where the original "
                "has no such number. Was it changed? Correct it, or ask an editor to override.",
                number=shown,
                other=extra[0],
            )
        else:
            message = N_(
                "The original has %(number)s; the adaptation does not mention it (in digits or words). "
                "Add it, or ask an editor to override if leaving it out is right.",
                number=shown,
            )
        findings.append(Finding("numbers", ERROR, key, message))
    return findings[:MAX_PER_CHECK]
