"""Split article text into segments (one sentence each) and join translated sentences back into paragraphs.

Rule-based and offline: no model and no download, so every language gets the same predictable segments,
and a machine-translation draft keeps one translated sentence per source sentence.

Paragraphs are lines: each non-empty line is one, blank lines only separate. Within a paragraph a sentence
ends after `.` `!` `?` `…` `؟` (Arabic question mark) or `۔` (Urdu full stop), together with a closing quote
or bracket right after it, when a space or the end of the paragraph follows. A `.` does not end a sentence
after a known abbreviation (Mr. Dr. etc. Jan. ...), a single-letter initial (J. Smith, د. أحمد), a dotted
abbreviation (U.S. e.g. a.m. أ.د.), `No.`/`p.` before a number, or a list number at the start of a
paragraph; no terminator ends one when the next word starts with a lowercase Latin letter
("Why?" he asked). Arabic `،` and `؛` never end a sentence; numbers such as 3.5, 1,000 and ٣٫٥ are never
split because no space follows their separator. `。！？` end a sentence even without a following space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """One sentence of the source text."""

    index: int  #: position of the sentence in the whole text, from 0
    paragraph: int  #: number of the paragraph holding it, from 0
    source: str  #: the sentence, whitespace collapsed to single spaces


_TERMINATORS = ".!?…؟۔"
_CJK_TERMINATORS = "。！？"
_CLOSERS = "”’»\"')]}›"
_OPENERS = "([{«“‘\"'‹"

# A run of terminators, the closing quotes/brackets after it, then whitespace or the end.
_BOUNDARY = re.compile(
    rf"(?P<run>[{re.escape(_TERMINATORS)}]+)(?P<closers>[{re.escape(_CLOSERS)}]*)(?=\s|$)"
    rf"|(?P<cjk>[{re.escape(_CJK_TERMINATORS)}]+)(?P<cjk_closers>[{re.escape(_CLOSERS)}]*)"
)
_WHITESPACE = re.compile(r"\s+")
# Letters separated by dots: U.S, e.g, a.m, i.e, أ.د (the final dot is the candidate boundary).
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
_SINGLE_LETTER = re.compile(r"^[^\W\d_]$")
_NUMBER = re.compile(r"^\d+$")

#: Abbreviations matched with their case (so "the sun." still ends a sentence but "Sun." does not).
_ABBREVIATIONS = frozenset(
    {
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "St",
        "Sr",
        "Jr",
        "Mt",
        "Ft",
        "Gen",
        "Gov",
        "Sen",
        "Rep",
        "Lt",
        "Col",
        "Capt",
        "Sgt",
        "Cpl",
        "Maj",
        "Rev",
        "Hon",
        "Pres",
        "Supt",
        "Messrs",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Mon",
        "Tue",
        "Tues",
        "Wed",
        "Thu",
        "Thur",
        "Thurs",
        "Fri",
        "Sat",
        "Sun",
    }
)
#: Abbreviations matched in any case.
_ABBREVIATIONS_ANY_CASE = frozenset(
    {"etc", "vs", "approx", "cf", "al", "viz", "ca", "dept", "est", "إلخ", "الخ"}
)
#: Abbreviations that hold on to a following number: "No. 5", "p. 12".
_BEFORE_NUMBER = frozenset(
    {
        "No",
        "no",
        "Nos",
        "nos",
        "Nr",
        "p",
        "pp",
        "Vol",
        "vol",
        "Fig",
        "fig",
        "Art",
        "art",
        "Ch",
        "ch",
        "Sec",
        "sec",
        "Para",
        "para",
    }
)
#: Extra abbreviations for some source languages.
_LANGUAGE_ABBREVIATIONS = {
    "fr": frozenset({"Mme", "Mlle", "Mgr", "Me", "Pr", "env", "av", "apr", "boul"}),
    "es": frozenset({"Sra", "Srta", "Dña", "Ud", "Uds", "Lic", "Ing", "Avda", "aprox"}),
    "de": frozenset({"bzw", "vgl", "Str", "usw", "ggf", "inkl", "zzgl"}),
    "it": frozenset({"Sig", "Sigg", "Dott", "Ing", "Avv", "ecc"}),
    "pt": frozenset({"Sra", "Srta", "Av", "Exmo", "Exma"}),
}


def segment_text(text: str, language: str) -> list[Segment]:
    """Split `text` (in `language`, an ISO 639-1 code) into sentence segments, in reading order.

    Returns [] for empty or whitespace-only text; never returns an empty segment.
    """
    extra_abbreviations = _LANGUAGE_ABBREVIATIONS.get(language.lower().split("-")[0], frozenset())
    segments: list[Segment] = []
    paragraph = 0
    for line in text.splitlines():
        line = _WHITESPACE.sub(" ", line).strip()
        if _is_blank(line):
            continue
        sentences = list(split_sentences(line, extra_abbreviations))
        for sentence in sentences:
            segments.append(Segment(index=len(segments), paragraph=paragraph, source=sentence))
        paragraph += 1
    return segments


def split_sentences(paragraph: str, extra_abbreviations: Iterable[str] = ()) -> list[str]:
    """Split one paragraph (a single line) into its non-empty sentences."""
    extra = frozenset(extra_abbreviations)
    sentences = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if end >= len(paragraph.rstrip()):
            break  # the paragraph's own end
        if match.group("cjk") is None and not _ends_sentence(paragraph, match, start, extra):
            continue
        _append_sentence(sentences, paragraph[start:end])
        start = end
    _append_sentence(sentences, paragraph[start:])
    return sentences


def join_segments(segments_with_text: Iterable[tuple[int, str]], *, sentence_separator: str = " ") -> str:
    """Reassemble `(paragraph, translated sentence)` pairs into text.

    Sentences of a paragraph are joined by `sentence_separator` (a space), paragraphs by a blank line, in
    the order paragraphs first appear. Empty sentences are skipped, and so are paragraphs left empty.
    """
    paragraphs: dict[int, list[str]] = {}
    for paragraph, sentence in segments_with_text:
        sentence = (sentence or "").strip()
        if sentence:
            paragraphs.setdefault(paragraph, []).append(sentence)
    return "\n\n".join(sentence_separator.join(sentences) for sentences in paragraphs.values())


def _ends_sentence(paragraph: str, match: re.Match, sentence_start: int, extra: frozenset[str]) -> bool:
    """Whether the terminator run in `match` (followed by whitespace) ends a sentence."""
    following = paragraph[match.end() :].lstrip()
    next_word = following.split(" ", 1)[0]
    if following[:1].isascii() and following[:1].islower():
        return False  # `"Why?" he asked`, `approx. five`
    if match.group("run") != ".":
        return True  # ! ? … ؟ ۔ or an ellipsis of dots
    before = paragraph[: match.start()]
    word = before.rsplit(" ", 1)[-1].lstrip(_OPENERS)
    if not word:
        return True
    if word in _ABBREVIATIONS or word in extra or word.lower() in _ABBREVIATIONS_ANY_CASE:
        return False
    if _SINGLE_LETTER.match(word) and (word.isupper() or not word.isascii()):
        return False  # an initial: "J. Smith", "د. أحمد"
    if _DOTTED.match(word):
        return False  # U.S. e.g. i.e. a.m. p.m.
    if word in _BEFORE_NUMBER and next_word[:1].isdigit():
        return False  # "No. 5"
    # "1. Introduction": a list number opening the paragraph
    return not (_NUMBER.match(word) and not paragraph[sentence_start : match.start() - len(word)].strip())


def _append_sentence(sentences: list[str], piece: str) -> None:
    piece = piece.strip()
    if not _is_blank(piece):
        sentences.append(piece)


def _is_blank(text: str) -> bool:
    """No visible character: only whitespace and format marks such as RLM/LRM."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)
