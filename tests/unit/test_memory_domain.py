"""Translation-memory functions: segment keys, aligning a draft with the published text, fuzzy ranking."""

from __future__ import annotations

import random

import pytest

from workflow.domain.memory import (
    MIN_ALIGNMENT,
    MIN_KEPT_SHARE,
    MIN_KEPT_SHARE_SHORT,
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


def test_probe_words_leave_out_common_words_while_two_probe_words_are_still_needed():
    words = ["the", "minister", "said", "talks", "would", "resume", "in", "cairo", "on", "monday"]
    units = {
        "the": 500,
        "said": 200,
        "in": 300,
        "on": 300,
        "would": 100,
        "minister": 10,
        "monday": 20,
        "talks": 5,
    }
    probe = probe_words(words, units, common=150)
    # 56 characters with separators: a match keeps 0.3 of them (16.8). "the" (4) and "in" (3) go: 9.8 is still
    # more than the longest word left in ("minister", 9); "on" (3) would leave 6.8, which one word could carry
    assert probe.mass == {"minister": 9, "said": 5, "talks": 6, "would": 6, "on": 3, "monday": 7}
    assert probe.need == pytest.approx(16.8 - 7)
    # words no unit holds ("resume", "cairo") cannot be shared: they are not probed, but still count in the share
    assert "resume" not in probe.mass
    # nothing is common at the default threshold: every word a unit holds is probed, the whole share needed
    assert probe_words(words, units).need == pytest.approx(16.8)
    assert set(probe_words(words, units).mass) == set(units)
    # one word: it is the probe
    assert probe_words(["one"], {"one": 10**6}, common=1) == Probe({"one": 4}, pytest.approx(0.8))


def test_probe_words_never_leave_out_a_word_one_probe_word_could_replace():
    words = ["a", "b", "extraordinarily"]  # the longest word alone carries more than a match must keep
    probe = probe_words(words, {"a": 900, "b": 800, "extraordinarily": 1}, common=10)
    assert probe.mass == {"a": 2, "b": 2, "extraordinarily": 16} and probe.need == pytest.approx(4)


VOCABULARY = [
    "a",
    "in",
    "the",
    "said",
    "talks",
    "minister",
    "extraordinarily",
    "في",
    "الوزير",
    "المفاوضات",
    "x" * 30,
]


def test_a_unit_keeping_a_matchs_share_always_shares_the_probes_need():
    """Pigeonhole: whatever words a unit keeps, if they carry the share a match keeps, it is a candidate."""
    rng = random.Random(5)
    for _ in range(3000):
        words = list(dict.fromkeys(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 18))))
        units = {w: rng.choice([0, 3, 50, 5000, 80000, 400000]) for w in words}
        probe = probe_words(words, units, common=rng.choice([10, 1000, 20000]))
        mass = sum(len(w) + 1 for w in words)
        floor = (MIN_KEPT_SHARE if len(words) >= 7 else MIN_KEPT_SHARE_SHORT) * mass
        # a unit keeping random words, and the hardest case: every word left out, then probe words, shortest first
        hardest = [w for w in words if units[w] and w not in probe.mass]
        for word in sorted(probe.mass, key=len):
            if sum(len(w) + 1 for w in hardest) >= floor:
                break
            hardest.append(word)
        for kept in ([w for w in words if units[w] and rng.random() < 0.6], hardest):
            if sum(len(w) + 1 for w in kept) >= floor:
                assert sum(probe.mass.get(w, 0) for w in kept) >= probe.need - 1e-9, (words, units, kept)
        if len(probe.mass) < len([w for w in words if units[w]]):  # something was left out: two words needed
            assert probe.need > max(probe.mass.values())
