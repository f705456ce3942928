"""Cardinal numbers written in words, in Arabic and English: "خمسة وعشرون", "ألفان وخمسمئة", "three million",
"two hundred and fifty". Texts are read folded (`normalize.fold`), so hamza, alef and yaa forms are one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .normalize import fold


class Kind(Enum):
    """What a number word does to the number being read."""

    ADD = "add"  #: adds its value: units, tens, "عشر" after a unit, compound hundreds (ثلاثمئة)
    HUNDRED = "hundred"  #: multiplies what came before by 100 (ثلاث مئة, three hundred), else 100
    SCALE = "scale"  #: multiplies what came before (or 1) by its value and starts the next group
    PLURAL_SCALE = "plural_scale"  #: a scale that needs a count before it (آلاف, ملايين): "thousands of"
    DOZEN = "dozen"  #: multiplies what came before (or 1) by 12
    ORDINAL = "ordinal"  #: first, second…: a number on its own (only in adaptations)
    ARTICLE = "article"  #: "a", "an": one, before a hundred, a thousand, a million, a dozen


@dataclass(frozen=True)
class Word:
    """A number word: what it does and its value."""

    kind: Kind
    value: int


@dataclass(frozen=True)
class NumberInWords:
    """A number read from words: as written (folded), its value, and where it ends in the folded text."""

    shown: str
    value: int
    end: int


_AR_UNITS = {
    1: ("واحد", "واحدة"),
    2: ("اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي"),
    3: ("ثلاث", "ثلاثة"),
    4: ("أربع", "أربعة"),
    5: ("خمس", "خمسة"),
    6: ("ست", "ستة"),
    7: ("سبع", "سبعة"),
    8: ("ثمان", "ثماني", "ثمانية"),
    9: ("تسع", "تسعة"),
}
_AR_TENS = {
    20: "عشر",
    30: "ثلاث",
    40: "أربع",
    50: "خمس",
    60: "ست",
    70: "سبع",
    80: "ثمان",
    90: "تسع",
}
_AR_HUNDRED_STEMS = {3: "ثلاث", 4: "أربع", 5: "خمس", 6: "ست", 7: "سبع", 8: "ثمان", 9: "تسع"}
_AR_SCALES = {
    10**3: (("ألف", "ألفا"), ("ألفان", "ألفين", "ألفي"), ("آلاف",)),
    10**6: (("مليون", "مليونا"), ("مليونان", "مليونين", "مليوني"), ("ملايين",)),
    10**9: (("مليار", "مليارا", "بليون"), ("ملياران", "مليارين", "ملياري"), ("مليارات",)),
}


def _arabic() -> dict[str, Word]:
    words: dict[str, Word] = {}
    for value, forms in _AR_UNITS.items():
        words.update({w: Word(Kind.ADD, value) for w in forms})
    words.update({w: Word(Kind.ADD, 10) for w in ("عشر", "عشرة")})
    words.update({w: Word(Kind.ADD, 1) for w in ("أحد", "إحدى")})  # in 11 only (see `_alone`)
    for value, stem in _AR_TENS.items():
        words.update({stem + "ون": Word(Kind.ADD, value), stem + "ين": Word(Kind.ADD, value)})
    for hundred in ("مئة", "مائة"):
        words[hundred] = Word(Kind.HUNDRED, 100)
        for dual in ("تان", "تين", "تا", "تي"):
            words[hundred[:-1] + dual] = Word(Kind.ADD, 200)
        for unit, stem in _AR_HUNDRED_STEMS.items():
            words[stem + hundred] = Word(Kind.ADD, unit * 100)
        words["ثماني" + hundred] = Word(Kind.ADD, 800)
    for scale, (singular, dual, plural) in _AR_SCALES.items():
        words.update({w: Word(Kind.SCALE, scale) for w in singular})
        words.update({w: Word(Kind.ADD, 2 * scale) for w in dual})
        words.update({w: Word(Kind.PLURAL_SCALE, scale) for w in plural})
    return {fold(w): word for w, word in words.items()}


_EN_UNITS = [
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
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_ORDINALS = [
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


def _english() -> dict[str, Word]:
    words = {w: Word(Kind.ADD, i) for i, w in enumerate(_EN_UNITS)}
    words.update({w: Word(Kind.ADD, 20 + 10 * i) for i, w in enumerate(_EN_TENS)})
    words.update({w: Word(Kind.ORDINAL, i + 1) for i, w in enumerate(_EN_ORDINALS)})
    words["hundred"] = Word(Kind.HUNDRED, 100)
    words.update(
        thousand=Word(Kind.SCALE, 10**3),
        million=Word(Kind.SCALE, 10**6),
        billion=Word(Kind.SCALE, 10**9),
        trillion=Word(Kind.SCALE, 10**12),
        thousands=Word(Kind.PLURAL_SCALE, 10**3),
        millions=Word(Kind.PLURAL_SCALE, 10**6),
        billions=Word(Kind.PLURAL_SCALE, 10**9),
        dozen=Word(Kind.DOZEN, 12),
        a=Word(Kind.ARTICLE, 1),
        an=Word(Kind.ARTICLE, 1),
    )
    return words


LEXICONS: dict[str, dict[str, Word]] = {"ar": _arabic(), "en": _english()}
#: Clitics an Arabic number word may carry: "and", "with", "for" (و ب ل), "and with" (وب), "and for" (ول).
_AR_PREFIXES = ("وب", "ول", "و", "ب", "ل")
#: Words that join the parts of one number without being a number: "and" ("two hundred and fifty").
_JOINERS = {"en": {"and"}, "ar": set()}
_WORD = re.compile(r"\w+", re.UNICODE)
_DIGITS_BEFORE = re.compile(r"\d[\d.,]*\s*$")
#: Words that are numbers only as part of a larger one: أحد alone is "anyone", إحدى alone "one of".
_NOT_ALONE = {fold("أحد"), fold("إحدى")}
#: Words that look like a clitic and a number but are not: لست ("I am not"), not ل + ست (six).
_NOT_NUMBERS = {fold("لست")}


def _lookup(token: str, lexicon: dict[str, Word], lang: str, first: bool) -> Word | None:
    word = lexicon.get(token)
    if word is not None or lang != "ar" or token in _NOT_NUMBERS:
        return word
    prefixes = _AR_PREFIXES if first else ("و",)  # "and" joins the parts; other clitics start a number
    return next(
        (lexicon[token[len(p) :]] for p in prefixes if token.startswith(p) and token[len(p) :] in lexicon),
        None,
    )


def _value(words: list[Word]) -> int:
    """The number the words make, read as Arabic and English both build numbers: groups times scales."""
    total = current = 0
    for word in words:
        match word.kind:
            case Kind.ADD | Kind.ORDINAL | Kind.ARTICLE:
                current += word.value
            case Kind.HUNDRED:
                last = current % 100
                current = current - last + (last or 1) * 100
            case Kind.DOZEN:
                current = (current or 1) * 12
            case Kind.SCALE | Kind.PLURAL_SCALE:
                total += (current or 1) * word.value
                current = 0
    return total + current


def _joins(previous: Word, word: Word, lang: str) -> bool:
    """Whether `word` continues the number `previous` belongs to ("five and twenty" yes, "three and four" no)."""
    if word.kind in (Kind.HUNDRED, Kind.SCALE, Kind.PLURAL_SCALE, Kind.DOZEN):
        return previous.kind is not Kind.DOZEN
    if word.kind is not Kind.ADD or previous.kind is Kind.DOZEN:
        return False
    if previous.kind is not Kind.ADD:  # after a hundred or a scale, the smaller parts
        return True
    before, value = previous.value, word.value
    if before >= 100:
        return value < before and value < 10 ** (len(str(before)) - 1)
    if 1 <= before <= 9:  # Arabic puts units first: خمسة عشر, خمسة وعشرون
        return value == 10 or (lang == "ar" and value >= 20 and value % 10 == 0)
    return lang == "en" and before >= 20 and before % 10 == 0 and 1 <= value <= 9  # twenty-five


def _not_a_number(words: list[Word], tokens: list[str], lang: str) -> bool:
    """Whether a run is no number after all: أحد ("anyone"), a lone "a", a plural scale without a count."""
    if words[0].kind is Kind.PLURAL_SCALE or (words[0].kind is Kind.ARTICLE and len(words) == 1):
        return True
    return lang == "ar" and len(words) == 1 and tokens[0] in _NOT_ALONE


def numbers_in_words(text: str, lang: str, *, ordinals: bool = True) -> list[NumberInWords]:
    """Every cardinal number written in words in `text` (folded), in reading order."""
    lang = lang.split("-")[0]
    lexicon = LEXICONS.get(lang)
    if lexicon is None:
        return []
    folded = fold(text)
    # Hyphens separate words ("twenty-five") without moving offsets.
    tokens = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(folded.replace("-", " "))]
    found: list[NumberInWords] = []
    i = 0
    while i < len(tokens):
        first = _lookup(tokens[i][0], lexicon, lang, first=True)
        if first is None or (first.kind is Kind.ORDINAL and not ordinals):
            i += 1
            continue
        run, words, j = [tokens[i]], [first], i + 1
        while j < len(tokens) and first.kind is not Kind.ORDINAL:
            joined = tokens[j][0] in _JOINERS[lang] and words[-1].kind in (Kind.HUNDRED, Kind.SCALE)
            step = j + 1 if joined else j
            word = _lookup(tokens[step][0], lexicon, lang, first=False) if step < len(tokens) else None
            if word is None or not _joins(words[-1], word, lang):
                break
            run.append(tokens[step])
            words.append(word)
            j = step + 1
        if first.kind is Kind.ARTICLE and len(words) > 1 and words[1].kind is Kind.ADD:
            i += 1  # "a two-year term": the article is not part of the number
            continue
        i = j
        start, end = run[0][1], run[-1][2]
        if _not_a_number(words, [t for t, _, _ in run], lang):
            continue
        if words[0].kind in (Kind.SCALE, Kind.HUNDRED) and _DIGITS_BEFORE.search(folded[:start]):
            continue  # "15 مليار", "1.5 million": the digits' scale, read with the digits
        found.append(NumberInWords(folded[start:end], _value(words), end))
    return found
