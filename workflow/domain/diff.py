"""Word-level differences between two texts, paragraph by paragraph, for review pages."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Chunk:
    """A run of text that is unchanged (`equal`), only in the new text (`insert`) or only in the old (`delete`)."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Chunk]:
    """Chunks that turn `old` into `new`, compared word by word with whitespace kept."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    chunks: list[Chunk] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("delete", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("insert", "".join(b[j1:j2])))
    return chunks
