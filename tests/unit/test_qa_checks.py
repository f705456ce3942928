"""The QA checks on crafted Arabic/English pairs: what they catch, and the rewording they let through."""

from __future__ import annotations

import pytest

from tests.support.terms import Term
from workflow.domain.glossary import find_terms
from workflow.domain.qa import (
    ERROR,
    WARNING,
    QaInput,
    candidate_names,
    check_dates,
    check_glossary,
    check_length,
    check_names,
    check_numbers,
    check_punctuation,
    check_title,
    check_untranslated,
    extract_quantities,
    months_in,
    normalize_digits,
    run_checks,
)


def keys(findings, check: str | None = None) -> list[str]:
    return [f.key for f in findings if check is None or f.check == check]


# --- numbers -------------------------------------------------------------------------------------------


def test_arabic_indic_digits_and_separators_read_as_western_numbers():
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ ٣٫٥ ١٬٠٠٠") == "0123456789 0123456789 3.5 1,000"
    quantities = extract_quantities("ارتفع النمو إلى ٣٫٥٪ وشارك ١٬٠٠٠ شخص و۲۴ طالباً", "ar")
    assert [(q.key, q.kind) for q in quantities] == [
        ("3.5%", "percent"),
        ("1000", "number"),
        ("24", "number"),
    ]


@pytest.mark.parametrize(
    "adaptation",
    [
        "Growth rose to 3.5% and 1,000 people took part.",
        "Some 1000 people took part as growth reached 3.5 per cent.",
        "Growth: 3.50 percent. Turnout: one thousand? No — 1,000.",
        "A thousand people... no: 1000 people joined; growth hit 3.5pc.",
    ],
)
def test_numbers_kept_in_any_form_or_order_pass(adaptation):
    source = "ارتفع النمو إلى ٣٫٥٪. وشارك في المسيرة ١٬٠٠٠ شخص."
    assert check_numbers(source, "ar", adaptation, "en") == []


def test_a_missing_number_is_an_error_keyed_by_its_value():
    source = "شارك ١٬٠٠٠ شخص في المسيرة، وأصيب ٣ منهم."
    [finding] = check_numbers(source, "ar", "Three people were hurt at the march.", "en")
    assert (finding.check, finding.severity, finding.key) == ("numbers", ERROR, "1000")
    assert "١٬٠٠٠ (1000)" in finding.message and "override" in finding.message


def test_a_changed_number_names_what_the_adaptation_has_instead():
    [finding] = check_numbers("ارتفع التضخم إلى ٣٫٥٪", "ar", "Inflation rose to 3.6%.", "en")
    assert finding.key == "3.5%" and "3.6%" in finding.message and "changed" in finding.message


def test_small_numbers_written_as_english_words_count():
    source = "قتل ٣ أشخاص وأصيب ٢٤ آخرون في الحادث الأول من نوعه منذ ١٢ عاماً."
    adaptation = "Three people died and twenty-four were hurt, the first such accident in a dozen years."
    assert check_numbers(source, "ar", adaptation, "en") == []


def test_millions_and_billions_match_in_digits_or_words():
    source = "بلغت الصادرات ١٥ مليار دولار، ونزح ١٫٥ مليون شخص."
    assert check_numbers(source, "ar", "Exports hit $15bn; 1,500,000 people fled.", "en") == []
    assert check_numbers(source, "ar", "Exports hit 15 billion dollars; 1.5 million people fled.", "en") == []
    assert keys(check_numbers(source, "ar", "Exports hit $15bn; 1.2 million people fled.", "en")) == ["1.5"]


def test_a_percentage_must_stay_a_percentage_in_any_spelling():
    source = "تراجعت البطالة بنسبة ٥٠ في المئة، وارتفعت الأسعار ١٠٪."
    assert (
        check_numbers(source, "ar", "Unemployment fell 50 percent and prices rose 10 per cent.", "en") == []
    )
    assert keys(check_numbers(source, "ar", "Unemployment fell to 50 people; prices rose 10%.", "en")) == [
        "50%"
    ]


def test_a_bare_number_may_become_a_percentage():
    assert check_numbers("بنسبة ٤٠ تقريباً", "ar", "by about 40%", "en") == []


def test_times_match_across_clock_styles():
    source = "بدأ الاجتماع الساعة 14:30 وانتهى الساعة ١٨:٠٠."
    assert check_numbers(source, "ar", "The meeting began at 2.30pm and ended at 6 p.m.", "en") == []
    assert keys(check_numbers(source, "ar", "The meeting began at 3.30pm and ended at 6pm.", "en")) == [
        "14:30"
    ]


def test_hijri_years_may_be_left_out():
    assert check_numbers("في ١٠ رمضان ١٤٤٥ هـ الموافق ٢٠ مارس ٢٠٢٤", "ar", "on March 20, 2024", "en") == []


@pytest.mark.parametrize(
    "source",
    [
        "التقى الرئيسان في 19 يونيو 2024.",
        "في ١٩ حزيران (يونيو) ٢٠٢٤",
        "صدر في ١٩/٦/٢٠٢٤",
        "The leaders met on June 19, 2024.",
    ],
)
def test_the_year_of_a_date_may_be_left_out_with_a_warning(source):
    [finding] = check_numbers(source, "en" if source.isascii() else "ar", "The leaders met on 19 June.", "en")
    assert (finding.severity, finding.key) == (WARNING, "2024") and "no year" in finding.message


def test_four_character_decimals_next_to_a_month_are_not_years():
    assert keys(check_numbers("بلغت الحرارة في حزيران ٤٣٫٥ درجة", "ar", "It was hot in June.", "en")) == [
        "43.5"
    ]


def test_a_year_written_on_its_own_must_be_kept():
    [finding] = check_numbers("في عام ٢٠١٩ وفي ١٩ حزيران ٢٠١٩", "ar", "On 19 June, as before.", "en")
    assert (finding.severity, finding.key) == (ERROR, "2019")


def test_a_number_repeated_in_the_original_needs_to_appear_once():
    source = "قتل ٢٤ شخصاً. وأكدت الشرطة أن الـ٢٤ قتيلاً مدنيون."
    assert check_numbers(source, "ar", "Police said all 24 dead were civilians.", "en") == []


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arabic, english",
    [
        ("يناير", "January"),
        ("كانون الثاني", "January"),
        ("شباط", "February"),
        ("أبريل", "April"),
        ("نيسان ٢٠٢٤", "April"),
        ("أيار", "May"),
        ("حزيران", "June"),
        ("يونيو", "June"),
        ("تموز", "July"),
        ("آب ٢٠٢٣", "August"),
        ("أيلول", "September"),
        ("تشرين الأول", "October"),
        ("تشرين الثاني", "November"),
        ("كانون الأول", "December"),
        ("ديسمبر", "December"),
    ],
)
def test_arabic_month_names_must_appear_as_the_english_month(arabic, english):
    source = f"عقد الاجتماع في ١٥ {arabic}."
    assert check_dates(source, "ar", f"The meeting was held on 15 {english}.", "en") == []
    [finding] = check_dates(source, "ar", "The meeting was held on the 15th.", "en")
    assert (finding.check, finding.severity, finding.key) == ("dates", ERROR, english)


def test_a_changed_month_is_caught_and_the_day_and_year_still_count_as_numbers():
    source = "في ١٥ حزيران/يونيو ٢٠٢٤"
    assert keys(check_dates(source, "ar", "on July 15, 2024", "en")) == ["June"]
    assert check_numbers(source, "ar", "on July 15, 2024", "en") == []
    assert keys(check_numbers(source, "ar", "on June 16, 2024", "en")) == ["15"]


def test_a_numeric_date_needs_its_month_as_a_name_not_as_a_number():
    source = "صدر القرار في ١٥/٦/٢٠٢٤."
    assert months_in(source, "ar") == {6}
    assert check_numbers(source, "ar", "The decision came on June 15, 2024.", "en") == []
    assert check_dates(source, "ar", "The decision came on June 15, 2024.", "en") == []
    assert keys(check_dates(source, "ar", "The decision came on May 15, 2024.", "en")) == ["June"]


def test_arabic_words_that_only_look_like_months_are_not_dates():
    source = "وقال إنه مارس الضغط على شركة نيسان."  # مارس: "he exerted"; نيسان: the carmaker
    assert months_in(source, "ar") == set()
    assert months_in("في ٥ مارس", "ar") == {3} and months_in("مارس/آذار", "ar") == {3}


def test_english_months_in_an_original_must_appear_as_arabic_months():
    source = "The talks began on 5 March 2024."
    assert check_dates(source, "en", "بدأت المحادثات في ٥ آذار ٢٠٢٤.", "ar") == []
    assert check_dates(source, "en", "بدأت المحادثات في ٥ مارس ٢٠٢٤.", "ar") == []
    assert keys(check_dates(source, "en", "بدأت المحادثات في ٥ نيسان ٢٠٢٤.", "ar")) == ["March"]
    assert months_in("They may go in May 2024 or march on.", "en") == {5}


# --- glossary ------------------------------------------------------------------------------------------


TERMS = [
    Term(1, "بوتين", "Putin"),
    Term(2, "بيونغ يانغ", "Pyongyang"),
    Term(3, "كيم جونغ أون", "Kim Jong Un"),
]
SOURCE = "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين. ووقّع كيم جونغ أون اتفاقية مع بوتين."


def test_glossary_terms_rendered_as_approved_pass_whatever_the_order():
    hits = find_terms(SOURCE, "ar", TERMS)
    adaptation = "Kim Jong Un signed a pact with Putin. Pyongyang had rolled out Putin's red carpet."
    assert check_glossary(hits, adaptation, "en") == []


def test_a_glossary_term_not_rendered_as_approved_is_an_error_per_term():
    hits = find_terms(SOURCE, "ar", TERMS)
    findings = check_glossary(hits, "Kim Jong-un signed a pact with Putin in Pyong Yang.", "en")
    assert [(f.key, f.severity) for f in findings] == [("بيونغ يانغ", ERROR), ("كيم جونغ أون", ERROR)]
    assert "Pyongyang" in findings[0].message


def test_an_arabic_rendering_is_found_behind_clitics():
    terms = [Term(1, "Putin", "بوتين", lang="en")]
    hits = find_terms("Kim met Putin.", "en", terms)
    assert check_glossary(hits, "والتقى كيم لبوتين.", "ar") == []
    assert keys(check_glossary(hits, "والتقى كيم بالرئيس الروسي.", "ar")) == ["Putin"]


# --- untranslated text ---------------------------------------------------------------------------------


def test_source_script_left_in_the_adaptation_is_an_error():
    [finding] = check_untranslated("Putin arrived in بيونغ يانغ on Wednesday.", "ar", "en")
    assert (finding.check, finding.severity, finding.key) == ("untranslated", ERROR, "بيونغ يانغ")


def test_a_short_gloss_in_parentheses_is_allowed():
    text = "He addressed the Shura Council (مجلس الشورى) and the crowd chanted “leave” («ارحل»)."
    assert check_untranslated(text, "ar", "en") == []


def test_a_short_quotation_in_the_original_script_is_allowed_a_long_one_is_not():
    assert check_untranslated("The agency wrote «بوتين في بيونغ يانغ» on 19 June.", "ar", "en") == []
    [finding] = check_untranslated("He said “بوتين في بيونغ يانغ اليوم مع الوفد” there.", "ar", "en")
    assert finding.severity == ERROR


def test_a_stray_letter_is_a_warning_and_a_whole_paragraph_an_error():
    assert [(f.severity, f.key) for f in check_untranslated("Putin و Kim met.", "ar", "en")] == [
        (WARNING, "و")
    ]
    pasted = "Putin met Kim.\n\nوقّع الزعيم الكوري الشمالي اتفاقية شراكة استراتيجية جديدة مع بوتين."
    [finding] = check_untranslated(pasted, "ar", "en")
    assert finding.severity == ERROR and finding.key.startswith("وقّع الزعيم")


def test_arabic_indic_digits_in_an_english_adaptation_are_a_warning():
    [finding] = check_untranslated("The first visit in ٢٤ years.", "ar", "en")
    assert (finding.severity, finding.key) == (WARNING, "digits")


def test_latin_names_kept_in_an_arabic_adaptation_are_warnings_a_phrase_an_error():
    findings = check_untranslated(
        "قالت وكالة Reuters إن الاجتماع انتهى. وأضافت: the talks were very productive.", "en", "ar"
    )
    assert [(f.severity, f.key) for f in findings] == [
        (WARNING, "Reuters"),
        (ERROR, "the talks were very productive"),
    ]


def test_languages_sharing_a_script_are_not_checked():
    assert check_untranslated("سفر پوتین به پیونگ یانگ", "ar", "fa") == []
    assert check_untranslated("Le président est arrivé.", "fr", "en") == []


# --- names ---------------------------------------------------------------------------------------------

MT = (
    "Russian President Vladimir Putin met North Korean leader Kim Jong Un in Pyongyang. "
    "Officials said the talks went well. Putin left on Thursday."
)


def test_names_are_read_from_the_machine_draft_without_sentence_openers():
    assert candidate_names(MT) == [
        "Russian",
        "Vladimir Putin",
        "North Korean",
        "Kim Jong Un",
        "Pyongyang",
        "Putin",
    ]


def test_a_name_of_the_machine_draft_missing_from_the_adaptation_is_a_warning():
    adaptation = "Putin met the North Korean leader in Pyongyang; Russian officials were pleased."
    [finding] = check_names("", "ar", MT, adaptation, "en")
    assert (finding.check, finding.severity, finding.key) == ("names", WARNING, "Kim Jong Un")


def test_names_respelled_or_shortened_by_the_adaptor_count_as_kept():
    adaptation = "Putin met Kim Jong-un in Pyongyang, the North Korean capital, to Russian fanfare."
    assert check_names("", "ar", MT, adaptation, "en") == []


def test_names_are_not_checked_without_a_draft_or_in_another_script():
    assert check_names("بوتين", "ar", "", "Someone met someone.", "en") == []
    assert check_names("Putin met Kim.", "en", "", "التقى الرئيسان.", "ar") == []


# --- quotes and brackets -------------------------------------------------------------------------------


def test_balanced_quotes_brackets_and_apostrophes_pass():
    body = 'Putin\'s aide said: “We (both sides) agreed” [as reported]. «Yes», he said. "Fine."'
    assert check_punctuation("Putin's visit (day one)", body) == []


def test_unbalanced_quotes_and_brackets_are_warnings():
    findings = check_punctuation("Putin's visit (day one", 'He said “we agreed. «Yes, he added. "Fine.')
    assert {(f.severity, f.key) for f in findings} == {
        (WARNING, "title ()"),
        (WARNING, "text «»"),
        (WARNING, "text “”"),
        (WARNING, 'text ""'),
    }


def test_a_closing_bracket_with_no_opening_is_a_warning():
    assert keys(check_punctuation("", "The end) of it.")) == ["text ()"]


# --- length and title ----------------------------------------------------------------------------------

LONG_ARABIC = (
    "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية في زيارة هي الأولى منذ سنوات. " * 8
)


def test_a_condensed_adaptation_passes_and_a_stub_or_a_bloated_one_warns():
    chars = sum(1 for c in LONG_ARABIC if not c.isspace())
    condensed = "Pyongyang welcomed Putin. " * round(chars * 1.1 * 0.5 / 22)
    assert check_length(LONG_ARABIC, "ar", condensed, "en") == []
    [short] = check_length(LONG_ARABIC, "ar", "Putin visited.", "en")
    assert (short.severity, short.key) == (WARNING, "short")
    [long] = check_length(LONG_ARABIC, "ar", condensed * 6, "en")
    assert (long.severity, long.key) == (WARNING, "long")


def test_short_originals_have_no_length_check():
    assert check_length("خبر عاجل.", "ar", "Breaking news: a long story follows. " * 20, "en") == []


def test_an_empty_title_is_an_error():
    assert [(f.check, f.severity, f.key) for f in check_title("  ")] == [("empty_title", ERROR, "")]
    assert check_title("A title") == []


# --- all together --------------------------------------------------------------------------------------


def test_a_freely_restructured_faithful_adaptation_raises_nothing():
    source_title = "بوتين في بيونغ يانغ لأول مرة منذ ٢٤ عاماً"
    source_body = (
        "استقبلت بيونغ يانغ يوم ١٩ حزيران/يونيو ٢٠٢٤ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية. "
        "وهي أول زيارة من نوعها منذ ٢٤ عاماً.\n\n"
        "ووقّع كيم جونغ أون وبوتين اتفاقية شراكة، فيما ارتفع التبادل التجاري بنسبة ٩٫٥٪ "
        "ليبلغ ٣٤ مليون دولار."
    )
    title = "Putin in Pyongyang, a first in 24 years"
    body = (
        "A partnership pact signed by Kim Jong Un and Putin crowned a visit that trade figures had "
        "foreshadowed: exchanges rose 9.5 per cent to $34 million.\n\n"
        "Pyongyang greeted the Russian president with Russian flags on June 19, 2024, the first such "
        "visit in two dozen years (24)."
    )
    mt = (
        "Putin in Pyongyang for the first time in 24 years\n\nPyongyang received Russian President Vladimir "
        "Putin on June 19, 2024 with Russian flags. It is the first visit of its kind in 24 years.\n\n"
        "Kim Jong Un and Putin signed a partnership agreement, while trade rose by 9.5% to $34 million."
    )
    findings = run_checks(
        QaInput(
            source_title,
            source_body,
            "ar",
            title,
            body,
            "en",
            terms=find_terms(f"{source_title}\n\n{source_body}", "ar", TERMS),
            mt_text=mt,
        )
    )
    assert findings == []


def test_run_checks_reports_every_check_that_fails():
    findings = run_checks(
        QaInput(
            "عنوان",
            "قتل ٢٤ شخصاً في ١٥ حزيران في بيونغ يانغ.",
            "ar",
            "",
            "Death toll (rises",
            "en",
            terms=find_terms("بيونغ يانغ", "ar", TERMS),
            mt_text="24 people were killed in Pyongyang on June 15.",
        )
    )
    assert {f.check for f in findings} == {
        "empty_title",
        "numbers",
        "dates",
        "glossary",
        "names",
        "punctuation",
    }


# --- numbers written in words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words,value",
    [
        ("خمسة وعشرون", 25),
        ("خمسة وعشرين", 25),
        ("أربعة وعشرين", 24),
        ("اثنا عشر", 12),
        ("إحدى عشرة", 11),
        ("خمسة عشر", 15),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("مئتان", 200),
        ("مائتين", 200),
        ("ألف", 1000),
        ("ألفان", 2000),
        ("ألفين", 2000),
        ("ثلاثة آلاف", 3000),
        ("أحد عشر ألفاً", 11000),
        ("مئة ألف", 100_000),
        ("ألفان وخمسمئة وخمسة وعشرون", 2525),
        ("مليون", 1_000_000),
        ("مليونان", 2_000_000),
        ("ثلاثة ملايين وخمسمائة ألف", 3_500_000),
        ("مليار", 1_000_000_000),
        ("مليارين", 2_000_000_000),
        ("سبعة مليارات", 7_000_000_000),
        ("وخمسة", 5),
        ("twenty-five", 25),
        ("twenty five", 25),
        ("two hundred and fifty", 250),
        ("a hundred", 100),
        ("three thousand five hundred", 3500),
        ("one hundred twenty-three thousand four hundred and five", 123_405),
        ("two million", 2_000_000),
        ("a dozen", 12),
    ],
)
def test_cardinals_in_words_are_read_whole(words, value):
    lang = "en" if words.isascii() else "ar"
    assert [q.key for q in extract_quantities(words, lang)] == [str(value)]


@pytest.mark.parametrize(
    "text,lang",
    [
        ("لم يصب أحد في الحادث", "ar"),  # أحد alone is "anyone"
        ("خرج آلاف الأشخاص إلى الشوارع", "ar"),  # thousands of, no count
        ("لست متأكداً من ذلك", "ar"),  # "I am not", not ل + six
        ("في آن واحد", "ar"),  # "one" is rarely a figure in an original
        ("Thousands of people marched; one of them spoke.", "en"),
        ("a two-year term", "en"),
    ],
)
def test_words_that_only_look_like_figures_are_not_required_in_the_adaptation(text, lang):
    assert [q.key for q in extract_quantities(text, lang) if q.key != "2"] == []


def test_a_figure_in_arabic_words_changed_in_the_adaptation_is_an_error():
    """The issue's case: the reporter wrote 25 years in words; the adaptation still says 24."""
    source = "وهي أول زيارة من نوعها منذ خمسة وعشرين عاماً."
    [finding] = check_numbers(source, "ar", "It is the first such visit in 24 years.", "en")
    assert (finding.severity, finding.key) == (ERROR, "25")
    assert "24" in finding.message and "changed" in finding.message
    for kept in ("the first such visit in 25 years", "the first such visit in twenty-five years"):
        assert check_numbers(source, "ar", kept, "en") == []


def test_digits_and_words_match_across_languages_and_scales():
    assert check_numbers("نزح ثلاثة ملايين وخمسمائة ألف شخص.", "ar", "3.5 million people fled.", "en") == []
    assert check_numbers("نزح ثلاثة ملايين شخص.", "ar", "Three million people fled.", "en") == []
    assert check_numbers("بلغت الصادرات ١٥ مليار دولار.", "ar", "Exports reached $15bn.", "en") == []
    assert check_numbers("قتل ٢٠٠ شخص.", "ar", "Two hundred people were killed.", "en") == []
    assert check_numbers("Two hundred and fifty people came.", "en", "حضر ٢٥٠ شخصاً.", "ar") == []
    assert check_numbers("Two hundred and fifty people came.", "en", "حضر مئتان وخمسون شخصاً.", "ar") == []
    [missing] = check_numbers("قتل ألفا شخص.", "ar", "Many people were killed.", "en")
    assert missing.key == "1000"


def test_duals_count_as_two_of_their_scale():
    assert check_numbers("جمع الصندوق مليوني دولار.", "ar", "The fund raised $2 million.", "en") == []
    [changed] = check_numbers("جمع الصندوق مليوني دولار.", "ar", "The fund raised $3 million.", "en")
    assert changed.key == "2000000"
    assert check_numbers("جمع الصندوق مليونين.", "ar", "The fund raised two million.", "en") == []
    assert check_numbers("شارك ألفان في المسيرة.", "ar", "2,000 people marched.", "en") == []


def test_a_percentage_in_words_stays_a_percentage():
    assert [q.key for q in extract_quantities("ارتفع بنسبة خمسة عشر بالمئة", "ar")] == ["15%"]
    assert check_numbers("ارتفع بنسبة خمسة عشر بالمئة", "ar", "It rose 15%.", "en") == []


@pytest.mark.parametrize(
    "adaptation,lang",
    [
        ("إنها أول زيارة من نوعها منذ ٢٤ عاماً.", "ar"),
        ("إنها أول زيارة من نوعها منذ 24 عاماً.", "ar"),
        ("إنها أول زيارة من نوعها منذ أربعة وعشرين عاماً.", "ar"),
        ("It is the first such visit in 24 years.", "en"),
        ("It is the first such visit in twenty-four years.", "en"),
    ],
)
def test_a_figure_in_english_words_changed_in_the_adaptation_is_an_error(adaptation, lang):
    source = "It is the first such visit in twenty-five years."
    [finding] = check_numbers(source, "en", adaptation, lang)
    assert (finding.check, finding.severity, finding.key) == ("numbers", ERROR, "25")
    assert "twenty-five (25)" in finding.message and "24" in finding.message and "changed" in finding.message


@pytest.mark.parametrize(
    "adaptation,lang",
    [
        ("إنها أول زيارة من نوعها منذ ٢٥ عاماً.", "ar"),
        ("إنها أول زيارة من نوعها منذ خمسة وعشرين عاماً.", "ar"),
        ("It is the first such visit in 25 years.", "en"),
        ("It is the first such visit in a quarter of a century, twenty-five years.", "en"),
    ],
)
def test_a_figure_in_english_words_kept_in_any_form_passes(adaptation, lang):
    assert check_numbers("It is the first such visit in twenty-five years.", "en", adaptation, lang) == []
