"""Post-editing effort: how far the submitted text moved from the machine draft, and how much active
editing time a save may claim.

The score is MateCat's post-editing effort measured on words: the Levenshtein distance between the
draft's tokens and the submitted text's tokens (a word or a punctuation mark each), divided by the
longer of the two token lists, times 100. An untouched draft scores 0; a full rewrite scores about 100.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

#: A word (letters, digits, marks, joined by apostrophes or inner hyphens) or one punctuation mark.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")
#: Kept between title and body so a word moved from one to the other counts as an edit.
_TITLE_END = "\u2029"

#: A save may claim at most this many seconds of active editing, whatever the clock says.
MAX_SECONDS_PER_SAVE = 4 * 3600
#: Claims may exceed the wall time since the last record by this much (timer ticks, slow networks).
SLACK_SECONDS = 120


def effort_tokens(title: str, body: str) -> list[str]:
    """The tokens the effort is measured on: title, a separator, then body (NFC, case kept)."""
    title = unicodedata.normalize("NFC", title or "")
    body = unicodedata.normalize("NFC", body or "")
    return [*_TOKEN.findall(title), _TITLE_END, *_TOKEN.findall(body)]


def effort_score(mt_title: str, mt_body: str, final_title: str, final_body: str) -> float:
    """Post-editing effort from 0 (draft kept as is) to 100 (everything rewritten), one decimal."""
    draft = effort_tokens(mt_title, mt_body)
    final = effort_tokens(final_title, final_body)
    longest = max(len(draft), len(final))
    if longest <= 1:  # both texts empty: only the separator
        return 0.0
    distance = Levenshtein.distance(draft, final)
    return round(min(100.0, 100.0 * distance / (longest - 1)), 1)


def seconds_allowed(elapsed_seconds: float) -> int:
    """The most active seconds a save may claim when `elapsed_seconds` of wall time passed since the
    person's previous record (or since they could start editing)."""
    return int(min(MAX_SECONDS_PER_SAVE, max(0.0, elapsed_seconds) + SLACK_SECONDS))
