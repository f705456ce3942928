"""Dates: month names in Arabic and English, numeric dates, and the check that the original's months stay."""

from __future__ import annotations

import re

from ..messages import N_
from .findings import ERROR, Finding
from .normalize import fold, normalize_digits

#: A numeric date: 2024-06-15, 15/6/2024, 6.15.2024.
NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?![\d])")


def date_parts(match: re.Match[str]) -> tuple[str, str, str]:
    """Day, month and year of a numeric date: 2024-06-15, 15/6/2024 (day first) or 6/15/2024."""
    first, middle, last = match.group(1), match.group(3), match.group(4)
    if len(first) > 2:
        return last, middle, first
    if int(middle) > 12 >= int(first):
        return middle, first, last
    return first, middle, last


ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
#: Arabic month names, by month number: Egyptian/Gulf, Levantine (سرياني) and Maghrebi forms.
ARABIC_MONTHS: dict[int, list[str]] = {
    1: ["يناير", "كانون الثاني", "جانفي"],
    2: ["فبراير", "شباط", "فيفري"],
    3: ["مارس", "آذار"],
    4: ["أبريل", "ابريل", "إبريل", "نيسان", "أفريل"],
    5: ["مايو", "أيار", "ماي"],
    6: ["يونيو", "يونيه", "حزيران", "جوان"],
    7: ["يوليو", "يوليه", "تموز", "جويلية"],
    8: ["أغسطس", "اغسطس", "آب", "أوت"],
    9: ["سبتمبر", "أيلول"],
    10: ["أكتوبر", "اكتوبر", "تشرين الأول"],
    11: ["نوفمبر", "تشرين الثاني"],
    12: ["ديسمبر", "كانون الأول"],
}
#: Names that are also ordinary words (مارس "he practised", نيسان the carmaker, آب, ماي, جوان a name):
#: they count as months only next to a number or another month name ("٥ مارس", "مارس/آذار ٢٠٢٤").
AMBIGUOUS_ARABIC = {"مارس", "نيسان", "آب", "ماي", "جوان", "أوت"}
#: English months that are also words ("may", "march"): only capitalised, and "May" only next to a number.
_ENGLISH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}


_AR_MONTH_BY_NAME = {fold(name): month for month, names in ARABIC_MONTHS.items() for name in names}
_AR_MONTH_NAMES = "|".join(
    r"\s+".join(map(re.escape, n.split())) for n in sorted(_AR_MONTH_BY_NAME, key=len, reverse=True)
)
_AR_MONTHS = re.compile(rf"(?<!\w)[وبلف]?({_AR_MONTH_NAMES})(?!\w)")
_EN_MONTH_NAMES = "|".join(ENGLISH_MONTHS + sorted(_ENGLISH_ABBREVIATIONS, key=len, reverse=True))
_EN_MONTHS = re.compile(rf"(?<![\w])({_EN_MONTH_NAMES})\b\.?")
#: A month name (and a day) just before a number: the number is the date's year.
_AR_MONTH_END = re.compile(rf"(?<!\w)[وبلف]?(?:{_AR_MONTH_NAMES})\)?[\s,،]*$")
_EN_MONTH_END = re.compile(rf"(?<![\w])(?:{_EN_MONTH_NAMES})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?[\s,]*$")
_NEAR_NUMBER = re.compile(r"\d")


def is_year_of_date(text: str, start: int, value: str) -> bool:
    """A year written right after a month name: 19 June 2024, June 19, 2024, ١٩ يونيو/حزيران ٢٠٢٤."""
    if not (len(value) == 4 and value.isdigit() and 1800 <= int(value) <= 2200):
        return False
    window = text[max(0, start - 32) : start]
    return bool(_EN_MONTH_END.search(window) or _AR_MONTH_END.search(fold(window)))


def _near(text: str, start: int, end: int, reach: int = 7) -> str:
    return text[max(0, start - reach) : start] + " " + text[end : end + reach]


def months_in(text: str, lang: str, *, lenient: bool = False) -> set[int]:
    """Month numbers a text names: by name (Arabic or English) or inside a numeric date (15/6/2024).

    Names that are also ordinary words count only next to a number, unless `lenient` (an adaptation:
    an ambiguous name there is taken as the month rather than cry wolf).
    """
    text = normalize_digits(text)
    months: set[int] = set()
    base = lang.split("-")[0]
    if base == "ar":
        folded = fold(text)
        ambiguous = {fold(n) for n in AMBIGUOUS_ARABIC}
        for match in _AR_MONTHS.finditer(folded):
            name = " ".join(match.group(1).split())
            around = _near(folded, match.start(), match.end())
            vouched = _NEAR_NUMBER.search(around) or any(
                " ".join(other.group(1).split()) not in ambiguous for other in _AR_MONTHS.finditer(around)
            )
            if name in ambiguous and not vouched and not lenient:
                continue
            months.add(_AR_MONTH_BY_NAME[name])
    elif base == "en":
        for match in _EN_MONTHS.finditer(text):
            name = match.group(1)
            number = (
                ENGLISH_MONTHS.index(name) + 1 if name in ENGLISH_MONTHS else _ENGLISH_ABBREVIATIONS[name]
            )
            if (
                name in ("May", "Mar")
                and not lenient
                and not _NEAR_NUMBER.search(_near(text, match.start(), match.end()))
            ):
                continue
            months.add(number)
    for match in NUMERIC_DATE.finditer(text):
        month = int(date_parts(match)[1])
        if 1 <= month <= 12:
            months.add(month)
    return months


def _months_accepted(text: str, lang: str) -> set[int]:
    """Months an adaptation names; a numeric date may be read either way (6/15 or 15/6)."""
    months = months_in(text, lang, lenient=True)
    for match in NUMERIC_DATE.finditer(normalize_digits(text)):
        first = int(match.group(1))
        if 1 <= first <= 12:
            months.add(first)
    return months


def check_dates(source: str, source_lang: str, adaptation: str, lang: str) -> list[Finding]:
    """Every month the original names is in the adaptation (an Arabic month as the English one, and back)."""
    if lang.split("-")[0] not in ("ar", "en"):
        return []  # month names are known for Arabic and English only
    missing = sorted(months_in(source, source_lang) - _months_accepted(adaptation, lang))
    findings = []
    for month in missing:
        english = ENGLISH_MONTHS[month - 1]
        arabic = " / ".join(ARABIC_MONTHS[month][:2])
        expected = english if lang.startswith("en") else arabic
        findings.append(
            Finding(
                "dates",
                ERROR,
                english,
                N_(
                    "The original's date is in %(month)s (%(arabic_month)s); the adaptation does not name "
                    "%(expected)s. Check the date, or ask an editor to override.",
                    month=english,
                    arabic_month=arabic,
                    expected=expected,
                ),
            )
        )
    return findings
