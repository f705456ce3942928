"""Word-level differences between two texts, for review pages, in near-linear time on long texts."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel

_TOKEN = re.compile(r"\s+|[^\s]+")
#: Unchanged runs at least this many tokens long (words and the spaces between them) anchor the alignment.
ANCHOR_TOKENS = 16
#: A changed stretch between anchors is re-aligned exactly (as difflib would) up to this many token pairs.
EXACT_GAP_PAIRS = 40_000


@dataclass(frozen=True)
class Chunk:
    """A run of text that is unchanged (`equal`), only in the new text (`insert`) or only in the old (`delete`)."""

    op: str
    text: str


@dataclass
class _Run:
    """Tokens that are unchanged (`kept`), or removed (`gone`) and added (`added`) at one place."""

    kept: list[str]
    gone: list[str]
    added: list[str]


def word_diff(old: str, new: str) -> list[Chunk]:
    """Chunks that turn `old` into `new`, compared word by word with whitespace kept."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    runs: list[_Run] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            _append(runs, _Run(a[i1:i2], [], []))
        else:
            _append(runs, _Run([], a[i1:i2], b[j1:j2]))
    _settle_shifts(runs)
    return _chunks(runs)


#: Diffs each process keeps: a review page diffs the same long texts at every visit until one of them changes.
KEPT_DIFFS = 128


@functools.lru_cache(maxsize=KEPT_DIFFS)
def kept_word_diff(old: str, new: str) -> tuple[Chunk, ...]:
    """`word_diff` of two texts, computed once per process for the same pair (the chunks are shared: read only)."""
    return tuple(word_diff(old, new))


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    # A longest common subsequence of word ids (bit-parallel, near-linear for few edits) finds the long
    # unchanged runs; the short stretches between them are aligned by difflib, as before, so ordinary edits
    # come out as they always did, while the cost stays proportional to the changes, not to the text squared.
    ids: dict[str, int] = {}
    a_ids = [ids.setdefault(t, len(ids)) for t in a]
    b_ids = [ids.setdefault(t, len(ids)) for t in b]
    anchors = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Indel.opcodes(a_ids, b_ids)
        if op.tag == "equal" and op.src_end - op.src_start >= ANCHOR_TOKENS
    ]
    result: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for i1, i2, j1, j2 in [*anchors, (len(a), len(a), len(b), len(b))]:
        result.extend(_gap_opcodes(a_ids, b_ids, i, i1, j, j1))
        if i2 > i1:
            result.append(("equal", i1, i2, j1, j2))
        i, j = i2, j2
    return result


def _gap_opcodes(a_ids: list[int], b_ids: list[int], i1: int, i2: int, j1: int, j2: int):
    """Opcodes for the stretch a[i1:i2] -> b[j1:j2], with indices into the whole texts."""
    if i1 == i2 and j1 == j2:
        return []
    if (i2 - i1) * (j2 - j1) <= EXACT_GAP_PAIRS:
        matcher = difflib.SequenceMatcher(a=a_ids[i1:i2], b=b_ids[j1:j2], autojunk=False)
        ops = [(tag, x1, x2, y1, y2) for tag, x1, x2, y1, y2 in matcher.get_opcodes()]
    else:  # a rewrite, not an edit: the bit-parallel alignment of this stretch is good enough
        ops = [
            (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
            for op in Indel.opcodes(a_ids[i1:i2], b_ids[j1:j2])
        ]
    return [(tag, x1 + i1, x2 + i1, y1 + j1, y2 + j1) for tag, x1, x2, y1, y2 in ops]


def _append(runs: list[_Run], run: _Run) -> None:
    last = runs[-1] if runs else None
    if last is not None and bool(last.kept) == bool(run.kept):
        last.kept += run.kept
        last.gone += run.gone
        last.added += run.added
    else:
        runs.append(run)


def _settle_shifts(runs: list[_Run]) -> None:
    # A pure insertion or deletion next to a copy of its own edge tokens ("in budget a" vs "in a") can sit
    # in several places. difflib takes the longest unchanged run first, so the neighbour that can grow longer
    # keeps the shared tokens (the earlier one on a tie); do the same wherever the alignment above placed it.
    # The longest neighbours settle first, as difflib finds the longest runs first.
    loose = [k for k in range(1, len(runs) - 1) if not runs[k].kept and not (runs[k].gone and runs[k].added)]
    loose.sort(key=lambda k: -max(len(runs[k - 1].kept), len(runs[k + 1].kept)))
    for k in loose:
        moved = runs[k].gone or runs[k].added
        before, after = runs[k - 1].kept, runs[k + 1].kept
        _shift_right(before, moved, after)
        longest_before = len(before)
        _shift_left(before, moved, after)
        if len(after) <= longest_before:
            _shift_right(before, moved, after)


def _shift_left(before: list[str], moved: list[str], after: list[str]) -> None:
    while before and before[-1] == moved[-1]:
        moved.insert(0, before.pop())
        after.insert(0, moved.pop())


def _shift_right(before: list[str], moved: list[str], after: list[str]) -> None:
    while after and after[0] == moved[0]:
        moved.append(after.pop(0))
        before.append(moved.pop(0))


def _chunks(runs: list[_Run]) -> list[Chunk]:
    merged: list[_Run] = []
    for run in runs:  # a shift may have emptied an unchanged run between two changes: join them
        _append(merged, run)
    chunks: list[Chunk] = []
    for run in merged:
        if run.kept:
            chunks.append(Chunk("equal", "".join(run.kept)))
        if run.gone:
            chunks.append(Chunk("delete", "".join(run.gone)))
        if run.added:
            chunks.append(Chunk("insert", "".join(run.added)))
    return chunks
