"""Archive search as pure functions: what the index reads, what a query asks, and highlighted snippets."""

from __future__ import annotations

import html
import re
import unicodedata

from .text import fold_arabic

#: Private-use characters the database puts around each matched word of a snippet (never in stored text).
MARK_START, MARK_END = "\ue000", "\ue001"
#: Most words of a query that count (the rest are ignored).
MAX_QUERY_WORDS = 12

_WORD = re.compile(r"\w+")


def index_text(text: str) -> str:
    """Text as the full-text index reads it: Arabic marks, tatweel and letter variants folded, marks removed."""
    return fold_arabic(text).replace(MARK_START, " ").replace(MARK_END, " ")


def query_text(query: str) -> str:
    """A query folded like the index, control characters dropped, spaces collapsed."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Co") else ch for ch in fold_arabic(query))
    return " ".join(kept.split())


def query_words(query: str) -> list[str]:
    """The words of a folded query (letters and digits), lower-cased, at most `MAX_QUERY_WORDS`."""
    return [w.casefold() for w in _WORD.findall(query_text(query))][:MAX_QUERY_WORDS]


def fts5_query(query: str) -> str:
    """An SQLite FTS5 expression that finds every word of the query (each quoted: no operators pass through)."""
    return " ".join(f'"{w}"' for w in query_words(query))


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
