"""Glossary matching on crafted Arabic and English text: clitics, tashkeel, tatweel, letter variants, offsets."""

from __future__ import annotations

import pytest

from tests.support.terms import Term
from workflow.domain.glossary import apply_terms, find_terms, normalize_term, rendering_present, split_by_hits

TERMS = [
    Term(1, "بوتين", "Putin"),
    Term(2, "بيونغ يانغ", "Pyongyang"),
    Term(3, "الأمم المتحدة", "United Nations"),
    Term(4, "الأمم", "nations"),
    Term(5, "كوريا الشمالية", "North Korea"),
    Term(6, "مصطفى", "Mustafa"),
    Term(7, "إسرائيل", "Israel"),
    Term(8, "الرئيس", "President"),
]


def found(text: str, terms: list[Term] = TERMS, lang: str = "ar") -> list[tuple[str, str]]:
    hits = find_terms(text, lang, terms)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.matched  # offsets point into the text as written
    return [(h.matched, h.target) for h in hits]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("وصل بوتين أمس", "بوتين"),
        ("وبوتين وصل", "وبوتين"),  # and
        ("فبوتين قال", "فبوتين"),  # so
        ("التقى ببوتين", "ببوتين"),  # with
        ("قال لبوتين", "لبوتين"),  # to
        ("كبوتين تماماً", "كبوتين"),  # like
        ("وصل بُوتِينُ", "بُوتِينُ"),  # tashkeel, the final mark included
        ("وصل بوتـــين", "بوتـــين"),  # tatweel
    ],
)
def test_an_arabic_name_is_found_with_clitics_diacritics_and_tatweel(text, matched):
    assert found(text) == [(matched, "Putin")]


@pytest.mark.parametrize(
    ("text", "matched", "target"),
    [
        ("زار اسرائيل", "اسرائيل", "Israel"),  # hamza-less alef
        ("زار آسرائيل", "آسرائيل", "Israel"),  # madda
        ("قال مصطفي", "مصطفي", "Mustafa"),  # yaa for alef maqsura
        ("رحب بالأمم المتحدة", "بالأمم المتحدة", "United Nations"),  # ب + ال term
        ("وللأمم المتحدة دور", "وللأمم المتحدة", "United Nations"),  # و + ل + ال, the alef dropped
        ("قال للرئيس", "للرئيس", "President"),
        ("في بيونغ  يانغ،", "بيونغ  يانغ", "Pyongyang"),  # two spaces, a comma after
    ],
)
def test_letter_variants_and_the_article_are_found(text, matched, target):
    assert found(text) == [(matched, target)]


def test_the_longest_term_wins_and_hits_do_not_overlap():
    assert found("الأمم المتحدة والأمم") == [("الأمم المتحدة", "United Nations"), ("والأمم", "nations")]


def test_a_term_inside_a_longer_word_is_not_a_hit():
    assert found("البوتينية مذهب") == []
    assert found("كوريا الشماليةالجنوبية") == []


def test_hits_come_in_reading_order_with_terms_and_notes():
    terms = [*TERMS, Term(9, "كيم جونغ أون", "Kim Jong Un", note="Never 'Kim Jong-un'")]
    text = "استقبل كيم جونغ اون الرئيس بوتين في بيونغ يانغ"
    hits = find_terms(text, "ar", terms)
    assert [(h.term_id, h.target) for h in hits] == [
        (9, "Kim Jong Un"),
        (8, "President"),
        (1, "Putin"),
        (2, "Pyongyang"),
    ]
    assert hits[0].note == "Never 'Kim Jong-un'"
    pieces = split_by_hits(text, hits)
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, hit in pieces if hit] == ["كيم جونغ اون", "الرئيس", "بوتين", "بيونغ يانغ"]


def test_english_terms_match_whole_words_in_any_case():
    terms = [Term(1, "Putin", "بوتين", lang="en"), Term(2, "Kim Jong Un", "كيم جونغ أون", lang="en")]
    assert found("Putin's visit; putinism. PUTIN met kim  jong un.", terms, "en") == [
        ("Putin", "بوتين"),
        ("PUTIN", "بوتين"),
        ("kim  jong un", "كيم جونغ أون"),
    ]


def test_english_clitic_letters_are_not_stripped_outside_arabic():
    assert found("وبوتين", TERMS, "en") == []


def test_normalize_term_is_the_matching_key():
    assert normalize_term("  بُوتِـين ", "ar") == normalize_term("بوتين", "ar") == "بوتين"
    assert normalize_term("أإآٱا", "ar") == "ااااا"
    assert normalize_term("مصطفى", "ar") == normalize_term("مصطفي", "ar")
    assert normalize_term("Éric  Zemmour", "fr") == "eric zemmour"
    assert normalize_term("\u200fبوتين\u200e", "ar") == "بوتين"


def test_no_terms_or_no_text_finds_nothing():
    assert find_terms("", "ar", TERMS) == []
    assert find_terms("بوتين", "ar", []) == []


def test_apply_terms_replaces_the_machine_rendering_with_the_approved_one():
    text = "Vladimir Poutine arrived in Pyong Yang; poutine said."
    assert apply_terms(text, [("Poutine.", "Putin"), ("Pyong Yang", "Pyongyang")]) == (
        "Vladimir Putin arrived in Pyongyang; Putin said."
    )


def test_apply_terms_leaves_words_that_only_contain_the_rendering():
    assert apply_terms("Poutineism and Poutine", [("Poutine", "Putin")]) == "Poutineism and Putin"
    assert apply_terms("Putin arrived", [("Putin", "Putin"), ("", "Kim")]) == "Putin arrived"


def test_rendering_present_checks_whole_words():
    assert rendering_present("Russian President Vladimir Putin arrived.", "Putin", "en")
    assert not rendering_present("Putinism spread.", "Putin", "en")
    assert rendering_present("وصل بوتين", "بوتين", "ar")
