"""Sentence and paragraph segmentation of source text, and reassembly of translated sentences."""

from __future__ import annotations

import dataclasses

import pytest

from workflow.domain.segment import Segment, join_segments, segment_text


def sources(text: str, language: str = "ar") -> list[str]:
    return [segment.source for segment in segment_text(text, language)]


# --- Arabic ---------------------------------------------------------------------------------------------


def test_arabic_sentences_end_at_full_stop_question_and_exclamation_marks():
    text = "أعلنت الوزارة افتتاح المستشفى. هل سيعمل قبل الشتاء؟ نعم! قال المدير ذلك."
    assert sources(text) == [
        "أعلنت الوزارة افتتاح المستشفى.",
        "هل سيعمل قبل الشتاء؟",
        "نعم!",
        "قال المدير ذلك.",
    ]


def test_arabic_comma_and_semicolon_do_not_end_sentences():
    text = "ارتفعت الأسعار، وتراجعت الصادرات؛ وفق التقرير الرسمي. انتهى الاجتماع."
    assert sources(text) == ["ارتفعت الأسعار، وتراجعت الصادرات؛ وفق التقرير الرسمي.", "انتهى الاجتماع."]


def test_arabic_question_mark_splits_even_without_final_stop_in_the_paragraph():
    assert sources("لماذا تأخر القطار؟ لا أحد يعرف") == ["لماذا تأخر القطار؟", "لا أحد يعرف"]


def test_closing_guillemet_stays_with_its_sentence():
    text = "قال الشاهد: «رأيت الدخان يتصاعد». ثم غادر المكان. وأضاف: «لم يصب أحد.» وانتهى التحقيق."
    assert sources(text) == [
        "قال الشاهد: «رأيت الدخان يتصاعد».",
        "ثم غادر المكان.",
        "وأضاف: «لم يصب أحد.»",
        "وانتهى التحقيق.",
    ]


@pytest.mark.parametrize("number", ["٤٣٫٥", "43.5", "1,000", "١٬٠٠٠", "2.3", "3.14159"])
def test_numbers_are_never_split(number):
    text = f"بلغت القيمة {number} في المئة هذا العام. وارتفعت لاحقاً."
    assert sources(text) == [f"بلغت القيمة {number} في المئة هذا العام.", "وارتفعت لاحقاً."]


def test_arabic_initial_and_dotted_title_do_not_end_sentences():
    text = "ذهب د. أحمد إلى المستشفى. وصل أ.د. محمود بعد ساعة."
    assert sources(text) == ["ذهب د. أحمد إلى المستشفى.", "وصل أ.د. محمود بعد ساعة."]


def test_urdu_full_stop_ends_sentences():
    assert sources("یہ پہلا جملہ ہے۔ یہ دوسرا جملہ ہے۔", "ur") == ["یہ پہلا جملہ ہے۔", "یہ دوسرا جملہ ہے۔"]


def test_mixed_terminators_and_ellipsis():
    assert sources("ماذا حدث؟! لا أعرف… سنرى.") == ["ماذا حدث؟!", "لا أعرف…", "سنرى."]


# --- English / Latin script -----------------------------------------------------------------------------


def test_common_abbreviations_do_not_end_sentences():
    text = (
        "Mr. Smith met Dr. Jones and Mrs. Brown on St. Mark's Square on Jan. 5 at 10 a.m. with U.S. "
        "officials. They compared Italy vs. France, e.g. wine, i.e. exports, etc. and left. Next day."
    )
    assert sources(text, "en") == [
        (
            "Mr. Smith met Dr. Jones and Mrs. Brown on St. Mark's Square on Jan. 5 at 10 a.m. with U.S. "
            "officials."
        ),
        "They compared Italy vs. France, e.g. wine, i.e. exports, etc. and left.",
        "Next day.",
    ]


def test_single_capital_initials_do_not_end_sentences():
    assert sources("The report by J. R. Smith came out. It was long.", "en") == [
        "The report by J. R. Smith came out.",
        "It was long.",
    ]


def test_number_abbreviation_before_a_number():
    assert sources("He lives at No. 10 Downing Street. The answer was No. Then he left.", "en") == [
        "He lives at No. 10 Downing Street.",
        "The answer was No.",
        "Then he left.",
    ]


def test_quotes_and_brackets_after_terminators():
    text = 'She said: "We will win." Then she left. (It was late.) "Really?" he asked. Fine.'
    assert sources(text, "en") == [
        'She said: "We will win."',
        "Then she left.",
        "(It was late.)",
        '"Really?" he asked.',
        "Fine.",
    ]


def test_decimal_amounts_and_thousands():
    assert sources("Prices rose 3.5 percent to $1,000.50 per unit. Sales fell.", "en") == [
        "Prices rose 3.5 percent to $1,000.50 per unit.",
        "Sales fell.",
    ]


def test_list_number_opening_a_paragraph_is_kept():
    assert sources("1. Introduction to the budget. Second sentence.", "en") == [
        "1. Introduction to the budget.",
        "Second sentence.",
    ]


def test_year_at_the_end_of_a_sentence_splits():
    assert sources("The war ended in 1945. Peace followed.", "en") == [
        "The war ended in 1945.",
        "Peace followed.",
    ]


def test_urls_and_domains_stay_whole():
    assert sources("Read more at www.example.com/news.html today. Thanks.", "en") == [
        "Read more at www.example.com/news.html today.",
        "Thanks.",
    ]


def test_cjk_terminators_split_without_spaces():
    assert sources("这是第一句。这是第二句！", "zh") == ["这是第一句。", "这是第二句！"]


def test_language_specific_abbreviations():
    assert sources("Mme. Dupont est arrivée. Elle parle.", "fr") == [
        "Mme. Dupont est arrivée.",
        "Elle parle.",
    ]


# --- paragraphs, whitespace, indices -------------------------------------------------------------------


def test_paragraphs_are_lines_and_blank_lines_only_separate():
    text = "  الفقرة الأولى. جملة ثانية.\n\n\nالفقرة الثانية.\r\nالفقرة الثالثة؟  \n   \n"
    segments = segment_text(text, "ar")
    assert [(s.index, s.paragraph, s.source) for s in segments] == [
        (0, 0, "الفقرة الأولى."),
        (1, 0, "جملة ثانية."),
        (2, 1, "الفقرة الثانية."),
        (3, 2, "الفقرة الثالثة؟"),
    ]


def test_inner_whitespace_is_collapsed():
    assert sources("كلمة\tأخرى   هنا.  ثم   جملة.") == ["كلمة أخرى هنا.", "ثم جملة."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\u200f\u200e", " \u00a0 "])
def test_empty_or_blank_text_gives_no_segments(text):
    assert segment_text(text, "ar") == []


def test_never_produces_empty_segments():
    text = "... ؟ ! .\n.\n«»\nنص."
    segments = segment_text(text, "ar")
    assert segments and all(segment.source.strip() for segment in segments)


def test_text_without_terminator_is_one_segment():
    assert sources("عنوان بلا نقطة") == ["عنوان بلا نقطة"]


def test_segments_are_frozen():
    segment = segment_text("جملة.", "ar")[0]
    assert segment == Segment(index=0, paragraph=0, source="جملة.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        segment.source = "أخرى"  # type: ignore[misc]


# --- joining --------------------------------------------------------------------------------------------


def test_join_segments_rebuilds_paragraphs():
    segments = segment_text("أولاً. ثانياً.\n\nثالثاً.\nرابعاً؟ خامساً!", "ar")
    translated = [(segment.paragraph, f"S{segment.index}.") for segment in segments]
    assert join_segments(translated) == "S0. S1.\n\nS2.\n\nS3. S4."


def test_join_segments_skips_empty_sentences_and_paragraphs():
    assert (
        join_segments([(0, " One. "), (0, ""), (1, "  "), (2, "Two."), (2, "Three.")])
        == "One.\n\nTwo. Three."
    )


def test_join_segments_of_nothing_is_empty():
    assert join_segments([]) == ""


def test_segment_then_join_round_trip_keeps_text():
    text = "قال الوزير: «سنبدأ غداً». ثم غادر.\n\nهل انتهى الاجتماع؟ نعم."
    segments = segment_text(text, "ar")
    assert join_segments((s.paragraph, s.source) for s in segments) == text
