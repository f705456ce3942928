"""Small text rules shared by pages and the API: paragraphs, reading time, slugs."""

from __future__ import annotations

import re
import unicodedata

WORDS_PER_MINUTE = 200

#: Bidirectional control characters that can disguise a title's real order.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: The embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): invisible, they reorder the
#: text around them ("Trojan Source"). The pages set direction themselves, so bodies never need them; the
#: plain marks (U+200E, U+200F, U+061C), which reorder nothing, stay in bodies.
BIDI_EMBEDDINGS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NO_EMBEDDINGS = {ord(ch): None for ch in BIDI_EMBEDDINGS}

# Tashkeel, Quranic marks, superscript alef and tatweel go; alef, yaa and hamza-carrier variants fold.
_ARABIC_FOLD = dict.fromkeys(
    (*range(1611, 1632), 1648, 1600, *range(1750, 1774), 8204, 8205, 8206, 8207, 1564)
)
_ARABIC_FOLD.update(
    {ord(a): "ا" for a in "أإآٱ"} | {ord("ى"): "ي", ord("ی"): "ي", ord("ؤ"): "و", ord("ئ"): "ي"}
)


def fold_arabic(text: str) -> str:
    """The text with Arabic diacritics, tatweel and joiners dropped and letter variants folded (other scripts kept)."""
    return (text or "").translate(_ARABIC_FOLD)


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of a body, one per line (blank lines collapse)."""
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n") if p.strip()]


def normalize_body(text: str) -> str:
    """A body with Windows line ends folded, trailing spaces cut and paragraphs separated by a blank line."""
    return "\n\n".join(paragraphs(text))


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len((text or "").split())


def reading_minutes(text: str) -> int:
    """Reading time in whole minutes, at least one."""
    return max(1, round(word_count(text) / WORDS_PER_MINUTE))


def slugify(text: str, max_length: int = 80, fallback: str = "article") -> str:
    """A URL-safe slug from a headline (ASCII letters and digits, joined by hyphens); `fallback` when none."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_text).strip("-").lower()
    return slug[:max_length].rstrip("-") or fallback


def strip_bidi_embeddings(text: str) -> str:
    """Text without bidirectional embedding, override and isolate controls."""
    return (text or "").translate(_NO_EMBEDDINGS)


def has_bidi_controls(text: str) -> bool:
    """Whether text holds invisible bidirectional control characters."""
    return any(ch in BIDI_CONTROLS for ch in text or "")
