"""Archive search rules on real Arabic words: light stemming (proclitics only), the index text, the queries
each engine gets, and snippets that show words, not their hidden stems."""

from __future__ import annotations

import pytest

from workflow.domain.search import (
    MARK_END,
    MARK_START,
    STEM_END,
    STEM_START,
    arabic_stem,
    fts5_query,
    index_text,
    query_terms,
    query_words,
    reveal_snippet,
)


def stem(word: str) -> str:
    """The stem of a word as a query or the index folds it first."""
    (folded,) = query_words(word)
    return arabic_stem(folded)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("إعادة", "اعادة"),
        ("لإعادة", "اعادة"),  # for (a lone preposition)
        ("وإعادة", "اعادة"),  # and
        ("بالإعادة", "اعادة"),  # with the
        ("الإعادة", "اعادة"),  # the
        ("ولإعادة", "اعادة"),  # and for
        ("فبالإعادة", "اعادة"),  # so with the
        ("الميناء", "ميناء"),
        ("بالميناء", "ميناء"),
        ("والميناء", "ميناء"),
        ("للميناء", "ميناء"),  # ل + ال, the alef dropped
        ("كالميناء", "ميناء"),  # like the
        ("وللميناء", "ميناء"),
        ("ميناء", "ميناء"),
        ("المـيناء", "ميناء"),  # tatweel folded first
        ("بِالمِيناءِ", "ميناء"),  # tashkeel folded first
        ("لسوريا", "سوريا"),
        ("بالشكل", "شكل"),
        ("ولكن", "لكن"),
        ("وقال", "قال"),
        ("والله", "الله"),
        ("بالله", "الله"),  # ب + الله: the article would leave two letters, the preposition alone four
    ],
)
def test_proclitic_chains_are_stripped(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(
    "word",
    [
        "بلد",  # country: ب + لد would leave two letters
        "ولد",  # boy
        "كلب",  # dog
        "كتب",  # books
        "الله",  # ال + له would leave two letters
        "التي",  # which
        "الذي",
        "الآن",  # now
        "ألف",  # thousand, folded to الف
        "كانت",  # was: ك + انت would be "you"
        "لجنة",  # committee: ل + جنة would be "paradise"
        "كبير",  # big: ك + بير would be بئر, "well"
        "كتاب",  # book: ك + تاب would be "repented"
        "لمصر",  # to Egypt, and بشكل ("in a way"), left whole: after a lone preposition, three letters are
        "بشكل",  # too few (the price of keeping كانت, لجنة, كبير, كتاب whole)
        "مدينة",  # no proclitic at all
        "Walid",  # not Arabic
        "2026",
    ],
)
def test_words_whose_letters_are_their_own_keep_them(word):
    (folded,) = query_words(word)
    assert arabic_stem(folded) == folded


def test_the_rule_is_blind_to_meaning_in_documented_cases():
    """What light stemming gets wrong, kept visible: both sides use the same rule, and the word as written is
    indexed too, so these still find themselves."""
    assert stem("وزير") == "زير"  # minister: و taken for "and"
    assert stem("للجنة") == "جنة"  # for the committee: لل + لجنة wrote one lam for two
    assert stem("لله") == "لله"  # for God: too short to strip


def test_the_index_keeps_each_word_and_adds_its_stem_after_it():
    text = index_text("خطّة لإعادة بناء المـيناء")
    assert text == f"خطة لاعادة{STEM_START}اعادة{STEM_END} بناء الميناء{STEM_START}ميناء{STEM_END}"
    assert index_text("Rescue teams, flooded villages") == "Rescue teams, flooded villages"
    # Characters the index reserves never come from the text itself.
    assert index_text(f"a{STEM_START}b{STEM_END}{MARK_START}c{MARK_END}") == "a b  c "
    assert index_text("لإعادة", stems=False) == "لاعادة"
    # Words are split as a query splits them: one written with digits is not Arabic, nor stemmed.
    assert index_text("بالميناء2 والميناء") == f"بالميناء2 والميناء{STEM_START}ميناء{STEM_END}"


def test_queries_ask_for_each_word_as_written_or_by_its_stem():
    assert query_terms("لإعادة بناء flood") == [("لاعادة", "اعادة"), ("بناء", "بناء"), ("flood", "flood")]
    assert fts5_query('الميناء "x" OR') == '("الميناء" OR "ميناء") AND "x" AND "or"'


def marked(text: str) -> str:
    return f"{MARK_START}{text}{MARK_END}"


def test_a_snippet_shows_the_word_marked_when_its_stem_matched():
    stem_hit = f"خطة لاعادة{STEM_START}{marked('اعادة')}{STEM_END} بناء"
    assert reveal_snippet(stem_hit) == f"خطة {marked('لاعادة')} بناء"
    both = f"{marked('الميناء')}{STEM_START}{marked('ميناء')}{STEM_END} اليوم"
    assert reveal_snippet(both) == f"{marked('الميناء')} اليوم"
    unmatched = f"{marked('خطة')} الميناء{STEM_START}ميناء{STEM_END}"
    assert reveal_snippet(unmatched) == f"{marked('خطة')} الميناء"


def test_a_snippet_cut_inside_a_stem_drops_the_piece():
    assert reveal_snippet(f"{marked('اعادة')}{STEM_END} بناء ... خطة الميناء{STEM_START}مين") == (
        " بناء ... خطة الميناء"
    )
    assert reveal_snippet(f"…اعادة{STEM_END} بناء الميناء{STEM_START}ميناء…") == "… بناء الميناء…"
