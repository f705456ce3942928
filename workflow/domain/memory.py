"""Translation memory, as pure functions: segment keys, aligning a draft with its published text, fuzzy ranking.

Alignment is approximate on purpose. When the adaptor kept the text's shape (as many sentences in each
paragraph), sentences pair by position. Otherwise each source sentence's machine translation is paired with
the most similar sentence of the published text, in order (a monotone alignment, so a sentence is never
matched with one earlier than the previous match), and pairs less similar than `MIN_ALIGNMENT` are dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .text import fold_arabic

#: Weakest similarity (0–100) between a sentence's MT and a published sentence that still counts as its rendering.
MIN_ALIGNMENT = 55
#: Weakest alignment a unit needs before an exact match of it may prefill a new draft.
PREFILL_ALIGNMENT = 80
#: Weakest fuzzy score (0–100) shown beside a segment.
MIN_MATCH = 70


def segment_key(text: str) -> str:
    """A segment as memory compares it: Arabic marks and letter variants folded, case folded, spaces collapsed."""
    return " ".join(fold_arabic(text).casefold().split())


#: What separates the words of a key: spaces and punctuation (ASCII, Arabic and typographic). The PostgreSQL word
#: index (migration 0016) splits keys with this same pattern, so keep the two in step.
WORD_SEPARATORS = "[ !-/:-@[-`{-~،؛؟«»“”‘’…–—]+"
_SEPARATORS = re.compile(WORD_SEPARATORS)
#: The least share of a segment's characters (counted word by word, with a separator each) that the words a unit
#: matching it at `MIN_MATCH` keeps intact carry, in ordinary text: measured on 290,000 matching pairs of
#: sentences with words replaced, inserted, deleted or misspelt, never under 0.33 from 7 words up (0.23 below).
MIN_KEPT_SHARE = 0.3
MIN_KEPT_SHARE_SHORT = 0.2


def key_words(key: str) -> list[str]:
    """The distinct words of a key, in order of first use."""
    return list(dict.fromkeys(w for w in _SEPARATORS.split(key) if w))


#: A word held by more units than this is left out of a segment's probe, commonest first, while the words left in
#: still need two of them to reach the share a match keeps: reading its units would cost more than it tells.
COMMON_WORD_UNITS = 20_000


@dataclass(frozen=True)
class Probe:
    """What a unit must share with a segment to be a candidate: words of `mass` carrying at least `need` of it.

    `mass` gives each probe word's characters with a separator; words left out (the commonest) are not in it.
    """

    mass: dict[str, int]
    need: float

    @property
    def words(self) -> list[str]:
        """The probe words, in the segment's order."""
        return list(self.mass)


def probe_words(words: Sequence[str], units: Mapping[str, int], *, common: int | None = None) -> Probe:
    """The words of a segment a matching unit must share, and how much of them it must share.

    A unit matching the segment at `MIN_MATCH` keeps intact words carrying at least `MIN_KEPT_SHARE` of its
    characters. Words held by more than `common` units (`units`: how many units hold each word; a word absent
    from it is held by none) are left out, commonest first, while the share minus what they carry still asks for
    more than the longest word left in: so a candidate still shares two words or more, and rarely by chance. A
    unit sharing less of the probe words than `need` cannot keep the share, whatever common words it holds.
    """
    common = COMMON_WORD_UNITS if common is None else common
    mass = {w: len(w) + 1 for w in words}
    floor = (MIN_KEPT_SHARE if len(words) >= 7 else MIN_KEPT_SHARE_SHORT) * sum(mass.values())
    kept = dict(mass)
    dropped = 0
    for word in sorted(words, key=lambda w: (-units.get(w, 0), -len(w), w)):
        if units.get(word, 0) <= common or len(kept) < 2:
            break
        rest = max(m for w, m in kept.items() if w != word)
        if floor - dropped - mass[word] <= rest:
            break
        del kept[word]
        dropped += mass[word]
    return Probe({w: m for w, m in kept.items() if units.get(w, 0) > 0}, floor - dropped)


def source_hash(text: str) -> str:
    """The sha256 (hex) of a segment's key: two segments match exactly when their hashes are equal."""
    return hashlib.sha256(segment_key(text).encode()).hexdigest()


@dataclass(frozen=True)
class AlignedPair:
    """A source sentence, the published sentence aligned with it, and how sure the alignment is (0–100)."""

    source: str
    target: str
    score: int


def align(
    segments: Sequence[tuple[str, str | None]], published: Sequence[str], *, min_score: int = MIN_ALIGNMENT
) -> list[AlignedPair]:
    """Pair `(source, machine translation)` segments with published sentences, in order, best total first.

    A segment without a machine translation, or whose best partner is weaker than `min_score`, is left out.
    """
    if not segments or not published:
        return []
    machine = [segment_key(mt or "") for _, mt in segments]
    finals = [segment_key(s) for s in published]
    scores = [[fuzz.ratio(m, f) if m and f else 0.0 for f in finals] for m in machine]
    n, m = len(segments), len(published)
    # best[i][j]: the highest total similarity aligning the first i segments with the first j sentences.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            take = scores[i - 1][j - 1]
            paired = best[i - 1][j - 1] + take if take >= min_score else float("-inf")
            best[i][j] = max(best[i - 1][j], best[i][j - 1], paired)
    pairs: list[AlignedPair] = []
    i, j = n, m
    while i > 0 and j > 0:
        take = scores[i - 1][j - 1]
        if take >= min_score and best[i][j] == best[i - 1][j - 1] + take:
            pairs.append(AlignedPair(segments[i - 1][0], published[j - 1], round(take)))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def align_by_shape(
    segments: Sequence[tuple[str, int]], published: Sequence[tuple[str, int]]
) -> list[AlignedPair]:
    """Pair `(sentence, paragraph)` lists by position when every paragraph kept its number of sentences ([] if not).

    An adaptor who kept each sentence's place and the text's shape wrote sentence i for source sentence i,
    however freely: such pairs are sure (score 100).
    """

    def shape(items: Sequence[tuple[str, int]]) -> list[int]:
        counts: dict[int, int] = {}
        for _, paragraph in items:
            counts[paragraph] = counts.get(paragraph, 0) + 1
        return list(counts.values())

    if not segments or shape(segments) != shape(published):
        return []
    return [
        AlignedPair(source, target, 100)
        for (source, _), (target, _) in zip(segments, published, strict=False)
    ]


def length_window(length: int, min_score: int = MIN_MATCH) -> tuple[int, int]:
    """The shortest and longest candidate that can reach `min_score` against a text of `length` characters.

    fuzz.ratio is 2·matches/(a+b), at most 2·min(a,b)/(a+b), so shorter/longer must be at least s/(2−s).
    """
    ratio = (min_score / 100) / (2 - min_score / 100)
    return int(length * ratio), int(length / ratio) + 1 if ratio else 10**9


def rank(
    query: str, choices: Sequence[str], *, limit: int, min_score: int = MIN_MATCH, partial: bool = False
) -> list[tuple[int, int]]:
    """Indexes of the `choices` (already keys) most similar to `query`, with their whole-percent scores, best first.

    `partial` scores how well the query fits inside a choice (searching for a phrase), not the whole of it.
    """
    key = segment_key(query)
    if not key or not choices:
        return []
    scorer = fuzz.partial_ratio if partial else fuzz.ratio
    found = process.extract(key, choices, scorer=scorer, processor=None, limit=limit, score_cutoff=min_score)
    return [(index, round(score)) for _, score, index in found]
