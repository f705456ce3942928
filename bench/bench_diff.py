"""Word diff on long texts: the near-linear `word_diff` against the difflib one it replaced, in the same run.

Run:  .venv/bin/python -m bench.bench_diff [--old-up-to WORDS] [--repeat N]

For 500, 1,000, 2,000 and 5,000 words of news-like English text with 5 % of its words changed (replaced,
deleted, or followed by an inserted word), prints the median time of `workflow.domain.diff.word_diff` over
`--repeat` runs and the time of one run of the old difflib algorithm (`SequenceMatcher`, autojunk off, on the
same tokens), with the ratio old/new. The old one is quadratic (minutes at 4,000 words): `--old-up-to` skips
it above that many words (default: every size).
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.support.texts import difflib_word_diff, edited, news_text
from workflow.domain.diff import word_diff

SIZES = (500, 1_000, 2_000, 5_000)
CHANGED = 0.05


def timed(function, *args):
    """What one call returns, and the milliseconds it took."""
    started = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - started) * 1000


def main() -> None:
    """Print one row per text size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--old-up-to", type=int, default=max(SIZES), help="time the old algorithm up to N words"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of the new algorithm per size (median)")
    options = parser.parse_args()
    print(f"{'words':>6} {'new ms':>9} {'old ms':>11} {'old/new':>9}  same chunks")
    for words in SIZES:
        old_text = news_text(words, words)
        new_text = edited(old_text, CHANGED, words + 1)
        new_ms = statistics.median(timed(word_diff, old_text, new_text)[1] for _ in range(options.repeat))
        if words > options.old_up_to:
            print(f"{words:>6} {new_ms:>9.1f} {'skipped':>11} {'':>9}")
            continue
        old_chunks, old_ms = timed(difflib_word_diff, old_text, new_text)
        same = word_diff(old_text, new_text) == old_chunks
        print(
            f"{words:>6} {new_ms:>9.1f} {old_ms:>11.0f} {old_ms / new_ms:>8.0f}×  {'yes' if same else 'no'}"
        )


if __name__ == "__main__":
    main()
