"""Archive search as pure functions: what the index reads, what a query asks, and highlighted snippets.

Arabic words are indexed twice: as written (folded) and by their light stem, the word without its proclitics
(`arabic_stem`: لإعادة, وإعادة, بالإعادة → اعادة). The stem follows its word in the index text between
`STEM_START` and `STEM_END`, characters both PostgreSQL's parser and SQLite's FTS5 tokenizer treat as
punctuation, so each engine indexes it as a word of its own, right after the word it came from; a snippet
shows the word and hides its stem (`reveal_snippet`). A query word matches a word written the same or with
the same stem; a query word with clitics (الميناء) matches its own form both ways, so that form ranks above the
others (بالميناء). A bare query word (إعادة) is its own stem: its forms rank alike.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from .text import fold_arabic

#: Private-use characters the database puts around each matched word of a snippet (never in stored text).
MARK_START, MARK_END = "\ue000", "\ue001"
#: Most words of a query that count (the rest are ignored).
MAX_QUERY_WORDS = 12

#: Around a word's stem in the index text (never shown): punctuation to both engines, rare in real text.
STEM_START, STEM_END = "\u2e28", "\u2e29"
#: Fewest letters a stem may keep once its proclitics are stripped ("بلد", "ولد", "كلب", "كتب" stay whole).
MIN_STEM = 3
#: Fewest letters left by a lone preposition ب ك ل (no article after it): they start many words of their own,
#: and three letters would make كانت "انت", لجنة "جنة", كبير "بير" (بئر), كتاب "تاب".
MIN_STEM_AFTER_PREPOSITION = 4

_WORD = re.compile(r"\w+")
_ARABIC_WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a\u066e-\u06d3]+")
_NOT_INDEXED = {ord(MARK_START): " ", ord(MARK_END): " ", ord(STEM_START): " ", ord(STEM_END): " "}
#: The proclitics a stem loses, in the order they are written: a conjunction, then the article joined to a
#: preposition (بال, كال; لل is ل + ال, its alef dropped) or alone, else a lone preposition.
_CONJUNCTIONS = "وف"
_ARTICLES = ("بال", "كال", "لل", "ال")
_PREPOSITIONS = "بكل"


@lru_cache(maxsize=65536)  # a newsroom's vocabulary repeats: each word is stemmed once per process
def arabic_stem(word: str) -> str:
    """A folded Arabic word without its proclitics (light stemming; other words are returned as they are).

    Conservative on purpose, prefixes only: و or ف ("and"), then بال / كال / لل / ال (a preposition with the
    article, or the article), else a lone ب ك ل — each stripped only when enough letters are left
    (`MIN_STEM`, `MIN_STEM_AFTER_PREPOSITION`). Suffixes (pronouns, plurals, ة) are kept: stripping them
    merges far more unrelated words. The rule is blind to meaning, so a few words lose letters that are their
    own (وزير → زير, التزام → تزام); the index keeps every word as written too, so searching such a word
    still finds it, and a query is stemmed by the same rule, so it finds the word's clitic forms.
    Known gaps: لله (ل + الله) keeps its letters, and لل + a word starting with ل (للجنة, "for the
    committee") loses the article's lam with the word's own, so it is stemmed to جنة, not لجنة.
    """
    if len(word) <= MIN_STEM or not _ARABIC_WORD.fullmatch(word):
        return word
    rest = word
    if rest[0] in _CONJUNCTIONS and len(rest) - 1 >= MIN_STEM:
        rest = rest[1:]
    for article in _ARTICLES:
        if rest.startswith(article) and len(rest) - len(article) >= MIN_STEM:
            return rest[len(article) :]
    if rest[0] in _PREPOSITIONS and len(rest) - 1 >= MIN_STEM_AFTER_PREPOSITION:
        return rest[1:]
    return rest


def _with_stem(match: re.Match[str]) -> str:
    word = match.group()
    stem = arabic_stem(word)
    return word if stem == word else f"{word}{STEM_START}{stem}{STEM_END}"


def index_text(text: str, *, stems: bool = True) -> str:
    """Text as the full-text index reads it: Arabic marks, tatweel and letter variants folded, marks removed,
    and each Arabic word that has proclitics followed by its stem between STEM_START and STEM_END."""
    folded = fold_arabic(text).translate(_NOT_INDEXED)
    return _WORD.sub(_with_stem, folded) if stems else folded  # words as a query splits them


def query_text(query: str) -> str:
    """A query folded like the index, control characters dropped, spaces collapsed."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Co") else ch for ch in fold_arabic(query))
    return " ".join(kept.split())


def query_words(query: str) -> list[str]:
    """The words of a folded query (letters and digits), lower-cased, at most `MAX_QUERY_WORDS`."""
    return [w.casefold() for w in _WORD.findall(query_text(query))][:MAX_QUERY_WORDS]


def query_terms(query: str) -> list[tuple[str, str]]:
    """Each word of a folded query with its stem (the same word when it has no proclitics to strip)."""
    return [(w, arabic_stem(w)) for w in query_words(query)]


def fts5_query(query: str) -> str:
    """An SQLite FTS5 expression that finds every word of the query, as written or by its stem (each quoted:
    no operators pass through)."""
    return " AND ".join(f'("{w}" OR "{s}")' if s != w else f'"{w}"' for w, s in query_terms(query))


#: A word's hidden stem (a stem is one word: no space, nor the ellipsis SQLite puts where a snippet is cut).
_HIDDEN_STEM = re.compile(f"(\\w*){STEM_START}([^{STEM_START}{STEM_END}\\s…]*){STEM_END}?")
#: The end of a stem whose start was cut off the snippet.
_CUT_STEM = re.compile(f"(?<![^\\s…])[^{STEM_START}{STEM_END}\\s…]*{STEM_END}")


def _reveal(match: re.Match[str]) -> str:
    word, stem = match.group(1), match.group(2)
    if word and MARK_START in stem:
        return f"{MARK_START}{word}{MARK_END}"  # the stem matched: mark the word it belongs to
    return word  # empty after a word already marked (its mark ends just before the stem)


def reveal_snippet(marked: str) -> str:
    """A snippet from the index text as readers see it: stems dropped, a word marked when its stem matched.

    A snippet may begin inside a stem (its word left out) or end inside one: such pieces are dropped too."""
    return _HIDDEN_STEM.sub(_reveal, _CUT_STEM.sub("", marked or ""))


def snippet_parts(marked: str) -> list[tuple[str, bool]]:
    """A snippet with matches marked by MARK_START/MARK_END, as (text, matched) runs."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{MARK_START}{MARK_END}]", marked or "")):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


def snippet_html(marked: str) -> str:
    """A snippet as HTML: the text escaped, each match in <mark>…</mark>."""
    return "".join(
        f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in snippet_parts(marked)
    )
