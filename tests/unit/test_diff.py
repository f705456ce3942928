"""The word diff gives the chunks the old difflib one gave on ordinary edits, and stays fast on long texts."""

from __future__ import annotations

import itertools

import pytest

from tests.support.texts import ARABIC, ENGLISH, difflib_word_diff, edited, news_text
from workflow.domain.diff import Chunk, kept_word_diff, word_diff


def rebuilt(chunks: list[Chunk]) -> tuple[str, str]:
    """The old and the new text the chunks describe."""
    old = "".join(c.text for c in chunks if c.op != "insert")
    new = "".join(c.text for c in chunks if c.op != "delete")
    return old, new


ORDINARY_EDITS = [
    ("the old text", "the new text"),
    ("", "A whole new paragraph."),
    ("Everything goes.", ""),
    ("same", "same"),
    ("The minister said on Tuesday.", "The minister said on Wednesday."),
    ("The council met in the town hall.", "The council met in the old town hall."),
    ("Police said two people were hurt.", "Police said people were hurt."),
    ("in a box", "in budget a box"),
    ("the cat sat", "the the cat sat"),
    ("First line.\nSecond line.", "First line.\n\nSecond line, longer."),
    ("Prices rose 3% in May, figures show.", "Prices rose 3.2% in May, revised figures show."),
    ("a b c d e f", "a x c y e z"),
    (
        "قال الوزير يوم الثلاثاء إن الحكومة ستعلن الميزانية.",
        "قال الوزير يوم الأربعاء إن الحكومة ستعلن الميزانية الجديدة.",
    ),
    ("وأضاف أن المدينة تضررت من الفيضانات.", "وأضاف أن المدينة القديمة تضررت كثيرا من الفيضانات."),
    ("قال المتحدث: «لن نتراجع»، ثم غادر.", "قال المتحدث: «لن نتراجع أبدا»، ثم غادر القاعة."),
    ("The mayor (قال الرئيس) spoke.", "The mayor (قال رئيس البلدية) spoke briefly."),
    ("Word  with  double spaces", "Word with double spaces"),
]


@pytest.mark.parametrize(("old", "new"), ORDINARY_EDITS)
def test_fixed_ordinary_edits_give_the_old_chunks(old, new):
    assert word_diff(old, new) == difflib_word_diff(old, new)


@pytest.mark.parametrize("vocabulary", [ENGLISH, ARABIC], ids=["english", "arabic"])
def test_generated_ordinary_edits_give_the_old_chunks(vocabulary):
    for seed in range(60):
        old = news_text(30 + 4 * seed, seed, vocabulary)
        new = edited(old, 0.01, seed + 1000, vocabulary)
        assert word_diff(old, new) == difflib_word_diff(old, new), seed


@pytest.mark.parametrize("vocabulary", [ENGLISH, ARABIC], ids=["english", "arabic"])
def test_denser_edits_mostly_give_the_old_chunks(vocabulary):
    # With an edit every 20 words of an 80-word vocabulary, the same word often sits on both sides of an
    # edit and the two algorithms may pick different (equally short) alignments: both describe the texts.
    same = 0
    for seed in range(60):
        old = news_text(30 + 4 * seed, seed, vocabulary)
        new = edited(old, 0.05, seed + 1000, vocabulary)
        chunks = word_diff(old, new)
        assert rebuilt(chunks) == (old, new), seed
        same += chunks == difflib_word_diff(old, new)
    assert same >= 50


@pytest.mark.parametrize("vocabulary", [ENGLISH, ARABIC], ids=["english", "arabic"])
def test_heavier_edits_still_describe_both_texts(vocabulary):
    for seed in range(30):
        old = news_text(20 + 15 * seed, seed, vocabulary)
        new = edited(old, 0.3, seed + 2000, vocabulary)
        assert rebuilt(word_diff(old, new)) == (old, new), seed


def test_chunks_alternate_and_none_is_empty():
    old = news_text(300, 1)
    chunks = word_diff(old, edited(old, 0.1, 2))
    assert all(c.text for c in chunks)
    assert all(x.op != y.op for x, y in itertools.pairwise(chunks))


def test_a_long_text_with_five_percent_changed_is_diffed():
    old = news_text(5000, 7)
    new = edited(old, 0.05, 8)
    chunks = word_diff(old, new)
    assert rebuilt(chunks) == (old, new)
    changed = sum(len(c.text.split()) for c in chunks if c.op == "insert")
    assert 0.02 * 5000 < changed < 0.1 * 5000


def test_a_rewrite_is_described_in_full():
    old, new = news_text(3000, 3), news_text(3000, 4, ARABIC)
    assert rebuilt(word_diff(old, new)) == (old, new)


def test_a_kept_diff_is_the_diff_and_is_computed_once_per_pair():
    old, new = news_text(400, 7, ENGLISH), edited(news_text(400, 7, ENGLISH), 0.05, 8, ENGLISH)
    kept_word_diff.cache_clear()
    first = kept_word_diff(old, new)
    assert list(first) == word_diff(old, new)
    # Equal texts read again from the database are other string objects: still the same pair.
    assert kept_word_diff("".join(old), "".join(new)) is first
    assert kept_word_diff.cache_info().hits == 1


#: The review pages' diff as the `diff` macro wrote it in Jinja before `diff_html` (the reference).
JINJA_DIFF = (
    '{%- set attrs = ((\'lang="%s" dir="%s"\'|safe)|format(code, text_direction(code)) if code '
    'else \'lang="" dir="auto"\'|safe) -%}'
    '<div class="diff" {{ attrs }}>{% for c in chunks %}{% if c.op == "insert" %}<ins {{ attrs }}>{{ c.text }}'
    '</ins>{% elif c.op == "delete" %}<del {{ attrs }}>{{ c.text }}</del>{% else %}<span {{ attrs }}>'
    "{{ c.text }}</span>{% endif %}{% endfor %}</div>"
)


@pytest.mark.parametrize("code", ["en", "ar", None])
def test_diff_html_writes_what_the_jinja_macro_wrote(code):
    from jinja2 import Environment

    from workflow.domain.languages import text_direction
    from workflow.web.templating import diff_html

    reference = Environment(autoescape=True).from_string(JINJA_DIFF)
    cases = [(old, new) for old, new in ORDINARY_EDITS if old != new]
    cases += [('<b>Tom & Jerry</b> "quoted"', "<i>Tom & Jerry's</i> 'quoted'")]
    cases += [
        (news_text(200, seed, ARABIC), edited(news_text(200, seed, ARABIC), 0.05, seed, ARABIC))
        for seed in (1, 2)
    ]
    for old, new in cases:
        chunks = tuple(word_diff(old, new))
        expected = reference.render(chunks=chunks, code=code, text_direction=text_direction)
        assert str(diff_html(chunks, code)) == expected, (old, new)
    assert diff_html(tuple(word_diff("same", "same")), code) == ""
