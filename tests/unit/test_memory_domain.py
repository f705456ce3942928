"""Translation-memory functions: segment keys, aligning a draft with the published text, fuzzy ranking."""

from __future__ import annotations

from workflow.domain.memory import (
    MIN_ALIGNMENT,
    MIN_MATCH,
    Probe,
    align,
    align_by_shape,
    key_words,
    length_window,
    probe_words,
    rank,
    segment_key,
    source_hash,
)


def test_segment_keys_fold_marks_variants_case_and_spaces():
    assert segment_key("  وصلَ   بُوتـين إلى  أنقرة ") == segment_key("وصل بوتين الى انقرة")
    assert segment_key("Putin  ARRIVED") == "putin arrived"
    assert source_hash("وصلَ بوتين.") == source_hash("وصل بوتين.")
    assert source_hash("وصل بوتين.") != source_hash("وصل بوتين")  # punctuation still counts
    assert len(source_hash("x")) == 64


def test_alignment_pairs_each_sentence_with_its_published_rendering_in_order():
    segments = [
        ("أ", "Putin arrived in Pyongyang on Wednesday."),
        ("ب", "It is the first visit in 24 years."),
        ("ج", "The leaders signed an agreement."),
        ("د", None),
    ]
    published = [
        "A report by Ahmad Abdallah.",
        "Putin landed in Pyongyang on Wednesday.",
        "It is the first visit in 24 years.",
        "Weather was fine.",
        "The two leaders signed an agreement.",
    ]
    pairs = align(segments, published)
    assert [(p.source, p.target) for p in pairs] == [
        ("أ", "Putin landed in Pyongyang on Wednesday."),
        ("ب", "It is the first visit in 24 years."),
        ("ج", "The two leaders signed an agreement."),
    ]
    assert pairs[1].score == 100 and MIN_ALIGNMENT <= pairs[0].score < 100


def test_alignment_drops_sentences_the_adaptor_rewrote_beyond_recognition():
    pairs = align(
        [("أ", "The agreement covers energy and transport.")], ["Moscow and Pyongyang grow closer."]
    )
    assert pairs == []
    assert align([], ["x"]) == [] and align([("أ", "x")], []) == []


def test_alignment_never_crosses_over():
    segments = [
        ("1", "It is the first visit of its kind in 24 years."),
        ("2", "Follow us on our Telegram channel."),
    ]
    published = ["Follow us on our Telegram channel.", "It is the first visit of its kind in 24 years."]
    assert len(align(segments, published)) == 1


def test_length_window_bounds_what_can_reach_the_score():
    low, high = length_window(100)
    assert low < 100 < high
    assert rank("a" * 100, ["a" * (low - 1)], limit=1) == []


def test_rank_finds_close_sentences_best_first():
    choices = [
        segment_key(s)
        for s in [
            "It is the first visit of its kind in 24 years.",
            "Something else entirely.",
            "It is the first visit of its kind in 25 years.",
        ]
    ]
    ranked = rank("It is the first visit of its kind in 24 years.", choices, limit=3)
    assert [i for i, _ in ranked] == [0, 2]
    assert ranked[0][1] == 100 and MIN_MATCH <= ranked[1][1] < 100


def test_partial_rank_finds_a_phrase_inside_sentences():
    choices = [segment_key("وصل بوتين إلى بيونغ يانغ فجر الأربعاء."), segment_key("الطقس جميل")]
    assert [i for i, _ in rank("بيونغ يانغ", choices, limit=5, partial=True)] == [0]


def test_a_text_that_kept_its_shape_pairs_by_position_surely():
    segments = [("أ", 0), ("ب", 0), ("ج", 1)]
    kept = [("Rewritten freely.", 0), ("Second.", 0), ("Third.", 1)]
    assert [(p.source, p.target, p.score) for p in align_by_shape(segments, kept)] == [
        ("أ", "Rewritten freely.", 100),
        ("ب", "Second.", 100),
        ("ج", "Third.", 100),
    ]
    assert align_by_shape(segments, [("One.", 0), ("Two.", 1), ("Three.", 1)]) == []
    assert align_by_shape(segments, kept[:2]) == []
    assert align_by_shape([], []) == []


def test_key_words_split_on_spaces_and_punctuation_once_each():
    key = segment_key("The minister said: «talks», the minister's e-mail… قال، الوزير؟")
    assert key_words(key) == ["the", "minister", "said", "talks", "s", "e", "mail", "قال", "الوزير"]
    assert key_words(segment_key("— … !")) == []


def test_probe_words_leave_out_common_words_carrying_less_than_a_match_keeps():
    words = ["the", "minister", "said", "talks", "would", "resume", "in", "cairo", "on", "monday"]
    frequency = {
        "the": 0.5,
        "said": 0.2,
        "in": 0.3,
        "on": 0.3,
        "would": 0.1,
        "minister": 0.01,
        "monday": 0.02,
    }
    probe = probe_words(words, frequency)
    # 56 characters with separators: a match keeps 0.3 of them (16.8); for two probe words, the common words
    # left out and the longest word (9) stay under it: "the" and "in" (7); adding "on" (3) would not
    assert (sorted(probe.words), probe.need) == (
        sorted(["minister", "said", "talks", "would", "resume", "cairo", "on", "monday"]),
        2,
    )
    assert ("minister", "monday") in probe.pairs and len(probe.pairs) == 28
    # without statistics nothing is known to be common: every word is probed, two of them needed
    assert sorted(probe_words(words, {}).words) == sorted(words)
    # one word: it is the probe
    assert probe_words(["one"], {"one": 0.9}) == Probe(["one"], 1)


def test_probe_words_ask_for_one_when_two_cannot_be_promised():
    words = ["a", "b", "extraordinarily"]  # the longest word alone carries more than a match must keep
    assert probe_words(words, {"a": 0.5, "b": 0.4}) == Probe(["extraordinarily", "b"], 1)  # "a" left out
