"""Post-editing effort on words: 0 for an untouched draft, about 100 for a rewrite, in between for edits."""

from __future__ import annotations

import pytest

from workflow.domain.effort import (
    MAX_SECONDS_PER_SAVE,
    SLACK_SECONDS,
    effort_score,
    effort_tokens,
    seconds_allowed,
)

TITLE = "Putin's historic visit to North Korea"
BODY = (
    "Pyongyang welcomed the Russian president with Russian flags. It is the first visit of its kind "
    "in 24 years.\n\nKim Jong Un signed a new strategic partnership with Putin, both sides said."
)


def test_an_untouched_draft_scores_zero():
    assert effort_score(TITLE, BODY, TITLE, BODY) == 0.0


def test_whitespace_and_paragraph_layout_are_not_effort():
    relaid = BODY.replace("\n\n", "\n").replace(". ", ".  ")
    assert effort_score(TITLE, BODY, f"  {TITLE} ", relaid) == 0.0


def test_a_full_rewrite_scores_about_100():
    rewrite_title = "Moscow and Pyongyang seal a pact"
    rewrite_body = (
        "Vladimir Putin landed in Pyongyang on Wednesday for his first trip there since 2000; "
        "crowds lined streets as Kim greeted him at dawn."
    )
    assert effort_score(TITLE, BODY, rewrite_title, rewrite_body) >= 95


def test_a_completely_different_text_scores_exactly_100():
    assert effort_score("a b c", "d e f g", "h i", "j k l m n o") == 100.0


def test_partial_edits_score_in_between_and_grow_with_the_edit():
    light = BODY.replace("welcomed", "greeted")
    heavy = light.replace("the first visit of its kind in 24 years", "his first trip there since 2000")
    light_score = effort_score(TITLE, BODY, TITLE, light)
    heavy_score = effort_score(TITLE, BODY, TITLE, heavy)
    assert 0 < light_score < 5
    assert light_score < heavy_score < 50


def test_arabic_and_punctuation_are_tokens_too():
    assert effort_tokens("بوتين يزور", "قال، نعم.") == ["بوتين", "يزور", "\u2029", "قال", "،", "نعم", "."]
    assert 0 < effort_score("", "قال، نعم.", "", "قال: نعم.") < 50


def test_empty_texts():
    assert effort_score("", "", "", "") == 0.0
    assert effort_score("", "", "Title", "Body text.") == 100.0
    assert effort_score("Title", "Body text.", "", "") == 100.0


def test_a_word_moved_between_title_and_body_is_an_edit():
    assert effort_score("Putin visits", "Pyongyang.", "Putin", "visits Pyongyang.") > 0


@pytest.mark.parametrize(
    ("elapsed", "allowed"),
    [(0, SLACK_SECONDS), (-50, SLACK_SECONDS), (600, 600 + SLACK_SECONDS), (10**7, MAX_SECONDS_PER_SAVE)],
)
def test_seconds_allowed_follow_the_wall_clock_with_slack_and_a_cap(elapsed, allowed):
    assert seconds_allowed(elapsed) == allowed
