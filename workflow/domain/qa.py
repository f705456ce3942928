"""Quality checks of an adaptation against its original: pure functions over the two texts.

Adaptors restructure freely, so every check compares the whole text (title and body together), never
sentence by sentence: a number counts as kept wherever it appears, a name counts as kept if any of its
words does, and the length check only speaks when the adaptation is several times off what the language
pair predicts. Each finding carries a `key` that identifies it within its check (the missing number, the
glossary term, the name...) and stays the same across saves, so an editor's override sticks to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from rapidfuzz import fuzz, process

from .glossary import find_terms, normalize_term

ERROR, WARNING = "error", "warning"

#: Check names (stable: overrides and API clients use them) and how pages title them.
CHECKS: dict[str, str] = {
    "empty_title": "Empty title",
    "numbers": "Numbers",
    "dates": "Dates",
    "glossary": "Glossary terms",
    "untranslated": "Untranslated text",
    "names": "Names",
    "punctuation": "Quotes and brackets",
    "length": "Length",
}

#: Characters of adaptation per character of original (spaces not counted), by language pair.
EXPANSION = {("ar", "en"): 1.1, ("en", "ar"): 0.9, ("ar", "fr"): 1.2, ("ar", "es"): 1.2, ("ar", "de"): 1.2}
#: The length check warns outside [LOW, HIGH] × the expected length, and only for originals this long.
LENGTH_LOW, LENGTH_HIGH, LENGTH_MIN_SOURCE = 0.35, 2.5, 300
#: More letters than this in the original's script is an error; fewer is a warning (a stray letter).
UNTRANSLATED_ERROR_LETTERS = 3
#: A short run in parentheses or quotes is a gloss or a quotation ("the Shura Council (مجلس الشورى)",
#: "the crowd chanted «ارحل»"), not left-over text.
GLOSS_MAX_WORDS = 4
#: From a Latin-script original, a run of fewer words than this is likely a name or brand: only a warning.
LATIN_PHRASE_WORDS = 3
#: At most this many findings per check, so a pasted original does not bury the rest.
MAX_PER_CHECK = 12


@dataclass(frozen=True)
class Finding:
    """One problem found: which check, how serious, which instance (`key`) and words for people."""

    check: str
    severity: str  #: "error" blocks submission until an editor overrides it; "warning" only informs
    key: str
    message: str

    @property
    def label(self) -> str:
        """The check's name for people."""
        return CHECKS.get(self.check, self.check)


class GlossaryHit(Protocol):
    """What the glossary check reads from a term found in the original (a glossary `TermHit` fits)."""

    source: str
    target: str


@dataclass(frozen=True)
class QaInput:
    """Everything the checks look at."""

    source_title: str
    source_body: str
    source_lang: str
    title: str
    body: str
    lang: str
    terms: Sequence[GlossaryHit] = ()  #: glossary terms found in the original, with approved renderings
    mt_text: str = ""  #: the machine draft's title and body, if there is one (names are read from it)


def run_checks(data: QaInput) -> list[Finding]:
    """Every finding of every check, errors and warnings, in the order of `CHECKS`."""
    source = f"{data.source_title}\n\n{data.source_body}"
    adaptation = f"{data.title}\n\n{data.body}"
    findings: list[Finding] = []
    findings += check_title(data.title)
    findings += check_numbers(source, data.source_lang, adaptation, data.lang)
    findings += check_dates(source, data.source_lang, adaptation, data.lang)
    findings += check_glossary(data.terms, adaptation, data.lang)
    findings += check_untranslated(adaptation, data.source_lang, data.lang)
    findings += check_names(source, data.source_lang, data.mt_text, adaptation, data.lang)
    findings += check_punctuation(data.title, data.body)
    findings += check_length(data.source_body, data.source_lang, data.body, data.lang)
    return findings


# --- title ---------------------------------------------------------------------------------------------


def check_title(title: str) -> list[Finding]:
    """An adaptation needs a title."""
    if (title or "").strip():
        return []
    return [Finding("empty_title", ERROR, "", "The adaptation has no title. Write one before submitting.")]


# --- numbers -------------------------------------------------------------------------------------------

#: Arabic-Indic and Persian digits, and the Arabic decimal and thousands separators, in Western form.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ".",
        "\u066c": ",",
    }
)
_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?")
_DATE = re.compile(r"(?<![\d.])(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?![\d])")
_TIME = re.compile(r"(?<![\d.])(\d{1,2}):(\d{2})(?!\d)(\s*[ap]\.?\s?m\b\.?)?", re.IGNORECASE)
_TIME_12H = re.compile(r"(?<![\d.:])(\d{1,2})(?:\.(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_PERCENT = re.compile(
    r"\s*(?:%|٪|per\s*cent\b|percent\b|pc\b|pct\b|بالمئة|بالمائة|في\s*المئة|في\s*المائة)", re.IGNORECASE
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

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
#: Small numbers written as words, by language of the adaptation.
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        **{w: i for i, w in enumerate(_UNITS)},
        **_TENS,
        **{w: i + 1 for i, w in enumerate(_ORDINALS)},
        **{f"{t}-{u}": n + i for t, n in _TENS.items() for i, u in enumerate(_UNITS[1:10], 1)},
        **{f"{t} {u}": n + i for t, n in _TENS.items() for i, u in enumerate(_UNITS[1:10], 1)},
        "a dozen": 12,
        "dozen": 12,
        "a hundred": 100,
        "hundred": 100,
        "a thousand": 1000,
    },
    "ar": {
        "واحد": 1,
        "واحدة": 1,
        "اثنان": 2,
        "اثنين": 2,
        "اثنتان": 2,
        "اثنتين": 2,
        "ثلاث": 3,
        "ثلاثة": 3,
        "اربع": 4,
        "اربعة": 4,
        "خمس": 5,
        "خمسة": 5,
        "ست": 6,
        "ستة": 6,
        "سبع": 7,
        "سبعة": 7,
        "ثماني": 8,
        "ثمانية": 8,
        "ثمان": 8,
        "تسع": 9,
        "تسعة": 9,
        "عشر": 10,
        "عشرة": 10,
        "عشرين": 20,
        "عشرون": 20,
    },
}


@dataclass(frozen=True)
class Quantity:
    """A number as written (`shown`) and the values it may stand for ("3 million" is 3 and 3000000)."""

    shown: str
    key: str  #: the value that names it in findings: 3.5, 1000, 50%, 14:30
    values: frozenset[str]
    kind: str = "number"  #: "number", "percent", "time" or "year" (the year of a date: 19 June 2024)


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits and the Arabic separators (٫ decimal, ٬ thousands) in Western form."""
    return (text or "").translate(_DIGITS)


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


def _date_parts(match: re.Match[str]) -> tuple[str, str, str]:
    """Day, month and year of a numeric date: 2024-06-15, 15/6/2024 (day first) or 6/15/2024."""
    first, middle, last = match.group(1), match.group(3), match.group(4)
    if len(first) > 2:
        return last, middle, first
    if int(middle) > 12 >= int(first):
        return middle, first, last
    return first, middle, last


def extract_quantities(text: str, lang: str, *, adaptation: bool = False) -> list[Quantity]:
    """Numbers, percentages and times in `text`.

    In an adaptation small numbers written out also count, and every part of a numeric date; in an
    original a numeric date's month is left to the dates check (June need not be written as 6).
    """
    written, text = text, normalize_digits(text)  # one character for one: offsets hold in both
    found: list[Quantity] = []
    spans: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in spans)

    for match in _DATE.finditer(text):
        spans.append(match.span())
        day, month, year = _date_parts(match)
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
        kind = "year" if _is_year_of_date(text, match.start(), value) else "number"
        found.append(Quantity(shown, value, frozenset(values), kind))
    if adaptation:
        found += _number_words(text, lang)
    return found


def _number_words(text: str, lang: str) -> list[Quantity]:
    table = NUMBER_WORDS.get(lang.split("-")[0])
    if not table:
        return []
    folded = _fold(text)
    alternatives = "|".join(re.escape(_fold(w)) for w in sorted(table, key=len, reverse=True))
    prefix = "[وب]?" if lang.startswith("ar") else ""
    by_fold = {_fold(w): n for w, n in table.items()}
    found = []
    for match in re.finditer(rf"(?<!\w){prefix}({alternatives})(?!\w)", folded):
        number = by_fold[match.group(1)]
        after = folded[match.end() :]
        if _PERCENT.match(after):
            found.append(Quantity(match.group(0), f"{number}%", frozenset({f"{number}%"}), "percent"))
            continue
        values = {str(number)}
        scale = _SCALE.match(after)
        if scale:
            values.add(str(number * _SCALES[scale.group(1).lower()]))
        found.append(Quantity(match.group(0), str(number), frozenset(values)))
    return found


def _is_year_of_date(text: str, start: int, value: str) -> bool:
    """A year written right after a month name: 19 June 2024, June 19, 2024, ١٩ يونيو/حزيران ٢٠٢٤."""
    if not (len(value) == 4 and value.isdigit() and 1800 <= int(value) <= 2200):
        return False
    window = text[max(0, start - 32) : start]
    return bool(_EN_MONTH_END.search(window) or _AR_MONTH_END.search(_fold(window)))


def _accepted(quantities: Iterable[Quantity]) -> set[str]:
    """Every value the adaptation's quantities stand for; a percentage also stands for its bare number."""
    accepted: set[str] = set()
    for quantity in quantities:
        accepted |= quantity.values
        if quantity.kind == "percent":
            accepted |= {v.rstrip("%") for v in quantity.values}
    return accepted


def check_numbers(source: str, source_lang: str, adaptation: str, lang: str) -> list[Finding]:
    """Every number of the original (digits, percentages, times) is in the adaptation, in whatever form."""
    wanted = extract_quantities(source, source_lang)
    have = extract_quantities(adaptation, lang, adaptation=True)
    accepted = _accepted(have)
    source_values = set().union(*(q.values for q in wanted)) if wanted else set()
    # Numbers only the adaptation has: shown as the likely replacement of a missing one.
    extra = [q.shown for q in have if not q.values & source_values and any(c.isdigit() for c in q.shown)]
    findings: list[Finding] = []
    seen: set[str] = set()
    # A year only ever written as part of a date may go (readers know the year); written alone it may not.
    date_years = {q.key for q in wanted if q.kind == "year"} - {q.key for q in wanted if q.kind != "year"}
    for quantity in wanted:
        key = quantity.key
        if key in seen or quantity.values & accepted:
            continue
        seen.add(key)
        shown = (
            quantity.shown
            if normalize_digits(quantity.shown) == quantity.shown
            else f"{quantity.shown} ({key})"
        )
        if key in date_years:
            findings.append(
                Finding(
                    "numbers",
                    WARNING,
                    key,
                    (
                        f"The original's date has the year {shown}; the adaptation gives no year. Fine if readers know "
                        "which year it is; otherwise add it."
                    ),
                )
            )
            continue
        if extra:
            message = (
                f"The original has {shown}; the adaptation does not, but has {extra[0]} where the original "
                f"has no such number. Was it changed? Correct it, or ask an editor to override."
            )
        else:
            message = (
                f"The original has {shown}; the adaptation does not mention it (in digits or words). "
                "Add it, or ask an editor to override if leaving it out is right."
            )
        findings.append(Finding("numbers", ERROR, key, message))
    return findings[:MAX_PER_CHECK]


# --- dates (month names) -------------------------------------------------------------------------------

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


def _fold(text: str) -> str:
    """Text folded for matching words: the glossary's folding (case, tashkeel, tatweel, alef and yaa forms)."""
    return (
        normalize_term(text, "")
        if "\n" not in text
        else "\n".join(normalize_term(p, "") for p in text.split("\n"))
    )


_AR_MONTH_BY_NAME = {_fold(name): month for month, names in ARABIC_MONTHS.items() for name in names}
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
        folded = _fold(text)
        ambiguous = {_fold(n) for n in AMBIGUOUS_ARABIC}
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
    for match in _DATE.finditer(text):
        month = int(_date_parts(match)[1])
        if 1 <= month <= 12:
            months.add(month)
    return months


def _months_accepted(text: str, lang: str) -> set[int]:
    """Months an adaptation names; a numeric date may be read either way (6/15 or 15/6)."""
    months = months_in(text, lang, lenient=True)
    for match in _DATE.finditer(normalize_digits(text)):
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
                (
                    f"The original's date is in {english} ({arabic}); the adaptation does not name {expected}. "
                    "Check the date, or ask an editor to override."
                ),
            )
        )
    return findings


# --- glossary ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rendering:
    """An approved rendering posing as a glossary term, to find it with the glossary's own matcher."""

    source: str
    target: str
    id: int = 0
    note: str = ""
    source_key: str = field(default="")


def rendering_in(text: str, rendering: str, lang: str) -> bool:
    """Whether `rendering` is written in `text` as a whole word or phrase (Arabic clitics allowed)."""
    term = _Rendering(source=rendering, target=rendering, source_key=normalize_term(rendering, lang))
    return bool(term.source_key) and bool(find_terms(text, lang, [term]))


def check_glossary(hits: Sequence[GlossaryHit], adaptation: str, lang: str) -> list[Finding]:
    """Every glossary term of the original appears in the adaptation as its approved rendering."""
    findings = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        if (hit.source, hit.target) in seen:
            continue
        seen.add((hit.source, hit.target))
        if rendering_in(adaptation, hit.target, lang):
            continue
        findings.append(
            Finding(
                "glossary",
                ERROR,
                hit.source[:200],
                (
                    f"The original has the glossary term {hit.source}; its approved rendering is {hit.target}, "
                    "which the adaptation does not use. Use it, or ask an editor to override (for instance when "
                    "the passage was cut)."
                ),
            )
        )
    return findings[:MAX_PER_CHECK]


# --- untranslated text ---------------------------------------------------------------------------------

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
_EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]+")


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
                    (
                        f"Latin-script text is left in the adaptation: {shown}. Fine for a name or a brand; "
                        "otherwise translate it."
                    ),
                )
            )
        elif letters > UNTRANSLATED_ERROR_LETTERS:
            findings.append(
                Finding(
                    "untranslated",
                    ERROR,
                    run[:200],
                    (
                        f"Text in the original's script is left in the adaptation: {shown}. Translate it; a few words "
                        "quoted in the original script may stay in quotation marks or in parentheses."
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    "untranslated",
                    WARNING,
                    run[:200],
                    f"Stray letters in the original's script: {shown}. Remove or translate them.",
                )
            )
    if "ARABIC" not in target_scripts and _EASTERN_DIGITS.search(adaptation):
        digits = _EASTERN_DIGITS.search(adaptation).group(0)
        findings.append(
            Finding(
                "untranslated",
                WARNING,
                "digits",
                (f"Arabic-Indic digits ({digits}) are left in the adaptation; write them as 0–9."),
            )
        )
    return findings[:MAX_PER_CHECK]


# --- names ---------------------------------------------------------------------------------------------

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
                    (
                        f"The original names {name} (as the machine draft renders it); the adaptation does not. "
                        "Check the name was not lost or misspelled."
                    ),
                )
            )
    return findings[:MAX_PER_CHECK]


# --- quotes and brackets -------------------------------------------------------------------------------

_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "«": "»", "‹": "›", "﴾": "﴿"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def _balance(text: str) -> dict[str, str]:
    """Problems with paired marks in one text, by the pair they concern."""
    problems: dict[str, str] = {}
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
                    problems.setdefault(unclosed + _PAIRS[unclosed], f"{unclosed} is opened but never closed")
                stack.pop()
            else:
                problems.setdefault(opener + char, f"{char} closes nothing that was opened")
    for unclosed in stack:
        problems.setdefault(unclosed + _PAIRS[unclosed], f"{unclosed} is opened but never closed")
    if text.count('"') % 2:
        problems['""'] = f'there is an odd number of straight quotes " ({text.count(chr(34))})'
    return problems


def check_punctuation(title: str, body: str) -> list[Finding]:
    """Quotes and brackets come in pairs (straight single quotes are apostrophes: not checked)."""
    findings = []
    for part, text in (("title", title), ("text", body)):
        for pair, problem in _balance(text or "").items():
            findings.append(
                Finding(
                    "punctuation",
                    WARNING,
                    f"{part} {pair}",
                    f"In the {part}, {problem}. Check the quotes and brackets.",
                )
            )
    return findings


# --- length --------------------------------------------------------------------------------------------


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
                (
                    f"The text is {ratio:.0%} of the length the original suggests (about {round(expected):,} "
                    "characters). Condensing is fine; check nothing essential was dropped."
                ),
            )
        ]
    if ratio > LENGTH_HIGH:
        return [
            Finding(
                "length",
                WARNING,
                "long",
                (
                    f"The text is {ratio:.1f} times the length the original suggests (about {round(expected):,} "
                    "characters). Check nothing was pasted twice or added by mistake."
                ),
            )
        ]
    return []
